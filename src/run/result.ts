// A run's result: the JSON fio writes for the run's jobs with
// group_reporting (every key fio 3.33 writes, src/fio/json.ts), plus an
// `nvmesim` section: the perf-style profile, a per-layer breakdown, per-I/O
// costs, device utilisation, integrity and status counts, seed and config
// hash. Deterministic unless wall time is asked for.
import type { Breakdown } from "./breakdown";
import type { RunConfig } from "../model/config";
import { KERNELS } from "../model/kernels";
import { PRESETS } from "../model/presets";
import { STEPS } from "../model/steps";
import type { JobRecord, SimStatsValues } from "../wasm/engine";
import { fioDocument, type DirectionJson, type DiskCounts, type FioDocumentJson, type LatencyJson } from "../fio/json";
import { jobOptionsOf } from "../fio/job-options";
import { groupRun, groupStat, runThreadStat, threadStats, type ThreadStat } from "../fio/thread-stat";

export { bucketValue, fioPercentiles, FIO_PERCENTILES } from "../fio/histogram";

export type LatencyStats = LatencyJson;
export type DirectionResult = DirectionJson;

export interface ProfileEntry {
  symbol: string;
  layer: string;
  ns: number;
  percent: number;
}

/** What rw_page on a kernel after its removal is. */
export const RW_PAGE_REMOVED_WHAT_IF =
  "what-if: ->rw_page was removed in Linux 6.3 (commit 3222d8c2a7f8); this runs the 2014 patch's steps, priced by the seed's 2014 table, beside a kernel priced by today's";

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
  /** One I/O's life by stage (asked for: nvmesim run --breakdown, and every simulate() in a notebook). */
  breakdown?: Breakdown;
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

/** A run: fio's JSON document with one group-reported job (fio's keys, types and meanings), and nvmesim's section. */
export interface Result extends FioDocumentJson {
  nvmesim: NvmesimSection;
}

export function fnv1a64(text: string): string {
  let h = 0xcbf29ce484222325n;
  for (let i = 0; i < text.length; i++) h = ((h ^ BigInt(text.charCodeAt(i))) * 0x100000001b3n) & 0xffffffffffffffffn;
  return h.toString(16).padStart(16, "0");
}

/** The configuration as canonical JSON (bigints as decimal strings; a replayed log named by its size and hash,
 * not copied). */
export function configJson(c: RunConfig): unknown {
  return JSON.parse(
    JSON.stringify(c, (k, v: unknown) =>
      typeof v === "bigint"
        ? v.toString()
        : k === "iolog" && typeof v === "string" && v !== ""
          ? `(a log of ${v.length} bytes, fnv1a64 ${fnv1a64(v)})`
          : v,
    ),
  );
}

export interface ResultInputs {
  config: RunConfig;
  stats: SimStatsValues;
  histRead: number[];
  histWrite: number[];
  profile: Map<string, number>;
  wallMs?: number;
  /** Per fio job (fio workloads): what the report's job entry is merged from. */
  jobs?: JobRecord[];
  cpuNs?: number[];
  /** One I/O's life by stage, when asked for (SimulateOptions.breakdown). */
  breakdown?: Breakdown;
}

/** The name a run's job goes by in its fio report, unless a job file names it. */
export const JOB_NAME = "nvmesim";

/** fio's EIO, the error a job that lost I/Os reports. */
const EIO = 5;

/** The run as one group-reported fio job (a fio workload's jobs merged; the swap program as one). */
export function groupThreadStat(r: ResultInputs, name = JOB_NAME): ThreadStat {
  const { config: c, stats: s } = r;
  const plat = { read: r.histRead, write: r.histWrite };
  const error = s.failedIos > 0 ? EIO : 0;
  if (c.workload.kind === "fio" && r.jobs && r.cpuNs)
    return groupStat(threadStats(c, r.jobs, r.cpuNs, s.nowNs, name, error), plat);
  return runThreadStat(c, s, plat, name);
}

/** What the block layer saw (fio's disk_util). */
export function diskCounts(s: SimStatsValues): DiskCounts {
  return {
    readIos: s.iosRead,
    writeIos: s.iosWrite,
    writeMerges: s.nMergeWrite,
    readTicksMs: Math.round(s.latSumRead / 1e6),
    writeTicksMs: Math.round(s.latSumWrite / 1e6),
    // A busy spell still open at the run's end (a time_based run keeps the device busy to the last) counts too.
    utilPercent:
      s.nowNs > 0 ? (100 * (s.diskBusyNs + (s.diskInFlight > 0 ? s.nowNs - s.diskBusySince : 0))) / s.nowNs : 0,
  };
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
    .sort((a, b) => b.ns - a.ns || (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
  const layerNs = new Map<string, number>();
  for (const p of profile) layerNs.set(p.layer, (layerNs.get(p.layer) ?? 0) + p.ns);
  const layers = [...layerNs.entries()]
    .map(([layer, ns]) => ({ layer, ns, percent: totalCpu ? (100 * ns) / totalCpu : 0 }))
    .sort((a, b) => b.ns - a.ns);
  const ios = s.completed || 1;
  const cfgJson = configJson(c);
  // With sqthread_poll the SQ thread has a CPU of its own beside the jobs'.
  const sqThread = c.workload.kind === "fio" && c.workload.sqthread_poll ? 1 : 0;
  const cpuUtilization = runtimeNs > 0 ? s.cpuBusyNs / (runtimeNs * (c.cpus + sqThread)) : 0;
  const stat = groupThreadStat(r);
  const options = c.workload.kind === "fio" ? jobOptionsOf(c, JOB_NAME, true) : swapOptions(c);
  return {
    ...fioDocument(runtimeNs, [{ stat, options }], [groupRun([stat])], diskCounts(s), { plus: false }),
    nvmesim: {
      path: c.path,
      ...(c.path === "rw_page" && (c.workload.kind === "fio" || !KERNELS[c.host.kernel].rwPage)
        ? {
            whatIf: [
              c.workload.kind === "fio" ? RW_PAGE_FIO_WHAT_IF : "",
              KERNELS[c.host.kernel].rwPage ? "" : RW_PAGE_REMOVED_WHAT_IF,
            ]
              .filter(Boolean)
              .join("; "),
          }
        : {}),
      device: c.device.preset,
      seed: c.seed.toString(),
      configHash: fnv1a64(JSON.stringify(cfgJson)),
      config: cfgJson,
      simulatedNs: runtimeNs,
      ...(r.wallMs !== undefined ? { wallTimeMs: r.wallMs } : {}),
      profile,
      layers,
      cpuNsPerIo: totalCpu / ios,
      cpuUtilization,
      deviceUtilization:
        runtimeNs > 0 ? s.deviceBusyNs / (runtimeNs * PRESETS[c.device.preset].dies * c.device.count) : 0,
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
      ...(r.breakdown ? { breakdown: r.breakdown } : {}),
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

/** The swap program's settings in the place of fio's job options (it is no fio job). */
function swapOptions(c: RunConfig): Record<string, string> {
  return Object.fromEntries(Object.entries(c.workload).map(([k, v]) => [k, String(v)]));
}
