// fio's per-job statistics (thread_stat, stat.h) built from what the engine
// kept per job, and merged as fio merges them for group_reporting
// (sum_thread_stats: latency moments by the parallel algorithm, bandwidth
// and IOPS samples summed, counts added), plus a group's run stats
// (group_run_stats: min/max runtime and bandwidth, the aggregate).
import { workloadJobs } from "../model/fio-jobs";
import { SYNC_ENGINES } from "../model/engines";
import type { RunConfig } from "../model/config";
import type { JobRecord, SimStatsValues } from "../wasm/engine";

export const DIRS = ["read", "write"] as const;
export type Dir = (typeof DIRS)[number];

/** fio's io_stat: count, min, max, mean and S (sum of squared deviations). */
export interface IoStat {
  samples: number;
  min: number;
  max: number;
  mean: number;
  S: number;
}

export const EMPTY_STAT: IoStat = { samples: 0, min: 0, max: 0, mean: 0, S: 0 };

export interface DirStat {
  ioBytes: number;
  totalIos: number;
  /** ms; 0 when the direction did no I/O. */
  runtimeMs: number;
  /** The run's exact length, ns (bandwidth and IOPS are worked out from it, not the rounded ms). */
  runtimeNs: number;
  slat: IoStat;
  clat: IoStat;
  lat: IoStat;
  bw: IoStat;
  iops: IoStat;
  /** clat histogram (fio's io_u_plat), when kept. */
  plat?: number[];
}

export interface ThreadStat {
  name: string;
  groupid: number;
  /** Jobs merged into this one (fio's members). */
  members: number;
  error: number;
  dirs: Record<Dir, DirStat>;
  /** Percent of one CPU over the job's run. */
  usrCpu: number;
  sysCpu: number;
  ctx: number;
  majf: number;
  minf: number;
  /** total_run_time, ms (summed over members). */
  totalRunMs: number;
  ioUMap: number[];
  ioUSubmit: number[];
  ioUComplete: number[];
  totalSubmit: number;
  totalComplete: number;
  latN: number[];
  latU: number[];
  latM: number[];
  iodepth: number;
  /** The job's description option (fio's desc). */
  description?: string;
}

/** An io_stat from the engine's sums: n, sum, sum of squares, min, max. */
function fromSums(n: number, sum: number, sq: number, min: number, max: number): IoStat {
  if (n === 0) return EMPTY_STAT;
  const mean = sum / n;
  return { samples: n, min, max, mean, S: Math.max(0, sq - n * mean * mean) };
}

// prettier-ignore
const DIR_FIELD_NAMES = [
  "ios", "bytes", "slatSum", "slatSq", "slatMin", "slatMax", "latSum", "latSq", "latMin", "latMax", "clatSq",
  "clatMin", "clatMax", "bwSamples", "bwMin", "bwMax", "bwMean", "bwS", "iopsSamples", "iopsMin", "iopsMax",
  "iopsMean", "iopsS",
] as const;
type DirField = (typeof DIR_FIELD_NAMES)[number];
/** Each direction's engine field names, made once (a 4096-job run reads each of them 8192 times). */
const DIR_FIELDS = Object.fromEntries(
  (["Read", "Write"] as const).map((d) => [
    d,
    Object.fromEntries(DIR_FIELD_NAMES.map((field) => [field, `${field}${d}`])),
  ]),
) as Record<"Read" | "Write", Record<DirField, string>>;

/** A direction's stat from engine fields named FIELD + "Read" or "Write" (SimStats, JobStats). */
function dirStat(
  values: Readonly<Record<string, number>>,
  d: "Read" | "Write",
  plat: number[] | undefined,
  runtimeNs: number,
  sync = false,
): DirStat {
  const names = DIR_FIELDS[d];
  const f = (field: DirField) => values[names[field]] ?? 0;
  const n = f("ios");
  const slatSum = f("slatSum");
  return {
    ioBytes: f("bytes"),
    totalIos: n,
    runtimeMs: n > 0 ? Math.max(1, Math.round(runtimeNs / 1e6)) : 0,
    runtimeNs: n > 0 ? runtimeNs : 0,
    // A synchronous engine's call is all completion latency to fio: no slat samples, clat the whole latency.
    slat: sync ? EMPTY_STAT : fromSums(n, slatSum, f("slatSq"), f("slatMin"), f("slatMax")),
    clat: sync
      ? fromSums(n, f("latSum"), f("latSq"), f("latMin"), f("latMax"))
      : fromSums(n, f("latSum") - slatSum, f("clatSq"), f("clatMin"), f("clatMax")),
    lat: fromSums(n, f("latSum"), f("latSq"), f("latMin"), f("latMax")),
    bw: sampleStat(f("bwSamples"), f("bwMin"), f("bwMax"), f("bwMean"), f("bwS")),
    iops: sampleStat(f("iopsSamples"), f("iopsMin"), f("iopsMax"), f("iopsMean"), f("iopsS")),
    ...(plat ? { plat } : {}),
  };
}

const zeros = (n: number) => new Array<number>(n).fill(0);

/** The stat of a whole run that kept nothing per job (the swap program): its directions, CPU over all CPUs. */
export function runThreadStat(
  config: RunConfig,
  stats: SimStatsValues,
  plat: Record<Dir, number[]>,
  name: string,
): ThreadStat {
  const values = stats as unknown as Record<string, number>;
  const runtimeNs = stats.nowNs;
  const cpuShare = (ns: number) => (runtimeNs > 0 ? (100 * ns) / (runtimeNs * config.cpus) : 0);
  return {
    name,
    groupid: 0,
    members: 1,
    error: stats.failedIos > 0 ? 5 : 0,
    dirs: {
      read: dirStat(values, "Read", plat.read, runtimeNs),
      write: dirStat(values, "Write", plat.write, runtimeNs),
    },
    usrCpu: cpuShare(stats.userNs),
    sysCpu: cpuShare(stats.cpuBusyNs),
    ctx: stats.nSleep + stats.nKblockdRun,
    majf: stats.majorFaults,
    minf: stats.faults - stats.majorFaults,
    totalRunMs: Math.max(1, Math.round(runtimeNs / 1e6)),
    ioUMap: zeros(7),
    ioUSubmit: zeros(7),
    ioUComplete: zeros(7),
    totalSubmit: 0,
    totalComplete: 0,
    latN: zeros(10),
    latU: zeros(10),
    latM: zeros(12),
    iodepth: 1,
  };
}

/** Per-job thread stats from the engine's records; each CPU's work is shared by the jobs placed on it. */
export function threadStats(
  config: RunConfig,
  jobs: readonly JobRecord[],
  cpuNs: readonly number[],
  runEndNs: number,
  name: string,
  error = 0,
): ThreadStat[] {
  const w = config.workload;
  if (w.kind !== "fio") throw new Error("fio statistics are for fio jobs");
  // Jobs sit on CPUs round-robin (thread t on CPU t % cpus).
  const jobsOn = (cpu: number) => Math.ceil((jobs.length - cpu) / config.cpus);
  const sync = SYNC_ENGINES.includes(w.ioengine);
  // A job with a limit of its own ends at its last completion; the others run to the run's end.
  const limited = workloadJobs(w).flatMap((job) =>
    Array<boolean>(job.numjobs).fill(job.number_ios > 0 || job.io_size > 0),
  );
  return jobs.map((j, t) => {
    const s = j.stats;
    const values = s as unknown as Record<string, number>;
    const cpu = t % config.cpus;
    // fio's runtime starts when its ramp_time ends
    const runtimeNs = Math.max(0, (limited[t] && s.lastSeenNs > 0 ? s.lastSeenNs : runEndNs) - w.ramp_time * 1e9);
    return {
      name,
      groupid: 0,
      members: 1,
      error, // the engine does not count failures per job: a failed I/O marks every job
      dirs: {
        read: dirStat(values, "Read", j.histRead, runtimeNs, sync),
        write: dirStat(values, "Write", j.histWrite, runtimeNs, sync),
      },
      usrCpu: 0, // the model charges no user-space time to fio's own loop
      sysCpu: runtimeNs > 0 ? (100 * cpuNs[cpu]) / jobsOn(cpu) / runtimeNs : 0,
      ctx: s.sleeps,
      majf: 0,
      minf: 0,
      totalRunMs: Math.max(1, Math.round(runtimeNs / 1e6)),
      ioUMap: j.depth,
      ioUSubmit: j.submit,
      ioUComplete: j.complete,
      totalSubmit: s.totalSubmit,
      totalComplete: s.totalComplete,
      latN: j.latN,
      latU: j.latU,
      latM: j.latM,
      iodepth: w.iodepth,
    };
  });
}

function sampleStat(samples: number, min: number, max: number, mean: number, S: number): IoStat {
  return samples === 0 ? EMPTY_STAT : { samples, min, max, mean, S };
}

/** fio's __sum_stat: two sets of samples as one (Chan et al.'s parallel algorithm). */
function mergeStat(a: IoStat, b: IoStat): IoStat {
  if (b.samples === 0) return a;
  if (a.samples === 0) return b;
  const n = a.samples + b.samples;
  const delta = b.mean - a.mean;
  return {
    samples: n,
    min: Math.min(a.min, b.min),
    max: Math.max(a.max, b.max),
    mean: (b.mean * b.samples + a.mean * a.samples) / n,
    S: a.S + b.S + (delta * delta * a.samples * b.samples) / n,
  };
}

/** fio's sum_stat with pure_sum: bandwidth and IOPS of jobs that ran side by side add up. */
function addStat(a: IoStat, b: IoStat): IoStat {
  if (b.samples === 0) return a;
  if (a.samples === 0) return b;
  return {
    samples: a.samples + b.samples,
    min: a.min + b.min,
    max: a.max + b.max,
    mean: a.mean + b.mean,
    S: a.S + b.S,
  };
}

/** Adds `b` into `into`, element by element. */
function addInto(into: number[], b: readonly number[]): void {
  for (let i = 0; i < into.length; i++) into[i] += b[i];
}

/** Adds direction `b` into `into` (which the caller owns, plat included), in the order fio's sum_thread_stats does. */
function mergeDirInto(into: DirStat, b: DirStat): void {
  into.ioBytes += b.ioBytes;
  into.totalIos += b.totalIos;
  into.runtimeMs = Math.max(into.runtimeMs, b.runtimeMs);
  into.runtimeNs = Math.max(into.runtimeNs, b.runtimeNs);
  into.slat = mergeStat(into.slat, b.slat);
  into.clat = mergeStat(into.clat, b.clat);
  into.lat = mergeStat(into.lat, b.lat);
  into.bw = addStat(into.bw, b.bw);
  into.iops = addStat(into.iops, b.iops);
  if (into.plat && b.plat) addInto(into.plat, b.plat);
  else delete into.plat;
}

/**
 * The jobs of a group as one (fio's group_reporting): named after the first, CPU percentages over the summed
 * run time as fio's usr_time / total_run_time. `plat` takes the run's histograms when the jobs kept none.
 * Sums build up in one record of its own, job by job (a 4096-job run would otherwise make a record and its
 * arrays anew for each).
 */
export function groupStat(jobs: readonly ThreadStat[], plat?: Record<Dir, number[]>): ThreadStat {
  const first = jobs[0];
  const own = (d: DirStat): DirStat => ({ ...d, ...(d.plat ? { plat: [...d.plat] } : {}) });
  const merged: ThreadStat = {
    ...first,
    usrCpu: first.usrCpu * first.totalRunMs, // CPU ms so far: divided by the run below
    sysCpu: first.sysCpu * first.totalRunMs,
    dirs: { read: own(first.dirs.read), write: own(first.dirs.write) },
    ioUMap: [...first.ioUMap],
    ioUSubmit: [...first.ioUSubmit],
    ioUComplete: [...first.ioUComplete],
    latN: [...first.latN],
    latU: [...first.latU],
    latM: [...first.latM],
  };
  for (const b of jobs.slice(1)) {
    merged.members += b.members;
    merged.error = merged.error || b.error;
    mergeDirInto(merged.dirs.read, b.dirs.read);
    mergeDirInto(merged.dirs.write, b.dirs.write);
    merged.usrCpu += b.usrCpu * b.totalRunMs;
    merged.sysCpu += b.sysCpu * b.totalRunMs;
    merged.ctx += b.ctx;
    merged.majf += b.majf;
    merged.minf += b.minf;
    merged.totalRunMs += b.totalRunMs;
    addInto(merged.ioUMap, b.ioUMap);
    addInto(merged.ioUSubmit, b.ioUSubmit);
    addInto(merged.ioUComplete, b.ioUComplete);
    merged.totalSubmit += b.totalSubmit;
    merged.totalComplete += b.totalComplete;
    addInto(merged.latN, b.latN);
    addInto(merged.latU, b.latU);
    addInto(merged.latM, b.latM);
  }
  const run = merged.totalRunMs || 1;
  const withPlat = (d: Dir) => (merged.dirs[d].plat || !plat ? merged.dirs[d] : { ...merged.dirs[d], plat: plat[d] });
  return {
    ...merged,
    usrCpu: merged.usrCpu / run,
    sysCpu: merged.sysCpu / run,
    dirs: { read: withPlat("read"), write: withPlat("write") },
  };
}

/** fio's group_run_stats for one direction: runtimes, per-job bandwidth range and the aggregate, bytes/s. */
export interface GroupDir {
  ioBytes: number;
  minRunMs: number;
  maxRunMs: number;
  minBw: number;
  maxBw: number;
  agg: number;
}

export type GroupRun = Record<Dir, GroupDir>;

/** The run stats of a group from the thread stats reported in it (after any group_reporting merge). */
export function groupRun(stats: readonly ThreadStat[]): GroupRun {
  const dir = (d: Dir): GroupDir => {
    const ran = stats.map((s) => s.dirs[d]).filter((x) => x.runtimeMs > 0);
    if (ran.length === 0) return { ioBytes: 0, minRunMs: 0, maxRunMs: 0, minBw: 0, maxBw: 0, agg: 0 };
    const bws = ran.map((x) => Math.floor((x.ioBytes * 1e9) / x.runtimeNs));
    const ioBytes = ran.reduce((s, x) => s + x.ioBytes, 0);
    const maxNs = Math.max(...ran.map((x) => x.runtimeNs));
    return {
      ioBytes,
      minRunMs: Math.min(...ran.map((x) => x.runtimeMs)),
      maxRunMs: Math.max(...ran.map((x) => x.runtimeMs)),
      minBw: Math.min(...bws),
      maxBw: Math.max(...bws),
      agg: Math.floor((ioBytes * 1e9) / maxNs),
    };
  };
  return { read: dir("read"), write: dir("write") };
}
