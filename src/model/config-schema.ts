// The run configuration's fields, once: each field's path, what values it
// takes, and a one-line description. validateConfig checks values by this
// table, the sweep's axes take their parameters from it, and the notebook's
// completions and help() show its descriptions. Defaults stay in
// DEFAULT_CONFIG and DEFAULT_SWAP (config.ts).
import { PATH_NAMES } from "./paths";
import { IO_ENGINES } from "./engines";
import { KERNEL_NAMES } from "./kernels";
import { CPU_NAMES } from "./cpus";
import { PRESET_NAMES } from "./presets";
import { bssplitError, cpuListError, distributionError } from "./fio-jobs-syntax";
import { iologError } from "./iolog";

export const RW_MODES = ["read", "write", "randread", "randwrite", "rw", "randrw"] as const;
export const WORKLOAD_KINDS = ["fio", "swap", "iolog"] as const;
export const DEVICE_COMPLETIONS = ["preset", "per-command", "timer-batch"] as const;
export const DEVICE_DATA_PIPES = ["one", "each-way"] as const;
export const SWAP_PATTERNS = ["sequential", "random"] as const;

/** What values a field takes. */
export type FieldType =
  | { type: "integer"; min: number; max: number }
  | { type: "number"; min: number; max: number }
  | { type: "boolean" }
  | { type: "enum"; values: readonly string[] }
  /** A byte count: a number or fio-style text (4k, 128k, 1g). */
  | { type: "size" }
  /** An integer in 0..2^64-1: a number, a decimal or 0x string, or a bigint. */
  | { type: "seed" }
  /** Text in a syntax of its own (fio's bssplit, an iolog): `check` says what is wrong with it, or nothing. */
  | { type: "text"; syntax: string; check: (text: string) => string | undefined };

export interface ConfigField {
  /** Where it sits in the configuration, e.g. workload.iodepth. */
  path: string;
  value: FieldType;
  /** One line: what it means, with its unit. */
  doc: string;
  /** Only for this kind of workload. */
  workload?: (typeof WORKLOAD_KINDS)[number];
  /** Its `nvmesim run` flag (fio's spelling); `sets`: a flag without a value that sets this. */
  flag?: { name: string; sets?: boolean };
}

const int = (min: number, max: number): FieldType => ({ type: "integer", min, max });
const oneOf = (values: readonly string[]): FieldType => ({ type: "enum", values });
const bool: FieldType = { type: "boolean" };
const size: FieldType = { type: "size" };
const seconds: FieldType = { type: "number", min: 0, max: 1e6 };
const perMillion = int(0, 1_000_000);
const count = int(0, Number.MAX_SAFE_INTEGER);

export const CONFIG_FIELDS: readonly ConfigField[] = [
  {
    path: "seed",
    flag: { name: "seed" },
    value: { type: "seed" },
    doc: "the run's seed: same configuration and seed, same result",
  },
  {
    path: "path",
    flag: { name: "path" },
    value: oneOf(PATH_NAMES),
    doc: "host I/O path: blk-mq (Linux 3.19) or rw_page (the 2014 bypass, real for swap; a fio job on it is a what-if)",
  },
  { path: "cpus", flag: { name: "cpus" }, value: int(1, 4096), doc: "CPUs, each with its own NVMe queue pair" },
  {
    path: "qDepth",
    flag: { name: "q-depth" },
    value: int(2, 65536),
    doc: "entries per NVMe submission and completion queue",
  },
  { path: "switches.iodInPdu", value: bool, doc: "Linux 4.0: the iod lives in the request, no kmalloc/kfree per I/O" },
  { path: "switches.batchDoorbell", value: bool, doc: "Linux 5.0 commit_rqs: one SQ doorbell per plugged batch" },
  {
    path: "switches.singleSegmentMap",
    value: bool,
    doc: "Linux 5.2: a one-segment I/O is mapped without a scatterlist",
  },
  {
    path: "switches.batchedCompletion",
    value: bool,
    doc: "Linux 5.16: the completions of one CQ pass end in one batch",
  },
  {
    path: "switches.onStackBio",
    value: bool,
    doc: "Linux 6.3: swap-in from a synchronous device (brd) uses an on-stack bio, no bio allocation",
  },
  {
    path: "switches.noSubmitReap",
    value: bool,
    doc: "later kernels: submission no longer reaps the CQ (3.19's nvme_queue_rq and nvme_rw_page did)",
  },
  {
    path: "switches.bioCachePolled",
    value: bool,
    doc: "Linux 5.15: polled io_uring direct I/O takes its bio from a per-CPU cache",
  },
  {
    path: "switches.setupCmdNoMemset",
    value: bool,
    doc: "Linux 5.16: nvme_setup_cmd no longer clears the whole 64-byte command first",
  },
  {
    path: "switches.blockFixes516",
    value: bool,
    doc: "Linux 5.16: the rest of October 2021's per-I/O block-layer work (plug merging against the last request only, singly linked plug list, request layout, ...)",
  },
  {
    path: "switches.queueRqs",
    value: bool,
    doc: "Linux 5.17 queue_rqs: a plug's requests reach the NVMe driver in one call, one lock, one doorbell",
  },
  {
    path: "switches.bioCacheIrq",
    value: bool,
    doc: "Linux 6.2: interrupt-driven io_uring direct I/O takes its bio from the per-CPU cache too",
  },
  {
    path: "switches.passthroughBioCache",
    value: bool,
    doc: "Linux 6.1: a polled NVMe passthrough command's bio comes from the per-CPU bio cache, not kmalloc",
  },
  {
    path: "switches.passthroughBatch",
    value: bool,
    doc: "Linux 6.1: NVMe passthrough requests come from the plug's request cache and end in the completion batch",
  },
  { path: "switches.polled", value: bool, doc: "the submitter polls the CQ instead of taking interrupts (hipri)" },
  {
    path: "switches.mergeWrites",
    value: bool,
    doc: "3.19 blk-mq: a swap-out bio merges into an adjacent request still in the software queue (off: docs/calibration.md A8)",
  },
  {
    path: "switches.irqCoalesceThreshold",
    value: int(0, 255),
    doc: "interrupt coalescing: completions per interrupt (0 or 1: off)",
  },
  {
    path: "switches.irqCoalesceTimeNs",
    value: int(0, 25_500_000),
    doc: "interrupt coalescing: longest wait for the threshold, ns",
  },
  {
    path: "switches.sglThresholdBytes",
    value: int(0, 1 << 30),
    doc: "I/Os of at least this many bytes use SGLs, not PRPs (0: never)",
  },
  {
    path: "host.kernel",
    flag: { name: "kernel" },
    value: oneOf(KERNEL_NAMES),
    doc: "the Linux release: its changes since 3.19 as the default switches, its step names and cost table (nvmesim paths --kernel K lists them)",
  },
  {
    path: "host.cpu",
    flag: { name: "cpu" },
    value: oneOf(CPU_NAMES),
    doc: "the host CPU: its speed against the seed's, interrupt delivery and idle-state exit latencies (nvmesim presets lists them)",
  },
  {
    path: "host.threadsPerCore",
    flag: { name: "threads-per-core" },
    value: int(1, 2),
    doc: "2: each CPU is a core whose two hyperthreads both run the jobs (t/io_uring -n2 on siblings), doing 1.19x one thread's work (docs/calibration.md, C3)",
  },
  {
    path: "host.profiler",
    value: bool,
    doc: "perf records the run: its PMU save on every context switch is charged (the seed's own runs)",
  },
  {
    path: "queue.iostats",
    value: bool,
    doc: "the block queue's iostats (sysfs): per-disk accounting at each request's start and end",
  },
  {
    path: "queue.nomerges",
    value: int(0, 2),
    doc: "the block queue's nomerges (sysfs): 0 tries every merge, 1 only the simple ones, 2 none",
  },
  {
    path: "whatIf",
    flag: { name: "what-if", sets: true },
    value: bool,
    doc: "run what the kernel cannot do (rw_page on 6.3 and later) as a what-if",
  },
  {
    path: "device.preset",
    flag: { name: "device" },
    value: oneOf(PRESET_NAMES),
    doc: "the device model (nvmesim presets lists them with their sources)",
  },
  {
    path: "device.count",
    value: int(1, 64),
    doc: "identical devices the jobs spread over (t/io_uring's files): their parallel units and pipes add up; one queue pair per CPU",
  },
  {
    path: "device.readLatencyNs",
    value: int(0, 1_000_000_000),
    doc: "media read latency, ns, in place of the preset's median (0: the preset's); sweep it to move a device continuously",
  },
  {
    path: "device.writeLatencyNs",
    value: int(0, 1_000_000_000),
    doc: "media write latency, ns, in place of the preset's median (0: the preset's)",
  },
  {
    path: "device.completion",
    value: oneOf(DEVICE_COMPLETIONS),
    doc: "how commands complete, in place of the preset's: each on its own time (per-command), or in null_blk 3.19's timer batches (timer-batch)",
  },
  {
    path: "device.dataPipe",
    value: oneOf(DEVICE_DATA_PIPES),
    doc: "one: reads and writes share one pipe, the slower of the link and the rated sequential read; each-way: the link's lanes each way, and the device's own time shared by reads and writes at their rated sequential rates",
  },
  {
    path: "device.maxRetries",
    value: int(0, 255),
    doc: "retries of a failed command without DNR before the host gives up",
  },
  {
    path: "device.errors.unrecoveredReadPpm",
    value: perMillion,
    doc: "reads answered Unrecovered Read Error, per million",
  },
  { path: "device.errors.writeFaultPpm", value: perMillion, doc: "writes answered Write Fault, per million" },
  {
    path: "device.errors.prpErrorPpm",
    value: perMillion,
    doc: "commands built with a misaligned PRP1 (failed with DNR), per million",
  },
  {
    path: "workload.kind",
    value: oneOf(WORKLOAD_KINDS),
    doc: "fio: a fio-like job; swap: the seed's swap program; iolog: a recorded log replayed (workload.text or file, and fio's fields)",
  },
  {
    path: "workload.rw",
    flag: { name: "rw" },
    value: oneOf(RW_MODES),
    doc: "fio's rw: the I/O pattern",
    workload: "fio",
  },
  {
    path: "workload.bs",
    flag: { name: "bs" },
    value: size,
    doc: "block size, bytes (512, 1024, 2048 or a multiple of 4096; 4k, 128k)",
    workload: "fio",
  },
  {
    path: "workload.iodepth",
    flag: { name: "iodepth" },
    value: int(1, 65535),
    doc: "I/Os each job keeps in flight",
    workload: "fio",
  },
  {
    path: "workload.numjobs",
    flag: { name: "numjobs" },
    value: int(1, 4096),
    doc: "jobs (threads), spread over the CPUs",
    workload: "fio",
  },
  {
    path: "workload.rwmixread",
    flag: { name: "rwmixread" },
    value: int(0, 100),
    doc: "percentage of reads in rw and randrw",
    workload: "fio",
  },
  {
    path: "workload.ioengine",
    flag: { name: "ioengine" },
    value: oneOf(IO_ENGINES),
    doc: "fio's engine: psync, pvsync2, libaio, io_uring, io_uring_cmd price their system calls; sync and async the block path alone",
    workload: "fio",
  },
  {
    path: "workload.fixedbufs",
    flag: { name: "fixedbufs", sets: true },
    value: bool,
    doc: "io_uring: registered buffers (no iovec import or page pinning per I/O)",
    workload: "fio",
  },
  {
    path: "workload.registerfiles",
    flag: { name: "registerfiles", sets: true },
    value: bool,
    doc: "io_uring: registered files (no file lookup per I/O)",
    workload: "fio",
  },
  {
    path: "workload.sqthread_poll",
    flag: { name: "sqthread_poll", sets: true },
    value: bool,
    doc: "io_uring: a kernel thread polls the SQ on a CPU of its own (no io_uring_enter to submit)",
    workload: "fio",
  },
  {
    path: "workload.iodepth_batch_submit",
    flag: { name: "iodepth_batch_submit" },
    value: int(0, 65535),
    doc: "I/Os per submitting system call (fio's default 1; 0: iodepth)",
    workload: "fio",
  },
  {
    path: "workload.iodepth_batch_complete_min",
    flag: { name: "iodepth_batch_complete_min" },
    value: int(0, 65535),
    doc: "completions a job waits for at least (fio's default 1)",
    workload: "fio",
  },
  {
    path: "workload.iodepth_batch_complete_max",
    flag: { name: "iodepth_batch_complete_max" },
    value: int(0, 65535),
    doc: "completions a job takes at most per look (0, fio's default: iodepth_batch_complete_min)",
    workload: "fio",
  },
  {
    path: "workload.cmd_type",
    flag: { name: "cmd_type" },
    value: oneOf(["nvme"]),
    doc: "io_uring_cmd: the command set (nvme: NVMe passthrough on the namespace's char device)",
    workload: "fio",
  },
  {
    path: "workload.hipri",
    flag: { name: "hipri", sets: true },
    value: bool,
    doc: "poll for completions (sets switches.polled)",
    workload: "fio",
  },
  {
    path: "workload.size",
    flag: { name: "size" },
    value: size,
    doc: "bytes of the device the jobs use, shared by all jobs",
    workload: "fio",
  },
  {
    path: "workload.number_ios",
    flag: { name: "number-ios" },
    value: count,
    doc: "stop after this many I/Os in all (0: no limit)",
    workload: "fio",
  },
  {
    path: "workload.bssplit",
    flag: { name: "bssplit" },
    value: {
      type: "text",
      syntax: "fio's bssplit, e.g. 4k/10:64k/90 (reads,writes: 4k/50:8k/50,64k)",
      check: bssplitError,
    },
    doc: 'block sizes and their shares, in place of bs (fio\'s bssplit; "": bs alone)',
    workload: "fio",
  },
  {
    path: "workload.rate",
    flag: { name: "rate" },
    value: size,
    doc: "bytes a second each job may issue, each way (fio's rate; 0: no limit)",
    workload: "fio",
  },
  {
    path: "workload.rate_iops",
    flag: { name: "rate_iops" },
    value: count,
    doc: "I/Os a second each job may issue, each way, of its smallest block (fio's rate_iops; 0: no limit)",
    workload: "fio",
  },
  {
    path: "workload.thinktime",
    flag: { name: "thinktime" },
    value: int(0, 1_000_000_000),
    doc: "µs a job pauses after each thinktime_blocks I/Os, once they completed (fio's thinktime; 0: none)",
    workload: "fio",
  },
  {
    path: "workload.thinktime_blocks",
    flag: { name: "thinktime_blocks" },
    value: int(1, 65535),
    doc: "I/Os between a job's pauses (fio's thinktime_blocks)",
    workload: "fio",
  },
  {
    path: "workload.iodepth_low",
    flag: { name: "iodepth_low" },
    value: int(0, 65535),
    doc: "once a job's depth is full, it refills only when it fell to this (fio's iodepth_low; 0: iodepth)",
    workload: "fio",
  },
  {
    path: "workload.cpus_allowed",
    flag: { name: "cpus_allowed" },
    value: { type: "text", syntax: "CPU numbers and ranges, e.g. 0-3,6", check: cpuListError },
    doc: "the CPUs a job's threads run on, taken in turn (fio's cpus_allowed; \"\": spread over all)",
    workload: "fio",
  },
  {
    path: "workload.offset",
    flag: { name: "offset" },
    value: size,
    doc: "where the jobs' region starts, bytes (fio's offset)",
    workload: "fio",
  },
  {
    path: "workload.offset_increment",
    flag: { name: "offset_increment" },
    value: size,
    doc: "each further job of numjobs starts this much later (fio's offset_increment; 0: all share the region)",
    workload: "fio",
  },
  {
    path: "workload.blockalign",
    flag: { name: "blockalign" },
    value: size,
    doc: "a random offset is a multiple of this, bytes (fio's blockalign; 0: the I/O's own size)",
    workload: "fio",
  },
  {
    path: "workload.random_distribution",
    flag: { name: "random_distribution" },
    value: {
      type: "text",
      syntax: "random, or zoned:ACCESS%/SIZE%:... (e.g. zoned:50/5:30/15:20/80)",
      check: distributionError,
    },
    doc: "where random offsets fall (fio's random_distribution: random, uniform over the region, or zoned)",
    workload: "fio",
  },
  {
    path: "workload.rw_skip",
    value: int(-(2 ** 40), 2 ** 40),
    doc: "bytes a sequential job skips after each I/O, backwards when negative (fio's rw=read:8k)",
    workload: "fio",
  },
  {
    path: "workload.randommap",
    flag: { name: "randommap", sets: true },
    value: bool,
    doc: "a random job takes each block of its region once per pass (fio's random map, its default; off: offsets drawn with repeats, as norandommap)",
    workload: "fio",
  },
  {
    path: "workload.readback",
    flag: { name: "readback", sets: true },
    value: bool,
    doc: "once a job's writes are done, it reads back what it wrote and checks it (fio's verify on a writing job)",
    workload: "fio",
  },
  {
    path: "workload.ramp_time",
    flag: { name: "ramp_time" },
    value: seconds,
    doc: "seconds run before anything is counted (fio's ramp_time); a runtime comes after it",
    workload: "fio",
  },
  {
    path: "workload.iolog",
    flag: { name: "read_iolog" },
    value: { type: "text", syntax: "fio's iolog, version 2 or 3", check: iologError },
    doc: 'a recorded workload each job replays (the text of fio\'s write_iolog, version 2 or 3; "": none)',
    workload: "fio",
  },
  {
    path: "workload.replay_no_stall",
    flag: { name: "replay_no_stall", sets: true },
    value: bool,
    doc: "replay the log's I/Os as fast as they go, not at its recorded times (fio's replay_no_stall)",
    workload: "fio",
  },
  {
    path: "workload.replay_time_scale",
    flag: { name: "replay_time_scale" },
    value: int(1, 1_000_000),
    doc: "the log's recorded times scaled by this percentage (fio's replay_time_scale)",
    workload: "fio",
  },
  {
    path: "workload.io_size",
    flag: { name: "io_size" },
    value: size,
    doc: "bytes each job issues, in place of number_ios (fio's io_size; 0: number_ios says)",
    workload: "fio",
  },
  {
    path: "workload.runtime",
    flag: { name: "runtime" },
    value: seconds,
    doc: "stop at this simulated time, seconds (0: no limit)",
  },
  {
    path: "workload.verify",
    flag: { name: "no-verify", sets: false },
    value: bool,
    doc: "check every read against what was last written there",
    workload: "fio",
  },
  { path: "workload.threads", value: int(1, 4096), doc: "threads of the swap program", workload: "swap" },
  { path: "workload.memory", value: size, doc: "bytes of page frames the working set may use", workload: "swap" },
  { path: "workload.workingSet", value: size, doc: "bytes the program touches (more than memory)", workload: "swap" },
  {
    path: "workload.pageCluster",
    value: int(0, 6),
    doc: "swap readahead of 2^pageCluster pages (vm.page-cluster)",
    workload: "swap",
  },
  { path: "workload.pattern", value: oneOf(SWAP_PATTERNS), doc: "the order pages are touched in", workload: "swap" },
  {
    path: "workload.userNsPerAccess",
    value: int(0, 1_000_000_000),
    doc: "the program's own time per page touched, ns",
    workload: "swap",
  },
  { path: "workload.faults", value: count, doc: "stop after this many page faults (0: no limit)", workload: "swap" },
];

const BY_PATH = new Map(CONFIG_FIELDS.map((f) => [f.path, f]));

/** The field at `path`, if there is one. */
export function configField(path: string): ConfigField | undefined {
  return BY_PATH.get(path);
}

/** The keys an object of the configuration may hold, e.g. keysAt("device") -> preset, maxRetries, errors. */
export function keysAt(prefix: string, workload?: ConfigField["workload"]): string[] {
  const start = prefix ? `${prefix}.` : "";
  const keys = new Set<string>();
  for (const f of CONFIG_FIELDS) {
    if (!f.path.startsWith(start)) continue;
    if (workload && f.workload && f.workload !== workload) continue;
    keys.add(f.path.slice(start.length).split(".")[0]);
  }
  return [...keys];
}

/** What a field takes, in words (for help and messages). */
export function describeType(t: FieldType): string {
  switch (t.type) {
    case "integer":
      return `integer ${t.min}..${t.max === Number.MAX_SAFE_INTEGER ? "2^53" : t.max}`;
    case "number":
      return `number ${t.min}..${t.max}`;
    case "boolean":
      return "true or false";
    case "enum":
      return t.values.map((v) => JSON.stringify(v)).join(" | ");
    case "size":
      return "bytes, or e.g. 4k, 128k, 1g";
    case "seed":
      return "integer 0..2^64-1";
    case "text":
      return t.syntax;
  }
}
