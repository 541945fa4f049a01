// A run's result: fio-compatible JSON (jobs[].read/write with iops, bw,
// io_bytes, total_ios, clat_ns/lat_ns with fio's percentile list and keys,
// usr_cpu/sys_cpu) plus an `nvmesim` section: the perf-style profile, a
// per-layer breakdown, per-I/O costs, device utilisation, integrity and status
// counts, seed and config hash. Deterministic unless wall time is asked for.
import type { RunConfig } from "../model/config";
import { PRESETS } from "../model/presets";
import { STEPS } from "../model/steps";
import type { SimStatsValues } from "../wasm/engine";

/** fio's default percentile list (--percentile_list). */
export const FIO_PERCENTILES = [1, 5, 10, 20, 30, 40, 50, 60, 70, 80, 90, 95, 99, 99.5, 99.9, 99.95, 99.99];
const PLAT_BITS = 6;
const PLAT_VAL = 1 << PLAT_BITS;

/** fio's plat_idx_to_val: the middle of a bucket. */
export function bucketValue(index: number): number {
  if (index < PLAT_VAL << 1) return index;
  const errorBits = (index >> PLAT_BITS) - 1;
  const base = 2 ** (errorBits + PLAT_BITS);
  const k = index % PLAT_VAL;
  return Math.floor(base + (k + 0.5) * 2 ** errorBits);
}

/** Percentiles as fio computes them from its histogram, keyed like fio ("99.900000"). */
export function fioPercentiles(buckets: readonly number[], list = FIO_PERCENTILES): Record<string, number> {
  const total = buckets.reduce((s, n) => s + n, 0);
  const out: Record<string, number> = {};
  if (total === 0) return out;
  let j = 0;
  let sum = 0;
  for (let i = 0; i < buckets.length && j < list.length; i++) {
    sum += buckets[i];
    while (j < list.length && sum >= (list[j] / 100) * total) {
      out[list[j].toFixed(6)] = bucketValue(i);
      j++;
    }
  }
  return out;
}

export interface LatencyStats {
  min: number;
  max: number;
  mean: number;
  stddev: number;
  N: number;
  percentile?: Record<string, number>;
}

export interface DirectionResult {
  io_bytes: number;
  io_kbytes: number;
  bw_bytes: number;
  bw: number;
  iops: number;
  runtime: number;
  total_ios: number;
  short_ios: number;
  drop_ios: number;
  slat_ns: LatencyStats;
  clat_ns: LatencyStats;
  lat_ns: LatencyStats;
}

export interface ProfileEntry {
  symbol: string;
  layer: string;
  ns: number;
  percent: number;
}

/** What a fio job on rw_page is: Linux reaches ->rw_page only from swap and page-cache reads. */
export const RW_PAGE_FIO_WHAT_IF =
  "what-if: rw_page is reached only from swap (swap_readpage, __swap_writepage) and page-cache reads (do_mpage_readpage); O_DIRECT I/O never takes it, so this fio job is direct I/O sent through the same bypass";

export interface NvmesimSection {
  path: string;
  /** Set when the run is not one Linux could do: a fio job on rw_page. */
  whatIf?: string;
  device: string;
  seed: string;
  configHash: string;
  config: unknown;
  simulatedNs: number;
  wallTimeMs?: number;
  profile: ProfileEntry[];
  layers: { layer: string; ns: number; percent: number }[];
  cpuNsPerIo: number;
  cpuUtilization: number;
  /** Busy fraction of the media's parallel units (dies) over the run. */
  deviceUtilization: number;
  /** Mean I/Os in flight (submitted, not yet seen complete) over the run: queue occupancy by Little's law. */
  meanInFlight: number;
  doorbellsPerIo: number;
  interruptsPerIo: number;
  /** Passes over a CQ that took completions (in interrupts, polls or on submission): completions per pass is 1 / this. */
  cqPassesPerIo: number;
  /** Latency the CPUs' idle-state exits added before interrupt handlers ran, ns per I/O (not CPU work). */
  idleExitNsPerIo: number;
  /** Sleeps on I/O plus kblockd worker runs, each a context switch pair. */
  contextSwitchesPerIo: number;
  /** 3.19 async writes: hardware queue runs by the kblockd worker. */
  kblockdRunsPerIo: number;
  integrityErrors: number;
  statusCounts: { injected: number; detected: number; retried: number; failed: number };
  engineErrors: number;
  /** The swap workload's counts; absent for fio jobs. */
  swap?: {
    faults: number;
    majorFaults: number;
    faultsPerSec: number;
    swapIns: number;
    swapOuts: number;
    userCpuNs: number;
  };
}

export interface Result {
  "fio version": string;
  jobs: {
    jobname: string;
    groupid: number;
    error: number;
    "job options": Record<string, string>;
    read: DirectionResult;
    write: DirectionResult;
    usr_cpu: number;
    sys_cpu: number;
    ctx: number;
  }[];
  nvmesim: NvmesimSection;
}

export function fnv1a64(text: string): string {
  let h = 0xcbf29ce484222325n;
  for (let i = 0; i < text.length; i++) h = ((h ^ BigInt(text.charCodeAt(i))) * 0x100000001b3n) & 0xffffffffffffffffn;
  return h.toString(16).padStart(16, "0");
}

/** The configuration as canonical JSON (bigints as decimal strings). */
export function configJson(c: RunConfig): unknown {
  return JSON.parse(JSON.stringify(c, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v)));
}

function moments(n: number, sum: number, sq: number, min: number, max: number): LatencyStats {
  const mean = n ? sum / n : 0;
  const stddev = n > 1 ? Math.sqrt(Math.max(0, (sq - n * mean * mean) / (n - 1))) : 0;
  return { min: n ? min : 0, max: n ? max : 0, mean, stddev, N: n };
}

function direction(s: SimStatsValues, dir: "Read" | "Write", hist: number[], runtimeNs: number): DirectionResult {
  const v = (field: string) => (s as unknown as Record<string, number>)[`${field}${dir}`];
  const ios = v("ios");
  const bytes = v("bytes");
  const seconds = runtimeNs / 1e9;
  const clatSum = v("latSum") - v("slatSum");
  return {
    io_bytes: bytes,
    io_kbytes: Math.floor(bytes / 1024),
    bw_bytes: seconds > 0 ? Math.round(bytes / seconds) : 0,
    bw: seconds > 0 ? Math.round(bytes / 1024 / seconds) : 0,
    iops: seconds > 0 ? ios / seconds : 0,
    runtime: Math.round(runtimeNs / 1e6),
    total_ios: ios,
    short_ios: 0,
    drop_ios: 0,
    slat_ns: moments(ios, v("slatSum"), v("slatSq"), v("slatMin"), v("slatMax")),
    clat_ns: { ...moments(ios, clatSum, v("clatSq"), v("clatMin"), v("clatMax")), percentile: fioPercentiles(hist) },
    lat_ns: moments(ios, v("latSum"), v("latSq"), v("latMin"), v("latMax")),
  };
}

export interface ResultInputs {
  config: RunConfig;
  stats: SimStatsValues;
  histRead: number[];
  histWrite: number[];
  profile: Map<string, number>;
  wallMs?: number;
}

export function buildResult(r: ResultInputs): Result {
  const { config: c, stats: s } = r;
  const runtimeNs = s.nowNs;
  const totalCpu = [...r.profile.values()].reduce((a, b) => a + b, 0);
  const profile: ProfileEntry[] = [...r.profile.entries()]
    .map(([symbol, ns]) => ({
      symbol,
      layer: STEPS[symbol]?.layer ?? "other",
      ns: Math.round(ns),
      percent: totalCpu ? (100 * ns) / totalCpu : 0,
    }))
    .sort((a, b) => b.ns - a.ns || a.symbol.localeCompare(b.symbol));
  const layerNs = new Map<string, number>();
  for (const p of profile) layerNs.set(p.layer, (layerNs.get(p.layer) ?? 0) + p.ns);
  const layers = [...layerNs.entries()]
    .map(([layer, ns]) => ({ layer, ns, percent: totalCpu ? (100 * ns) / totalCpu : 0 }))
    .sort((a, b) => b.ns - a.ns);
  const ios = s.completed || 1;
  const cfgJson = configJson(c);
  const sysCpu = runtimeNs > 0 ? (100 * s.cpuBusyNs) / (runtimeNs * c.cpus) : 0;
  return {
    "fio version": "nvmesim-0.1.0",
    jobs: [
      {
        jobname: "nvmesim",
        groupid: 0,
        error: s.failedIos > 0 ? 5 : 0,
        "job options": jobOptions(c),
        read: direction(s, "Read", r.histRead, runtimeNs),
        write: direction(s, "Write", r.histWrite, runtimeNs),
        usr_cpu: runtimeNs > 0 ? (100 * s.userNs) / (runtimeNs * c.cpus) : 0,
        sys_cpu: sysCpu,
        ctx: s.nSleep + s.nKblockdRun,
      },
    ],
    nvmesim: {
      path: c.path,
      ...(c.path === "rw_page" && c.workload.kind === "fio" ? { whatIf: RW_PAGE_FIO_WHAT_IF } : {}),
      device: c.device.preset,
      seed: c.seed.toString(),
      configHash: fnv1a64(JSON.stringify(cfgJson)),
      config: cfgJson,
      simulatedNs: runtimeNs,
      ...(r.wallMs !== undefined ? { wallTimeMs: r.wallMs } : {}),
      profile,
      layers,
      cpuNsPerIo: totalCpu / ios,
      cpuUtilization: sysCpu / 100,
      deviceUtilization: runtimeNs > 0 ? s.deviceBusyNs / (runtimeNs * PRESETS[c.device.preset].dies) : 0,
      meanInFlight: runtimeNs > 0 ? (s.latSumRead + s.latSumWrite) / runtimeNs : 0,
      doorbellsPerIo: (s.nSubmitBatch + s.cqDoorbells) / ios,
      interruptsPerIo: s.nInterrupt / ios,
      cqPassesPerIo: s.nCompleteBatch / ios,
      idleExitNsPerIo: s.idleExitNs / ios,
      contextSwitchesPerIo: (s.nSleep + s.nKblockdRun) / ios,
      kblockdRunsPerIo: s.nKblockdRun / ios,
      integrityErrors: s.integrityErrors,
      statusCounts: { injected: s.injectedErrors, detected: s.detectedErrors, retried: s.retries, failed: s.failedIos },
      engineErrors: s.engineErrors,
      ...(c.workload.kind === "swap"
        ? {
            swap: {
              faults: s.faults,
              majorFaults: s.majorFaults,
              faultsPerSec: runtimeNs > 0 ? s.faults / (runtimeNs / 1e9) : 0,
              swapIns: s.swapIns,
              swapOuts: s.swapOuts,
              userCpuNs: s.userNs,
            },
          }
        : {}),
    },
  };
}

function jobOptions(c: RunConfig): Record<string, string> {
  return Object.fromEntries(Object.entries(c.workload).map(([k, v]) => [k, String(v)]));
}
