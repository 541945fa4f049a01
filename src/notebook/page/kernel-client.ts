// The page's side of the kernel: starts the worker, sends cells, routes what
// comes back to the cell that ran, interrupts, and restarts (terminating the
// worker, which stops even a runaway loop; the notebook itself is untouched).
import type { Output } from "../kernel/outputs";
import type { FromKernel, KernelFiles, ToKernel } from "../kernel/protocol";

export interface CellRun {
  onOutput(output: Output): void;
  onUpdate(displayId: string, output: Output | null): void;
  onProgress(label: string, fraction: number): void;
}

export type KernelState = "starting" | "idle" | "busy";

export class KernelClient {
  private worker!: Worker;
  private runs = new Map<string, { run: CellRun; resolve: (r: { ok: boolean; ms: number }) => void }>();
  private pending = 0;
  state: KernelState = "starting";
  /** Counts restarts: a worker's messages after it was replaced are not this kernel's. */
  generation = 0;
  onState: (s: KernelState) => void = () => {};

  constructor() {
    this.start();
  }

  private files: KernelFiles | undefined;

  private start(): void {
    this.worker = new Worker(new URL("../kernel/worker.ts", import.meta.url), { type: "module" });
    if (this.files) this.worker.postMessage({ type: "files", files: this.files } satisfies ToKernel);
    this.setState("starting");
    this.worker.onmessage = (e: MessageEvent<FromKernel>) => this.receive(e.data);
    this.worker.onerror = (e) => console.error("kernel worker:", e.message);
  }

  private setState(s: KernelState): void {
    this.state = s;
    this.onState(s);
  }

  private receive(m: FromKernel): void {
    if (m.type === "ready") {
      this.setState(this.pending ? "busy" : "idle");
      return;
    }
    const entry = this.runs.get(m.cellId);
    if (!entry) return;
    if (m.type === "output") entry.run.onOutput(m.output);
    else if (m.type === "update") entry.run.onUpdate(m.displayId, m.output);
    else if (m.type === "progress") entry.run.onProgress(m.label, m.fraction);
    else if (m.type === "done") {
      this.runs.delete(m.cellId);
      this.pending--;
      if (this.pending === 0) this.setState("idle");
      entry.resolve({ ok: m.ok, ms: m.ms });
    }
  }

  /** Runs a cell; resolves when the kernel is done with it. */
  execute(
    cellId: string,
    executionCount: number,
    source: string,
    widgets: Record<string, unknown>,
    run: CellRun,
  ): Promise<{ ok: boolean; ms: number }> {
    this.pending++;
    this.setState("busy");
    return new Promise((resolve) => {
      this.runs.set(cellId, { run, resolve });
      const m: ToKernel = { type: "execute", cellId, executionCount, source, widgets };
      this.worker.postMessage(m);
    });
  }

  /** Where the kernel reads the files cells name: the notebook server's folder of the open notebook (or none). */
  setFiles(files: KernelFiles | undefined): void {
    this.files = files;
    const m: ToKernel = { type: "files", files };
    this.worker.postMessage(m);
  }

  interrupt(): void {
    const m: ToKernel = { type: "interrupt" };
    this.worker.postMessage(m);
  }

  /** A fresh kernel: cells waiting or running end as not run. */
  restart(): void {
    this.worker.terminate();
    this.generation++;
    for (const { resolve } of this.runs.values()) resolve({ ok: false, ms: 0 });
    this.runs.clear();
    this.pending = 0;
    this.start();
  }
}
