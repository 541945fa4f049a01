// nvmesim measure: the job `nvmesim run` would simulate, run for real with
// fio (and perf), printed as a summary or, with --json, in the shape of
// `nvmesim run --json`. --dry-run shows the fio job without running anything.
import { ConfigError, parseSize, validateConfig } from "../model/config";
import { fioJob, FioJobError, fioJobFile } from "../measure/fio-job";
import { measure } from "../measure/measure";
import { measureSwap } from "../measure/swap";
import { directionLines } from "../report/summary";
import { MeasureRefused, REAL_SYSTEM } from "../measure/system";
import { boolFlag, parseFlags, UsageError, type FlagSpec } from "./args";
import type { Io } from "./io";
import { CONFIG_FLAG_SPEC, CONFIG_FLAGS_HELP, configFromFlags } from "./run";

const SWAP_FLAGS: FlagSpec = {
  seconds: { type: "string" },
  memory: { type: "string" },
  "working-set": { type: "string" },
  pattern: { type: "string" },
  perf: { type: "boolean" },
  json: { type: "boolean" },
  help: { type: "boolean" },
};

const SWAP_HELP = `usage: nvmesim measure swap [--seconds S] [--memory SIZE] [--working-set SIZE] [--pattern sequential|random] [--perf] [--json]
The seed's experiment on this machine: a small C program (built with cc) touches --working-set (default 192m)
in a memory cgroup limited to --memory (default 64m), swapping to a zram device added for the run, for
--seconds (default 5), optionally under perf. Reports major faults per second, swap-ins and swap-outs
(/proc/vmstat), CPU per fault and the profile. Needs root, zram, a memory cgroup (v1) and cc; removes
its zram device, cgroup and files on every way out and never touches existing swap or cgroups.
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
      layers: { layer: string; percent: number }[];
    };
    io.stdout(
      [
        `nvmesim measure swap: Linux ${n.machine.kernel}, swap on ${n.machine.swap}`,
        `  major faults ${n.majorFaults} (${Math.round(n.faultsPerSec)} per second); swap-ins ${n.swapIns}, swap-outs ${n.swapOuts}`,
        `  CPU ${n.cpuNsPerFault === null ? "-" : n.cpuNsPerFault.toFixed(0)} ns per major fault (the program's user+system time)`,
        ...(n.layers.length
          ? [
              `  profile by layer: ${n.layers
                .slice(0, 8)
                .map((l) => `${l.layer} ${l.percent.toFixed(1)}%`)
                .join(", ")}`,
            ]
          : []),
        "",
      ].join("\n"),
    );
  }
  return 0;
}

const FLAGS: FlagSpec = {
  ...CONFIG_FLAG_SPEC,
  target: { type: "string" },
  perf: { type: "boolean" },
  "allow-write": { type: "boolean" },
  "dry-run": { type: "boolean" },
  json: { type: "boolean" },
  help: { type: "boolean" },
};

const HELP = `usage: nvmesim measure swap --help (the seed's experiment on this machine)
       nvmesim measure --target loop|DEVICE|FILE [--config FILE] [FLAG ...] [--perf] [--json] [--allow-write]
       nvmesim measure --dry-run [--config FILE] [FLAG ...]
Runs the job nvmesim run would simulate, for real, with fio (direct I/O). --target loop makes a loop device
over a temporary file and always removes both (needs root); a block device is only read from, and an
existing file only read, unless --allow-write. --perf records the whole machine with perf (cpu-clock) and
adds the profile by function and layer. --json prints fio's JSON plus an "nvmesim" section shaped like
nvmesim run --json's. --dry-run prints the fio job file and what it leaves out.
${CONFIG_FLAGS_HELP}
`;

export async function measureCommand(argv: string[], io: Io): Promise<number> {
  if (argv[0] === "swap") return measureSwapCommand(argv.slice(1), io);
  const parsed = parseFlags(argv, FLAGS);
  if (boolFlag(parsed, "help")) {
    io.stdout(HELP);
    return 0;
  }
  let config;
  try {
    config = validateConfig(configFromFlags(parsed.values));
    if (boolFlag(parsed, "dry-run")) {
      io.stdout(fioJobFile(fioJob(config, String(parsed.values.target ?? "TARGET"))));
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
        allowWrite: boolFlag(parsed, "allow-write"),
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
    machine: { kernel: string; target: string; fioVersion: string };
    cpuNsPerIo: number | null;
    layers: { layer: string; percent: number }[];
  };
  const job = (r.jobs as Parameters<typeof directionLines>[0][])[0];
  const lines = [`nvmesim measure: ${n.machine.target}, Linux ${n.machine.kernel}, ${n.machine.fioVersion}`];
  lines.push(...directionLines(job));
  lines.push(`  CPU ${n.cpuNsPerIo === null ? "-" : n.cpuNsPerIo.toFixed(0)} ns per I/O (fio's usr+sys)`);
  if (n.layers.length)
    lines.push(
      `  profile by layer: ${n.layers
        .slice(0, 8)
        .map((l) => `${l.layer} ${l.percent.toFixed(1)}%`)
        .join(", ")}`,
    );
  return lines.join("\n") + "\n";
}
