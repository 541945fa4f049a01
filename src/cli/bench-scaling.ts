// The scaling cases of nvmesim bench: what one simulated I/O costs in wall
// time as the machine grows (CPUs), the queues deepen (iodepth up to a full
// 65536-entry queue) and the run lengthens (I/O count), with the Wasm memory
// each run ended with. Each case runs in a fresh module instance, so its
// memory is its own. The cost should be flat in CPUs and depth, the time
// linear in I/Os, and the memory independent of the I/O count. A last group
// keeps 1024 I/Os in flight on 1, 32 and 1024 CPUs, to tell growth with the
// CPUs from growth with the I/Os in flight. The time per I/O is the engine's
// (engineInit and the run, as `nvmesim run --timing` reports it), not the
// result's report: a 1024-job result takes tens of milliseconds to write out.
// Beside it, the events the engine dispatched per I/O and the time per event:
// one I/O in flight per CPU takes an interrupt and a wake-up each, twice the
// events of a busy CPU reaping several per pass, so the cost per I/O mixes
// what the simulated machine does with what the simulator costs.
import { simulate } from "../run/simulate";
import { compileNvmesim } from "../wasm/node";
import { instantiateNvmesim } from "../wasm/module";
import type { Io } from "./io";

export interface ScalingRow {
  /** What varies: cpus, iodepth, ios, or cpus at 1024 in flight (iodepth 1024 / cpus). */
  dimension: "cpus" | "iodepth" | "ios" | "cpus@1024";
  value: number;
  ios: number;
  /** The whole simulate() call, result included. */
  seconds: number;
  /** The engine's wall time (init and run) per simulated I/O. */
  wallNsPerIo: number;
  /**
   * Wall time per simulated I/O with start-up taken out: from the end of the first batch of SCALING_BATCH_IOS
   * I/Os (engineInit, the ramp to full depth) to the last completion.
   */
  runNsPerIo: number;
  /** cpus rows: runNsPerIo over the 1-CPU row's. */
  vsOneCpu?: number;
  /** Events the engine dispatched per simulated I/O. */
  eventsPerIo: number;
  wallNsPerEvent: number;
  /** The module's linear memory at the end of the run. */
  wasmMiB: number;
}

// fio randread 4 KiB on the RAM device, one job per CPU at depth 32, blk-mq: the simulator's cost, not a device's.
const BASE = { device: { preset: "ram" }, workload: { rw: "randread", bs: 4096 } };

export interface ScalingCase {
  dimension: ScalingRow["dimension"];
  value: number;
  config: Record<string, unknown>;
  ios: number;
}

/** The cases run, in order, for I/O counts up to `maxIos`. */
export function scalingCases(maxIos: number): ScalingCase[] {
  const out: ScalingCase[] = [...cpuCases(maxIos)];
  for (const iodepth of [1, 32, 1024, 65535]) {
    const qDepth = Math.max(64, 2 ** Math.ceil(Math.log2(iodepth + 1)));
    const config = { ...BASE, cpus: 1, qDepth, workload: { ...BASE.workload, numjobs: 1, iodepth } };
    out.push({ dimension: "iodepth", value: iodepth, config, ios: 1_000_000 });
  }
  for (const ios of [1e6, 1e7, 1e8].filter((n) => n <= maxIos)) {
    const config = { ...BASE, cpus: 4, qDepth: 64, workload: { ...BASE.workload, numjobs: 4, iodepth: 32 } };
    out.push({ dimension: "ios", value: ios, config, ios });
  }
  for (const cpus of [1, 32, 1024]) {
    const iodepth = 1024 / cpus;
    const qDepth = Math.max(64, 2 ** Math.ceil(Math.log2(iodepth + 1)));
    const config = { ...BASE, cpus, qDepth, workload: { ...BASE.workload, numjobs: cpus, iodepth } };
    out.push({ dimension: "cpus@1024", value: cpus, config, ios: 1_000_000 });
  }
  return out;
}

/** CPU counts of the flatness cases: the same work on each CPU, one job per CPU at depth 32. */
export const SCALING_CPUS = [1, 16, 256, 1024, 4096] as const;
/** Flatness targets: wall ns per I/O at N CPUs at most this many times that at 1 CPU. */
export const FLAT_TARGETS: ReadonlyMap<number, number> = new Map([
  [256, 1.15],
  [1024, 1.3],
  [4096, 1.3],
]);
const SCALING_BATCH_IOS = 100_000;

/** The sim cases' machine: fio randread 4 KiB on the default device, 4 CPUs (one job each), iodepth 32, on `path`. */
export function simCaseConfig(path: string, ios: number): Record<string, unknown> {
  return { path, cpus: 4, workload: { rw: "randread", bs: 4096, iodepth: 32, numjobs: 4, number_ios: ios } };
}

/** The flatness cases alone: one job per CPU at depth 32 on the RAM device, min(maxIos, 1e7) I/Os each. */
export function cpuCases(maxIos: number): ScalingCase[] {
  const ios = Math.min(maxIos, 1e7);
  return SCALING_CPUS.map((cpus) => ({
    dimension: "cpus" as const,
    value: cpus,
    config: { ...BASE, cpus, qDepth: 64, workload: { ...BASE.workload, numjobs: cpus, iodepth: 32 } },
    ios,
  }));
}

/** Runs `cases` (default: every scaling case for I/O counts up to `maxIos`), one after the other. */
export async function benchScaling(io: Io, maxIos = 1e8, cases = scalingCases(maxIos)): Promise<ScalingRow[]> {
  const compiled = await compileNvmesim();
  // A first run moves the engine to V8's optimizing tier (shared by every instance of the compiled module), so
  // the first case does not pay for it: untimed, the first case's configuration at a fifth of its I/Os.
  const [first] = cases;
  io.stderr("bench: scaling warm-up\n");
  await simulate(await instantiateNvmesim(compiled), {
    ...first.config,
    workload: { ...(first.config.workload as object), number_ios: first.ios / 5 },
  });
  const rows: ScalingRow[] = [];
  for (const c of cases) {
    io.stderr(`bench: scaling ${c.dimension}=${c.value} (${c.ios} I/Os)\n`);
    const m = await instantiateNvmesim(compiled);
    const config = { ...c.config, workload: { ...(c.config.workload as object), number_ios: c.ios } };
    const t0 = performance.now();
    // The first batch's end and the last's: the run's steady part lies between.
    let first: Mark | undefined;
    let last: Mark | undefined;
    const result = await simulate(m, config, {
      wallTime: true,
      batchIos: SCALING_BATCH_IOS,
      onProgress: (done) => {
        const mark = { ms: performance.now(), done };
        if (first) last = mark;
        else first = mark;
      },
    });
    const seconds = (performance.now() - t0) / 1000;
    const ios = result.jobs[0].read.total_ios;
    const engineNs = (result.nvmesim.wallTimeMs ?? Number.NaN) * 1e6;
    const events = Number(m.exports.engineEvents());
    rows.push({
      dimension: c.dimension,
      value: c.value,
      ios,
      seconds,
      wallNsPerIo: engineNs / ios,
      runNsPerIo: first && last ? ((last.ms - first.ms) * 1e6) / (last.done - first.done) : engineNs / ios,
      eventsPerIo: events / ios,
      wallNsPerEvent: engineNs / events,
      wasmMiB: m.exports.memory.buffer.byteLength / 2 ** 20,
    });
  }
  const one = rows.find((r) => r.dimension === "cpus" && r.value === 1);
  for (const r of rows) if (one && r.dimension === "cpus") r.vsOneCpu = r.runNsPerIo / one.runNsPerIo;
  return rows;
}

interface Mark {
  ms: number;
  done: number;
}

export function scalingTable(rows: readonly ScalingRow[]): string {
  const lines = [
    "scaling            value       I/Os   wall ns per I/O   after start-up   vs 1 CPU   events per I/O   ns per event   Wasm MiB",
  ];
  for (const r of rows) {
    const value = r.dimension === "cpus@1024" ? `${r.value}x${1024 / r.value}` : String(r.value);
    const vsOne = r.vsOneCpu === undefined ? "-" : `${r.vsOneCpu.toFixed(2)}x`;
    lines.push(
      `${r.dimension.padEnd(14)} ${value.padStart(9)} ${r.ios.toExponential(0).padStart(10)}   ${r.wallNsPerIo.toFixed(0).padStart(15)}   ${r.runNsPerIo.toFixed(0).padStart(14)}   ${vsOne.padStart(8)}   ${r.eventsPerIo.toFixed(2).padStart(14)}   ${r.wallNsPerEvent.toFixed(0).padStart(12)}   ${r.wasmMiB.toFixed(1).padStart(8)}`,
    );
  }
  return lines.join("\n") + "\n";
}
