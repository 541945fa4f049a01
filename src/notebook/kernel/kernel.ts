// The notebook kernel: runs code cells against one shared scope, like a
// Jupyter kernel's namespace. The same code serves the page's Web Worker and
// headless runs in Node; the host supplies the Wasm module and a document for
// Plot. Each run reports outputs through its context, can be interrupted
// through its signal (simulations and sweeps stop between Wasm batches), and
// maps errors to lines of the cell.
import type { PointPool } from "./point-pool";
import { CALL_SITE, createApi, type KernelApi } from "./api";
import { mimeBundle, plainText, supersededBy, type Output } from "./outputs";
import { CellSyntaxError, IMPORT_HELPER, SCOPE_NAME, transformCell } from "./transform";
import type { Nvmesim } from "../../wasm/module";

export interface KernelHost {
  /** The nvmesim Wasm module (loaded once, on first use). */
  loadNvmesim(): Promise<Nvmesim>;
  /** A document for Plot and html values (linkedom's in a worker or in Node). */
  document: Document;
  /** The seed's perf profiles (seed-profile.csv) as text. */
  seedProfileCsv(): Promise<string>;
  /** Workers for sweep() (`size` of them, or one per core): each with its own Wasm instance; absent, sweeps run here. */
  pointPool?(size?: number): PointPool;
  /** Loads an ES module a cell imports by URL; "nvmesim" is served by the kernel itself. */
  importModule?: (specifier: string) => Promise<unknown>;
  /** The shipped notebooks' stored data (notebooks/data/NAME.json): what a measurement left for the places that
   * cannot measure. `save` only where the kernel runs on the machine (nb run); absent in the page. */
  stored?: {
    load(name: string): Promise<unknown>;
    save?(name: string, value: unknown): Promise<void>;
  };
  /** A file's text, by a path a cell gives (a recorded iolog): beside the notebook (nb run: the working folder; the
   * page: the notebook server's folder of the open notebook); absent where there are no files. */
  readFile?(path: string): Promise<string>;
  /** The real machine (nvmesim measure), where the kernel runs on one (nb run); absent in the page. */
  machine?: {
    measure(config: unknown, options: { target: string; perf: boolean }): Promise<unknown>;
    measureSwap(options: { seconds: number; memory: string; workingSet: string; perf: boolean }): Promise<unknown>;
  };
}

export interface ExecuteContext {
  cellId: string;
  executionCount: number;
  /** Current values of the cell's widgets, by label. */
  widgets: Record<string, unknown>;
  signal: AbortSignal;
  emit(output: Output): void;
  /** Replaces the output shown under `displayId` (display(value, {id})); null takes it away. */
  update(displayId: string, output: Output | null): void;
  /** Transient progress of long work in the cell (not stored in the notebook). */
  progress(label: string, fraction: number): void;
}

export interface ExecuteResult {
  ok: boolean;
  /** The value of the cell's last expression (undefined: nothing to show). */
  value?: unknown;
}

/** How a thrown value appears as an nbformat error output, with frames mapped into the cell. */
export function errorOutput(err: unknown, cellName: string, source: string, lineOffset: number): Output {
  const e = err instanceof Error ? err : new Error(plainText(err));
  const lines = source.split("\n");
  const traceback = [`${e.name}: ${e.message}`];
  if (err instanceof CellSyntaxError) traceback.push(`  at line ${err.line}: ${(lines[err.line - 1] ?? "").trim()}`);
  else {
    const frame = new RegExp(`${cellName.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:(\\d+):(\\d+)`, "g");
    const stacks = `${e.stack ?? ""}\n${(err as Record<symbol, string>)[CALL_SITE] ?? ""}`;
    const seen = new Set<number>();
    for (const m of stacks.matchAll(frame)) {
      const line = Number(m[1]) - lineOffset;
      if (line < 1 || line > lines.length || seen.has(line)) continue;
      seen.add(line);
      traceback.push(`  at line ${line}: ${lines[line - 1].trim()}`);
    }
  }
  return { output_type: "error", ename: e.name, evalue: e.message, traceback };
}

const WRAPPER_HEAD = `(function (${SCOPE_NAME}, ${IMPORT_HELPER}) { with (${SCOPE_NAME}) { return (async () => {`;
/** Lines the wrapper puts before the cell's first line. */
const LINE_OFFSET = 1;

export class Kernel {
  readonly scope: Record<string, unknown>;
  private ctx: ExecuteContext | undefined;
  private readonly api: KernelApi;

  constructor(host: KernelHost) {
    this.api = createApi(host, () => {
      if (!this.ctx) throw new Error("display and widgets work while a cell runs");
      return this.ctx;
    });
    this.scope = { ...this.api.globals };
  }

  /** Runs one cell; outputs go to `ctx`; resolves when it ends (an error is an output, not a rejection). */
  async execute(source: string, ctx: ExecuteContext): Promise<ExecuteResult> {
    const name = `cell-${ctx.executionCount}-${ctx.cellId}.ts`;
    this.ctx = ctx;
    try {
      const program = transformCell(source);
      for (const n of program.declared) if (!(n in this.scope)) this.scope[n] = undefined;
      const run = (0, eval)(`${WRAPPER_HEAD}\n${program.body}\n})(); } })\n//# sourceURL=${name}`) as (
        scope: object,
        load: (s: string) => Promise<unknown>,
      ) => Promise<unknown>;
      const value = await run(this.scope, (s) => this.api.importModule(s));
      for (const id of supersededBy(value)) ctx.update(id, null);
      if (value !== undefined)
        ctx.emit({
          output_type: "execute_result",
          execution_count: ctx.executionCount,
          data: mimeBundle(value),
          metadata: {},
        });
      return { ok: true, value };
    } catch (err) {
      ctx.emit(errorOutput(err, name, source, LINE_OFFSET));
      return { ok: false };
    } finally {
      this.ctx = undefined;
    }
  }
}
