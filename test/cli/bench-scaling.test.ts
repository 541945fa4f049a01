// Goal: `nvmesim bench --cases scaling` runs the grid the README's table shows: CPUs 1, 16, 256, 1024 and 4096;
// iodepth 1, 32, 1024 and 65535 (on a queue deep enough); I/O counts up to the --ios given; and 1024 I/Os in
// flight laid out on 1, 32 and 1024 CPUs. The timings themselves are never checked (a shared machine).
import { describe, expect, it } from "vitest";
import { benchScaling, cpuCases, SCALING_CPUS, scalingCases, scalingTable } from "../../src/cli/bench-scaling";
import type { Io } from "../../src/cli/io";
import { simulate } from "../../src/run/simulate";
import { loadNvmesim } from "../../src/wasm/node";

type Workload = { numjobs: number; iodepth: number };

describe("bench scaling cases", () => {
  it("covers CPUs, depth, I/O count and the in-flight layouts", () => {
    const cases = scalingCases(1e8);
    const of = (d: string) => cases.filter((c) => c.dimension === d);
    expect(of("cpus").map((c) => c.value)).toEqual([1, 16, 256, 1024, 4096]);
    for (const c of of("cpus")) {
      const w = c.config.workload as Workload;
      expect([c.config.cpus, w.numjobs, w.iodepth, c.ios]).toEqual([c.value, c.value, 32, 1e7]);
    }
    expect(cpuCases(2e6).map((c) => [c.value, c.ios])).toEqual(SCALING_CPUS.map((n) => [n, 2e6]));
    expect(of("iodepth").map((c) => c.value)).toEqual([1, 32, 1024, 65535]);
    for (const c of of("iodepth")) expect(c.config.qDepth as number).toBeGreaterThan(c.value);
    expect(of("ios").map((c) => c.ios)).toEqual([1e6, 1e7, 1e8]);
    expect(
      scalingCases(1e7)
        .filter((c) => c.dimension === "ios")
        .map((c) => c.ios),
    ).toEqual([1e6, 1e7]);
    const layouts = of("cpus@1024");
    expect(layouts.map((c) => c.value)).toEqual([1, 32, 1024]);
    for (const c of layouts) {
      const w = c.config.workload as Workload;
      expect([c.config.cpus, w.numjobs * w.iodepth]).toEqual([c.value, 1024]);
    }
  });

  it("prints an in-flight layout as CPUs x iodepth", () => {
    const table = scalingTable([
      {
        dimension: "cpus@1024",
        value: 32,
        ios: 1e6,
        seconds: 0.3,
        wallNsPerIo: 300,
        runNsPerIo: 280,
        eventsPerIo: 3.2,
        wallNsPerEvent: 94,
        wasmMiB: 4.6,
      },
    ]);
    expect(table).toMatch(/^cpus@1024 +32x32 +1e\+6 +300 +280 +- +3\.20 +94 +4\.6$/m);
  });

  it("counts the engine's events per run: six per I/O with one in flight, fewer on a busy CPU", async () => {
    const m = await loadNvmesim();
    const eventsPerIo = async (cpus: number, iodepth: number) => {
      const layout = scalingCases(1e6).find((c) => c.dimension === "cpus@1024" && c.value === 1)!;
      const config = {
        ...layout.config,
        cpus,
        workload: { ...(layout.config.workload as object), numjobs: cpus, iodepth, number_ios: 20_000 },
      };
      const result = await simulate(m, config);
      return Number(m.exports.engineEvents()) / result.jobs[0].read.total_ios;
    };
    // One I/O in flight: the thread's submission, the fetch, the media's end, the interrupt, and the thread's two
    // runs after it (the plug's end, the look for completions).
    expect(await eventsPerIo(1, 1)).toBeCloseTo(6, 2);
    expect(await eventsPerIo(16, 1)).toBeCloseTo(6, 2);
    // A busy CPU takes several completions per interrupt and submits several I/Os per run.
    const busy = await eventsPerIo(1, 1024);
    expect(busy).toBeGreaterThan(3);
    expect(busy).toBeLessThan(4);
    // Each run counts from its own engineInit.
    expect(await eventsPerIo(1, 1)).toBeCloseTo(6, 2);
  });

  it("times each CPU case after its start-up and sets it beside the 1-CPU case", async () => {
    const io = { stdout: () => {}, stderr: () => {} } as unknown as Io;
    const rows = await benchScaling(io, 4e5, cpuCases(4e5).slice(0, 2));
    expect(rows.map((r) => [r.value, r.ios])).toEqual([
      [1, 4e5],
      [16, 4e5],
    ]);
    for (const r of rows) {
      expect(Number.isFinite(r.runNsPerIo) && r.runNsPerIo > 0).toBe(true);
      // Start-up is out of the one and in the other: they are different figures.
      expect(r.runNsPerIo).not.toBe(r.wallNsPerIo);
    }
    expect(rows[0].vsOneCpu).toBe(1);
    expect(rows[1].vsOneCpu).toBeCloseTo(rows[1].runNsPerIo / rows[0].runNsPerIo, 9);
    expect(scalingTable(rows)).toMatch(/^cpus +16 +4e\+5 +\d+ +\d+ +\d+\.\d\dx /m);
  });
});
