// fio jobs as nvmesim runs: each option fio has is either mapped onto the
// simulated workload or refused by name (exit 2), never ignored. Jobs run
// side by side in one simulation per stonewall group, as fio runs them, so
// the jobs of a group must do the same I/O (their names may differ); fio's
// per-job number_ios, io_size and size become the run's limits.
import { FIO_OPTION_NAMES } from "./fio-names";
import type { WrittenJob, WrittenOption } from "./job-file";
import { fioBool, fioBytes, fioTimeUs, FioValueError } from "./values";
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
  norandommap: { kind: "flag", doc: "random offsets may repeat: as the model draws them" },
  randrepeat: { kind: "bool", doc: "repeatable random offsets: the model's always are (seeded)" },
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
  /** For fio's start lines. */
  rw: string;
  bs: number;
  ioengine: string;
  iodepth: number;
  description?: string;
  /** How many of its threads are fio threads (the thread option), not processes. */
  threads: number;
  /** Where its first job is written (file:line, or "command line"), for messages. */
  at: string;
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
  const rwModifier = /:.*$/.exec(text("rw") ?? "");
  if (rwModifier) fail("rw", `fio's offset modifier (${rwModifier[0]}) is not modelled`);
  const rw = oneOf("rw", RW, "read");
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
  if (o.has("direct") && !flag("direct"))
    fail("direct", "buffered I/O (the page cache) is not modelled: nvmesim needs direct=1");
  if (o.has("buffered") && flag("buffered"))
    fail("buffered", "buffered I/O (the page cache) is not modelled: nvmesim needs buffered=0");
  if (!o.has("direct") && !(o.has("buffered") && !flag("buffered")))
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
  };
}

type Settings = ReturnType<typeof settings>;

/** What makes two jobs the same I/O (all but name, numjobs and reporting). */
function sameIo(a: Settings, b: Settings): boolean {
  const key = (s: Settings) =>
    JSON.stringify({ ...s, numjobs: 0, groupReporting: false, stonewall: false, description: "", thread: false });
  return key(a) === key(b);
}

/** The groups a list of jobs runs as; `defaultSize` stands in for a job with no size (the namespace's). */
export function jobGroups(jobs: readonly WrittenJob[], defaultSize: number): JobGroup[] {
  const groups: { jobs: WrittenJob[]; settings: Settings[] }[] = [];
  for (const job of jobs) {
    const s = settings(job);
    if (groups.length === 0 || s.stonewall) groups.push({ jobs: [], settings: [] });
    const g = groups[groups.length - 1];
    if (g.settings.length && !sameIo(g.settings[0], s))
      throw new FioJobError(
        `${job.at}: job '${job.name}' runs beside '${g.jobs[0].name}' with other I/O: nvmesim runs a group's jobs as one workload (separate them with stonewall)`,
      );
    g.jobs.push(job);
    g.settings.push(s);
  }
  return groups.map((g) => {
    const s = g.settings[0];
    const numjobs = g.settings.reduce((n, x) => n + x.numjobs, 0);
    const size =
      s.sizePercent !== undefined
        ? Math.max(s.bs, Math.floor((defaultSize * s.sizePercent) / 100 / s.bs) * s.bs)
        : (s.size ?? defaultSize);
    // fio's limits are each job's: number_ios, else io_size, else size (unless time_based runs on for runtime).
    const perJobIos =
      s.numberIos !== undefined && s.numberIos > 0
        ? s.numberIos
        : s.ioSize !== undefined
          ? Math.ceil(s.ioSize / s.bs)
          : s.timeBased && s.runtimeUs !== undefined
            ? 0
            : Math.floor(size / s.bs);
    if (s.timeBased && s.runtimeUs === undefined)
      throw new FioJobError(`${g.jobs[0].at}: job '${g.jobs[0].name}': time_based needs a runtime`);
    // A runtime past what nvmesim simulates only bounds a job that its size (or number_ios) ends first: as fio
    // ends such a job, so does nvmesim; a time_based job that long is refused by name.
    let runtimeS = (s.runtimeUs ?? 0) / 1e6;
    if (runtimeS > MAX_RUNTIME_S) {
      if (s.timeBased)
        throw new FioJobError(
          `${g.jobs[0].at}: job '${g.jobs[0].name}': runtime=${runtimeS}s with time_based: nvmesim simulates at most ${MAX_RUNTIME_S} s`,
        );
      runtimeS = 0;
    }
    return {
      workload: {
        kind: "fio",
        rw: s.rw === "readwrite" ? "rw" : s.rw,
        bs: s.bs,
        // fio's sync engines have one I/O in flight whatever iodepth says.
        iodepth: (ASYNC_ENGINES as readonly string[]).includes(s.ioengine) ? s.iodepth : 1,
        numjobs,
        rwmixread: s.rwmixread,
        ioengine: engineOf(s.ioengine),
        hipri: s.hipri,
        fixedbufs: s.fixedbufs,
        registerfiles: s.registerfiles,
        sqthread_poll: s.sqthreadPoll,
        iodepth_batch_submit: s.batchSubmit,
        iodepth_batch_complete_min: s.completeMin,
        iodepth_batch_complete_max: s.completeMax,
        size,
        number_ios: perJobIos * numjobs,
        runtime: runtimeS,
        verify: s.verify,
      },
      ...(s.seed !== undefined ? { seed: s.seed } : {}),
      threadNames: g.jobs.flatMap((j, i) => Array<string>(g.settings[i].numjobs).fill(j.name)),
      threadOptions: g.jobs.flatMap((j, i) =>
        Array<Record<string, string>>(g.settings[i].numjobs).fill(written(j.options)),
      ),
      groupReporting: g.settings[0].groupReporting,
      rw: s.rw,
      bs: s.bs,
      ioengine: s.ioengine,
      iodepth: s.iodepth,
      ...(s.description !== undefined ? { description: s.description } : {}),
      threads: g.settings.reduce((n, x) => n + (x.thread ? x.numjobs : 0), 0),
      at: `${g.jobs[0].at}: job '${g.jobs[0].name}'`,
    };
  });
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
