// An nvmesim run configuration as the fio job that does the same I/O on a
// real device: fio's own option names, as a job file (what `nvmesim measure
// --dry-run` shows) or as command-line options. What cannot carry over to a
// real machine (the host path, the later kernels' switches, the device model:
// the machine has its own) is said in the job file's comments, not dropped
// silently. The fio-like workload maps one to one; the swap program has its
// own measurement (nvmesim measure swap).
import type { FioWorkload, RunConfig } from "../model/config";
import { parseBssplit } from "../model/fio-jobs-syntax";

/** A configuration that has no fio job, and why. */
export class FioJobError extends Error {}

export interface FioJob {
  /** fio's options in order, name and value ("" for a flag). */
  options: [string, string][];
  /** What the configuration says that the job cannot. */
  notes: string[];
  /** Run with fio's --readonly (its safety checks refuse any write, a lay-out or an extension too). */
  readonly: boolean;
}

/** What the target changes: the size it allows and the options it needs (target.ts). */
export interface JobTarget {
  sizeBytes: number;
  fioOptions: [string, string][];
  /** The target exists already (only fio's --readonly for a job that only reads). */
  exists: boolean;
}

/** Where the job's logs go: a replayed log's file (the configuration's iolog, written there), a recorded one. */
export interface JobLogs {
  readIolog?: string;
  writeIolog?: string;
}

/** The fio job for `config` on `filename` (a block device or a file), within what `target` allows. */
export function fioJob(config: RunConfig, filename: string, target?: JobTarget, logs: JobLogs = {}): FioJob {
  const w = config.workload;
  if (w.kind !== "fio")
    throw new FioJobError("workload.kind: the swap program has no fio job; measure it with `nvmesim measure swap`");
  const f = w as FioWorkload;
  if (f.jobs.length)
    throw new FioJobError(
      "workload.jobs: measure runs one fio job; jobs that differ side by side are a job file for fio itself (nvmesim fio runs the same file in the model)",
    );
  const options: [string, string][] = [
    ["name", "nvmesim"],
    ["filename", filename.replace(/:/g, "\\:")], // fio splits filename at ':' (several files): a colon of the name is escaped
    // rw=read:8k: a sequential job's skip after each I/O
    ["rw", f.rw_skip ? `${f.rw}:${f.rw_skip}` : f.rw],
    ["bs", String(f.bs)],
    ["size", String(target?.sizeBytes ?? f.size)],
    // sync: one I/O at a time with pread/pwrite (pvsync2 to poll with hipri); async: the modern path's io_uring.
    ["ioengine", f.ioengine === "sync" ? (f.hipri ? "pvsync2" : "psync") : "io_uring"],
    ["iodepth", String(f.iodepth)],
    ["numjobs", String(f.numjobs)],
    ["direct", "1"], // the model has no page cache
    ["randseed", String(config.seed)],
    // random offsets repeat, as the model draws them, unless its random map is on (fio's default)
    ...(f.randommap ? [] : ([["norandommap", "1"]] as [string, string][])),
    ["group_reporting", "1"], // one result for all jobs, as the model reports
  ];
  // What shapes the job, by fio's own options (their fio spellings).
  const shaping: [string, string | number | boolean, unknown][] = [
    ["bssplit", f.bssplit, ""],
    ["rate", f.rate, 0],
    ["rate_iops", f.rate_iops, 0],
    ["thinktime", f.thinktime, 0],
    ["thinktime_blocks", f.thinktime_blocks, 1],
    ["iodepth_low", f.iodepth_low, 0],
    ["cpus_allowed", f.cpus_allowed, ""],
    ["offset", f.offset, 0],
    ["offset_increment", f.offset_increment, 0],
    ["blockalign", f.blockalign, 0],
    ["random_distribution", f.random_distribution, "random"],
    ["ramp_time", f.ramp_time > 0 ? `${f.ramp_time}s` : 0, 0],
    ["io_size", f.io_size, 0],
  ];
  for (const [name, value, none] of shaping) if (value !== none) options.push([name, String(value)]);
  // readback: fio's own verify, after the job's writes (fio checks its own pattern on the real device)
  if (f.readback) options.push(["verify", "crc32c"]);
  if (f.iolog !== "") {
    if (!logs.readIolog) throw new FioJobError("workload.iolog: the log's file is written where the measure runs");
    options.push(["read_iolog", logs.readIolog]);
    if (f.replay_no_stall) options.push(["replay_no_stall", "1"]);
    if (f.replay_time_scale !== 100) options.push(["replay_time_scale", String(f.replay_time_scale)]);
  }
  if (logs.writeIolog) options.push(["write_iolog", logs.writeIolog]);
  if (f.rw === "rw" || f.rw === "randrw") options.push(["rwmixread", String(f.rwmixread)]);
  options.push(...(target?.fioOptions ?? []));
  if (f.hipri) options.push(["hipri", "1"]);
  // The model stops at a number of I/Os or a simulated time. fio: io_size (each job's share of the I/Os,
  // looping over the region as often as that takes), or a time limit.
  if (f.number_ios > 0 && f.iolog === "" && f.io_size === 0)
    options.push(["io_size", String(Math.ceil(f.number_ios / f.numjobs) * meanBlock(f))]);
  if (f.runtime > 0)
    options.push(...(f.number_ios > 0 ? [] : ([["time_based", "1"]] as [string, string][])), [
      "runtime",
      `${f.runtime}s`,
    ]);
  const notes = [
    ...(f.number_ios % f.numjobs
      ? [`number_ios ${f.number_ios}: each of the ${f.numjobs} jobs does ${Math.ceil(f.number_ios / f.numjobs)}`]
      : []),
    `path ${config.path}: the machine runs its own kernel's block path`,
    `device.preset ${config.device.preset}: the device is ${filename}`,
    `cpus ${config.cpus}: fio runs on this machine's CPUs`,
  ];
  const on = Object.entries(config.switches).filter(([, v]) => v === true || (typeof v === "number" && v > 0));
  if (on.length) notes.push(`switches ${on.map(([k]) => k).join(", ")}: the kernel decides these`);
  if (f.verify && !f.readback)
    notes.push("verify: fio does not check content here (the model's per-page tags have no fio twin)");
  if (Object.values(config.device.errors).some((v) => v > 0)) notes.push("device.errors: a real device injects none");
  const writes = options.some(([k, v]) => k === "rw" && /write|rw/.test(v));
  return { options, notes, readonly: !writes && (target?.exists ?? false) };
}

/** A job's mean block size: its bs, or its reads' split's mean (fio's bssplit), whole sectors. */
function meanBlock(f: FioWorkload): number {
  const split = f.bssplit === "" ? undefined : parseBssplit(f.bssplit).read;
  if (!split) return f.bs;
  const total = split.reduce((s, e) => s + e.percent, 0);
  return Math.ceil(split.reduce((s, e) => s + e.bs * e.percent, 0) / total / 512) * 512;
}

/** Whether the job writes. */
export const jobWrites = (job: FioJob) => job.options.some(([k, v]) => k === "rw" && /write|rw/.test(v));

/** The job as fio's command-line options (JSON output to stdout). */
export function fioArgs(job: FioJob): string[] {
  return [
    ...job.options.map(([k, v]) => (v === "" ? `--${k}` : `--${k}=${v}`)),
    ...(job.readonly ? ["--readonly"] : []),
    "--output-format=json",
  ];
}

/** The job as a fio job file, with what it leaves out as comments. */
export function fioJobFile(job: FioJob): string {
  const name = job.options.find(([k]) => k === "name")?.[1] ?? "nvmesim";
  return [
    "; the nvmesim configuration as a fio job (nvmesim measure --dry-run)",
    ...job.notes.map((n) => `; not carried over: ${n}`),
    `[${name}]`,
    ...job.options.filter(([k]) => k !== "name").map(([k, v]) => (v === "" ? k : `${k}=${v}`)),
    "",
  ].join("\n");
}
