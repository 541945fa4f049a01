// Goal: `nvmesim bench --baseline` times another build beside this one, runs alternating, and says whether it
// ended where this build does; a baseline it cannot load is one line naming the flag. The timings themselves
// are never checked (this machine is shared): only that every case ran and what it ended with, and that the
// ratios to the C builds are the ones its runs give.
import { describe, expect, it } from "vitest";
import type { BenchRow } from "../../src/cli/bench";
import { buildKernelC, buildKernelCWasm } from "../../src/cli/bench-native";
import { WASM_PATH } from "../../src/wasm/build";
import { runCli } from "./run-cli";

describe("nvmesim bench: --baseline and the ratios", () => {
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
      if (cWasm) {
        expect(cWasm).toMatchObject({ ios: 2000, checksum: own.checksum });
        // What the AssemblyScript costs beyond what V8 costs any Wasm: this build over clang's, same run.
        expect(own.ratioVsCWasm).toBeCloseTo(cWasm.seconds / own.seconds, 6);
      } else expect(own.ratioVsCWasm).toBeUndefined();
      // The event queue alone on this loop's own pushes and pops (the bench fails when the replay goes
      // otherwise than the run), for this build only.
      expect(own.queueNsPerIo).toBeGreaterThan(0);
      expect(baseline.queueNsPerIo).toBeUndefined();
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
      // The queue alone, and what it leaves the model were its other work to cost the kernel loop's.
      const kernel = byCase.get("kernel-4k-wasm")!;
      const kernelNs = 1e9 / kernel.iosPerSec;
      expect(own.queueNsPerIo).toBeGreaterThan(0);
      expect(own.ratioVsKernelAtMost).toBeCloseTo(kernelNs / (own.queueNsPerIo! + kernelNs - kernel.queueNsPerIo!), 6);
      expect(own.ratioVsQueue).toBeCloseTo(1e9 / own.iosPerSec / own.queueNsPerIo!, 9);
    }
    const table = await runCli("bench", "--cases", "sim", "--ios", "2000", "--repeat", "1", "--baseline", WASM_PATH);
    expect(table.stdout).toMatch(/vs base/);
    expect(table.stdout).toMatch(/sim-rw_page-4k-baseline .*\(as this build\)/);
    expect(table.stdout).toMatch(
      /^sim-rw_page-4k .*\(6\.\d\d events per I\/O, \d+ ns each; the queue alone \d+ ns per I\/O; \d+\.\d\dx the queue alone\)$/m,
    );
    // The targets this run measured, each with its goal and whether it was met.
    expect(table.stdout).toMatch(
      /^sim-rw_page-4k ns per I\/O \/ the queue alone +\d+\.\d\dx +<= 2\.00x +(met|NOT MET)$/m,
    );
    expect(table.stdout).toMatch(/^sim-blk-mq-4k \/ its baseline +\d+\.\d\dx +>= 0\.90x +(met|NOT MET)$/m);
    expect(table.stdout).toMatch(/^\d of 4 targets met in this run$/m);
  });

  it("gives each repeat's ratio to the C build beside the median's, which lies within them", async () => {
    const repeat = 3;
    const out = await runCli("bench", "--cases", "kernel", "--ios", "2000", "--repeat", String(repeat), "--json");
    expect(out.code, out.stderr).toBe(0);
    const rows = JSON.parse(out.stdout) as BenchRow[];
    const hasC = !("skipped" in buildKernelC());
    for (const r of rows.filter((row) => row.case.endsWith("-wasm"))) {
      if (!hasC) {
        expect(r.ratioVsCRuns).toBeUndefined();
        continue;
      }
      const c = rows.find((row) => row.case === r.case.replace(/-(c-)?wasm$/, "-c"))!;
      // Each repeat's ratio is that repeat's C time over this case's time.
      expect(r.ratioVsCRuns).toEqual(r.runsSeconds.map((t, i) => c.runsSeconds[i] / t));
      expect(r.ratioVsC).toBeGreaterThanOrEqual(Math.min(...r.ratioVsCRuns!) - 1e-12);
      expect(r.ratioVsC).toBeLessThanOrEqual(Math.max(...r.ratioVsCRuns!) + 1e-12);
    }
    // clang's module, run right after this one's in each repeat: the pair's ratio per repeat
    for (const r of rows.filter((row) => row.ratioVsCWasm !== undefined)) {
      const clang = rows.find((row) => row.case === r.case.replace(/-wasm$/, "-c-wasm"))!;
      expect(r.ratioVsCWasmRuns).toEqual(r.runsSeconds.map((t, i) => clang.runsSeconds[i] / t));
    }
    if (hasC) {
      const table = await runCli("bench", "--cases", "kernel", "--ios", "2000", "--repeat", "2");
      expect(table.stdout).toMatch(/^kernel-4k-wasm .*\(vs c per run \d+\.\d\d-\d+\.\d\dx[;)]/m);
      if (rows.some((row) => row.ratioVsCWasm !== undefined))
        expect(table.stdout).toMatch(/^kernel-4k-wasm .*\d\.\d\dx c-wasm \(per run \d+\.\d\d-\d+\.\d\dx\)/m);
    }
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
