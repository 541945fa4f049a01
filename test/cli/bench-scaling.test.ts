// Goal: `nvmesim bench --cases scaling` runs the grid the README's table shows: CPUs 1, 16, 256 and 1024;
// iodepth 1, 32, 1024 and 65535 (on a queue deep enough); I/O counts up to the --ios given; and 1024 I/Os in
// flight laid out on 1, 32 and 1024 CPUs. The timings themselves are never checked (a shared machine).
import { describe, expect, it } from "vitest";
import { scalingCases, scalingTable } from "../../src/cli/bench-scaling";

type Workload = { numjobs: number; iodepth: number };

describe("bench scaling cases", () => {
  it("covers CPUs, depth, I/O count and the in-flight layouts", () => {
    const cases = scalingCases(1e8);
    const of = (d: string) => cases.filter((c) => c.dimension === d);
    expect(of("cpus").map((c) => c.value)).toEqual([1, 16, 256, 1024]);
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
      { dimension: "cpus@1024", value: 32, ios: 1e6, seconds: 0.3, wallNsPerIo: 300, wasmMiB: 4.6 },
    ]);
    expect(table).toMatch(/^cpus@1024 +32x32 +1e\+6 +300 +4\.6$/m);
  });
});
