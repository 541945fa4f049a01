// The sweep cases of nvmesim bench: points per second with 1 and 2 worker
// threads on the same grid, side by side in one run (the ratio is the
// target), and the 196-point grid of the issue timed end to end with the
// process's peak memory. Points per second count from the start of the run
// to the last point recorded; writing the outputs comes after.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runSweep } from "../sweep/run";
import { parseSpec, type SweepSpec } from "../sweep/spec";
import type { Io } from "./io";

const BASE = { cpus: 4, workload: { rw: "randread", number_ios: 1_000_000 } };
const IODEPTHS = "1..64 x2";
const NUMJOBS = "1..7";

/** 7 iodepths x 7 numjobs on one path and preset: 49 points of 1 million I/Os. */
const SCALING = parseSpec({ name: "bench-scaling", base: BASE, axes: { iodepth: IODEPTHS, numjobs: NUMJOBS } });

/** 7 iodepths x 7 numjobs x 2 paths x 2 presets: 196 points of 1 million I/Os. */
const GRID_196 = parseSpec({
  name: "bench-196",
  base: BASE,
  axes: { path: ["blk-mq", "rw_page"], "device.preset": ["p3700-2014", "p4800x"], iodepth: IODEPTHS, numjobs: NUMJOBS },
});

export interface SweepBenchRow {
  case: string;
  points: number;
  threads: number;
  /** Median over the repeats. */
  pointsPerSec: number;
  seconds: number;
  runsSeconds: number[];
  /** Run over the same grid with 1 thread, same bench run. */
  speedupVs1?: number;
  /** Peak resident memory of the whole process (main thread and workers), MiB. */
  peakRssMiB?: number;
}

const median = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1];

async function timed(spec: SweepSpec, threads: number): Promise<{ pointsSeconds: number; totalSeconds: number }> {
  const dir = mkdtempSync(join(tmpdir(), "nvmesim-bench-"));
  const t0 = performance.now();
  let last = t0;
  try {
    await runSweep({
      dir,
      spec,
      shard: { index: 0, count: 1, source: "bench" },
      threads,
      progress: { start() {}, update: () => void (last = performance.now()), stop() {} },
    });
    return { pointsSeconds: (last - t0) / 1000, totalSeconds: (performance.now() - t0) / 1000 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchSweep(repeat: number, io: Io): Promise<SweepBenchRow[]> {
  const points = 49;
  const runs: Record<number, number[]> = { 1: [], 2: [] };
  for (let r = 0; r < repeat; r++) {
    for (const threads of [1, 2]) {
      io.stderr(`bench: sweep-${threads}-worker${threads > 1 ? "s" : ""} run ${r + 1}/${repeat}\n`);
      runs[threads].push((await timed(SCALING, threads)).pointsSeconds);
    }
  }
  const rate = (t: number) => points / median(runs[t]);
  const rows: SweepBenchRow[] = [1, 2].map((threads) => ({
    case: `sweep-${threads}-worker${threads > 1 ? "s" : ""}`,
    points,
    threads,
    pointsPerSec: rate(threads),
    seconds: median(runs[threads]),
    runsSeconds: runs[threads],
    ...(threads > 1 ? { speedupVs1: rate(threads) / rate(1) } : {}),
  }));
  io.stderr("bench: sweep-196 (once)\n");
  const big = await timed(GRID_196, 2);
  rows.push({
    case: "sweep-196",
    points: 196,
    threads: 2,
    pointsPerSec: 196 / big.pointsSeconds,
    seconds: big.totalSeconds,
    runsSeconds: [big.totalSeconds],
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
  });
  return rows;
}

export function sweepBenchTable(rows: SweepBenchRow[], repeat: number): string {
  const lines = [
    `case               points  threads  points/s   seconds   vs 1 worker   (points/s median of ${repeat})`,
  ];
  for (const r of rows) {
    const extra =
      r.speedupVs1 !== undefined
        ? `${r.speedupVs1.toFixed(2)}x`
        : r.peakRssMiB !== undefined
          ? `peak RSS ${r.peakRssMiB.toFixed(0)} MiB`
          : "-";
    lines.push(
      `${r.case.padEnd(18)} ${String(r.points).padStart(6)}  ${String(r.threads).padStart(7)}  ${r.pointsPerSec.toFixed(2).padStart(8)}  ${r.seconds.toFixed(2).padStart(8)}   ${extra}`,
    );
  }
  return lines.join("\n") + "\n";
}
