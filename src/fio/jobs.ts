// fio jobs as nvmesim runs: each option fio has is either mapped onto the
// simulated workload or refused by name (exit 2), never ignored. Jobs run
// side by side in one simulation per stonewall group, as fio runs them: jobs
// that do the same I/O are one workload, jobs that differ (a reader beside a
// writer, other depths, sizes, regions, paces) are workload.jobs, each its
// own; what the run shares (the engine and its options, runtime, verify) must
// be the same in a group. fio's per-job number_ios, io_size and size become
// each job's limits.
import { FIO_OPTION_NAMES } from "./fio-names";
import type { WrittenJob, WrittenOption } from "./job-file";
import { fioBool, fioBytes, fioTimeUs, FioValueError } from "./values";
import { bssplitError, cpuListError, distributionError } from "../model/fio-jobs-syntax";
import { iologError } from "../model/iolog";
import type { LogOptions } from "./logs";
import { nearest } from "../model/config";

/** An option nvmesim does not model, or a value it cannot take: named, one line, exit 2. */
export class FioJobError extends Error {}

type Kind = "size" | "int" | "time" | "bool" | "string" | "flag";

interface Modelled {
  kind: Kind;
  /** One line of `nvmesim fio --help`. */
  doc: string;
  /** Values taken, for enumerated options. */
  values?: readonly string[];
}

const RW = ["read", "write", "randread", "randwrite", "rw", "readwrite", "randrw"] as const;
const SYNC_ENGINES = ["psync", "sync", "pvsync", "pvsync2", "vsync"] as const;
const ASYNC_ENGINES = ["libaio", "io_uring", "io_uring_cmd"] as const;

/** nvmesim's engine for fio's: pread and its vectored kin are psync's one call per I/O. */
function engineOf(fioEngine: string): string {
  return fioEngine === "pvsync2" || (ASYNC_ENGINES as readonly string[]).includes(fioEngine) ? fioEngine : "psync";
}

/** The fio options nvmesim maps, by fio's name (aliases point at theirs). */
export const MODELLED: Readonly<Record<string, Modelled>> = {
  name: { kind: "string", doc: "the job's name" },
  description: { kind: "string", doc: "the job's description (fio's desc)" },
  filename: {
    kind: "string",
    doc: "the device under test: nvmesim's is the simulated namespace, whatever it is called",
  },
  directory: { kind: "string", doc: "as filename" },
  rw: { kind: "string", doc: "the I/O pattern", values: RW },
  bs: { kind: "size", doc: "block size (512, 1k, 2k or a multiple of 4k; one size for reads and writes)" },
  bsrange: { kind: "string", doc: "block size range: one size only (4k-4k)" },
  rwmixread: { kind: "int", doc: "percentage of reads in rw and randrw" },
  rwmixwrite: { kind: "int", doc: "percentage of writes in rw and randrw" },
  iodepth: { kind: "int", doc: "I/Os each job keeps in flight (async engines)" },
  numjobs: { kind: "int", doc: "jobs (threads) running this job" },
  ioengine: {
    kind: "string",
    doc: "libaio, io_uring, io_uring_cmd (async) or psync, sync, pvsync, pvsync2, vsync (one I/O at a time), each with its system calls",
    values: [...ASYNC_ENGINES, ...SYNC_ENGINES],
  },
  hipri: { kind: "flag", doc: "poll for completions (io_uring, io_uring_cmd, pvsync2)" },
  fixedbufs: { kind: "flag", doc: "io_uring: registered buffers" },
  registerfiles: { kind: "flag", doc: "io_uring: registered files" },
  sqthread_poll: { kind: "flag", doc: "io_uring: a kernel thread polls the SQ" },
  cmd_type: { kind: "string", doc: "io_uring_cmd: nvme (passthrough on /dev/ngXnY)", values: ["nvme"] },
  iodepth_batch_submit: { kind: "int", doc: "I/Os per submitting call (default 1; 0: iodepth)" },
  iodepth_batch_complete_min: { kind: "int", doc: "completions a job waits for at least (default 1)" },
  iodepth_batch_complete_max: { kind: "int", doc: "completions a job takes at most (default: the min)" },
  direct: { kind: "bool", doc: "must be 1: nvmesim has no page cache" },
  buffered: { kind: "bool", doc: "must be 0: nvmesim has no page cache" },
  size: {
    kind: "size",
    doc: "bytes of the device the job uses (its I/O, unless io_size, number_ios or time_based say)",
  },
  io_size: { kind: "size", doc: "bytes of I/O each job does" },
  number_ios: { kind: "int", doc: "I/Os each job does" },
  runtime: { kind: "time", doc: "stop after this much simulated time (seconds, or with us/ms/s/m/h/d)" },
  time_based: { kind: "flag", doc: "run for runtime, however much I/O that is" },
  group_reporting: { kind: "flag", doc: "report a group's jobs as one" },
  stonewall: { kind: "flag", doc: "wait for the jobs before to finish: a new group, run after them" },
  verify: {
    kind: "string",
    doc: "check reads against what was written (any method but 0/null: nvmesim checks per-page tags)",
  },
  randseed: { kind: "int", doc: "the run's seed" },
  kb_base: {
    kind: "int",
    doc: "1024 (k = 1024, KiB = 1000, fio's default) or 1000 (k = 1000, KiB = 1024)",
    values: ["1024", "1000"],
  },
  thread: { kind: "flag", doc: "threads, not processes: the same to the model" },
  norandommap: { kind: "flag", doc: "random offsets may repeat (without it, each block once per pass, as fio's map)" },
  randrepeat: { kind: "bool", doc: "repeatable random offsets: the model's always are (seeded)" },
  random_generator: {
    kind: "string",
    doc: "the offsets' generator: the model draws with its own, seeded",
    values: ["tausworthe", "lfsr", "tausworthe64"],
  },
  bssplit: { kind: "string", doc: "block sizes and their shares (4k/10:64k/90; reads,writes)" },
  rate: { kind: "string", doc: "bytes a second each job may issue each way (one value, or read,write alike)" },
  rate_iops: { kind: "string", doc: "I/Os a second each job may issue each way, of its smallest block" },
  thinktime: { kind: "time", doc: "pause after thinktime_blocks I/Os, once they completed (µs, or with a unit)" },
  thinktime_blocks: { kind: "int", doc: "I/Os between pauses (default 1)" },
  iodepth_low: { kind: "int", doc: "once full, refill when the depth fell to this (default iodepth)" },
  cpus_allowed: { kind: "string", doc: "the CPUs a job's threads run on, taken in turn (0-3,6)" },
  offset: { kind: "size", doc: "where the job's region starts (bytes, or N% of the target)" },
  offset_increment: { kind: "size", doc: "each further job of numjobs starts this much later (bytes, or N%)" },
  zonemode: { kind: "string", doc: "none: the device is not zoned", values: ["none"] },
  blockalign: { kind: "size", doc: "random offsets are multiples of this (default: the I/O's size)" },
  random_distribution: { kind: "string", doc: "random (uniform), or zoned:ACCESS/SIZE:... (e.g. zoned:50/5:50/95)" },
  ramp_time: { kind: "time", doc: "run this long before counting anything (seconds, or with a unit)" },
  do_verify: { kind: "bool", doc: "with verify, read back what a job wrote once its writes are done (default 1)" },
  sqthread_poll_cpu: { kind: "int", doc: "the SQ thread's CPU: nvmesim's has a CPU of its own" },
  nonvectored: { kind: "bool", doc: "io_uring: one buffer, not an iovec (priced as the model's import of one buffer)" },
  log_prio: { kind: "bool", doc: "the logs' priority column in hex (every I/O's is 0: no priority class)" },
  allow_file_create: { kind: "bool", doc: "the simulated namespace is there: nothing is created" },
  threads: { kind: "string", doc: "tiobench's profile option: without profile=tiobench fio takes it and does nothing" },
  read_iolog: { kind: "string", doc: "replay this iolog (version 2 or 3; every file it names is the namespace)" },
  replay_no_stall: { kind: "flag", doc: "replay the log as fast as it goes, not at its times" },
  replay_time_scale: { kind: "int", doc: "the log's times scaled by this percentage (default 100)" },
  replay_redirect: {
    kind: "string",
    doc: "the file the log's I/O goes to: the simulated namespace, whatever it names",
  },
  write_iolog: { kind: "string", doc: "write the job's I/Os as fio's iolog (version 3) to this file" },
  write_bw_log: { kind: "string", doc: "log bandwidth to NAME_bw.N.log (fio's format; NAME: the job's if empty)" },
  write_lat_log: { kind: "string", doc: "log lat, clat and slat to NAME_lat.N.log, _clat, _slat (ns)" },
  write_iops_log: { kind: "string", doc: "log IOPS to NAME_iops.N.log" },
  write_hist_log: { kind: "string", doc: "log clat histograms to NAME_clat_hist.N.log (every log_hist_msec)" },
  log_avg_msec: { kind: "int", doc: "average the logs over windows of this many ms (0: a line per I/O)" },
  log_hist_msec: { kind: "int", doc: "a histogram line every this many ms (0: none)" },
  log_hist_coarseness: { kind: "int", doc: "histogram bins merged 2^N to one (0 to 6)" },
  log_max_value: { kind: "bool", doc: "a window's largest value, not its mean" },
  log_offset: { kind: "bool", doc: "each line carries the I/O's offset" },
  per_job_logs: { kind: "bool", doc: "a log file per job (default 1; 0: one file, appended)" },
  percentile_list: { kind: "string", doc: "the latency percentiles reported (fio's default list otherwise)" },
  clat_percentiles: { kind: "bool", doc: "report completion-latency percentiles (default 1)" },
  lat_percentiles: { kind: "bool", doc: "report total-latency percentiles too" },
};

/** fio's aliases of the options nvmesim maps (options.c's .alias). */
const ALIASES: Readonly<Record<string, string>> = {
  timeout: "runtime",
  readwrite: "rw",
  blocksize: "bs",
  blocksize_range: "bsrange",
  io_limit: "io_size",
  wait_for_previous: "stonewall",
  iodepth_batch: "iodepth_batch_submit",
  iodepth_batch_complete: "iodepth_batch_complete_min",
  fileoffset: "offset",
};

/** The longest simulated runtime the configuration takes (workload.runtime), seconds. */
const MAX_RUNTIME_S = 1_000_000;
/** One stonewall group: the jobs that run side by side, as one simulation. */
export interface JobGroup {
  /** The simulation's workload and seed, to lay over the base configuration. */
  workload: Record<string, unknown>;
  seed?: number;
  /** Each thread's job name (thread t of the group), and each thread's written options for "job options". */
  threadNames: string[];
  threadOptions: Record<string, string>[];
  groupReporting: boolean;
  /** fio's engine name, for the start lines (each job's own is in jobLines). */
  ioengine: string;
  description?: string;
  /** How many of its threads are fio threads (the thread option), not processes. */
  threads: number;
  /** Where its first job is written (file:line, or "command line"), for messages. */
  at: string;
  /** Each job section's start line (fio prints one per job, "..." after it for numjobs). */
  jobLines: { name: string; rw: string; bs: number; iodepth: number; numjobs: number }[];
  /** Each thread's write_iolog file, if its job asked for one. */
  writeIologs: (string | undefined)[];
  /** Each thread's logs (write_bw_log, write_lat_log, ...), if its job asked for any. */
  logs: (LogOptions | undefined)[];
}

/** A job's options with [global]'s first, later ones overriding earlier ones, by fio name (aliases resolved). */
function effective(job: WrittenJob): Map<string, WrittenOption> {
  const out = new Map<string, WrittenOption>();
  for (const o of [...job.global, ...job.options]) {
    const name = ALIASES[o.name] ?? o.name;
    if (!(name in MODELLED)) {
      if (FIO_OPTION_NAMES.has(o.name))
        throw new FioJobError(
          `${o.at}: fio option '${o.name}' is not modelled by nvmesim (nvmesim fio --help lists those it maps)`,
        );
      const near = nearest(o.name, [...Object.keys(MODELLED), ...Object.keys(ALIASES)]);
      throw new FioJobError(`${o.at}: '${o.name}' is not a fio option${near ? ` (did you mean ${near}?)` : ""}`);
    }
    // fio: "option bs requires an argument" for bs= with nothing after it, on its command line or in a file.
    if (MODELLED[name].kind !== "flag" && (o.value === undefined || o.value === ""))
      throw new FioJobError(`${o.at}: option ${o.name} requires an argument, as fio says (write ${o.name}=VALUE)`);
    // an enumerated option's value, checked as fio's parser does
    const allowed = MODELLED[name].values;
    // rw=read:8k: the pattern before its offset modifier
    const value = name === "rw" ? o.value?.replace(/:.*$/, "") : o.value;
    if (allowed && value !== undefined && !allowed.includes(value)) {
      const near = nearest(value, allowed);
      throw new FioJobError(
        `${o.at}: ${o.name}=${o.value}: nvmesim models ${allowed.join(", ")}${near ? ` (did you mean ${near}?)` : ""}`,
      );
    }
    out.set(name, { ...o, name });
  }
  return out;
}

/**
 * fio writes options by the names and values they were given, a job's own under "job options": a bare flag
 * (group_reporting, stonewall) is not written, and a job file's filename comes last (as fio 3.33 does).
 */
function written(options: readonly WrittenOption[]): Record<string, string> {
  const out: Record<string, string> = {};
  const fromFile = options.some((o) => o.at !== "command line");
  const last = options.filter((o) => fromFile && o.name === "filename");
  for (const o of [...options.filter((o) => !last.includes(o)), ...last])
    if (o.value !== undefined) out[o.name] = o.value;
  return out;
}

/** The [global] options of the jobs, for fio's "global options". */
export function globalOptions(jobs: readonly WrittenJob[]): Record<string, string> {
  return written(jobs.flatMap((j) => j.global));
}

/** The job's settings, each checked as fio reads it. */
function settings(job: WrittenJob) {
  const o = effective(job);
  const text = (name: string) => o.get(name)?.value;
  const at = (name: string) => o.get(name)?.at ?? job.at;
  const fail = (name: string, message: string): never => {
    const v = text(name);
    throw new FioJobError(`${at(name)}: ${name}${v === undefined ? "" : `=${v}`}: ${message}`);
  };
  const guard = <T>(name: string, read: () => T): T => {
    try {
      return read();
    } catch (err) {
      if (err instanceof FioValueError) throw new FioJobError(`${at(name)}: ${err.message}`);
      throw err;
    }
  };
  const kbRaw = text("kb_base") ?? "1024";
  if (kbRaw !== "1024" && kbRaw !== "1000") fail("kb_base", "fio takes 1024 or 1000");
  const kb = Number(kbRaw) as 1000 | 1024;
  const bytes = (name: string) => (o.has(name) ? guard(name, () => fioBytes(name, text(name) ?? "", kb)) : undefined);
  const flag = (name: string) => o.has(name) && guard(name, () => fioBool(name, text(name)));
  const percent = (name: string): number => {
    const m = /^(\d+(?:\.\d+)?)%$/.exec(text(name) ?? "");
    const p = m ? Number(m[1]) : NaN;
    if (!(p > 0 && p <= 100)) fail(name, "a share of the target is written 1% to 100%");
    return p;
  };
  const oneOf = (name: string, allowed: readonly string[], fallback: string) => {
    const v = text(name) ?? fallback;
    if (!allowed.includes(v)) {
      const near = nearest(v, allowed);
      fail(name, `nvmesim models ${allowed.join(", ")}${near ? ` (did you mean ${near}?)` : ""}`);
    }
    return v;
  };
  // rw=read:8k (or :-8k): a sequential job skips that much after each I/O (backwards when negative)
  const rwModifier = /:(.*)$/.exec(text("rw") ?? "");
  let rwSkip = 0;
  if (rwModifier) {
    const m = /^(-?)(.+)$/.exec(rwModifier[1])!;
    if (/^rand/.test(text("rw")!))
      fail("rw", `a random job's modifier (${rwModifier[0]}: I/Os per new offset) is not modelled`);
    rwSkip = (m[1] ? -1 : 1) * guard("rw", () => fioBytes("rw", m[2], kb));
  }
  const rw = (text("rw") ?? "read").replace(/:.*$/, "");
  if (!(RW as readonly string[]).includes(rw)) oneOf("rw", RW, "read");
  const ioengine = oneOf("ioengine", [...ASYNC_ENGINES, ...SYNC_ENGINES], "psync");
  // bs=R,W (and R,W,T): fio's per-direction sizes; one size for all is what nvmesim models.
  // fio's default block size is 4096 bytes whatever kb_base says (kb_base=1000 reads "4k" as 4000).
  const bsSizes = (text("bs") ?? "4096").split(",").filter((s) => s !== "");
  const bsValues = bsSizes.map((s) => guard("bs", () => fioBytes("bs", s, kb)));
  if (new Set(bsValues).size > 1) fail("bs", "different read and write block sizes are not modelled");
  let bs = bsValues[0] ?? 4096;
  if (o.has("bsrange")) {
    const m = /^([^-]+)-([^-]+)$/.exec(text("bsrange") ?? "");
    if (!m) fail("bsrange", "not a range (e.g. 4k-4k)");
    const [lo, hi] = [
      guard("bsrange", () => fioBytes("bsrange", m![1], kb)),
      guard("bsrange", () => fioBytes("bsrange", m![2], kb)),
    ];
    if (lo !== hi) fail("bsrange", "nvmesim models one block size (low = high)");
    bs = lo;
  }
  if (o.has("direct") && !flag("direct") && text("ioengine") !== "io_uring_cmd")
    fail("direct", "buffered I/O (the page cache) is not modelled: nvmesim needs direct=1");
  if (o.has("buffered") && flag("buffered"))
    fail("buffered", "buffered I/O (the page cache) is not modelled: nvmesim needs buffered=0");
  // io_uring_cmd's passthrough never goes through the page cache: direct or not, it is direct
  if (!o.has("direct") && !(o.has("buffered") && !flag("buffered")) && text("ioengine") !== "io_uring_cmd")
    throw new FioJobError(
      `${job.at}: job '${job.name}': fio's default is buffered I/O (direct=0), which nvmesim does not model: add direct=1`,
    );
  const hipri = flag("hipri");
  if (hipri && !["io_uring", "io_uring_cmd", "pvsync2"].includes(ioengine))
    fail("hipri", `is an option of io_uring, io_uring_cmd and pvsync2, not ${ioengine}`);
  const uring = ioengine === "io_uring" || ioengine === "io_uring_cmd";
  for (const name of ["fixedbufs", "registerfiles", "sqthread_poll"])
    if (flag(name) && !uring) fail(name, `is an option of io_uring and io_uring_cmd, not ${ioengine}`);
  if (o.has("cmd_type") && ioengine !== "io_uring_cmd")
    fail("cmd_type", `is an option of io_uring_cmd, not ${ioengine}`);
  oneOf("cmd_type", ["nvme"], "nvme");
  const int = (name: string, min: number) => {
    const v = bytes(name);
    if (v !== undefined && v < min) fail(name, `must be at least ${min}`);
    return v;
  };
  const rwmixread = o.has("rwmixread") ? int("rwmixread", 0)! : o.has("rwmixwrite") ? 100 - int("rwmixwrite", 0)! : 50;
  if (rwmixread < 0 || rwmixread > 100) fail(o.has("rwmixread") ? "rwmixread" : "rwmixwrite", "a percentage, 0 to 100");
  const verifyText = text("verify");
  // rate=R or R,W: one ceiling each way is what nvmesim models (fio's per-direction values alike).
  const perDirection = (name: string) => {
    const parts = (text(name) ?? "0").split(",").filter((p) => p !== "");
    const values = parts.map((p) => guard(name, () => fioBytes(name, p, kb)));
    if (new Set(values).size > 1) fail(name, "different read and write ceilings are not modelled");
    return values[0] ?? 0;
  };
  // offset=N%: that share of the target (the simulated namespace)
  const bytesOrPercent = (name: string) =>
    /%$/.test(text(name) ?? "") ? { percent: percent(name) } : { bytes: bytes(name) ?? 0 };
  // write_*_log=NAME (the job's name when empty, as fio's make_log_name)
  const logName = (option: string) => (o.has(option) ? text(option) || job.name : undefined);
  const logOptions = (): LogOptions | undefined => {
    const o2 = { bw: logName("write_bw_log"), lat: logName("write_lat_log"), iops: logName("write_iops_log") };
    const hist = logName("write_hist_log");
    if (!o2.bw && !o2.lat && !o2.iops && !hist) return undefined;
    const coarseness = int("log_hist_coarseness", 0) ?? 0;
    if (coarseness > 6) fail("log_hist_coarseness", "fio merges 2^0 to 2^6 bins");
    return {
      ...o2,
      hist,
      avgMsec: int("log_avg_msec", 0) ?? 0,
      histMsec: int("log_hist_msec", 0) ?? 0,
      histCoarseness: coarseness,
      perJob: o.has("per_job_logs") ? flag("per_job_logs") : true,
      offset: flag("log_offset"),
      maxValue: flag("log_max_value"),
    };
  };
  // values in a syntax of their own, checked as the configuration checks them
  const syntax: [string, (text: string) => string | undefined][] = [
    ["random_distribution", distributionError],
    ["bssplit", bssplitError],
    ["cpus_allowed", cpuListError],
  ];
  for (const [name, error] of syntax) {
    const wrong = o.has(name) ? error(text(name)!) : undefined;
    if (wrong) fail(name, wrong);
  }
  return {
    rw,
    ioengine,
    bs,
    hipri,
    rwmixread,
    iodepth: int("iodepth", 1) ?? 1,
    numjobs: int("numjobs", 1) ?? 1,
    fixedbufs: flag("fixedbufs"),
    registerfiles: flag("registerfiles"),
    sqthreadPoll: flag("sqthread_poll"),
    thread: flag("thread"),
    batchSubmit: int("iodepth_batch_submit", 0) ?? 1,
    completeMin: int("iodepth_batch_complete_min", 0) ?? 1,
    completeMax: int("iodepth_batch_complete_max", 0) ?? 0,
    // size=N%: that share of the target, as fio takes it (of the simulated namespace here).
    size: /%$/.test(text("size") ?? "") ? undefined : bytes("size"),
    sizePercent: /%$/.test(text("size") ?? "") ? percent("size") : undefined,
    ioSize: bytes("io_size"),
    numberIos: int("number_ios", 0),
    runtimeUs: o.has("runtime") ? guard("runtime", () => fioTimeUs("runtime", text("runtime") ?? "", true)) : undefined,
    timeBased: flag("time_based"),
    groupReporting: flag("group_reporting"),
    stonewall: flag("stonewall"),
    verify: verifyText !== undefined && verifyText !== "0" && verifyText !== "null",
    seed: int("randseed", 0),
    description: text("description"),
    bssplit: text("bssplit") ?? "",
    rate: perDirection("rate"),
    rateIops: perDirection("rate_iops"),
    thinktimeUs: o.has("thinktime") ? guard("thinktime", () => fioTimeUs("thinktime", text("thinktime")!, false)) : 0,
    thinktimeBlocks: int("thinktime_blocks", 1) ?? 1,
    iodepthLow: int("iodepth_low", 0) ?? 0,
    cpusAllowed: text("cpus_allowed") ?? "",
    offset: bytesOrPercent("offset"),
    offsetIncrement: bytesOrPercent("offset_increment"),
    readIolog: text("read_iolog"),
    replayNoStall: flag("replay_no_stall"),
    replayTimeScale: int("replay_time_scale", 1) ?? 100,
    writeIolog: text("write_iolog"),
    logs: logOptions(),
    rwSkip,
    norandommap: flag("norandommap"),
    blockalign: bytes("blockalign") ?? 0,
    randomDistribution: text("random_distribution") ?? "random",
    rampUs: o.has("ramp_time") ? guard("ramp_time", () => fioTimeUs("ramp_time", text("ramp_time")!, true)) : 0,
    readback:
      verifyText !== undefined &&
      verifyText !== "0" &&
      verifyText !== "null" &&
      (o.has("do_verify") ? flag("do_verify") : true),
    percentileList: text("percentile_list"),
    clatPercentiles: o.has("clat_percentiles") ? flag("clat_percentiles") : true,
    latPercentiles: flag("lat_percentiles"),
  };
}

/** A job's settings that are the run's (one engine, one runtime): the jobs of a group must agree on them. */
const RUN_SETTINGS = {
  ioengine: "ioengine",
  hipri: "hipri",
  fixedbufs: "fixedbufs",
  registerfiles: "registerfiles",
  sqthreadPoll: "sqthread_poll",
  batchSubmit: "iodepth_batch_submit",
  completeMin: "iodepth_batch_complete_min",
  completeMax: "iodepth_batch_complete_max",
  runtimeUs: "runtime",
  rampUs: "ramp_time",
  timeBased: "time_based",
  verify: "verify",
  seed: "randseed",
  readIolog: "read_iolog",
  replayNoStall: "replay_no_stall",
  replayTimeScale: "replay_time_scale",
  percentileList: "percentile_list",
  clatPercentiles: "clat_percentiles",
  latPercentiles: "lat_percentiles",
} as const;

type Settings = ReturnType<typeof settings>;

/** The fields of workload.jobs a job's settings give (src/model/fio-jobs.ts), without its name. */
function jobFields(s: Settings, defaultSize: number, at: string, name: string) {
  const share = (p: { percent?: number; bytes?: number }) =>
    p.percent !== undefined ? Math.floor((defaultSize * p.percent) / 100 / s.bs) * s.bs : (p.bytes ?? 0);
  const size =
    s.sizePercent !== undefined
      ? Math.max(s.bs, Math.floor((defaultSize * s.sizePercent) / 100 / s.bs) * s.bs)
      : (s.size ?? defaultSize);
  if (s.timeBased && s.runtimeUs === undefined)
    throw new FioJobError(`${at}: job '${name}': time_based needs a runtime`);
  // fio's limits are each job's: number_ios, else io_size, else size (unless time_based runs on for runtime).
  const perJobIos =
    s.numberIos !== undefined && s.numberIos > 0
      ? s.numberIos
      : s.ioSize !== undefined
        ? Math.ceil(s.ioSize / s.bs)
        : s.timeBased && s.runtimeUs !== undefined
          ? 0
          : Math.floor(size / s.bs);
  const bytesBound =
    s.bssplit !== "" && !(s.numberIos !== undefined && s.numberIos > 0) && !(s.timeBased && s.runtimeUs !== undefined);
  return {
    numjobs: s.numjobs,
    rw: s.rw === "readwrite" ? "rw" : s.rw,
    rwmixread: s.rwmixread,
    bs: s.bs,
    bssplit: s.bssplit,
    // fio's sync engines have one I/O in flight whatever iodepth says.
    iodepth: (ASYNC_ENGINES as readonly string[]).includes(s.ioengine) ? s.iodepth : 1,
    offset: share(s.offset),
    offset_increment: share(s.offsetIncrement),
    size,
    // several block sizes: fio's budget is bytes (io_size, else size), not I/Os
    number_ios: bytesBound ? 0 : perJobIos * s.numjobs,
    io_size: bytesBound ? (s.ioSize ?? size) : 0,
    rate: s.rate,
    rate_iops: s.rateIops,
    thinktime: s.thinktimeUs,
    thinktime_blocks: s.thinktimeBlocks,
    iodepth_low: s.iodepthLow,
    cpus_allowed: s.cpusAllowed,
    blockalign: s.blockalign,
    random_distribution: s.randomDistribution,
    rw_skip: s.rwSkip,
    randommap: !s.norandommap,
    // fio's verify on a job that writes reads back what it wrote, once its writes are done
    readback: s.readback && !/^(rand)?read$/.test(s.rw) && perJobIos > 0,
  };
}

/** The groups a list of jobs runs as; `defaultSize` stands in for a job with no size (the namespace's); a job's
 * read_iolog is read with `readFile`. */
export function jobGroups(
  jobs: readonly WrittenJob[],
  defaultSize: number,
  readFile: (file: string) => string = () => {
    throw new FioJobError("read_iolog: no file reader");
  },
): JobGroup[] {
  const groups: { jobs: WrittenJob[]; settings: Settings[] }[] = [];
  for (const job of jobs) {
    const s = settings(job);
    if (groups.length === 0 || s.stonewall) groups.push({ jobs: [], settings: [] });
    const g = groups[groups.length - 1];
    if (g.settings.length) {
      const differs = (Object.keys(RUN_SETTINGS) as (keyof typeof RUN_SETTINGS)[]).find(
        (k) => g.settings[0][k] !== s[k],
      );
      if (differs)
        throw new FioJobError(
          `${job.at}: job '${job.name}' runs beside '${g.jobs[0].name}' with another ${RUN_SETTINGS[differs]}: nvmesim runs a group's jobs on one engine, runtime and verify (separate them with stonewall)`,
        );
    }
    g.jobs.push(job);
    g.settings.push(s);
  }
  return groups.map((g) => {
    const s = g.settings[0];
    const at = `${g.jobs[0].at}: job '${g.jobs[0].name}'`;
    const fields = g.settings.map((x, i) => jobFields(x, defaultSize, g.jobs[i].at, g.jobs[i].name));
    const key = (f: (typeof fields)[number]) =>
      JSON.stringify({ ...f, numjobs: 0, number_ios: f.number_ios / f.numjobs });
    const same = fields.every((f) => key(f) === key(fields[0]));
    const numjobs = fields.reduce((n, f) => n + f.numjobs, 0);
    // A runtime past what nvmesim simulates only bounds a job that its size (or number_ios) ends first: as fio
    // ends such a job, so does nvmesim; a time_based job that long is refused by name.
    let runtimeS = (s.runtimeUs ?? 0) / 1e6;
    if (runtimeS > MAX_RUNTIME_S) {
      if (s.timeBased)
        throw new FioJobError(
          `${at}: runtime=${runtimeS}s with time_based: nvmesim simulates at most ${MAX_RUNTIME_S} s`,
        );
      runtimeS = 0;
    }
    if (s.readIolog !== undefined && g.jobs.length > 1 && !same)
      throw new FioJobError(
        `${at}: read_iolog: a replayed log runs in a group of its own (separate it with stonewall)`,
      );
    const iolog = s.readIolog === undefined ? {} : readIolog(s.readIolog, g.jobs[0].at, readFile, s);
    const one = { ...fields[0], numjobs, number_ios: fields.reduce((n, f) => n + f.number_ios, 0) };
    return {
      workload: {
        kind: "fio",
        ...(same ? one : { jobs: fields.map((f, i) => ({ name: g.jobs[i].name, ...f })) }),
        ioengine: engineOf(s.ioengine),
        hipri: s.hipri,
        fixedbufs: s.fixedbufs,
        registerfiles: s.registerfiles,
        sqthread_poll: s.sqthreadPoll,
        iodepth_batch_submit: s.batchSubmit,
        iodepth_batch_complete_min: s.completeMin,
        iodepth_batch_complete_max: s.completeMax,
        runtime: runtimeS,
        ramp_time: s.rampUs / 1e6,
        verify: s.verify,
        ...iolog,
      },
      ...(s.seed !== undefined ? { seed: s.seed } : {}),
      threadNames: g.jobs.flatMap((j, i) => Array<string>(g.settings[i].numjobs).fill(j.name)),
      threadOptions: g.jobs.flatMap((j, i) =>
        Array<Record<string, string>>(g.settings[i].numjobs).fill(written(j.options)),
      ),
      groupReporting: g.settings[0].groupReporting,
      ioengine: s.ioengine,
      jobLines: g.jobs.map((j, i) => ({
        name: j.name,
        rw: g.settings[i].rw,
        bs: g.settings[i].bs,
        iodepth: g.settings[i].iodepth,
        numjobs: g.settings[i].numjobs,
      })),
      writeIologs: g.jobs.flatMap((j, i) =>
        Array<string | undefined>(g.settings[i].numjobs).fill(g.settings[i].writeIolog),
      ),
      logs: g.jobs.flatMap((j, i) => Array<LogOptions | undefined>(g.settings[i].numjobs).fill(g.settings[i].logs)),
      ...(s.description !== undefined ? { description: s.description } : {}),
      threads: g.settings.reduce((n, x) => n + (x.thread ? x.numjobs : 0), 0),
      at,
    };
  });
}

/** The workload fields of a job's read_iolog: the log's text, and how to replay it. */
function readIolog(file: string, at: string, readFile: (file: string) => string, s: Settings) {
  let text: string;
  try {
    text = readFile(file);
  } catch (err) {
    throw new FioJobError(`${at}: read_iolog=${file}: cannot read it (${(err as Error).message})`);
  }
  // blktrace's magic (0x65617400) in the first word, either byte order, as fio's is_blktrace looks for it
  if (/^[\s\S]tae|^eat/.test(text))
    throw new FioJobError(
      `${at}: read_iolog=${file}: a blktrace binary: nvmesim replays fio's own iologs (version 2 and 3), not blktrace's`,
    );
  const wrong = iologError(text);
  if (wrong) throw new FioJobError(`${at}: read_iolog=${file}: ${wrong.replace(/^line/, file)}`);
  return { iolog: text, replay_no_stall: s.replayNoStall, replay_time_scale: s.replayTimeScale };
}

/** Whether fio's option `name` takes a value (a word after it on the command line is its value). */
export function takesValue(name: string): boolean {
  const m = MODELLED[ALIASES[name] ?? name];
  return m === undefined ? true : m.kind !== "flag";
}

/** `nvmesim fio --help`'s list of the options mapped. */
export function modelledHelp(): string {
  const aliasOf = (name: string) =>
    Object.entries(ALIASES)
      .filter(([, v]) => v === name)
      .map(([k]) => k);
  return Object.entries(MODELLED)
    .map(([name, m]) => {
      const aliases = aliasOf(name).filter((a) => a !== name);
      return `  ${(name + (aliases.length ? ` (${aliases.join(", ")})` : "")).padEnd(28)} ${m.doc}`;
    })
    .join("\n");
}

/** fio's names for configuration fields, where they differ (readwrite for rw, blocksize for bs). */
export const FIO_FIELD_ALIASES: Readonly<Record<string, string>> = { readwrite: "rw", blocksize: "bs" };

/**
 * A configuration field's value from fio's spelling of it: engine names (sync, pvsync, vsync: psync's one call
 * per I/O), readwrite for rw, times for runtime (30, 1s, 500ms) and integers with k/m/g suffixes. Anything else
 * is returned as it came, for the configuration's own checks (sync and async stay nvmesim's engines without
 * system calls).
 */
export function fromFioSpelling(path: string, value: unknown): unknown {
  if (typeof value !== "string") return value;
  const field = path.split(".").pop()!;
  if (field === "ioengine" && ["pvsync", "vsync"].includes(value)) return "psync";
  if (field === "rw" && value === "readwrite") return "rw";
  if (path === "workload.runtime") return fioTimeUs(field, value, true) / 1e6;
  if (
    [
      "iodepth",
      "numjobs",
      "number_ios",
      "rwmixread",
      "qDepth",
      "cpus",
      "threads",
      "faults",
      "iodepth_batch_submit",
      "iodepth_batch_complete_min",
      "iodepth_batch_complete_max",
    ].includes(field) &&
    /^\d/.test(value)
  )
    return fioBytes(field, value);
  return value;
}
