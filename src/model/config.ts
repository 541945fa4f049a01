// Run configuration: the shape users write (JSON, flags, notebook objects),
// its defaults, and validation at the edge. Every mistake is one message that
// names the field, the value and what is allowed; nothing runs half-configured.
// Which values each field takes is the schema's (config-schema.ts); the checks
// that relate fields to each other are config-checks.ts's.
import {
  configField,
  keysAt,
  RW_MODES,
  type ConfigField,
  type DEVICE_COMPLETIONS,
  type DEVICE_DATA_PIPES,
} from "./config-schema";
import { SWITCHES_OFF, type PathName, type Switches } from "./paths";
import { checkFio, checkKernel, checkSwap } from "./config-checks";
import { ConfigError } from "./config-error";
import type { IoEngine } from "./engines";
import { KERNELS, type KernelName } from "./kernels";
import { jobsOf, withIolog, withJobs, type FioJob } from "./fio-jobs";

export { ConfigError } from "./config-error";
import { QUEUE_DEFAULTS, type QueueKnobs } from "./paths-today";

export { RW_MODES } from "./config-schema";
export type RwMode = (typeof RW_MODES)[number];

/** A fio-like job, with fio's names and meanings. */
export interface FioWorkload {
  kind: "fio";
  rw: RwMode;
  /** Block size, bytes: a multiple of 4096, or 512, 1024 or 2048 (a namespace of 512 B blocks). */
  bs: number;
  iodepth: number;
  numjobs: number;
  /** Percentage of reads in rw/randrw. */
  rwmixread: number;
  /** fio's engine: sync and async price the block path alone; the others their system calls too (engines.ts). */
  ioengine: IoEngine;
  /** Poll for completions (sets switches.polled). */
  hipri: boolean;
  /** io_uring: registered buffers (no page pinning, no iovec import per I/O). */
  fixedbufs: boolean;
  /** io_uring: registered files (no file lookup and reference per I/O). */
  registerfiles: boolean;
  /** io_uring: a kernel thread polls the SQ (no io_uring_enter to submit). */
  sqthread_poll: boolean;
  /** I/Os submitted per system call (fio's iodepth_batch_submit). */
  iodepth_batch_submit: number;
  /** Completions a job waits for at least (fio's iodepth_batch_complete_min). */
  iodepth_batch_complete_min: number;
  /** Completions a job takes at most per look (fio's iodepth_batch_complete_max; 0, fio's default: iodepth_batch_complete_min). */
  iodepth_batch_complete_max: number;
  /** io_uring_cmd: the command set (nvme: NVMe passthrough on /dev/ngXnY). */
  cmd_type: "nvme";
  /** Bytes of the device the jobs use, shared by all jobs. */
  size: number;
  /** Stop after this many I/Os in all (0: no limit). */
  number_ios: number;
  /** Bytes each job issues, in place of number_ios (fio's io_size; 0: number_ios says). */
  io_size: number;
  /** Stop at this simulated time, seconds (0: no limit). */
  runtime: number;
  /** Check every read against what was last written there. */
  verify: boolean;
  /** Block sizes and their shares in place of bs (fio's bssplit; "": bs alone). */
  bssplit: string;
  /** Bytes a second each job may issue, each way (fio's rate); I/Os a second of its smallest block (rate_iops). */
  rate: number;
  rate_iops: number;
  /** µs a job pauses after each thinktime_blocks I/Os, once they completed (fio's thinktime). */
  thinktime: number;
  thinktime_blocks: number;
  /** Once a job's depth is full, it refills only when it fell to this (0: iodepth). */
  iodepth_low: number;
  /** The CPUs a job's threads run on, taken in turn ("": spread over all). */
  cpus_allowed: string;
  /** Where the jobs' region starts, and how much later each further job of numjobs starts (bytes). */
  offset: number;
  offset_increment: number;
  /** A random offset is a multiple of this (0: the I/O's own size). */
  blockalign: number;
  /** Where random offsets fall: "random" (uniform) or fio's zoned:ACCESS/SIZE:... */
  random_distribution: string;
  /** Bytes a sequential job skips after each I/O, backwards when negative (fio's rw=read:8k). */
  rw_skip: number;
  /** A random job takes each block of its region once per pass (fio's random map). */
  randommap: boolean;
  /** Once a job's writes are done, it reads back what it wrote (fio's verify on a writing job). */
  readback: boolean;
  /** Seconds run before anything is counted (fio's ramp_time). */
  ramp_time: number;
  /** A recorded workload each job replays (fio's iolog, version 2 or 3, as text; "": none). */
  iolog: string;
  replay_no_stall: boolean;
  /** The log's times scaled by this percentage. */
  replay_time_scale: number;
  /**
   * Jobs that run side by side and differ (fio's job sections of one group), each its own fields over the ones
   * above; empty: one job, the fields above. Validated, numjobs and number_ios are their sums and size the end
   * of the furthest region.
   */
  jobs: FioJob[];
}

/** The seed's kind of program: threads touch a working set larger than memory. */
export interface SwapWorkload {
  kind: "swap";
  threads: number;
  /** Bytes of page frames the working set may use. */
  memory: number;
  /** Bytes the program touches (more than memory). */
  workingSet: number;
  /** Swap readahead of 2^pageCluster pages (Linux vm.page-cluster, default 3). */
  pageCluster: number;
  pattern: "sequential" | "random";
  /** The program's own time per page touched, ns. */
  userNsPerAccess: number;
  /** Stop after this many page faults (0: no limit). */
  faults: number;
  /** Stop at this simulated time, seconds (0: no limit). */
  runtime: number;
}

export const DEFAULT_SWAP: SwapWorkload = {
  kind: "swap",
  threads: 1,
  memory: 64 << 20,
  workingSet: 96 << 20,
  pageCluster: 3,
  pattern: "sequential",
  userNsPerAccess: 200,
  faults: 200_000,
  runtime: 0,
};

/** Injected faults, per million commands. */
export interface ErrorInjection {
  /** Reads answered Unrecovered Read Error (media, retryable). */
  unrecoveredReadPpm: number;
  /** Writes answered Write Fault (media, retryable). */
  writeFaultPpm: number;
  /** Commands the host builds with a misaligned PRP1 (answered PRP Offset Invalid with DNR: not retried). */
  prpErrorPpm: number;
}

export interface DeviceConfig {
  preset: string;
  /** Identical devices the jobs spread over (t/io_uring's files): their parallel units and pipes add up. */
  count: number;
  errors: ErrorInjection;
  /** Retries of a failed command without DNR before the host gives up. */
  maxRetries: number;
  /** Media latencies in place of the preset's (its median, its distribution kept), ns; 0: the preset's. */
  readLatencyNs: number;
  writeLatencyNs: number;
  /** How commands complete, in place of the preset's ("preset": the preset's own). */
  completion: (typeof DEVICE_COMPLETIONS)[number];
  /** How data moves: one pipe for both directions, or the link each way and the device's time shared. */
  dataPipe: (typeof DEVICE_DATA_PIPES)[number];
}

export const NO_ERRORS: ErrorInjection = { unrecoveredReadPpm: 0, writeFaultPpm: 0, prpErrorPpm: 0 };

/** The host machine around the paths. */
export interface HostConfig {
  /** A kernel preset (kernels.ts): its switches (the defaults of `switches`), step names and cost table. */
  kernel: KernelName;
  /** A CPU preset (cpus.ts): its speed and the latencies it adds that are not CPU work. */
  cpu: string;
  /** 2: each CPU is a core whose two hyperthreads both run the jobs (t/io_uring -n2 on sibling threads). */
  threadsPerCore: number;
  /** perf records the run (its PMU save on each context switch is charged): the seed's own runs. */
  profiler: boolean;
}

export const DEFAULT_HOST: HostConfig = { kernel: "3.19", cpu: "xeon-e5-v2", threadsPerCore: 1, profiler: false };

export interface RunConfig {
  seed: bigint;
  path: PathName;
  switches: Switches;
  cpus: number;
  /** Entries per NVMe queue; one queue pair per CPU. */
  qDepth: number;
  host: HostConfig;
  /** The block queue's sysfs knobs. */
  queue: QueueKnobs;
  device: DeviceConfig;
  workload: FioWorkload | SwapWorkload;
  /** Run what the kernel cannot do (rw_page after its removal in 6.3) as a what-if. */
  whatIf: boolean;
}

export const DEFAULT_CONFIG: RunConfig = {
  seed: 1n,
  path: "blk-mq",
  switches: SWITCHES_OFF,
  cpus: 4,
  qDepth: 1024,
  host: DEFAULT_HOST,
  queue: QUEUE_DEFAULTS,
  device: {
    preset: "p3700-2014",
    count: 1,
    errors: NO_ERRORS,
    maxRetries: 5,
    readLatencyNs: 0,
    writeLatencyNs: 0,
    completion: "preset",
    dataPipe: "one",
  },
  workload: {
    kind: "fio",
    rw: "randread",
    bs: 4096,
    iodepth: 32,
    numjobs: 4,
    rwmixread: 50,
    ioengine: "async",
    hipri: false,
    fixedbufs: false,
    registerfiles: false,
    sqthread_poll: false,
    iodepth_batch_submit: 1,
    iodepth_batch_complete_min: 1,
    iodepth_batch_complete_max: 0,
    cmd_type: "nvme",
    size: 1 << 30,
    number_ios: 1_000_000,
    io_size: 0,
    runtime: 0,
    verify: true,
    bssplit: "",
    rate: 0,
    rate_iops: 0,
    thinktime: 0,
    thinktime_blocks: 1,
    iodepth_low: 0,
    cpus_allowed: "",
    offset: 0,
    offset_increment: 0,
    blockalign: 0,
    random_distribution: "random",
    rw_skip: 0,
    randommap: false,
    readback: false,
    ramp_time: 0,
    iolog: "",
    replay_no_stall: false,
    replay_time_scale: 100,
    jobs: [],
  },
  whatIf: false,
};

function levenshtein(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const next = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = row[j];
      row[j] = next;
    }
  }
  return row[b.length];
}

/** The allowed name closest to `name`, when it is close enough to be a likely typo. */
export function nearest(name: string, allowed: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of allowed) {
    const d = levenshtein(name.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return bestDistance <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

const SIZE_UNITS: Record<string, number> = { "": 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };

/** A byte count: a number or fio-style text such as 4k, 128K, 1g, 2m. */
export function parseSize(field: string, value: unknown): number {
  if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0) return value;
  const m = typeof value === "string" ? /^(\d+)\s*([kmgt]?)(i?b)?$/i.exec(value.trim()) : null;
  if (!m) throw new ConfigError(field, `${JSON.stringify(value)} is not a size (a byte count, or e.g. 4k, 128k, 1g)`);
  return Number(m[1]) * SIZE_UNITS[m[2].toLowerCase()];
}

type Obj = Record<string, unknown>;

function checkKeys(field: string, value: Obj, allowed: readonly string[]): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) {
      const near = nearest(key, allowed);
      const at = field ? `${field}.${key}` : key;
      throw new ConfigError(
        at,
        `unknown key${near ? ` (did you mean ${field ? `${field}.` : ""}${near}?)` : ""}; allowed: ${allowed.join(", ")}`,
      );
    }
  }
}

function object(field: string, value: unknown): Obj {
  if (value === null || typeof value !== "object" || Array.isArray(value))
    throw new ConfigError(field, `${JSON.stringify(value)} is not an object`);
  return value as Obj;
}

function integer(field: string, value: unknown, min: number, max: number): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(field, `${JSON.stringify(value)} is not an integer in ${min}..${max}`);
  }
  return value;
}

function number(field: string, value: unknown, min: number, max: number): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < min || value > max) {
    throw new ConfigError(field, `${JSON.stringify(value)} is not a number in ${min}..${max}`);
  }
  return value;
}

function boolean(field: string, value: unknown): boolean {
  if (typeof value !== "boolean") throw new ConfigError(field, `${JSON.stringify(value)} is not true or false`);
  return value;
}

function oneOf<T extends string>(field: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== "string" || !(allowed as readonly string[]).includes(value)) {
    const near = typeof value === "string" ? nearest(value, allowed) : undefined;
    throw new ConfigError(
      field,
      `${JSON.stringify(value)} is not one of ${allowed.join(", ")}${near ? ` (did you mean ${near}?)` : ""}`,
    );
  }
  return value as T;
}

function seedOf(value: unknown): bigint {
  const ok =
    (typeof value === "number" && Number.isSafeInteger(value) && value >= 0) ||
    (typeof value === "bigint" && value >= 0n && value < 1n << 64n) ||
    (typeof value === "string" && /^(0x[0-9a-f]{1,16}|\d{1,20})$/i.test(value) && BigInt(value) < 1n << 64n);
  if (!ok)
    throw new ConfigError(
      "seed",
      `${JSON.stringify(typeof value === "bigint" ? String(value) : value)} is not an integer in 0..2^64-1`,
    );
  return BigInt(value as number | string | bigint);
}

/** A value checked against its field's definition: sizes and seeds parsed, the rest as given. */
export function checkField(f: ConfigField, value: unknown): unknown {
  const t = f.value;
  switch (t.type) {
    case "integer":
      return integer(f.path, value, t.min, t.max);
    case "number":
      return number(f.path, value, t.min, t.max);
    case "boolean":
      return boolean(f.path, value);
    case "enum":
      return oneOf(f.path, value, t.values);
    case "size":
      return parseSize(f.path, value);
    case "seed":
      return seedOf(value);
    case "text": {
      if (typeof value !== "string")
        throw new ConfigError(f.path, `${JSON.stringify(value)} is not text (${t.syntax})`);
      const wrong = value === "" ? undefined : t.check(value);
      // A long text (a log) is named by its start.
      const shown = value.length > 60 ? `${JSON.stringify(value.slice(0, 40))}...` : JSON.stringify(value);
      if (wrong) throw new ConfigError(f.path, `${shown}: ${wrong} (${t.syntax})`);
      return value;
    }
  }
}

/** The field at `path` of the user's object `from` (its last part the key), or `fallback`, checked. */
function read<T>(path: string, from: Obj, fallback: T): T {
  const key = path.split(".").pop()!;
  return checkField(configField(path)!, from[key] ?? fallback) as T;
}

/** Every field under `prefix` that `from` may hold, read with the defaults of `defaults`. */
function readAll<T extends object>(prefix: string, from: Obj, defaults: T): T {
  return Object.fromEntries(Object.entries(defaults).map(([k, v]) => [k, read(`${prefix}.${k}`, from, v)])) as T;
}

/** Validates a user's configuration (defaults fill what it leaves out); throws ConfigError. */
export function validateConfig(input: unknown): RunConfig {
  const top = object("config", input ?? {});
  checkKeys("", top, keysAt(""));
  const d = DEFAULT_CONFIG;
  const switchesIn = object("switches", top.switches ?? {});
  checkKeys("switches", switchesIn, keysAt("switches"));
  const hostIn = object("host", top.host ?? {});
  checkKeys("host", hostIn, keysAt("host"));
  const queueIn = object("queue", top.queue ?? {});
  checkKeys("queue", queueIn, keysAt("queue"));
  const host = readAll("host", hostIn, d.host);
  const deviceIn = object("device", top.device ?? {});
  checkKeys("device", deviceIn, keysAt("device"));
  const errorsIn = object("device.errors", deviceIn.errors ?? {});
  checkKeys("device.errors", errorsIn, keysAt("device.errors"));
  const w = object("workload", top.workload ?? {});
  const kind = read<string>("workload.kind", w, "fio");
  const workload = kind === "swap" ? validateSwap(w) : validateFio(kind === "iolog" ? iologWorkload(w) : w);
  const config: RunConfig = {
    seed: read("seed", top, d.seed),
    path: read("path", top, d.path),
    // The kernel's own switches, unless the configuration sets one.
    switches: readAll("switches", switchesIn, KERNELS[host.kernel].switches),
    cpus: read("cpus", top, d.cpus),
    qDepth: read("qDepth", top, d.qDepth),
    host,
    queue: readAll("queue", queueIn, d.queue),
    device: {
      preset: read("device.preset", deviceIn, d.device.preset),
      count: read("device.count", deviceIn, d.device.count),
      errors: readAll("device.errors", errorsIn, NO_ERRORS),
      maxRetries: read("device.maxRetries", deviceIn, d.device.maxRetries),
      readLatencyNs: read("device.readLatencyNs", deviceIn, d.device.readLatencyNs),
      writeLatencyNs: read("device.writeLatencyNs", deviceIn, d.device.writeLatencyNs),
      completion: read("device.completion", deviceIn, d.device.completion),
      dataPipe: read("device.dataPipe", deviceIn, d.device.dataPipe),
    },
    workload,
    whatIf: read("whatIf", top, d.whatIf),
  };
  checkKernel(config);
  // hipri polls, except a synchronous direct I/O (pvsync2) on 5.19 and later, which ignores it (kernels.ts).
  const ignoresHipri = workload.kind === "fio" && workload.ioengine === "pvsync2" && !KERNELS[host.kernel].syncPoll;
  if (workload.kind === "fio" && workload.hipri && !ignoresHipri)
    config.switches = { ...config.switches, polled: true };
  if (workload.kind === "swap" && Object.values(config.device.errors).some((v) => v > 0)) {
    throw new ConfigError(
      "device.errors",
      "fault injection applies to fio workloads (the swap program has no retry policy of its own)",
    );
  }
  if (workload.kind === "fio") checkFio(config, workload);
  else checkSwap(config, workload);
  if (config.switches.irqCoalesceThreshold > 1 && config.switches.irqCoalesceTimeNs === 0) {
    throw new ConfigError(
      "switches.irqCoalesceTimeNs",
      "0 with a coalescing threshold: a lone completion would wait forever (set a time)",
    );
  }
  return config;
}

/**
 * A workload of kind "iolog" (a recorded log replayed, as fio's read_iolog): a fio workload whose iolog is the
 * log's `text`. Its `file` is read where there are files (a notebook's simulate(), nvmesim run --read_iolog).
 */
function iologWorkload(w: Obj): Obj {
  const { text, file, ...rest } = w;
  delete rest.kind;
  if (file !== undefined && text === undefined)
    throw new ConfigError(
      "workload.file",
      `${JSON.stringify(file)}: a log's file is read by simulate() in a notebook and by nvmesim run --read_iolog; here give its text as workload.text`,
    );
  if (typeof text !== "string" || text === "")
    throw new ConfigError("workload.text", `${JSON.stringify(text)} is not a log's text (fio's iolog, version 2 or 3)`);
  if ("iolog" in rest)
    throw new ConfigError("workload.iolog", 'a workload of kind "iolog" has its log as text (or file)');
  return { ...rest, iolog: text };
}

function validateFio(input: Obj): FioWorkload {
  const { jobs, ...w } = input;
  checkKeys("workload", w, [...keysAt("workload", "fio"), "jobs"]);
  const defaults: Partial<FioWorkload> = { ...(DEFAULT_CONFIG.workload as FioWorkload) };
  delete defaults.kind;
  delete defaults.jobs;
  // fio replays a log in one job, unless numjobs says more
  if (typeof w.iolog === "string" && w.iolog !== "") defaults.numjobs = 1;
  const base = { kind: "fio", ...readAll("workload", w, defaults), jobs: [] } as FioWorkload;
  if (jobs !== undefined && base.iolog !== "")
    throw new ConfigError(
      "workload.jobs",
      "a replayed log (workload.iolog) is one job's: run other jobs in a group of their own",
    );
  return jobs === undefined ? withIolog(base) : withJobs(base, jobsOf(base, jobs, checkField));
}

function validateSwap(w: Obj): SwapWorkload {
  checkKeys("workload", w, keysAt("workload", "swap"));
  const defaults: Omit<SwapWorkload, "kind"> & { kind?: string } = { ...DEFAULT_SWAP };
  delete defaults.kind;
  return { kind: "swap", ...readAll("workload", w, defaults as Omit<SwapWorkload, "kind">) };
}
