// Running a whole notebook headless (nvmesim nb run), like papermill or
// `jupyter nbconvert --execute`: every code cell in order in a kernel on a
// Node worker thread (the browser's kernel code), outputs and execution counts
// stored, widgets at their saved values, stopping at the first failing cell
// (its error stays in the notebook). Papermill-style parameters go into a cell
// injected after the one tagged `parameters`.
import { Worker } from "node:worker_threads";
import { newCell, type Cell, type Notebook } from "./ipynb";
import { updateDisplay, type Output } from "./kernel/outputs";
import type { FromKernel, ToKernel } from "./kernel/protocol";
import { PACKAGED } from "../wasm/build";

export type ParameterValue = string | number | boolean;

export interface RunNotebookOptions {
  parameters?: Record<string, ParameterValue>;
  /** Longest a cell may run, seconds (0: no limit). */
  timeoutSec?: number;
  /** Before each code cell: its index in the notebook, and which of how many code cells it is. */
  onCell?: (index: number, ordinal: number, codeCells: number) => void;
  /** The folder a cell's files are read from (simulate's iolog file): the notebook's; the working folder if absent. */
  dir?: string;
}

export interface CellFailure {
  /** 0-based index of the cell in the notebook. */
  index: number;
  id: string;
  ename: string;
  evalue: string;
  traceback: string[];
}

const tags = (c: Cell) => (c.metadata.tags as string[] | undefined) ?? [];
const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** The notebook with a cell setting `parameters` after the one tagged `parameters` (replacing an earlier injection). */
export function injectParameters(nb: Notebook, parameters: Record<string, ParameterValue>): Notebook {
  const cells = nb.cells.filter((c) => !tags(c).includes("injected-parameters"));
  for (const name of Object.keys(parameters))
    if (!IDENT.test(name)) throw new TypeError(`-p ${name}: not a name a cell can use (letters, digits, _ and $)`);
  const cell = newCell(
    "code",
    Object.entries(parameters)
      .map(([k, v]) => `const ${k} = ${JSON.stringify(v)};`)
      .join("\n"),
  );
  cell.metadata = { tags: ["injected-parameters"] };
  const at = cells.findIndex((c) => tags(c).includes("parameters"));
  cells.splice(at + 1, 0, cell);
  return { ...nb, cells };
}

/** The kernel's worker thread entry (the checkout's, or the package's). */
export const WORKER = PACKAGED
  ? new URL("./kernel-worker.js", import.meta.url)
  : new URL("./kernel/node-worker.js", import.meta.url);

class NodeKernel {
  private worker: Worker;
  private ready: Promise<void>;
  private onMessage: (m: FromKernel) => void = () => {};

  constructor(dir?: string) {
    this.worker = new Worker(WORKER);
    if (dir !== undefined) this.worker.postMessage({ type: "files", files: { token: "", dir } } satisfies ToKernel);
    this.ready = new Promise((resolve, reject) => {
      this.onMessage = (m) => m.type === "ready" && resolve();
      this.worker.once("error", reject);
    });
    this.worker.on("message", (m: FromKernel) => this.onMessage(m));
  }

  async run(
    cell: Cell,
    count: number,
    timeoutSec: number,
    emit: (o: Output) => void,
    update: (id: string, o: Output | null) => void,
  ): Promise<boolean | "timeout"> {
    await this.ready;
    return new Promise((resolve) => {
      const timer = timeoutSec > 0 ? setTimeout(() => resolve("timeout"), timeoutSec * 1000) : undefined;
      this.onMessage = (m) => {
        if (m.type === "output") emit(m.output);
        else if (m.type === "update") update(m.displayId, m.output);
        else if (m.type === "done") {
          clearTimeout(timer);
          resolve(m.ok);
        }
      };
      const widgets = (cell.metadata.nvmesim as { widgets?: Record<string, unknown> } | undefined)?.widgets ?? {};
      const message: ToKernel = {
        type: "execute",
        cellId: cell.id,
        executionCount: count,
        source: cell.source,
        widgets,
      };
      this.worker.postMessage(message);
    });
  }

  stop(): Promise<number> {
    return this.worker.terminate();
  }
}

/** Runs every code cell of `input`; returns the notebook with outputs and the first failure, if any. */
export async function runNotebook(
  input: Notebook,
  options: RunNotebookOptions = {},
): Promise<{ nb: Notebook; failure?: CellFailure }> {
  const nb =
    options.parameters && Object.keys(options.parameters).length
      ? injectParameters(input, options.parameters)
      : structuredClone(input);
  const kernel = new NodeKernel(options.dir);
  let count = 0;
  const codeCells = nb.cells.filter((c) => c.cell_type === "code").length;
  try {
    for (const [index, cell] of nb.cells.entries()) {
      if (cell.cell_type !== "code") continue;
      options.onCell?.(index, count + 1, codeCells);
      cell.outputs = [];
      const displays = new Map<string, number>();
      const ok = await kernel.run(
        cell,
        ++count,
        options.timeoutSec ?? 0,
        (o) => cell.outputs!.push(o),
        (id, o) => updateDisplay(cell.outputs!, displays, id, o),
      );
      cell.execution_count = count;
      if (ok === true) continue;
      if (ok === "timeout") {
        const evalue = `the cell ran longer than ${options.timeoutSec} s and was stopped`;
        cell.outputs.push({
          output_type: "error",
          ename: "TimeoutError",
          evalue,
          traceback: [`TimeoutError: ${evalue}`],
        });
      }
      const error = cell.outputs.find((o) => o.output_type === "error") as
        Extract<Output, { output_type: "error" }> | undefined;
      return {
        nb,
        failure: {
          index,
          id: cell.id,
          ename: error?.ename ?? "Error",
          evalue: error?.evalue ?? "failed",
          traceback: error?.traceback ?? [],
        },
      };
    }
    return { nb };
  } finally {
    await kernel.stop();
  }
}
