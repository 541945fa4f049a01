// Goal: `nvmesim bench --baseline` times another build beside this one, runs alternating, and says whether it
// ended where this build does; a baseline it cannot load is one line naming the flag. The timings themselves
// are never checked (this machine is shared): only that every case ran and what it ended with.
import { describe, expect, it } from "vitest";
import type { BenchRow } from "../../src/cli/bench";
import { buildKernelCWasm } from "../../src/cli/bench-native";
import { WASM_PATH } from "../../src/wasm/build";
import { runCli } from "./run-cli";

describe("nvmesim bench --baseline", () => {
  it("runs the baseline build on the kernel and sim cases and compares what they ended with", async () => {
    const out = await runCli(
      "bench",
      "--cases",
      "kernel,sim",
      "--ios",
      "2000",
      "--repeat",
      "1",
      "--baseline",
      WASM_PATH,
      "--json",
    );
    expect(out.code, out.stderr).toBe(0);
    const rows = JSON.parse(out.stdout) as BenchRow[];
    const byCase = new Map(rows.map((r) => [r.case, r]));
    for (const name of ["kernel-4k", "kernel-128k"]) {
      const own = byCase.get(`${name}-wasm`)!;
      const baseline = byCase.get(`${name}-baseline`)!;
      expect(baseline.checksum).toBe(own.checksum);
      expect(baseline.sameAsThisBuild).toBe(true);
      expect(own.ratioVsBaseline).toBeGreaterThan(0);
      // The C loop built by clang to Wasm, where the machine has clang: one more row, the same checksum.
      const cWasm = byCase.get(`${name}-c-wasm`);
      expect(cWasm === undefined).toBe("skipped" in buildKernelCWasm());
      if (cWasm) expect(cWasm).toMatchObject({ ios: 2000, checksum: own.checksum });
    }
    for (const name of ["sim-rw_page-4k", "sim-blk-mq-4k"]) {
      const own = byCase.get(name)!;
      const baseline = byCase.get(`${name}-baseline`)!;
      expect(baseline).toMatchObject({ ios: 2000, sameAsThisBuild: true, checksum: own.checksum });
      expect(own.ratioVsBaseline).toBeGreaterThan(0);
      // The full model against the kernel loop, the ratio, and the events it dispatched: six per I/O
      // here (the first submissions add a few).
      expect(own.ratioVsKernel).toBeCloseTo(own.iosPerSec / byCase.get("kernel-4k-wasm")!.iosPerSec, 6);
      expect(own.eventsPerIo).toBeGreaterThanOrEqual(6);
      expect(own.eventsPerIo).toBeLessThan(6.1);
      expect(baseline.eventsPerIo).toBe(own.eventsPerIo);
    }
    const table = await runCli("bench", "--cases", "sim", "--ios", "2000", "--repeat", "1", "--baseline", WASM_PATH);
    expect(table.stdout).toMatch(/vs base/);
    expect(table.stdout).toMatch(/sim-rw_page-4k-baseline .*\(as this build\)/);
    expect(table.stdout).toMatch(/^sim-rw_page-4k .*\(6\.\d\d events per I\/O, \d+ ns each\)$/m);
  });

  it("refuses a baseline it cannot read or instantiate, naming the flag and the file", async () => {
    const missing = await runCli("bench", "--cases", "sim", "--baseline", "/nonexistent/old.wasm");
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--baseline '\/nonexistent\/old\.wasm': cannot read it \(ENOENT\)/);
    const notWasm = await runCli(
      "bench",
      "--cases",
      "sim",
      "--baseline",
      WASM_PATH.replace(/nvmesim\.wasm$/, "../package.json"),
    );
    expect(notWasm.code).toBe(2);
    expect(notWasm.stderr).toMatch(/--baseline '.*package\.json': not an nvmesim WebAssembly module/);
  });
});
