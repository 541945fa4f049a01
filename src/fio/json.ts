// A run as the JSON fio writes (stat.c's show_thread_status_json and
// add_ddir_status_json, fio 3.33): the same keys in the same order, fio's
// units (bw in KiB/s, latencies in ns, distributions in percent) and its
// number types, printed as fio's json.c prints them (two-space indent,
// `"key" : value`, floats with %f). `json+` adds the clat bins. nvmesim's
// own section goes under "nvmesim", a key fio never writes.
import { bucketValue, fioPercentiles } from "./histogram";
import { EMPTY_STAT, type Dir, type DirStat, type GroupRun, type IoStat, type ThreadStat } from "./thread-stat";

/** A latency's statistics as fio writes them (clat_ns, slat_ns, lat_ns). */
export interface LatencyJson {
  min: number;
  max: number;
  mean: number;
  stddev: number;
  N: number;
  /** fio's percentile list over the clat histogram, present when there were I/Os. */
  percentile?: Record<string, number>;
  /** json+: the histogram's non-empty buckets by value, ns. */
  bins?: Record<string, number>;
}

/** One direction of a job (read, write, trim). */
export interface DirectionJson {
  io_bytes: number;
  io_kbytes: number;
  bw_bytes: number;
  /** KiB/s. */
  bw: number;
  iops: number;
  /** ms. */
  runtime: number;
  total_ios: number;
  short_ios: number;
  drop_ios: number;
  slat_ns: LatencyJson;
  clat_ns: LatencyJson;
  lat_ns: LatencyJson;
  bw_min: number;
  bw_max: number;
  bw_agg: number;
  bw_mean: number;
  bw_dev: number;
  bw_samples: number;
  iops_min: number;
  iops_max: number;
  iops_mean: number;
  iops_stddev: number;
  iops_samples: number;
}

export interface JobJson {
  jobname: string;
  groupid: number;
  error: number;
  eta: number;
  elapsed: number;
  "job options": Record<string, string>;
  read: DirectionJson;
  write: DirectionJson;
  trim: DirectionJson;
  sync: { total_ios: number; lat_ns: LatencyJson };
  job_runtime: number;
  usr_cpu: number;
  sys_cpu: number;
  ctx: number;
  majf: number;
  minf: number;
  iodepth_level: Record<string, number>;
  iodepth_submit: Record<string, number>;
  iodepth_complete: Record<string, number>;
  latency_ns: Record<string, number>;
  latency_us: Record<string, number>;
  latency_ms: Record<string, number>;
  latency_depth: number;
  latency_target: number;
  latency_percentile: number;
  latency_window: number;
  desc?: string;
}

/** A block device's counts as fio's disk_util shows them. */
export interface DiskUtilJson {
  name: string;
  read_ios: number;
  write_ios: number;
  read_merges: number;
  write_merges: number;
  read_ticks: number;
  write_ticks: number;
  in_queue: number;
  util: number;
}

export interface FioDocumentJson {
  "fio version": string;
  timestamp: number;
  timestamp_ms: number;
  time: string;
  "global options"?: Record<string, string>;
  jobs: JobJson[];
  disk_util: DiskUtilJson[];
}

/** What the block layer saw of the run, for disk_util. */
export interface DiskCounts {
  readIos: number;
  writeIos: number;
  writeMerges: number;
  readTicksMs: number;
  writeTicksMs: number;
  /** Percent of the run with at least one command out. */
  utilPercent: number;
}

/** fio writes these as floats (json_object_add_value_float); every other number is an integer. */
const FLOAT_KEYS = new Set([
  "iops",
  "mean",
  "stddev",
  "bw_agg",
  "bw_mean",
  "bw_dev",
  "iops_mean",
  "iops_stddev",
  "usr_cpu",
  "sys_cpu",
  "latency_percentile",
  "util",
]);
/** Objects whose every value fio writes as a float. */
const FLOAT_MAPS = new Set([
  "iodepth_level",
  "iodepth_submit",
  "iodepth_complete",
  "latency_ns",
  "latency_us",
  "latency_ms",
]);

/** The version string nvmesim writes in "fio version": fio's JSON layout of this release, nvmesim's numbers. */
export const FIO_VERSION = "fio-3.33";

/** The fixed epoch of "timestamp" (2014-11-14 00:00:00 UTC, the week of the seed's profiles), seconds. */
export const FIO_EPOCH_SECONDS = 1415923200;

export interface FioOutputOptions {
  /** json+: clat bins in each direction's clat_ns. */
  plus: boolean;
  /** Run start, seconds since the epoch ("timestamp" is the start plus the simulated run); FIO_EPOCH_SECONDS by default. */
  epochSeconds?: number;
  /** Options of the [global] section, as fio writes them; absent when there are none. */
  globalOptions?: Record<string, string>;
}

/** One reported job (or group) with the options it was given. */
export interface ReportedJob {
  stat: ThreadStat;
  options: Record<string, string>;
}

/** fio's calc_lat: mean and stddev of an io_stat, zeros when it has no samples. */
export function statMoments(s: IoStat): { min: number; max: number; mean: number; dev: number } {
  if (s.samples === 0) return { min: 0, max: 0, mean: 0, dev: 0 };
  return { min: s.min, max: s.max, mean: s.mean, dev: s.samples > 1 ? Math.sqrt(s.S / (s.samples - 1)) : 0 };
}

function latJson(s: IoStat, plat: number[] | undefined, plus: boolean): LatencyJson {
  const m = statMoments(s);
  const out: LatencyJson = { min: m.min, max: m.max, mean: m.mean, stddev: m.dev, N: s.samples };
  if (plat && s.samples > 0) {
    out.percentile = fioPercentiles(plat);
    if (plus) {
      const bins: Record<string, number> = {};
      plat.forEach((n, i) => {
        if (n) bins[String(bucketValue(i))] = n;
      });
      out.bins = bins;
    }
  }
  return out;
}

/** fio's convert_agg_kbytes_percent: a job's mean bandwidth (KiB/s) as a share of its group's. */
export function percentOfAgg(aggBytes: number, meanKiB: number): number {
  if (aggBytes <= 1024) return 100;
  return Math.min(100, (Math.trunc(meanKiB) * 100) / (aggBytes / 1024));
}

function dirJson(d: DirStat, group: GroupRun[Dir], plus: boolean): DirectionJson {
  const seconds = d.runtimeNs / 1e9;
  const bwBytes = seconds > 0 ? Math.floor(d.ioBytes / seconds) : 0;
  const bw = statMoments(d.bw);
  const iops = statMoments(d.iops);
  return {
    io_bytes: d.ioBytes,
    io_kbytes: Math.floor(d.ioBytes / 1024),
    bw_bytes: bwBytes,
    bw: Math.floor(bwBytes / 1024),
    iops: seconds > 0 ? d.totalIos / seconds : 0,
    runtime: d.runtimeMs,
    total_ios: d.totalIos,
    short_ios: 0,
    drop_ios: 0,
    slat_ns: latJson(d.slat, undefined, false),
    clat_ns: latJson(d.clat, d.plat, plus),
    lat_ns: latJson(d.lat, undefined, false),
    bw_min: bw.min,
    bw_max: bw.max,
    bw_agg: d.bw.samples ? percentOfAgg(group.agg, bw.mean) : 0,
    bw_mean: bw.mean,
    bw_dev: bw.dev,
    bw_samples: d.bw.samples,
    iops_min: iops.min,
    iops_max: iops.max,
    iops_mean: iops.mean,
    iops_stddev: iops.dev,
    iops_samples: d.iops.samples,
  };
}

const EMPTY_DIR: DirStat = {
  ioBytes: 0,
  totalIos: 0,
  runtimeMs: 0,
  runtimeNs: 0,
  slat: EMPTY_STAT,
  clat: EMPTY_STAT,
  lat: EMPTY_STAT,
  bw: EMPTY_STAT,
  iops: EMPTY_STAT,
};
const EMPTY_GROUP_DIR = { ioBytes: 0, minRunMs: 0, maxRunMs: 0, minBw: 0, maxBw: 0, agg: 0 };

/** fio's stat_calc_dist: counts as percentages of `total`, anything present shown as at least 0.1. */
export function distribution(map: readonly number[], total: number): number[] {
  return map.map((n) => {
    if (!total) return 0;
    const p = (100 * n) / total;
    return p < 0.1 && n ? 0.1 : p;
  });
}

/** What fio divides the depth map by (its total issued I/Os): every I/O submitted, the completed and those a
 * runtime ended with in flight (fio reaps those before it reports; the model stops with them out). */
export function depthTotal(map: readonly number[], completed: number): number {
  return Math.max(
    completed,
    map.reduce((a, b) => a + b, 0),
  );
}

/** fio's stat_calc_lat: latency bucket counts as percentages of all I/Os, anything present at least 0.01. */
export function latencyShares(buckets: readonly number[], totalIos: number): number[] {
  return buckets.map((n) => {
    if (!totalIos) return 0;
    const p = (100 * n) / totalIos;
    return p < 0.01 && n ? 0.01 : p;
  });
}

const DEPTH_KEYS = ["1", "2", "4", "8", "16", "32", ">=64"];
const BATCH_KEYS = ["0", "4", "8", "16", "32", "64", ">=64"];
const LAT_KEYS = ["2", "4", "10", "20", "50", "100", "250", "500", "750", "1000"];
const LAT_M_KEYS = [...LAT_KEYS, "2000", ">=2000"];
const keyed = (keys: readonly string[], values: readonly number[]) =>
  Object.fromEntries(keys.map((k, i) => [k, values[i]]));

export function jobJson(job: ReportedJob, group: GroupRun, elapsedSeconds: number, plus: boolean): JobJson {
  const t = job.stat;
  const ios = t.dirs.read.totalIos + t.dirs.write.totalIos;
  return {
    jobname: t.name,
    groupid: t.groupid,
    error: t.error,
    eta: 0,
    elapsed: elapsedSeconds,
    "job options": job.options,
    read: dirJson(t.dirs.read, group.read, plus),
    write: dirJson(t.dirs.write, group.write, plus),
    trim: dirJson(EMPTY_DIR, EMPTY_GROUP_DIR, plus),
    sync: { total_ios: 0, lat_ns: latJson(EMPTY_DIR.lat, undefined, false) },
    job_runtime: t.totalRunMs,
    usr_cpu: t.usrCpu,
    sys_cpu: t.sysCpu,
    ctx: t.ctx,
    majf: t.majf,
    minf: t.minf,
    iodepth_level: keyed(DEPTH_KEYS, distribution(t.ioUMap, depthTotal(t.ioUMap, ios))),
    iodepth_submit: keyed(BATCH_KEYS, distribution(t.ioUSubmit, t.totalSubmit)),
    iodepth_complete: keyed(BATCH_KEYS, distribution(t.ioUComplete, t.totalComplete)),
    latency_ns: keyed(LAT_KEYS, latencyShares(t.latN, ios)),
    latency_us: keyed(LAT_KEYS, latencyShares(t.latU, ios)),
    latency_ms: keyed(LAT_M_KEYS, latencyShares(t.latM, ios)),
    latency_depth: t.iodepth,
    latency_target: 0,
    latency_percentile: 100,
    latency_window: 0,
    ...(t.description ? { desc: t.description } : {}),
  };
}

/** fio's disk_util entry for the simulated namespace, from the block layer's view of the run. */
function diskUtil(s: DiskCounts): DiskUtilJson {
  return {
    name: "nvme0n1",
    read_ios: s.readIos,
    write_ios: s.writeIos,
    read_merges: 0,
    write_merges: s.writeMerges,
    read_ticks: s.readTicksMs,
    write_ticks: s.writeTicksMs,
    in_queue: s.readTicksMs + s.writeTicksMs,
    util: s.utilPercent,
  };
}

/** ctime's layout, without its newline: "Fri Nov 14 00:00:02 2014" (UTC). */
export function ctime(seconds: number): string {
  const d = new Date(seconds * 1000);
  const day = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"][d.getUTCDay()];
  const month = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"][d.getUTCMonth()];
  const two = (n: number) => String(n).padStart(2, "0");
  return `${day} ${month} ${String(d.getUTCDate()).padStart(2, " ")} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} ${d.getUTCFullYear()}`;
}

/** The whole document (numbers plain; fioJsonText prints them with fio's types). */
export function fioDocument(
  simulatedNs: number,
  jobs: readonly ReportedJob[],
  groups: readonly GroupRun[],
  disk: DiskCounts,
  options: FioOutputOptions,
): FioDocumentJson {
  const start = options.epochSeconds ?? FIO_EPOCH_SECONDS;
  const endMs = start * 1000 + Math.round(simulatedNs / 1e6);
  const elapsed = Math.ceil(simulatedNs / 1e9);
  return {
    "fio version": FIO_VERSION,
    timestamp: Math.floor(endMs / 1000),
    timestamp_ms: endMs,
    time: ctime(Math.floor(endMs / 1000)),
    ...(options.globalOptions && Object.keys(options.globalOptions).length
      ? { "global options": options.globalOptions }
      : {}),
    jobs: jobs.map((j) => jobJson(j, groups[j.stat.groupid], elapsed, options.plus)),
    disk_util: [diskUtil(disk)],
  };
}

function numberText(key: string, parent: string, value: number, fio: boolean): string {
  if (fio && (FLOAT_KEYS.has(key) || FLOAT_MAPS.has(parent))) return value.toFixed(6);
  if (fio) return String(Math.trunc(value));
  return Number.isFinite(value) ? String(value) : "null";
}

/**
 * Prints `doc` as fio's json.c does: two spaces per level, `"key" : value`, floats with six decimals. Under
 * "nvmesim" numbers are printed as JavaScript writes them (that section is not fio's).
 */
export function fioJsonText(doc: object): string {
  const out: string[] = [];
  const print = (value: unknown, key: string, parent: string, level: number, fio: boolean): void => {
    const pad = (n: number) => "  ".repeat(n);
    if (Array.isArray(value)) {
      out.push("[\n");
      value.forEach((v, i) => {
        if (i) out.push(",\n");
        out.push(pad(level + 1));
        print(v, key, key, level + 1, fio);
      });
      out.push(`\n${pad(level)}]`);
    } else if (value !== null && typeof value === "object") {
      out.push("{\n");
      Object.entries(value as Record<string, unknown>).forEach(([k, v], i) => {
        if (i) out.push(",\n");
        out.push(`${pad(level + 1)}${JSON.stringify(k)} : `);
        print(v, k, key, level + 1, fio && k !== "nvmesim");
      });
      out.push(`\n${pad(level)}}`);
    } else if (typeof value === "number") out.push(numberText(key, parent, value, fio));
    else out.push(JSON.stringify(value) ?? "null");
  };
  print(doc, "", "", 0, true);
  return out.join("") + "\n";
}
