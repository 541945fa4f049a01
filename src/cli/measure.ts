// nvmesim measure: the job `nvmesim run` would simulate, run for real with
// fio (and perf), printed as a summary or, with --json, in the shape of
// `nvmesim run --json`. --dry-run shows the fio job without running anything.
import { ConfigError, validateConfig } from "../model/config";
import { fioJob, FioJobError, fioJobFile } from "../measure/fio-job";
import { measure } from "../measure/measure";
import { MeasureRefused, REAL_SYSTEM } from "../measure/system";
import { boolFlag, parseFlags, UsageError, type FlagSpec } from "./args";
import type { Io } from "./io";
import { CONFIG_FLAG_SPEC, CONFIG_FLAGS_HELP, configFromFlags } from "./run";

const FLAGS: FlagSpec = {
  ...CONFIG_FLAG_SPEC,
  target: { type: "string" },
  perf: { type: "boolean" },
  "allow-write": { type: "boolean" },
  "dry-run": { type: "boolean" },
  json: { type: "boolean" },
  help: { type: "boolean" },
};

const HELP = `usage: nvmesim measure --target loop|DEVICE|FILE [--config FILE] [FLAG ...] [--perf] [--json] [--allow-write]
       nvmesim measure --dry-run [--config FILE] [FLAG ...]
Runs the job nvmesim run would simulate, for real, with fio (direct I/O). --target loop makes a loop device
over a temporary file and always removes both (needs root); a block device is only read from, and an
existing file only read, unless --allow-write. --perf records the whole machine with perf (cpu-clock) and
adds the profile by function and layer. --json prints fio's JSON plus an "nvmesim" section shaped like
nvmesim run --json's. --dry-run prints the fio job file and what it leaves out.
${CONFIG_FLAGS_HELP}
`;

export async function measureCommand(argv: string[], io: Io): Promise<number> {
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

type Dir = {
  total_ios: number;
  iops: number;
  bw_bytes: number;
  clat_ns: { percentile?: Record<string, number> };
  lat_ns: { mean: number };
};

function measuredSummary(r: Record<string, unknown>): string {
  const n = r.nvmesim as {
    machine: { kernel: string; target: string; fioVersion: string };
    cpuNsPerIo: number | null;
    layers: { layer: string; percent: number }[];
  };
  const job = (r.jobs as { read: Dir; write: Dir }[])[0];
  const lines = [`nvmesim measure: ${n.machine.target}, Linux ${n.machine.kernel}, ${n.machine.fioVersion}`];
  for (const dir of ["read", "write"] as const) {
    const d = job[dir];
    if (d.total_ios === 0) continue;
    const p = d.clat_ns.percentile ?? {};
    const us = (ns: number | undefined) => (ns === undefined ? "-" : (ns / 1000).toFixed(1));
    lines.push(
      `  ${dir.padEnd(5)} IOPS ${Math.round(d.iops)}  BW ${(d.bw_bytes / 1e6).toFixed(1)} MB/s  lat us: mean ${us(d.lat_ns.mean)}; clat p50 ${us(p["50.000000"])} p99 ${us(p["99.000000"])}`,
    );
  }
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
