// Goal: the C build of the kernel loop that `nvmesim bench` times against the Wasm loop does the same work:
// the same checksum, I/O count and final simulated time as the Wasm loop and the TypeScript reference, for
// one-page, list and chained-list transfers and buffers that start mid-page.
import { describe, expect, it } from "vitest";
import { buildKernelC, runKernelC } from "../../src/cli/bench-native";
import { KERNEL_LOOP_DEFAULTS, runKernelLoop } from "../../src/run/kernel-loop";
import { loadNvmesim } from "../../src/wasm/node";
import { runRefKernel } from "../reference/kernel";

const native = buildKernelC();

describe.skipIf("skipped" in native)("the kernel loop in C", () => {
  for (const ioBytes of [4096, 6144, 131072, 4 << 20]) {
    it(`matches the Wasm loop and the reference at ${ioBytes} bytes`, async () => {
      const config = { ...KERNEL_LOOP_DEFAULTS, ioBytes, ios: ioBytes > 1 << 20 ? 2000 : 50_000, seed: 7n };
      const c = runKernelC((native as { path: string }).path, config);
      const wasm = runKernelLoop(await loadNvmesim(), config);
      const ref = runRefKernel(config);
      expect(c.errors).toBe(0);
      expect([c.ios, c.checksum]).toEqual([wasm.ios, wasm.checksum]);
      expect(c.checksum).toBe(ref.checksum);
      expect(c.seconds).toBeGreaterThan(0);
    });
  }
});
