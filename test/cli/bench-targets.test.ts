// Goal: the bench's targets table holds one row per target a run measured, with the goal's direction right
// (a floor for speed ratios, a ceiling for costs and times) and "met" only when the figure is on the right side.
import { describe, expect, it } from "vitest";
import type { BenchRow } from "../../src/cli/bench";
import type { ScalingRow } from "../../src/cli/bench-scaling";
import { benchTargets, targetsTable } from "../../src/cli/bench-targets";

const row = (r: Partial<BenchRow> & { case: string }): BenchRow =>
  ({ iosPerSec: 1e7, ios: 1e6, seconds: 0.1, runsSeconds: [0.1], checksum: "0", ...r }) as BenchRow;
const cpus = (value: number, vsOneCpu: number): ScalingRow => ({
  dimension: "cpus",
  value,
  ios: 1e7,
  seconds: 1,
  wallNsPerIo: 300,
  runNsPerIo: 290,
  vsOneCpu,
  eventsPerIo: 3.3,
  wallNsPerEvent: 90,
  wasmMiB: 10,
});

describe("bench targets", () => {
  it("takes each measured ratio with its goal and direction", () => {
    const targets = benchTargets(
      [
        row({ case: "kernel-4k-wasm", ratioVsCWasm: 0.91 }),
        row({ case: "kernel-128k-wasm", ratioVsCWasm: 0.89 }),
        // 250 ns per I/O against 100 for its queue: 2.5x
        row({ case: "sim-blk-mq-4k", iosPerSec: 4e6, queueNsPerIo: 100, ratioVsQueue: 2.5, ratioVsBaseline: 1.1 }),
        row({ case: "sim-blk-mq-4k-baseline", iosPerSec: 4e6 }),
      ],
      [cpus(1, 1), cpus(16, 1.2), cpus(256, 1.15), cpus(1024, 1.31)],
      [
        {
          case: "cli-start",
          command: "--help",
          checkoutMs: 151,
          packedMs: 100,
          tsxMs: 200,
          nodeMs: 60,
          ratioVsPacked: 1.5,
          starts: 9,
        },
      ],
      [
        { case: "cli-run", cpus: 1, checkoutMs: 300, starts: 3 },
        { case: "cli-run", cpus: 4096, checkoutMs: 999, starts: 3 },
      ],
    );
    expect(targets.map((t) => [t.target, t.kind, t.limit, t.met])).toEqual([
      ["kernel-4k-wasm / kernel-4k-c-wasm", "min", 0.9, true],
      ["kernel-128k-wasm / kernel-128k-c-wasm", "min", 0.9, false],
      ["sim-blk-mq-4k ns per I/O / the queue alone", "max", 2, false],
      ["sim-blk-mq-4k / its baseline", "min", 0.9, true],
      ["256 CPUs / 1 CPU, ns per I/O", "max", 1.15, true],
      ["1024 CPUs / 1 CPU, ns per I/O", "max", 1.3, false],
      ["start: --help", "max", 150, false],
      ["a 30,000-I/O run on 4096 CPUs", "max", 1000, true],
    ]);
    expect(targets[2].measured).toBeCloseTo(2.5, 9);
    const table = targetsTable(targets);
    expect(table).toMatch(/^1024 CPUs \/ 1 CPU, ns per I\/O +1\.31x +<= 1\.30x +NOT MET$/m);
    expect(table).toMatch(/^a 30,000-I\/O run on 4096 CPUs +999ms +<= 1000ms +met$/m);
    expect(table).toMatch(/^4 of 8 targets met in this run$/m);
  });

  it("gives no target for a case that did not run", () => {
    expect(benchTargets([], [], [], [])).toEqual([]);
  });
});
