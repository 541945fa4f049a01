// Goal: the C builds of the kernel loop that `nvmesim bench` times against the Wasm loop (native with cc,
// and to Wasm with clang) do the same work: the same checksum and I/O count as the Wasm loop and the
// TypeScript reference, for one-page, list and chained-list transfers and buffers that start mid-page.
import { describe, expect, it } from "vitest";
import {
  buildKernelC,
  buildKernelCWasm,
  loadKernelCWasm,
  runKernelC,
  runKernelCWasm,
} from "../../src/cli/bench-native";
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

const cWasm = buildKernelCWasm();

describe.skipIf("skipped" in cWasm)("the kernel loop in C compiled to Wasm by clang", () => {
  it("matches the AssemblyScript loop at every size, run after run in one instance", async () => {
    const e = loadKernelCWasm((cWasm as { path: string }).path);
    const m = await loadNvmesim();
    for (const ioBytes of [4096, 6144, 131072, 4 << 20]) {
      const config = { ...KERNEL_LOOP_DEFAULTS, ioBytes, ios: ioBytes > 1 << 20 ? 2000 : 25_000, seed: 3n };
      const wasm = runKernelLoop(m, config);
      const c = runKernelCWasm(e, config);
      expect(c, `${ioBytes} bytes`).toEqual({ ios: wasm.ios, checksum: wasm.checksum, errors: 0 });
      expect(e.kl_now_ns()).toBe(wasm.simulatedNs);
    }
    expect(() => runKernelCWasm(e, { ...KERNEL_LOOP_DEFAULTS, ioBytes: 1000 })).toThrow(/rejected its configuration/);
  });
});
