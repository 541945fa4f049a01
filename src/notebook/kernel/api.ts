// What a code cell finds in scope without importing anything: the nvmesim API
// (simulate, sweep, presets, paths, the config defaults), Observable Plot,
// display/md/html/table, interact-style widgets, and a console that writes to
// the cell's output. `import ... from "nvmesim"` gives the same API.
import * as Plot from "@observablehq/plot";
import { DEFAULT_CONFIG, DEFAULT_SWAP, validateConfig } from "../../model/config";
import { COST_TABLE } from "../../model/cost-table";
import { BOOLEAN_SWITCHES, PATH_NAMES, pathSteps, SWITCHES_OFF } from "../../model/paths";
import { PRESETS } from "../../model/presets";
import { sweepCharts } from "../../report/sweep-plots";
import type { Result } from "../../report/result";
import { parseProfileCsv } from "../../model/calibration";
import { runSeedScenario, SEED_CPU_RATIO, SEED_SCENARIO_CONFIG } from "../../run/seed-scenario";
import { simulate as simulateCore } from "../../run/simulate";
import { buildPrps, buildSgls, walkPrps, type ListPage, type Segment } from "../../wasm/data-pointer";
import { decodeSqe, encodeSqe, type SqeRequest } from "../../wasm/sqe";
import { checkGrid, GRID_LIMIT, gridSize, parseSpec, pointConfig, pointValues, type SweepSpec } from "../../sweep/spec";
import { rowOf, tableCsv, type Row } from "../../sweep/table";
import type { ExecuteContext, KernelHost } from "./kernel";
import {
  html,
  md,
  mimeBundle,
  plainText,
  REPR,
  table,
  WIDGET_MIME,
  type Displayable,
  type MimeBundle,
} from "./outputs";

/** A finished sweep: its rows, its table as CSV, its charts; shows as the charts and a table. */
export class SweepResult implements Displayable {
  constructor(
    readonly spec: SweepSpec,
    readonly rows: Row[],
    private readonly document: Document,
  ) {}

  /** results.csv's text. */
  csv(): string {
    return tableCsv(this.spec, this.rows);
  }

  /** One flat object per point: axis values and metrics. */
  records(): Record<string, unknown>[] {
    return this.rows.map((r) => ({
      point: r.point,
      ...r.values,
      ...r.metrics,
      ...(r.error ? { error: r.error } : {}),
    }));
  }

  charts(): { name: string; title: string; svg: string }[] {
    return sweepCharts(this.spec, this.rows, this.document);
  }

  [REPR](): MimeBundle {
    const charts = this.charts();
    const failed = this.rows.filter((r) => r.error).length;
    const head = `<p>${this.rows.length} points${failed ? `, ${failed} failed` : ""}</p>`;
    const tableHtml = table(this.records())[REPR]()["text/html"] as string;
    return {
      "text/html": head + charts.map((c) => c.svg).join("\n") + tableHtml,
      "text/plain": `sweep: ${this.rows.length} points${failed ? `, ${failed} failed` : ""}`,
    };
  }
}

export interface KernelApi {
  globals: Record<string, unknown>;
  importModule(specifier: string): Promise<unknown>;
  /** Ends the running cell's pending console output. */
  flush(): void;
}

function checkNumber(what: string, v: unknown): number {
  if (typeof v !== "number" || !Number.isFinite(v)) throw new TypeError(`${what}: ${plainText(v)} is not a number`);
  return v;
}

export function createApi(host: KernelHost, context: () => ExecuteContext): KernelApi {
  let displays = 0;
  const display = (value: unknown, options: { id?: string } = {}): void => {
    const ctx = context();
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

  const widget = (label: string, spec: Record<string, unknown>, fallback: unknown): unknown => {
    if (typeof label !== "string" || label === "") throw new TypeError("a widget needs a label (its name in the cell)");
    const ctx = context();
    const value = label in ctx.widgets ? ctx.widgets[label] : fallback;
    ctx.emit({
      output_type: "display_data",
      data: { [WIDGET_MIME]: { label, ...spec, value }, "text/plain": `${label}: ${plainText(value)}` },
      metadata: {},
    });
    return value;
  };
  const slider = (label: string, o: { min?: number; max?: number; step?: number; value?: number } = {}) => {
    const min = checkNumber(`slider ${label} min`, o.min ?? 0);
    const max = checkNumber(`slider ${label} max`, o.max ?? 100);
    if (max <= min) throw new RangeError(`slider ${label}: max ${max} must be more than min ${min}`);
    const step = checkNumber(`slider ${label} step`, o.step ?? 1);
    return widget(label, { kind: "slider", min, max, step }, o.value ?? min) as number;
  };
  const number = (label: string, value = 0, o: { min?: number; max?: number; step?: number } = {}) =>
    widget(label, { kind: "number", ...o }, checkNumber(`number ${label}`, value)) as number;
  const checkbox = (label: string, value = false) => widget(label, { kind: "checkbox" }, Boolean(value)) as boolean;
  const select = <T extends string | number>(label: string, options: readonly T[], value?: T) => {
    if (!Array.isArray(options) || options.length === 0)
      throw new TypeError(`select ${label}: give a non-empty list of options`);
    return widget(label, { kind: "select", options }, value ?? options[0]) as T;
  };

  /** simulate(config): one run in the kernel's Wasm module, with progress, stopped by Interrupt. */
  const simulate = async (config: unknown = {}): Promise<Result> => {
    const ctx = context();
    const m = await host.loadNvmesim();
    return simulateCore(m, config, {
      signal: ctx.signal,
      batchIos: 100_000,
      onProgress: (done, total) => (total > 0 ? ctx.progress("simulate", Math.min(1, done / total)) : undefined),
    });
  };

  /** sweep(spec): every point of a grid in turn, with progress and the first chart updating as points finish. */
  const sweep = async (doc: unknown, options: { live?: boolean; yes?: boolean } = {}): Promise<SweepResult> => {
    const ctx = context();
    const spec = parseSpec(doc);
    const n = gridSize(spec);
    if (n > GRID_LIMIT && !options.yes)
      throw new RangeError(`the grid has ${n} points, more than ${GRID_LIMIT}: pass { yes: true } to run it`);
    const failures = checkGrid(spec);
    const m = await host.loadNvmesim();
    const rows: Row[] = [];
    const id = `sweep-${++displays}`;
    let shown = 0;
    for (let point = 0; point < n; point++) {
      if (ctx.signal.aborted) throw new DOMException("sweep interrupted", "AbortError");
      const v = pointValues(spec, point);
      const values = Object.fromEntries(spec.axes.map((a, i) => [a.name, v[i]]));
      const config = pointConfig(spec, point);
      const failure = failures.get(point);
      if (failure) rows.push({ point, values, metrics: {}, error: failure });
      else {
        const result = await simulateCore(m, config, { signal: ctx.signal, batchIos: 100_000, onProgress: () => {} });
        rows.push(rowOf({ point, values, seed: String(config.seed), result }));
      }
      ctx.progress(`sweep ${point + 1}/${n}`, (point + 1) / n);
      // The first chart, redrawn as points come in (a few times a second at most).
      const now = performance.now();
      if (options.live !== false && (now - shown > 400 || point === n - 1)) {
        shown = now;
        const first = sweepCharts(spec, rows, host.document)[0];
        if (first) display({ [REPR]: () => ({ "image/svg+xml": first.svg, "text/plain": first.title }) }, { id });
      }
    }
    return new SweepResult(spec, rows, host.document);
  };

  /** The seed scenario of November 2014: both paths simulated next to the two measured profiles. */
  const seedScenario = async () => {
    const rows = parseProfileCsv(await host.seedProfileCsv());
    const c = await runSeedScenario(await host.loadNvmesim(), rows);
    return { ...c, measured: rows, seedCpuRatio: SEED_CPU_RATIO, config: SEED_SCENARIO_CONFIG };
  };

  const hex = (bytes: Uint8Array) => [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
  const LIST_BASE = 0x1000_0000n;
  /** What the host writes: SQE bytes, PRPs and their list pages, SGL descriptors (the machinery in Wasm). */
  const nvme = {
    sqe: async (request: SqeRequest) => {
      const m = await host.loadNvmesim();
      const bytes = encodeSqe(m, request);
      return { hex: hex(bytes), fields: decodeSqe(m, bytes) };
    },
    prps: async (segments: Segment[], o: { pageBytes?: number; maxBytes?: number } = {}) =>
      buildPrps(await host.loadNvmesim(), segments, o.pageBytes ?? 4096, BigInt(o.maxBytes ?? 8 << 20), LIST_BASE),
    sgls: async (segments: Segment[], o: { pageBytes?: number; maxBytes?: number } = {}) =>
      buildSgls(await host.loadNvmesim(), segments, o.pageBytes ?? 4096, BigInt(o.maxBytes ?? 8 << 20), LIST_BASE),
    walkPrps: async (
      prp1: bigint,
      prp2: bigint,
      len: number,
      listPages: ListPage[] = [],
      o: { pageBytes?: number; maxBytes?: number } = {},
    ) =>
      walkPrps(
        await host.loadNvmesim(),
        prp1,
        prp2,
        BigInt(len),
        o.pageBytes ?? 4096,
        BigInt(o.maxBytes ?? 8 << 20),
        listPages,
      ),
  };

  const nvmesim = {
    simulate,
    sweep,
    seedScenario,
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
  };
  return {
    globals,
    async importModule(specifier) {
      if (specifier === "nvmesim") return { ...nvmesim, default: nvmesim };
      if (specifier === "@observablehq/plot") return Plot;
      if (!host.importModule)
        throw new Error(`cannot import ${specifier}: only "nvmesim" and "@observablehq/plot" here`);
      return host.importModule(specifier);
    },
    flush() {},
  };
}
