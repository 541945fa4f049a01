// fio jobs that run side by side and differ (a reader beside a writer,
// different depths, regions, sizes and paces), and what every engine thread
// does: the ThreadJob records, block-size splits and replayed trace the engine
// reads (assembly/sim/workloads/thread-job.ts). A workload without jobs is one
// job, its own fields.
import { configField, type ConfigField } from "./config-schema";
import { ConfigError } from "./config-error";
import type { FioWorkload, RwMode } from "./config";
import { parseBssplit, parseCpuList, parseDistribution, type SplitEntry } from "./fio-jobs-syntax";
import { parseIolog, type IologEntry } from "./iolog";

/** The fields a job of workload.jobs may set (the rest are the run's: engine, batch options, runtime, verify). */
export const JOB_KEYS = [
  "name",
  "numjobs",
  "rw",
  "rwmixread",
  "bs",
  "bssplit",
  "iodepth",
  "offset",
  "offset_increment",
  "size",
  "number_ios",
  "io_size",
  "rate",
  "rate_iops",
  "thinktime",
  "thinktime_blocks",
  "iodepth_low",
  "cpus_allowed",
  "blockalign",
  "random_distribution",
  "rw_skip",
  "randommap",
  "readback",
] as const;

type JobKey = (typeof JOB_KEYS)[number];

/** One job of workload.jobs, every field filled. */
export type FioJob = Pick<FioWorkload, Exclude<JobKey, "name">> & { name: string };

/** The jobs a workload runs: its own jobs, or itself as one. */
export function workloadJobs(w: FioWorkload): FioJob[] {
  if (w.jobs.length) return w.jobs;
  const job = Object.fromEntries(JOB_KEYS.filter((k) => k !== "name").map((k) => [k, w[k]]));
  return [{ name: "nvmesim", ...job } as FioJob];
}

/** workload.jobs checked entry by entry (`check` reads a value as its field does), over `base`'s fields. */
export function jobsOf(
  base: FioWorkload,
  input: unknown,
  check: (f: ConfigField, value: unknown) => unknown,
): FioJob[] {
  if (!Array.isArray(input) || input.length === 0 || input.length > 256)
    throw new ConfigError("workload.jobs", "must be a list of 1 to 256 jobs, each an object of its own fields");
  return input.map((entry, i) => {
    const at = `workload.jobs[${i}]`;
    if (entry === null || typeof entry !== "object" || Array.isArray(entry))
      throw new ConfigError(at, `${JSON.stringify(entry)} is not an object`);
    const job: Record<string, unknown> = { name: `job${i}` };
    for (const k of JOB_KEYS) if (k !== "name") job[k] = base[k];
    for (const [k, v] of Object.entries(entry as Record<string, unknown>)) {
      if (!(JOB_KEYS as readonly string[]).includes(k))
        throw new ConfigError(`${at}.${k}`, `not a job's own field; a job sets ${JOB_KEYS.join(", ")}`);
      if (k === "name") {
        if (typeof v !== "string" || v === "")
          throw new ConfigError(`${at}.name`, `${JSON.stringify(v)} is not a name`);
        job.name = v;
        continue;
      }
      job[k] = check({ ...configField(`workload.${k}`)!, path: `${at}.${k}` }, v);
    }
    return job as FioJob;
  });
}

/** The bytes a job's copies reach: its last copy's offset plus its size. */
function regionEnd(j: FioJob): number {
  return j.offset + j.offset_increment * (j.numjobs - 1) + j.size;
}

/** `w` running `jobs`: numjobs and number_ios their sums (0 when one is not limited in I/Os), size the furthest
 * region's end. */
export function withJobs(w: FioWorkload, jobs: FioJob[]): FioWorkload {
  const limited = jobs.every((j) => j.number_ios > 0 && j.io_size === 0);
  return {
    ...w,
    jobs,
    numjobs: jobs.reduce((n, j) => n + j.numjobs, 0),
    number_ios: limited ? jobs.reduce((n, j) => n + j.number_ios, 0) : 0,
    size: Math.max(...jobs.map(regionEnd)),
  };
}

/** `w` replaying its log (if it has one): size the log's furthest byte (whole 4 KiB), number_ios its I/Os per job. */
export function withIolog(w: FioWorkload): FioWorkload {
  if (w.iolog === "") return w;
  const entries = iologEntries(w);
  const end = Math.max(...entries.map((e) => e.offset + e.length));
  return { ...w, size: Math.max(w.bs, Math.ceil(end / 4096) * 4096), number_ios: entries.length * w.numjobs };
}

/** Whether the run needs the engine's tables written (anything but one plain job from time 0). */
export function needsThreadTables(w: FioWorkload): boolean {
  return (
    w.jobs.length > 0 ||
    w.bssplit !== "" ||
    w.rate > 0 ||
    w.rate_iops > 0 ||
    w.thinktime > 0 ||
    w.offset > 0 ||
    w.offset_increment > 0 ||
    w.iodepth_low > 0 ||
    w.cpus_allowed !== "" ||
    w.blockalign > 0 ||
    w.random_distribution !== "random" ||
    w.rw_skip !== 0 ||
    w.randommap ||
    w.io_size > 0 ||
    w.readback ||
    w.iolog !== ""
  );
}

/** One engine thread's job, as ThreadJob's fields. */
export interface ThreadJobValues {
  regionStart: number;
  regionUnits: number;
  startUnit: number;
  quota: number;
  rateBytesPerSec: number;
  thinkNs: number;
  thinkBlocks: number;
  iodepth: number;
  readPercent: number;
  random: number;
  splitAt: number;
  splitCount: number;
  splitWriteAt: number;
  splitWriteCount: number;
  traceAt: number;
  traceCount: number;
  iodepthLow: number;
  cpu: number;
  alignUnits: number;
  zoneAt: number;
  zoneCount: number;
  readback: number;
  /** Two's complement, as the engine's u64. */
  seqSkip: bigint;
  randomMap: number;
  pad: number;
  quotaBytes: number;
}

/** ThreadJobValues.cpu of a thread the engine places. */
const ANY_CPU = 0xffff_ffff;

/** What the engine's tables hold for a run, and the run-wide numbers they set. */
export interface ThreadTables {
  /** The smallest and largest I/O, bytes (the engine's unit is 512 B below 4 KiB, else 4 KiB). */
  minBs: number;
  maxBs: number;
  unitBytes: number;
  threads: ThreadJobValues[];
  splits: { units: number; upTo: number }[];
  trace: { atNs: bigint; delayNs: bigint; unit: number; units: number; write: boolean }[];
  zones: { startUnit: number; units: number; upTo: number }[];
  /** The largest depth of a thread (the engine lays its completion lists out by it). */
  iodepth: number;
}

/** A block size of a split the engine moves: whole 512-byte sectors up to 8 MiB (a run with one not a whole
 * 4 KiB page tracks content per sector). */
export function blockSizeOk(bs: number): boolean {
  return bs % 512 === 0 && bs > 0 && bs <= 8 << 20;
}

/** Reads only (100), writes only (0), or the job's mix. */
export function readPercentOf(rw: RwMode, rwmixread: number): number {
  return rw === "read" || rw === "randread" ? 100 : rw === "write" || rw === "randwrite" ? 0 : rwmixread;
}

/** A replayed log's I/Os, checked (its text was checked when the configuration was). */
export function iologEntries(w: FioWorkload): IologEntry[] {
  return w.iolog === "" ? [] : parseIolog(w.iolog, "workload.iolog");
}

/** The engine's tables for `w` (validated). */
export function threadTables(w: FioWorkload): ThreadTables {
  const jobs = workloadJobs(w);
  const trace = iologEntries(w);
  const splitsOf = (j: FioJob) => {
    const parsed = j.bssplit === "" ? {} : parseBssplit(j.bssplit);
    const one = [{ bs: j.bs, percent: 100 }];
    return { read: parsed.read ?? one, write: parsed.write ?? one };
  };
  // A replayed log's sizes are its own (the job's bs is not used); its unit is 4 KiB only if all its offsets are
  // whole pages too.
  const sizes = trace.length
    ? trace.map((e) => e.length)
    : jobs.flatMap((j) => {
        const s = splitsOf(j);
        return [...s.read, ...s.write].map((e) => e.bs);
      });
  for (const [i, j] of jobs.entries()) {
    const s = splitsOf(j);
    for (const e of [...s.read, ...s.write])
      if (j.bssplit !== "" && !blockSizeOk(e.bs))
        throw new ConfigError(
          w.jobs.length ? `workload.jobs[${i}].bssplit` : "workload.bssplit",
          `${e.bs}: a block size is a whole number of 512-byte sectors, up to 8 MiB`,
        );
  }
  const minBs = Math.min(...sizes);
  const maxBs = Math.max(...sizes);
  const unitBytes = sizes.some((b) => b % 4096 !== 0) || trace.some((e) => e.offset % 4096 !== 0) ? 512 : 4096;
  const units = (bytes: number, field: string) => {
    if (bytes % unitBytes !== 0)
      throw new ConfigError(field, `${bytes} is not a multiple of the run's ${unitBytes}-byte unit (its smallest I/O)`);
    return bytes / unitBytes;
  };
  const splits: ThreadTables["splits"] = [];
  const table = (entries: readonly SplitEntry[], field: string) => {
    const at = splits.length;
    // fio looks its shares up smallest first; what they leave of 100% goes to the last
    const sorted = [...entries].filter((e) => e.percent > 0).sort((a, b) => a.percent - b.percent);
    let upTo = 0;
    sorted.forEach((e, i) => {
      upTo = i === sorted.length - 1 ? 100 : upTo + e.percent;
      splits.push({ units: units(e.bs, field), upTo });
    });
    return { at, count: sorted.length };
  };
  const threads: ThreadJobValues[] = [];
  const zones: ThreadTables["zones"] = [];
  for (const [i, j] of jobs.entries()) {
    const field = w.jobs.length ? `workload.jobs[${i}]` : "workload";
    const s = splitsOf(j);
    const read = table(s.read, `${field}.bssplit`);
    const write = table(s.write, `${field}.bssplit`);
    const regionUnits = units(j.size - (j.size % unitBytes), `${field}.size`);
    const unitsPerIo = splits[read.at].units;
    const minBsOf = Math.min(...[...s.read, ...s.write].map((e) => e.bs));
    const cpus = j.cpus_allowed === "" ? [] : parseCpuList(j.cpus_allowed);
    // zoned: each zone a share of the job's region, whole units, in order
    const zoned = { at: zones.length, count: 0 };
    let zoneStart = 0;
    let upTo = 0;
    const { zones: distribution, absolute } = parseDistribution(j.random_distribution);
    for (const z of distribution) {
      // zoned_abs: bytes (the last, with none given, what is left); zoned: a share of the region
      const left = regionUnits - zoneStart;
      const span = absolute
        ? z.size < 0
          ? left
          : Math.floor(z.size / unitBytes)
        : Math.max(1, Math.floor((regionUnits * z.size) / 100));
      if (span <= 0 || zoneStart + span > regionUnits)
        throw new ConfigError(
          `${field}.random_distribution`,
          `${JSON.stringify(j.random_distribution)}: its zones reach past the job's region (size)`,
        );
      upTo += z.access;
      zones.push({ startUnit: zoneStart, units: span, upTo });
      zoneStart += span;
      zoned.count++;
    }
    for (let k = 0; k < j.numjobs; k++) {
      // One job's copies spread over its region as the engine spreads a run's threads (a sequential job's
      // start), unless offset_increment gives each its own region.
      const share = Math.floor(regionUnits / j.numjobs / unitsPerIo);
      const quota =
        j.number_ios > 0 ? Math.floor(j.number_ios / j.numjobs) + (k < j.number_ios % j.numjobs ? 1 : 0) : 0;
      threads.push({
        regionStart: units(j.offset + j.offset_increment * k, `${field}.offset`),
        regionUnits,
        startUnit: j.offset_increment > 0 ? 0 : share * unitsPerIo * k,
        quota: trace.length ? trace.length : j.io_size > 0 ? 0 : quota,
        quotaBytes: trace.length ? 0 : j.io_size,
        rateBytesPerSec: j.rate > 0 ? j.rate : j.rate_iops * minBsOf,
        thinkNs: j.thinktime * 1000,
        thinkBlocks: j.thinktime_blocks,
        iodepth: j.iodepth,
        readPercent: readPercentOf(j.rw, j.rwmixread),
        random: j.rw.startsWith("rand") ? 1 : 0,
        splitAt: read.at,
        splitCount: read.count,
        splitWriteAt: write.at,
        splitWriteCount: write.count,
        traceAt: 0,
        traceCount: trace.length,
        iodepthLow: j.iodepth_low > 0 && j.iodepth_low < j.iodepth ? j.iodepth_low : j.iodepth,
        cpu: cpus.length ? cpus[k % cpus.length] : ANY_CPU,
        alignUnits: units(j.blockalign, `${field}.blockalign`),
        zoneAt: zoned.at,
        zoneCount: zoned.count,
        readback: j.readback && j.rw !== "read" && j.rw !== "randread" && (j.number_ios > 0 || j.io_size > 0) ? 1 : 0,
        seqSkip: BigInt.asUintN(64, BigInt(units(Math.abs(j.rw_skip), `${field}.rw_skip`) * Math.sign(j.rw_skip))),
        // the map is of one block size over the whole region (a job with sizes, zones or an alignment draws with
        // repeats, as with norandommap)
        randomMap:
          j.randommap &&
          read.count === 1 &&
          write.count === 1 &&
          splits[read.at].units === splits[write.at].units &&
          zoned.count === 0 &&
          j.blockalign === 0
            ? 1
            : 0,
        pad: 0,
      });
    }
  }
  // fio's replay_time_scale is a speed: 200 replays the log's gaps in half the time.
  const scale = 100 / w.replay_time_scale;
  return {
    minBs: Math.min(minBs, unitBytes),
    maxBs,
    unitBytes,
    threads,
    splits,
    trace: trace.map((e) => ({
      atNs: w.replay_no_stall ? 0n : BigInt(e.notBeforeMs) * 1_000_000n,
      delayNs: w.replay_no_stall ? 0n : BigInt(Math.round(e.delayUs * 1000 * scale)),
      unit: units(e.offset, "workload.iolog"),
      units: units(e.length, "workload.iolog"),
      write: e.write,
    })),
    zones,
    iodepth: Math.max(...jobs.map((j) => j.iodepth)),
  };
}
