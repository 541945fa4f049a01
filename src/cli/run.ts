// nvmesim run: one simulation. The configuration comes from --config FILE
// (JSON), overridden by flags with fio's names; prints a summary, the
// fio-compatible JSON (--json / --fio-json) or a perf-report-style profile.
import { readFileSync } from "node:fs";
import { ConfigError } from "../model/config";
import { BOOLEAN_SWITCHES } from "../model/paths";
import { simulate } from "../run/simulate";
import type { Result } from "../run/result";
import { profileText, resultSummary } from "../report/summary";
import { loadNvmesim } from "../wasm/node";
import { boolFlag, parseFlags, UsageError, type FlagSpec } from "./args";
import type { Io } from "./io";

const FLAGS: FlagSpec = {
  scenario: { type: "string" },
  config: { type: "string" },
  seed: { type: "string" },
  path: { type: "string" },
  switch: { type: "string", multiple: true },
  cpus: { type: "string" },
  "q-depth": { type: "string" },
  device: { type: "string" },
  rw: { type: "string" },
  bs: { type: "string" },
  iodepth: { type: "string" },
  numjobs: { type: "string" },
  rwmixread: { type: "string" },
  ioengine: { type: "string" },
  hipri: { type: "boolean" },
  size: { type: "string" },
  "number-ios": { type: "string" },
  runtime: { type: "string" },
  "no-verify": { type: "boolean" },
  json: { type: "boolean" },
  "fio-json": { type: "boolean" },
  profile: { type: "boolean" },
  timing: { type: "boolean" },
  help: { type: "boolean" },
};

const HELP = `usage: nvmesim run --scenario seed-2014 [--json]
       nvmesim run [--config FILE] [--path blk-mq|rw_page] [--switch NAME ...] [--cpus N] [--q-depth N]
                   [--device PRESET] [--rw MODE] [--bs SIZE] [--iodepth N] [--numjobs N] [--rwmixread N]
                   [--ioengine sync|async] [--hipri] [--size SIZE] [--number-ios N] [--runtime SECONDS]
                   [--seed N] [--no-verify] [--json | --fio-json | --profile] [--timing]
Flags override the --config file. --json prints the full result (fio JSON with an "nvmesim" section),
--fio-json the same, --profile a perf-report-style table. --timing adds wall-clock time (not deterministic).
switches: ${BOOLEAN_SWITCHES.join(", ")}
`;

function numberFlag(flag: string, text: string): number {
  if (!/^\d+(\.\d+)?$/.test(text)) throw new UsageError(`invalid --${flag} '${text}': must be a number`);
  return Number(text);
}

/** The config object a run of these flags describes (validation happens in simulate). */
function configFromFlags(values: Record<string, unknown>): Record<string, unknown> {
  let base: Record<string, unknown> = {};
  if (values.config !== undefined) {
    const path = String(values.config);
    let text: string;
    try {
      text = readFileSync(path, "utf8");
    } catch (err) {
      throw new UsageError(`cannot read --config '${path}': ${(err as Error).message}`);
    }
    try {
      base = JSON.parse(text) as Record<string, unknown>;
    } catch (err) {
      throw new UsageError(`invalid --config '${path}': ${(err as Error).message}`);
    }
  }
  const config: Record<string, unknown> = { ...base };
  const workload: Record<string, unknown> = { ...((base.workload as object) ?? {}) };
  const switches: Record<string, unknown> = { ...((base.switches as object) ?? {}) };
  const str = (k: string) => (values[k] === undefined ? undefined : String(values[k]));
  if (str("seed") !== undefined) config.seed = str("seed");
  if (str("path") !== undefined) config.path = str("path");
  if (str("cpus") !== undefined) config.cpus = numberFlag("cpus", str("cpus")!);
  if (str("q-depth") !== undefined) config.qDepth = numberFlag("q-depth", str("q-depth")!);
  if (str("device") !== undefined) config.device = { ...((base.device as object) ?? {}), preset: str("device") };
  for (const name of (values.switch as string[] | undefined) ?? []) {
    if (!(BOOLEAN_SWITCHES as readonly string[]).includes(name))
      throw new UsageError(`invalid --switch '${name}' (allowed: ${BOOLEAN_SWITCHES.join(", ")})`);
    switches[name] = true;
  }
  for (const k of ["rw", "bs", "ioengine", "size"]) if (str(k) !== undefined) workload[k] = str(k);
  for (const k of ["iodepth", "numjobs", "rwmixread"]) if (str(k) !== undefined) workload[k] = numberFlag(k, str(k)!);
  if (str("number-ios") !== undefined) workload.number_ios = numberFlag("number-ios", str("number-ios")!);
  if (str("runtime") !== undefined) workload.runtime = numberFlag("runtime", str("runtime")!);
  if (values.hipri) workload.hipri = true;
  if (values["no-verify"]) workload.verify = false;
  if (Object.keys(workload).length) config.workload = workload;
  if (Object.keys(switches).length) config.switches = switches;
  return config;
}

export async function run(argv: string[], io: Io): Promise<number> {
  const parsed = parseFlags(argv, FLAGS);
  if (boolFlag(parsed, "help")) {
    io.stdout(HELP);
    return 0;
  }
  if (parsed.values.scenario !== undefined) {
    if (parsed.values.scenario !== "seed-2014")
      throw new UsageError(`invalid --scenario '${parsed.values.scenario}' (allowed: seed-2014)`);
    const others = Object.keys(parsed.values).filter((k) => k !== "scenario" && k !== "json");
    if (others.length)
      throw new UsageError(`--${others[0]} cannot be combined with --scenario (the scenario fixes its configuration)`);
    return (await import("./seed")).seedScenario(io, boolFlag(parsed, "json"));
  }
  const outputs = ["json", "fio-json", "profile"].filter((k) => boolFlag(parsed, k));
  if (outputs.length > 1)
    throw new UsageError(`--${outputs[0]} and --${outputs[1]} cannot be combined (pick one output)`);
  const input = configFromFlags(parsed.values);
  const m = await loadNvmesim();
  let result: Result;
  try {
    result = await simulate(m, input, { wallTime: boolFlag(parsed, "timing") });
  } catch (err) {
    if (err instanceof ConfigError) throw new UsageError(`invalid configuration: ${err.message}`);
    throw err;
  }
  if (outputs.length === 1 && outputs[0] !== "profile") io.stdout(JSON.stringify(result, null, 1) + "\n");
  else if (outputs[0] === "profile") io.stdout(profileText(result));
  else io.stdout(resultSummary(result));
  return result.nvmesim.engineErrors === 0 && result.nvmesim.integrityErrors === 0 ? 0 : 1;
}
