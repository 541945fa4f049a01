// What set a run's pace: its CPUs (busy all the time), its device (near the ceiling its controller, media or
// data pipe puts on it), or neither (too few I/Os in flight to fill either), from what the result already counts.
// `nvmesim run` says it per path, a sweep per point.
import type { RunConfig } from "../model/config";
import { PRESETS } from "../model/presets";
import type { Result } from "./result";

/** Busy fraction of the CPUs, or share of the device's ceiling, from which a run counts as bound by it. */
const BOUND = 0.9;

const pct = (x: number) => `${(x * 100).toFixed(0)}%`;

/** The most I/Os per second the run's devices can do at its block size: the least of their controllers' command
 * rate, their media's parallel units over the median latency, and their data pipe. */
export function deviceCeiling(c: RunConfig): { iops: number; by: string } {
  const p = PRESETS[c.device.preset];
  const bs = c.workload.kind === "fio" ? c.workload.bs : 4096;
  const median = c.device.readLatencyNs || p.readLatency.a;
  const n = c.device.count;
  // A 0 is no ceiling (a RAM device has no controller time and no pipe).
  const limits: [number, string][] = [
    [p.processNs ? (n * 1e9) / p.processNs : Infinity, "its controller's command rate"],
    [median ? (n * p.dies * 1e9) / median : Infinity, "its media's parallel units"],
    [p.seqBytesPerSec ? (n * p.seqBytesPerSec) / bs : Infinity, "its data pipe"],
  ];
  const [iops, by] = limits.reduce((x, y) => (y[0] < x[0] ? y : x));
  return { iops, by };
}

/** What sets a run's pace, and why: its CPUs (busy all the time), its device (near its ceiling), or neither (too
 * few I/Os in flight to fill either: each waits for the host's and the device's turnaround). */
export function runLimit(r: Result): { by: "CPU" | "device" | "latency"; why: string } {
  const n = r.nvmesim;
  const c = n.config as RunConfig;
  const iops = r.jobs[0].read.iops + r.jobs[0].write.iops;
  const ceiling = deviceCeiling(c);
  const use = iops / ceiling.iops;
  const state = `CPUs ${pct(n.cpuUtilization)} busy, the device at ${pct(use)} of ${ceiling.by}`;
  if (n.cpuUtilization >= BOUND) return { by: "CPU", why: `the CPUs are ${pct(n.cpuUtilization)} busy` };
  if (use >= BOUND) return { by: "device", why: `the device runs at ${pct(use)} of ${ceiling.by}` };
  return { by: "latency", why: `too few I/Os in flight to fill either (${state})` };
}
