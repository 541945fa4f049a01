// The notebook page: cells in order, one selected, command and edit modes
// with Jupyter's keys, the toolbar's commands, and the run queue that sends
// code cells to the kernel one at a time (stopping at an error, as Run all
// does in Jupyter). Every change marks the notebook dirty and is autosaved.
import { newCell, type Cell, type CellType, type Notebook } from "../ipynb";
import { updateDisplay, type Output } from "../kernel/outputs";
import { CellView } from "./cell-view";
import { KernelClient, type KernelState } from "./kernel-client";

export type Mode = "command" | "edit";

export interface AppEvents {
  /** The notebook changed (text, cells, outputs): autosave and the dirty mark. `exploring`: only the outputs of a
   * widget's rerun changed, which the page keeps but does not write to the file unasked. */
  onChange(exploring?: boolean): void;
  onKernelState(state: KernelState): void;
  onMode(mode: Mode): void;
  /** Something the user should read (a running loop that Interrupt cannot stop). */
  onNotice(text: string, kind?: "info" | "error"): void;
}

/** How long after Interrupt a still-running cell is taken to be a loop that only Restart stops. */
const INTERRUPT_GRACE_MS = 1500;

export class NotebookApp {
  nb: Notebook;
  readonly container: HTMLElement;
  private views: CellView[] = [];
  selected = 0;
  mode: Mode = "command";
  private deleted: { cell: Cell; index: number }[] = [];
  private queue: string[] = [];
  /** Cells queued by a widget's change: their outputs are exploration, not an edit. */
  private widgetRuns = new Set<string>();
  private running = false;
  private executionCount = 0;
  private lastKey = "";
  readonly kernel = new KernelClient();

  constructor(
    container: HTMLElement,
    nb: Notebook,
    private readonly events: AppEvents,
  ) {
    this.container = container;
    this.nb = nb;
    this.kernel.onState = (s) => events.onKernelState(s);
    this.load(nb);
    document.addEventListener("keydown", (e) => this.commandKey(e));
  }

  /** Shows another notebook (opened, restored or new). */
  load(nb: Notebook): void {
    for (const v of this.views) v.destroy();
    this.nb = nb;
    if (nb.cells.length === 0) nb.cells.push(newCell("code"));
    this.views = nb.cells.map((c) => this.makeView(c));
    this.container.replaceChildren(...this.views.map((v) => v.root));
    this.selected = 0;
    this.setMode("command");
  }

  private makeView(cell: Cell): CellView {
    const view: CellView = new CellView(cell, {
      onChange: (source) => {
        cell.source = source;
        this.events.onChange();
      },
      onFocus: () => {
        this.selected = this.views.indexOf(view);
        this.setMode("edit");
      },
      onSelect: () => this.select(this.views.indexOf(view)),
      notebookText: () =>
        this.nb.cells
          .filter((c) => c.cell_type === "code")
          .map((c) => c.source)
          .join("\n"),
      onKey: (key) => {
        if (key === "escape") this.setMode("command");
        else this.runSelected(key === "run-next" ? "next" : key === "run-insert" ? "insert" : "stay");
        return true;
      },
      onWidget: (label, value) => {
        const meta = (cell.metadata.nvmesim ??= {}) as { widgets?: Record<string, unknown> };
        meta.widgets = { ...meta.widgets, [label]: value };
        this.widgetRuns.add(cell.id);
        this.enqueue([cell]);
        // The cells below that ran before may have used what this one made: stale until they run again.
        for (const c of this.nb.cells.slice(this.nb.cells.indexOf(cell) + 1))
          if (c.cell_type === "code" && c.execution_count !== null) this.viewOf(c)?.setStale(true);
      },
    });
    return view;
  }

  get cell(): Cell {
    return this.nb.cells[this.selected];
  }

  select(index: number): void {
    this.selected = Math.max(0, Math.min(this.nb.cells.length - 1, index));
    this.refreshSelection();
    this.views[this.selected].root.scrollIntoView({ block: "nearest" });
  }

  setMode(mode: Mode): void {
    this.mode = mode;
    const view = this.views[this.selected];
    if (mode === "edit") {
      if (this.cell.cell_type === "markdown") view.edit();
      else if (!view.editor.hasFocus) view.editor.focus();
    } else {
      if (view.editor.hasFocus) view.editor.contentDOM.blur();
      this.container.focus({ preventScroll: true });
    }
    this.refreshSelection();
    this.events.onMode(mode);
  }

  private refreshSelection(): void {
    this.views.forEach((v, i) => v.setSelected(i === this.selected, this.mode));
  }

  // ---- editing the list of cells ----

  insert(where: "above" | "below", type: CellType = "code"): void {
    const index = where === "above" ? this.selected : this.selected + 1;
    const cell = newCell(type);
    this.nb.cells.splice(index, 0, cell);
    const view = this.makeView(cell);
    this.views.splice(index, 0, view);
    const next = this.views[index + 1]?.root ?? null;
    this.container.insertBefore(view.root, next);
    this.selected = index;
    this.refreshSelection();
    this.events.onChange();
  }

  deleteSelected(): void {
    const [cell] = this.nb.cells.splice(this.selected, 1);
    const [view] = this.views.splice(this.selected, 1);
    view.destroy();
    this.deleted.push({ cell, index: this.selected });
    if (this.nb.cells.length === 0) {
      this.nb.cells.push(newCell("code"));
      this.views.push(this.makeView(this.nb.cells[0]));
      this.container.append(this.views[0].root);
    }
    this.select(Math.min(this.selected, this.nb.cells.length - 1));
    this.events.onChange();
  }

  undoDelete(): void {
    const last = this.deleted.pop();
    if (!last) return;
    const index = Math.min(last.index, this.nb.cells.length);
    this.nb.cells.splice(index, 0, last.cell);
    const view = this.makeView(last.cell);
    this.views.splice(index, 0, view);
    this.container.insertBefore(view.root, this.views[index + 1]?.root ?? null);
    this.select(index);
    this.events.onChange();
  }

  move(delta: -1 | 1): void {
    const to = this.selected + delta;
    if (to < 0 || to >= this.nb.cells.length) return;
    const [cell] = this.nb.cells.splice(this.selected, 1);
    this.nb.cells.splice(to, 0, cell);
    const [view] = this.views.splice(this.selected, 1);
    this.views.splice(to, 0, view);
    this.container.insertBefore(view.root, delta < 0 ? this.views[to + 1].root : (this.views[to + 1]?.root ?? null));
    this.select(to);
    this.events.onChange();
  }

  /** Turns the selected cell into Markdown or code, keeping its text. */
  changeType(type: CellType): void {
    const old = this.cell;
    if (old.cell_type === type) return;
    const cell: Cell = { ...newCell(type, old.source), id: old.id, metadata: old.metadata };
    this.nb.cells[this.selected] = cell;
    const view = this.makeView(cell);
    this.views[this.selected].root.replaceWith(view.root);
    this.views[this.selected].destroy();
    this.views[this.selected] = view;
    this.refreshSelection();
    this.events.onChange();
  }

  clearOutputs(): void {
    for (const [i, c] of this.nb.cells.entries()) {
      if (c.cell_type !== "code") continue;
      c.outputs = [];
      c.execution_count = null;
      this.views[i].showOutputs();
      this.views[i].showCount();
      this.views[i].showTiming(undefined);
    }
    this.events.onChange();
  }

  // ---- running ----

  /** Runs the selected cell, then selects the next (inserting one at the end), stays, or inserts one below. */
  runSelected(then: "next" | "stay" | "insert"): void {
    const cell = this.cell;
    this.enqueue([cell]);
    if (then === "insert" || (then === "next" && this.selected === this.nb.cells.length - 1)) {
      this.insert("below");
      this.setMode("edit");
    } else if (then === "next") {
      this.select(this.selected + 1);
      this.setMode("command");
    } else this.setMode("command");
  }

  runAll(which: "all" | "above" | "below"): void {
    const cells =
      which === "all"
        ? this.nb.cells
        : which === "above"
          ? this.nb.cells.slice(0, this.selected)
          : this.nb.cells.slice(this.selected);
    this.enqueue(cells);
  }

  private enqueue(cells: Cell[]): void {
    for (const c of cells) {
      if (c.cell_type === "markdown") {
        this.viewOf(c)?.render();
        continue;
      }
      if (c.cell_type !== "code" || this.queue.includes(c.id)) continue;
      this.queue.push(c.id);
      this.viewOf(c)?.setBusy(true, true);
    }
    void this.drain();
  }

  private viewOf(cell: Cell): CellView | undefined {
    return this.views.find((v) => v.cell === cell) ?? this.views.find((v) => v.cell.id === cell.id);
  }

  private async drain(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      while (this.queue.length) {
        const id = this.queue.shift()!;
        const cell = this.nb.cells.find((c) => c.id === id);
        if (!cell) continue;
        const ok = await this.runCell(cell);
        if (!ok) this.cancelQueue();
      }
    } finally {
      this.running = false;
    }
  }

  private cancelQueue(): void {
    for (const id of this.queue) {
      const c = this.nb.cells.find((x) => x.id === id);
      if (c) this.viewOf(c)?.setBusy(false);
    }
    this.queue = [];
  }

  private async runCell(cell: Cell): Promise<boolean> {
    const view = this.viewOf(cell);
    const count = ++this.executionCount;
    cell.outputs = [];
    cell.execution_count = null;
    view?.showOutputs();
    view?.setStale(false);
    view?.setBusy(true);
    const displays = new Map<string, number>();
    const exploring = this.widgetRuns.delete(cell.id);
    const redraw = () => {
      this.viewOf(cell)?.showOutputs();
      this.events.onChange(exploring);
    };
    const widgets = (cell.metadata.nvmesim as { widgets?: Record<string, unknown> } | undefined)?.widgets ?? {};
    const result = await this.kernel.execute(cell.id, count, cell.source, widgets, {
      onOutput: (o: Output) => {
        cell.outputs!.push(o);
        redraw();
      },
      onUpdate: (displayId, o) => {
        updateDisplay(cell.outputs!, displays, displayId, o);
        redraw();
      },
      onProgress: (label, fraction) => this.viewOf(cell)?.showProgress(label, fraction),
    });
    cell.execution_count = count;
    const v = this.viewOf(cell);
    v?.setBusy(false);
    v?.showCount();
    v?.showTiming(result.ms);
    this.events.onChange(exploring);
    return result.ok;
  }

  interrupt(): void {
    this.cancelQueue();
    if (this.kernel.state !== "busy") return;
    this.kernel.interrupt();
    const generation = this.kernel.generation;
    // simulate and sweep stop between Wasm batches; plain JavaScript cannot be stopped from outside.
    setTimeout(() => {
      if (this.kernel.state === "busy" && this.kernel.generation === generation)
        this.events.onNotice(
          "The cell is still running: Interrupt stops simulate() and sweep() between batches, but a JavaScript loop runs until it ends. Restart (0, 0) stops it; the notebook stays.",
          "error",
        );
    }, INTERRUPT_GRACE_MS);
  }

  /** Restart after asking, as Jupyter's 0, 0 does. */
  confirmRestart(): void {
    if (confirm("Restart the kernel? Everything the cells defined is lost; the notebook and its outputs stay."))
      this.restart();
  }

  /** A new kernel (stops anything, even a runaway loop); the notebook's text and outputs stay. */
  restart(): void {
    this.cancelQueue();
    this.kernel.restart();
    this.executionCount = 0;
    for (const v of this.views) v.setBusy(false);
  }

  // ---- command mode keys ----

  /** The second of a doubled key (D D, I I, 0 0) acts; the pair is then used up. */
  private twice(double: boolean, action: () => void): void {
    if (!double) return;
    this.lastKey = "";
    action();
  }

  private commandKey(e: KeyboardEvent): void {
    if (e.defaultPrevented) return;
    const target = e.target as HTMLElement | null;
    if (target && (target.closest(".cm-editor") || ["INPUT", "SELECT", "TEXTAREA", "BUTTON"].includes(target.tagName)))
      return;
    // A key that reaches the page while no editor has the focus (a click outside the cells took it) is a
    // command-mode key, whatever the mode said.
    if (this.mode === "edit") this.setMode("command");
    const key = `${e.ctrlKey || e.metaKey ? "Ctrl-" : ""}${e.shiftKey ? "Shift-" : ""}${e.altKey ? "Alt-" : ""}${e.key}`;
    const double = this.lastKey === key;
    this.lastKey = key;
    const act: Record<string, () => void> = {
      Enter: () => this.setMode("edit"),
      "Shift-Enter": () => this.runSelected("next"),
      "Ctrl-Enter": () => this.runSelected("stay"),
      "Alt-Enter": () => this.runSelected("insert"),
      a: () => this.insert("above"),
      b: () => this.insert("below"),
      d: () => this.twice(double, () => this.deleteSelected()),
      i: () => this.twice(double, () => this.interrupt()),
      "0": () => this.twice(double, () => this.confirmRestart()),
      z: () => this.undoDelete(),
      m: () => this.changeType("markdown"),
      y: () => this.changeType("code"),
      j: () => this.select(this.selected + 1),
      k: () => this.select(this.selected - 1),
      ArrowDown: () => this.select(this.selected + 1),
      ArrowUp: () => this.select(this.selected - 1),
      "Ctrl-Shift-ArrowUp": () => this.move(-1),
      "Ctrl-Shift-ArrowDown": () => this.move(1),
    };
    const action = act[key];
    if (action) {
      e.preventDefault();
      action();
    }
  }
}
