// nvmesim run: one simulation. The configuration comes from --config FILE
// (JSON), overridden by flags with fio's names; prints a summary, the
// JSON as fio writes it (--json: the jobs as one group; --fio-json: one entry
// per job) or a perf-report-style profile.
import { readFileSync } from "node:fs";
import type { CostEntry } from "../model/calibration";
import { checkCostTable } from "../model/cost-table";
import { ConfigError } from "../model/config";
import { CONFIG_FIELDS, describeType, type ConfigField } from "../model/config-schema";
import { BOOLEAN_SWITCHES } from "../model/paths";
import { breakdownText } from "../run/breakdown";
import { simulate, type SimulateOptions } from "../run/simulate";
import { simulateFio } from "../run/fio-report";
import { fioJsonText } from "../fio/json";
import type { Result } from "../run/result";
import { profileText, resultSummary } from "../report/summary";
import { bothPathsText } from "../report/both-paths";
import { compareResults } from "../report/compare";
import { loadNvmesim } from "../wasm/node";
import { boolFlag, parseFlags, readInputFile, UsageError, type FlagSpec } from "./args";
import { fioBytes, FioValueError } from "../fio/values";
import { fromFioSpelling } from "../fio/jobs";
import type { Io } from "./io";

/** The configuration's fields that have a flag, from the schema. */
const CONFIG_FLAGS = CONFIG_FIELDS.filter((f) => f.flag);

/** The flags that describe a configuration (--config, one per schema field with a flag, --switch): run's and measure's. */
export const CONFIG_FLAG_SPEC: FlagSpec = {
  config: { type: "string" },
  switch: { type: "string", multiple: true },
  ...Object.fromEntries(
    CONFIG_FLAGS.map((f) => [f.flag!.name, { type: f.flag!.sets === undefined ? "string" : "boolean" } as const]),
  ),
};

const FLAGS: FlagSpec = {
  scenario: { type: "string" },
  ...CONFIG_FLAG_SPEC,
  "cost-table": { type: "string" },
  json: { type: "boolean" },
  "fio-json": { type: "boolean" },
  "group-reporting": { type: "boolean" },
  profile: { type: "boolean" },
  timing: { type: "boolean" },
  breakdown: { type: "boolean" },
  help: { type: "boolean" },
};

/** One flag's line of --help: its name, what it takes, and the field it sets with the schema's description. */
function flagLine(f: ConfigField): string {
  const { name, sets } = f.flag!;
  if (sets !== undefined) return `${`  --${name}`.padEnd(22)} ${f.path} = ${sets}: ${f.doc}`;
  const value = f.value.type === "enum" ? "NAME" : f.value.type === "size" ? "SIZE" : "N";
  return `${`  --${name} ${value}`.padEnd(22)} ${f.path}: ${f.doc}; ${describeType(f.value)}`;
}

/** The --help lines of the configuration flags. */
export const CONFIG_FLAGS_HELP = `${CONFIG_FLAGS.map(flagLine).join("\n")}
  --switch NAME        switches.NAME = true: a later kernel's fix, one of ${BOOLEAN_SWITCHES.join(", ")}`;

const HELP = `usage: nvmesim run --scenario seed-2014 [--json]
       nvmesim run [--config FILE] [FLAG ...] [--switch NAME ...] [--json | --fio-json | --profile] [--timing]
Flags override the --config file (JSON, as simulate() takes it). Without --path (or a path in the file) the run
goes on both paths and prints them side by side with the ratio rw_page / blk-mq and what limits each; --path
blk-mq or rw_page runs one. --json prints the full result (fio JSON with an "nvmesim" section; blk-mq's unless
--path says, and with --path both an object of both and their comparison), --fio-json the same per job,
--profile a perf-report-style table. --breakdown adds one I/O's life stage by stage (the mean I/O: time and
CPU per stage, from its submission to the program seeing it), for each path run. --timing adds wall-clock time
(not deterministic). --cost-table FILE uses a table nvmesim calibrate --profile fitted instead of the seed's.
${CONFIG_FLAGS_HELP}
`;

/**
 * A flag's value in fio's syntax: sizes and counts with k/m/g suffixes (4k, 1m), times with us/ms/s/m/h
 * (runtime: 30, 1s, 500ms), other numbers as decimals.
 */
function flagValue(f: ConfigField, flag: string, text: string): unknown {
  // A negative number is a number: the configuration's check says what the field allows, as it does for 0.
  if (/^-\d+(\.\d+)?$/.test(text) && ["size", "integer", "number"].includes(f.value.type)) return Number(text);
  try {
    if (f.value.type === "size" || f.value.type === "integer") return fioBytes(flag, text);
    if (f.path === "workload.runtime" || f.value.type === "enum") return fromFioSpelling(f.path, text);
  } catch (err) {
    if (err instanceof FioValueError)
      throw new UsageError(`invalid --${flag} '${text}': ${err.message.replace(/^[^:]*: /, "")}`);
    throw err;
  }
  if (f.value.type !== "number") return text;
  if (!/^\d+(\.\d+)?$/.test(text)) throw new UsageError(`invalid --${flag} '${text}': must be a number`);
  return Number(text);
}

function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new UsageError(`cannot read --config '${path}': ${(err as Error).message}`);
  }
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch (err) {
    throw new UsageError(`invalid --config '${path}': ${(err as Error).message}`);
  }
}

/** Sets `value` at a dotted path of `config`, copying the objects on the way (they may be the file's). */
function setPath(config: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split(".");
  let at = config;
  for (const part of parts.slice(0, -1)) {
    const next = { ...((at[part] as Record<string, unknown> | undefined) ?? {}) };
    at[part] = next;
    at = next;
  }
  at[parts[parts.length - 1]] = value;
}

/** The config object a run of these flags describes (validation happens in simulate). */
export function configFromFlags(values: Record<string, unknown>): Record<string, unknown> {
  const config = values.config === undefined ? {} : { ...readConfigFile(String(values.config)) };
  for (const f of CONFIG_FLAGS) {
    const { name, sets } = f.flag!;
    const v = values[name];
    if (v === undefined || v === false) continue;
    // --read_iolog FILE: the log's text
    const value = f.path === "workload.iolog" ? readInputFile(String(v)) : flagValue(f, name, String(v));
    setPath(config, f.path, sets !== undefined ? sets : value);
  }
  for (const name of (values.switch as string[] | undefined) ?? []) {
    if (!(BOOLEAN_SWITCHES as readonly string[]).includes(name))
      throw new UsageError(`invalid --switch '${name}' (allowed: ${BOOLEAN_SWITCHES.join(", ")})`);
    setPath(config, `switches.${name}`, true);
  }
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
    const others = Object.keys(parsed.values).filter((k) => !["scenario", "json", "cost-table"].includes(k));
    if (others.length)
      throw new UsageError(`--${others[0]} cannot be combined with --scenario (the scenario fixes its configuration)`);
    const costTable =
      parsed.values["cost-table"] === undefined ? undefined : readCostTable(String(parsed.values["cost-table"]));
    return (await import("./seed")).seedScenario(io, boolFlag(parsed, "json"), costTable);
  }
  const outputs = ["json", "fio-json", "profile"].filter((k) => boolFlag(parsed, k));
  if (outputs.length > 1)
    throw new UsageError(`--${outputs[0]} and --${outputs[1]} cannot be combined (pick one output)`);
  if (boolFlag(parsed, "group-reporting") && outputs[0] !== "fio-json")
    throw new UsageError("--group-reporting is for --fio-json (--json always reports the jobs as one group)");
  const both = parsed.values.path === "both";
  if (both && outputs.some((o) => o !== "json"))
    throw new UsageError(`--path both cannot be combined with --${outputs[0]} (it takes --json or no output flag)`);
  const input = configFromFlags({ ...parsed.values, path: both ? undefined : parsed.values.path });
  if (both || (input.path === undefined && outputs.length === 0)) return runBoth(input, parsed, io);
  const m = await loadNvmesim();
  let result: Result;
  try {
    const options = runOptions(parsed);
    if (outputs[0] === "fio-json") {
      const report = await simulateFio(m, input, { groupReporting: boolFlag(parsed, "group-reporting") }, {}, options);
      io.stdout(report.text);
      result = report.groups[0].result;
    } else result = await simulate(m, input, options);
  } catch (err) {
    if (err instanceof ConfigError) throw new UsageError(`invalid configuration: ${err.message}`);
    throw err;
  }
  if (outputs[0] === "json") io.stdout(fioJsonText(result));
  else if (outputs[0] === "profile") io.stdout(profileText(result));
  else if (outputs.length === 0) io.stdout(resultSummary(result) + breakdownLines([result]));
  return result.nvmesim.engineErrors === 0 && result.nvmesim.integrityErrors === 0 ? 0 : 1;
}

/** The simulation's options from the flags: --timing, --cost-table, --breakdown. */
function runOptions(parsed: ReturnType<typeof parseFlags>): SimulateOptions {
  return {
    wallTime: boolFlag(parsed, "timing"),
    costTable:
      parsed.values["cost-table"] === undefined ? undefined : readCostTable(String(parsed.values["cost-table"])),
    breakdown: boolFlag(parsed, "breakdown"),
  };
}

/** The breakdown of each result that has one, as text after a blank line (nothing without --breakdown). */
function breakdownLines(results: Result[]): string {
  return results
    .filter((r) => r.nvmesim.breakdown)
    .map((r) => `\n${breakdownText(r.nvmesim.breakdown!, r.nvmesim.path).join("\n")}\n`)
    .join("");
}

/** The run on blk-mq and on rw_page, side by side (or blk-mq alone, saying why, where rw_page cannot run). */
async function runBoth(input: Record<string, unknown>, parsed: ReturnType<typeof parseFlags>, io: Io): Promise<number> {
  const options = runOptions(parsed);
  // Each path in an instance of its own (the compiled code is shared): the second starts on untouched memory
  // rather than zeroing what the first handed out, which for a 4096-job run is hundreds of MiB it barely wrote.
  const on = async (path: string) => {
    try {
      return await simulate(await loadNvmesim(), { ...input, path }, options);
    } catch (err) {
      if (err instanceof ConfigError) return err;
      throw err;
    }
  };
  const blkMq = await on("blk-mq");
  if (blkMq instanceof ConfigError) throw new UsageError(`invalid configuration: ${blkMq.message}`);
  const rwPage = await on("rw_page");
  const ok = (r: Result) => r.nvmesim.engineErrors === 0 && r.nvmesim.integrityErrors === 0;
  if (rwPage instanceof ConfigError) {
    // A kernel without ->rw_page: blk-mq alone, and the reason rw_page did not run.
    if (boolFlag(parsed, "json")) io.stdout(fioJsonText(blkMq));
    else io.stdout(`${resultSummary(blkMq)}  rw_page not run: ${rwPage.message}\n${breakdownLines([blkMq])}`);
    return ok(blkMq) ? 0 : 1;
  }
  if (boolFlag(parsed, "json")) {
    const doc = (r: Result) => JSON.parse(fioJsonText(r)) as unknown;
    const c = compareResults(blkMq, rwPage, ["blk-mq", "rw_page"]);
    io.stdout(JSON.stringify({ "blk-mq": doc(blkMq), rw_page: doc(rwPage), comparison: c }, null, 1) + "\n");
  } else io.stdout(bothPathsText(blkMq, rwPage) + breakdownLines([blkMq, rwPage]));
  return ok(blkMq) && ok(rwPage) ? 0 : 1;
}

/** A cost table written by nvmesim calibrate (its entries). */
function readCostTable(file: string): CostEntry[] {
  let doc: { entries?: unknown };
  try {
    doc = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new UsageError(`cannot read --cost-table '${file}': ${(err as Error).message}`);
  }
  try {
    return checkCostTable(doc.entries);
  } catch (err) {
    throw new UsageError(`--cost-table '${file}': ${(err as Error).message}`);
  }
}
