// nvmesim measure: the job `nvmesim run` would simulate, run for real with
// fio (and perf), printed as a summary or, with --json, in the shape of
// `nvmesim run --json`. --dry-run shows the fio job without running anything.
import { resolve } from "node:path";
import { readFileSync } from "node:fs";
import { ConfigError, parseSize, validateConfig } from "../model/config";
import { fioJob, FioJobError, fioJobFile } from "../measure/fio-job";
import { DEFAULT_PERF_HZ, measure } from "../measure/measure";
import { sweepLeftovers } from "../measure/leftovers";
import { measureSwap } from "../measure/swap";
import { directionLines } from "../report/summary";
import { MeasureRefused, REAL_SYSTEM } from "../measure/system";
import { boolFlag, intFlag, parseFlags, UsageError, type FlagSpec } from "./args";
import type { Io } from "./io";
import { CONFIG_FLAG_SPEC, CONFIG_FLAGS_HELP, configFromFlags } from "./run";

const SWAP_FLAGS: FlagSpec = {
  seconds: { type: "string" },
  memory: { type: "string" },
  "working-set": { type: "string" },
  pattern: { type: "string" },
  perf: { type: "boolean" },
  "perf-freq": { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean" },
};

const SWAP_HELP = `usage: nvmesim measure swap [--seconds S] [--memory SIZE] [--working-set SIZE] [--pattern sequential|random] [--perf] [--perf-freq HZ] [--json]
The seed's experiment on this machine: a small C program (built with cc) touches --working-set (default 192m)
in a memory cgroup limited to --memory (default 64m), swapping to a zram device added for the run, for
--seconds (default 5), optionally under perf. Reports major faults per second, swap-ins and swap-outs
(/proc/vmstat), CPU per fault and the profile (the program's work only). Needs root, zram, a memory cgroup
(v1) and cc; --memory is at least 16m. Removes its zram device, cgroup and files on every way out (after a
SIGKILL, its watchdog or the next measure does) and never touches existing swap or cgroups.
`;

async function measureSwapCommand(argv: string[], io: Io): Promise<number> {
  const parsed = parseFlags(argv, SWAP_FLAGS);
  if (boolFlag(parsed, "help")) {
    io.stdout(SWAP_HELP);
    return 0;
  }
  const size = (flag: string, fallback: string) => {
    try {
      return parseSize(`--${flag}`, parsed.values[flag] ?? fallback);
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
  };
  const pattern = String(parsed.values.pattern ?? "sequential");
  if (pattern !== "sequential" && pattern !== "random")
    throw new UsageError(`invalid --pattern '${pattern}' (allowed: sequential, random)`);
  const seconds = Number(parsed.values.seconds ?? 5);
  if (!(seconds > 0 && seconds <= 3600))
    throw new UsageError(`invalid --seconds '${parsed.values.seconds}': a number in (0, 3600]`);
  let r: Record<string, unknown>;
  try {
    r = await measureSwap(
      {
        seconds,
        memoryBytes: size("memory", "64m"),
        workingSetBytes: size("working-set", "192m"),
        pattern,
        perf: boolFlag(parsed, "perf"),
        perfHz: perfFrequency(parsed),
      },
      REAL_SYSTEM,
    );
  } catch (err) {
    if (err instanceof MeasureRefused) throw new UsageError(err.message);
    throw err;
  }
  if (boolFlag(parsed, "json")) io.stdout(JSON.stringify(r, null, 1) + "\n");
  else {
    const n = r as {
      machine: { kernel: string; swap: string };
      faultsPerSec: number;
      majorFaults: number;
      swapIns: number;
      swapOuts: number;
      cpuNsPerFault: number | null;
      layers: Layer[];
      profileScope: Scope | null;
    };
    io.stdout(
      [
        `nvmesim measure swap: Linux ${n.machine.kernel}, swap on ${n.machine.swap}`,
        `  major faults ${n.majorFaults} (${Math.round(n.faultsPerSec)} per second); swap-ins ${n.swapIns}, swap-outs ${n.swapOuts}`,
        `  CPU ${n.cpuNsPerFault === null ? "-" : n.cpuNsPerFault.toFixed(0)} ns per major fault (the program's user+system time)`,
        ...profileLines(n.profileScope, n.layers, "the program's"),
        "",
      ].join("\n"),
    );
  }
  return 0;
}

/** --perf-freq, checked: only with --perf, from 100 Hz (fewer samples list nothing) to the kernel's limit. */
function perfFrequency(parsed: ReturnType<typeof parseFlags>): number {
  if (parsed.values["perf-freq"] === undefined) return DEFAULT_PERF_HZ;
  if (!boolFlag(parsed, "perf")) throw new UsageError("--perf-freq is for --perf (the profile's sampling rate)");
  let max = 100_000;
  try {
    max = Number(readFileSync("/proc/sys/kernel/perf_event_max_sample_rate", "utf8")) || max;
  } catch {
    // not Linux, or no perf events: the flag's own bound
  }
  return intFlag(parsed, "perf-freq", 100, max, DEFAULT_PERF_HZ);
}

const FLAGS: FlagSpec = {
  ...CONFIG_FLAG_SPEC,
  target: { type: "string" },
  perf: { type: "boolean" },
  "perf-freq": { type: "string" },
  repeat: { type: "string" },
  "allow-write": { type: "boolean" },
  create: { type: "boolean" },
  cleanup: { type: "boolean" },
  owner: { type: "string" },
  "dry-run": { type: "boolean" },
  "write-iolog": { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean" },
};

const HELP = `usage: nvmesim measure swap --help (the seed's experiment on this machine)
       nvmesim measure --target loop|loop:tmpfs|DEVICE|FILE [--config FILE] [FLAG ...] [--perf] [--perf-freq HZ]
                       [--repeat N] [--json] [--allow-write] [--create] [--write-iolog FILE]
       nvmesim measure --dry-run [--config FILE] [FLAG ...]
       nvmesim measure --cleanup
Runs the job nvmesim run would simulate, for real, with fio (direct I/O). --target loop makes a loop device
over a file it writes in full first (loop:tmpfs: in RAM) and always removes both (needs root). A block
device or an existing file is only read, unless --allow-write, and never laid out, truncated or extended:
the job covers at most its size. A missing file is refused unless --create. --perf records the machine with
perf (cpu-clock, ${DEFAULT_PERF_HZ} Hz per CPU or --perf-freq) and keeps only the job's work: its processes and
threads and the kernel work its I/O causes. The CPU per I/O is the scheduler's account of fio's tasks and
the kernel threads, checked against perf stat. --repeat N runs the job N times and reports medians, the
spread and the load average of each run. --json prints fio's JSON plus an "nvmesim" section shaped like
nvmesim run --json's. --write-iolog FILE records the job's I/O as fio's iolog (version 3; fio appends to a file
already there): nvmesim fio --read_iolog FILE or nvmesim run --read_iolog FILE replays it in the model.
--dry-run prints the fio job file and what it leaves out. --cleanup removes what a
killed nvmesim left (loop devices, swap areas, cgroups, folders, processes); every measure does so first.
${CONFIG_FLAGS_HELP}
`;

export async function measureCommand(argv: string[], io: Io): Promise<number> {
  if (argv[0] === "swap") return measureSwapCommand(argv.slice(1), io);
  const parsed = parseFlags(argv, FLAGS);
  if (boolFlag(parsed, "help")) {
    io.stdout(HELP);
    return 0;
  }
  if (parsed.values.owner !== undefined && !boolFlag(parsed, "cleanup"))
    throw new UsageError("--owner PID is for --cleanup (what that nvmesim left, once it is gone)");
  if (boolFlag(parsed, "cleanup")) {
    const owner = parsed.values.owner === undefined ? undefined : intFlag(parsed, "owner", 1, 2 ** 22, 0);
    const removed = sweepLeftovers(REAL_SYSTEM, owner);
    io.stdout(removed.length ? removed.map((l) => `removed ${l}\n`).join("") : "nothing of nvmesim's was left\n");
    return removed.some((l) => l.startsWith("could not")) ? 1 : 0;
  }
  const perfHz = perfFrequency(parsed);
  const repeat = intFlag(parsed, "repeat", 1, 1000, 1);
  let config;
  try {
    config = validateConfig(configFromFlags(parsed.values));
    if (boolFlag(parsed, "dry-run")) {
      const logs = {
        readIolog: "REPLAYED.log (the configuration's log, written where the measure runs)",
        ...(parsed.values["write-iolog"] !== undefined
          ? { writeIolog: resolve(String(parsed.values["write-iolog"])) }
          : {}),
      };
      io.stdout(fioJobFile(fioJob(config, String(parsed.values.target ?? "TARGET"), undefined, logs)));
      return 0;
    }
  } catch (err) {
    if (err instanceof ConfigError) throw new UsageError(`invalid configuration: ${err.message}`);
    if (err instanceof FioJobError) throw new UsageError(err.message);
    throw err;
  }
  if (parsed.values.target === undefined) throw new UsageError("--target is required: loop, a block device or a file");
  let result: Record<string, unknown>;
  try {
    result = await measure(
      config,
      {
        target: String(parsed.values.target),
        perf: boolFlag(parsed, "perf"),
        perfHz,
        repeat,
        allowWrite: boolFlag(parsed, "allow-write"),
        create: boolFlag(parsed, "create"),
        ...(parsed.values["write-iolog"] !== undefined
          ? { writeIolog: resolve(String(parsed.values["write-iolog"])) }
          : {}),
      },
      REAL_SYSTEM,
    );
  } catch (err) {
    if (err instanceof MeasureRefused || err instanceof FioJobError) throw new UsageError(err.message);
    throw err;
  }
  if (boolFlag(parsed, "json")) io.stdout(JSON.stringify(result, null, 1) + "\n");
  else io.stdout(measuredSummary(result));
  return 0;
}

function measuredSummary(r: Record<string, unknown>): string {
  const n = r.nvmesim as {
    machine: {
      kernel: string;
      target: string;
      targetNotes: string[];
      fioVersion: string;
      storage: { device: string | null; readsReachedStorage?: number | null; readsPerIo?: number | null };
      hardwareCounters: boolean | null;
      cpu: {
        parts: { part: string; nsPerIo: number }[];
        fioJobEntries: { nsPerIo: number };
        check: { ratio: number } | null;
        notes: string[];
      };
      profileScope: Scope | null;
      repeats: { run: number; loadAverage: number[]; iops: number; cpuNsPerIo: number }[];
      shownRun: number;
      summary: { iops: Spread; cpuNsPerIo: Spread };
    };
    cpuNsPerIo: number | null;
    layers: Layer[];
    profile: { symbol: string; percent: number; ci95: number }[];
  };
  const m = n.machine;
  const job = (r.jobs as Parameters<typeof directionLines>[0][])[0];
  const lines = [`nvmesim measure: ${m.target}, Linux ${m.kernel}, ${m.fioVersion}`];
  for (const note of m.targetNotes) lines.push(`  note: ${note}`);
  if (m.repeats.length > 1)
    lines.push(`  run ${m.shownRun} of ${m.repeats.length}, the one with the median CPU per I/O:`);
  lines.push(...directionLines(job));
  if (m.storage.device !== null)
    lines.push(
      `  storage: ${m.storage.readsReachedStorage} reads reached ${m.storage.device} (${(m.storage.readsPerIo ?? 0).toFixed(2)} per I/O)`,
    );
  lines.push(
    `  CPU ${n.cpuNsPerIo === null ? "-" : n.cpuNsPerIo.toFixed(0)} ns per I/O: ${m.cpu.parts.map((p) => `${p.part} ${p.nsPerIo.toFixed(0)}`).join(", ")}` +
      (m.cpu.check
        ? `; perf stat's task-clock of the same tasks is ${(100 * Math.abs(1 / m.cpu.check.ratio - 1)).toFixed(1)}% ${m.cpu.check.ratio > 1 ? "less" : "more"}`
        : ""),
  );
  lines.push(
    `  fio's own job entries: ${m.cpu.fioJobEntries.nsPerIo.toFixed(0)} ns per I/O (its main process left out)`,
  );
  for (const note of m.cpu.notes) lines.push(`  note: ${note}`);
  if (m.repeats.length > 1) {
    const s = m.summary;
    lines.push(
      `  ${m.repeats.length} runs: IOPS median ${s.iops.median.toFixed(0)} (${s.iops.min.toFixed(0)} to ${s.iops.max.toFixed(0)}), CPU per I/O median ${s.cpuNsPerIo.median.toFixed(0)} ns (${s.cpuNsPerIo.min.toFixed(0)} to ${s.cpuNsPerIo.max.toFixed(0)})`,
      ...m.repeats.map(
        (x) =>
          `    run ${x.run}: load ${x.loadAverage.join(" ")}, ${x.iops.toFixed(0)} IOPS, ${x.cpuNsPerIo.toFixed(0)} ns per I/O`,
      ),
    );
  }
  lines.push(...profileLines(m.profileScope, n.layers, "the job's"));
  if (n.profile.length)
    lines.push(
      `  top functions (% of the job's samples, ±95%): ${n.profile
        .slice(0, 8)
        .map((f) => `${f.symbol} ${f.percent.toFixed(1)} ±${f.ci95.toFixed(1)}`)
        .join(", ")}`,
    );
  if (m.profileScope && m.hardwareCounters === false)
    lines.push("  software-sampled: this CPU has no hardware counters");
  return lines.join("\n") + "\n";
}

type Spread = { median: number; min: number; max: number };
type Layer = { layer: string; percent: number };
type Scope = { samplesRecorded: number; samplesMeasured: number; leftOutPercent: number; frequencyHz: number };

/** The profile's scope and its layers, as the summaries print them (nothing without a profile). */
function profileLines(scope: Scope | null, layers: Layer[], whose: string): string[] {
  if (!scope) return [];
  return [
    `  profile: ${scope.samplesMeasured} of ${scope.samplesRecorded} samples are ${whose} work (${scope.leftOutPercent}% left out) at ${scope.frequencyHz} Hz`,
    `  profile by layer: ${layers
      .slice(0, 8)
      .map((l) => `${l.layer} ${l.percent.toFixed(1)}%`)
      .join(", ")}`,
  ];
}
