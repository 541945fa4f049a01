// What a code cell finds in scope without importing anything: the nvmesim API
// (simulate, sweep, presets, paths, the config defaults), Observable Plot,
// display/md/html/table, interact-style widgets, and a console that writes to
// the cell's output. `import ... from "nvmesim"` gives the same API.
import { DEFAULT_CONFIG, DEFAULT_SWAP, validateConfig } from "../../model/config";
import { COST_TABLE } from "../../model/cost-table";
import { BOOLEAN_SWITCHES, PATH_NAMES, pathSteps, SWITCHES_OFF } from "../../model/paths";
import { PRESETS } from "../../model/presets";
import type { Result } from "../../run/result";
import { parseProfileCsv } from "../../model/calibration";
import { runSeedScenario, SEED_CPU_RATIO, SEED_SCENARIO_CONFIG } from "../../run/seed-scenario";
import { simulate as simulateCore } from "../../run/simulate";
import type { ExecuteContext, KernelHost } from "./kernel";
import { nvmeHelpers } from "./nvme-api";
import { html, md, mimeBundle, plainText, supersededBy, table } from "./outputs";
import { kernelSweep, type CellSweepOptions } from "./sweep-api";
import { notebookPlot as Plot } from "./plot-tips";
import { widgets } from "./widgets";
import { displayableResult, documented, help } from "./help";
import { storedName } from "./stored";
import { breakdownDisplay } from "./breakdown-api";
import { PATH_COLORS, PERCENTILE_DASH, PERCENTILE_LEGEND, seriesColor } from "../../sweep/chart-style";
import { comparison } from "./compare-api";
import type { Comparable } from "../../report/compare";

/** simulate()'s second argument in a cell. */
export interface SimulateCellOptions {
  /** How the fio workload runs: as fio (the default), or as fio's t/io_uring benchmark. */
  program?: "fio" | "t/io_uring";
}

export interface KernelApi {
  globals: Record<string, unknown>;
  importModule(specifier: string): Promise<unknown>;
}

/** Where an async API call was made: the stack taken when the cell called it (still on the cell's line),
 * kept on an error it later throws, since some engines drop the awaiting frames from an error's own stack. */
export const CALL_SITE = Symbol.for("nvmesim.callSite");

function withCallSite<A extends unknown[], R>(fn: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
  return (...args: A) => {
    const site = new Error().stack ?? "";
    return fn(...args).catch((err: unknown) => {
      if (typeof err === "object" && err !== null) (err as Record<symbol, string>)[CALL_SITE] ??= site;
      throw err;
    });
  };
}

export function createApi(host: KernelHost, context: () => ExecuteContext): KernelApi {
  let displays = 0;
  const display = (value: unknown, options: { id?: string } = {}): void => {
    const ctx = context();
    for (const id of supersededBy(value)) ctx.update(id, null);
    const output = { output_type: "display_data" as const, data: mimeBundle(value), metadata: {} };
    if (options.id === undefined) ctx.emit(output);
    else ctx.update(options.id, { ...output, transient: { display_id: options.id } });
  };

  const stream =
    (name: "stdout" | "stderr") =>
    (...args: unknown[]): void => {
      context().emit({ output_type: "stream", name, text: args.map(plainText).join(" ") + "\n" });
    };
  const console = {
    log: stream("stdout"),
    info: stream("stdout"),
    debug: stream("stdout"),
    warn: stream("stderr"),
    error: stream("stderr"),
  };

  const { slider, number, checkbox, select } = widgets(context);

  /** simulate(config, { program }): one run in the kernel's Wasm module (as fio runs it, or fio's t/io_uring),
   * with progress, stopped by Interrupt. */
  const simulate = withCallSite(async (config: unknown = {}, options: SimulateCellOptions = {}): Promise<Result> => {
    const ctx = context();
    const m = await host.loadNvmesim();
    const program = options.program ?? "fio";
    if (program !== "fio" && program !== "t/io_uring")
      throw new Error(`simulate: program: ${JSON.stringify(program)} is not "fio" or "t/io_uring"`);
    const result = await simulateCore(m, await withLogText(config), {
      program,
      signal: ctx.signal,
      batchIos: 100_000,
      breakdown: true,
      onProgress: (done, total) => (total > 0 ? ctx.progress("simulate", Math.min(1, done / total)) : undefined),
    });
    return displayableResult(result);
  });

  /** A replayed log's file (workload kind "iolog"), read where the kernel reads files, as the log's text. */
  const withLogText = async (config: unknown): Promise<unknown> => {
    const w = (config as { workload?: Record<string, unknown> } | null)?.workload;
    if (!w || w.kind !== "iolog" || typeof w.file !== "string" || w.text !== undefined) return config;
    if (!host.readFile)
      throw new Error(`simulate: workload.file: ${JSON.stringify(w.file)}: this kernel reads no files`);
    const { file, ...rest } = w;
    let text: string;
    try {
      text = await host.readFile(file);
    } catch (err) {
      throw new Error(`simulate: workload.file: ${(err as Error).message}`);
    }
    return { ...(config as object), workload: { ...rest, text } };
  };

  /** sweep(spec): every point of a grid in turn, with progress and the first chart updating as points finish. */
  const sweep = withCallSite((doc: unknown, options: CellSweepOptions = {}) =>
    kernelSweep(host, context(), doc, options, `sweep-${++displays}`, display),
  );

  /** The seed scenario of November 2014: both paths simulated next to the two measured profiles. */
  const seedScenario = withCallSite(async () => {
    const rows = parseProfileCsv(await host.seedProfileCsv());
    const c = await runSeedScenario(await host.loadNvmesim(), rows);
    return { ...c, measured: rows, seedCpuRatio: SEED_CPU_RATIO, config: SEED_SCENARIO_CONFIG };
  });

  const nvme = nvmeHelpers(host);

  const noMachine = () =>
    new Error(
      "the page cannot run fio or swap: measurements run where the kernel runs on the machine (nvmesim nb run, as root)",
    );
  /** measure(config, {target, perf}): the same job for real (nvmesim measure), where the kernel runs on the machine. */
  const measure = withCallSite(async (config: unknown = {}, options: { target?: string; perf?: boolean } = {}) => {
    if (!host.machine) throw noMachine();
    const r = await host.machine.measure(config, { target: options.target ?? "loop", perf: options.perf ?? false });
    return displayableResult(r as Result);
  });
  /** measureSwap({seconds, memory, workingSet, perf}): the seed's experiment on this machine (nvmesim measure swap). */
  const measureSwap = withCallSite(
    async (o: { seconds?: number; memory?: string; workingSet?: string; perf?: boolean } = {}) => {
      if (!host.machine) throw noMachine();
      return host.machine.measureSwap({
        seconds: o.seconds ?? 5,
        memory: o.memory ?? "64m",
        workingSet: o.workingSet ?? "192m",
        perf: o.perf ?? false,
      });
    },
  );

  /** breakdown(result, ...): each result's mean I/O, stage by stage (a waterfall and the CPU per stage). */
  const breakdown = (...results: unknown[]) => breakdownDisplay(results, host.document);

  /** loadStored(name): what a notebook stored under `name` (notebooks/data/NAME.json), or undefined. */
  const loadStored = withCallSite(async (name: string) => host.stored?.load(storedName(name)));
  /** saveStored(name, value): keeps `value` for the places that cannot make it (nb run only; the page cannot). */
  const saveStored = withCallSite(async (name: string, value: unknown) => {
    if (!host.stored?.save)
      throw new Error(
        "the page cannot store data: a notebook stores what it made where the kernel runs on the machine (nvmesim nb run)",
      );
    await host.stored.save(storedName(name), JSON.parse(JSON.stringify(value)));
  });

  /** compare(a, b): two results side by side (tables, and a chart of the profile by layer). */
  const compare = (a: unknown, b: unknown, labels?: [string, string]) => {
    for (const [name, r] of [
      ["a", a],
      ["b", b],
    ] as const)
      if (typeof r !== "object" || r === null || !Array.isArray((r as Comparable).jobs) || !(r as Comparable).nvmesim)
        throw new TypeError(
          `compare: ${name} is not a result (what simulate() resolves with, or nvmesim measure --json)`,
        );
    return comparison(a as Comparable, b as Comparable, host.document, labels);
  };

  const nvmesim = {
    simulate,
    sweep,
    seedScenario,
    compare,
    measure,
    measureSwap,
    loadStored,
    saveStored,
    breakdown,
    nvme,
    validateConfig,
    presets: PRESETS,
    paths: PATH_NAMES,
    pathSteps,
    switches: BOOLEAN_SWITCHES,
    SWITCHES_OFF,
    DEFAULT_CONFIG,
    DEFAULT_SWAP,
    costTable: COST_TABLE,
    chartStyle: {
      pathColors: PATH_COLORS,
      seriesColor,
      percentileDash: PERCENTILE_DASH,
      percentileLegend: PERCENTILE_LEGEND,
    },
  };
  const globals: Record<string, unknown> = {
    ...nvmesim,
    nvmesim,
    Plot,
    display,
    md,
    html,
    table,
    slider,
    number,
    checkbox,
    select,
    console,
    help,
  };
  // Each name knows its documentation: help(name) and a function shown as a value say what it is.
  for (const [name, value] of Object.entries(globals))
    if ((typeof value === "function" || typeof value === "object") && value !== null && name !== "Plot")
      documented(name, value);
  return {
    globals,
    async importModule(specifier) {
      if (specifier === "nvmesim") return { ...nvmesim, default: nvmesim };
      if (specifier === "@observablehq/plot") return Plot;
      if (!host.importModule)
        throw new Error(`cannot import ${specifier}: only "nvmesim" and "@observablehq/plot" here`);
      return host.importModule(specifier);
    },
  };
}
