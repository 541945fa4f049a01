// One cell on the page: the prompt with its execution count and busy mark, a
// CodeMirror editor (TypeScript for code, plain for Markdown), the rendered
// Markdown when not editing, a transient progress bar, the outputs, and how
// long the last run took. Code cells complete and explain the API (completion.ts).
import { acceptCompletion, closeCompletion, completionStatus, startCompletion } from "@codemirror/autocomplete";
import { indentMore } from "@codemirror/commands";
import { indentUnit } from "@codemirror/language";
import { javascript } from "@codemirror/lang-javascript";
import { Prec, type Extension } from "@codemirror/state";
import { EditorView, keymap } from "@codemirror/view";
import { basicSetup } from "codemirror";
import type { Cell } from "../ipynb";
import { apiHelp } from "./completion";
import { markdownHtml, renderOutputs, type OutputHooks } from "./render-output";

export interface CellEvents extends OutputHooks {
  /** The text changed. */
  onChange(source: string): void;
  onFocus(): void;
  /** A key the notebook handles in edit mode (Shift-Enter, Ctrl-Enter, Alt-Enter, Escape). */
  onKey(key: "run-next" | "run" | "run-insert" | "escape"): boolean;
  onSelect(): void;
  /** Every code cell's text, for what completion knows of names assigned in other cells. */
  notebookText(): string;
}

export class CellView {
  readonly root: HTMLElement;
  readonly editor: EditorView;
  private readonly prompt: HTMLElement;
  private readonly rendered: HTMLElement;
  private readonly progressBar: HTMLElement;
  readonly outputs: HTMLElement;
  private readonly timing: HTMLElement;
  private editing = false;

  constructor(
    readonly cell: Cell,
    private readonly events: CellEvents,
  ) {
    this.root = document.createElement("div");
    this.root.className = `cell ${cell.cell_type}`;
    this.root.dataset.id = cell.id;
    this.prompt = div("prompt");
    const body = div("body");
    const editorBox = div("editor");
    this.rendered = div("rendered markdown");
    this.progressBar = div("progress");
    this.outputs = div("outputs");
    this.timing = div("timing");
    body.append(editorBox, this.rendered, this.progressBar, this.outputs, this.timing);
    this.root.append(this.prompt, body);
    this.root.addEventListener("mousedown", () => events.onSelect());
    this.rendered.addEventListener("dblclick", () => this.edit());

    const keys: Extension = Prec.highest(
      keymap.of([
        { key: "Shift-Enter", run: () => events.onKey("run-next") },
        { key: "Mod-Enter", run: () => events.onKey("run") },
        { key: "Alt-Enter", run: () => events.onKey("run-insert") },
        // Esc closes an open completion list first, as in Jupyter; then it leaves edit mode.
        {
          key: "Escape",
          run: (view) => (completionStatus(view.state) ? closeCompletion(view) : events.onKey("escape")),
        },
        // Tab as Jupyter's: takes the open completion, else completes the word before the cursor, else indents;
        // it never moves the focus out of the editor.
        {
          key: "Tab",
          run: (view) => acceptCompletion(view) || (afterWord(view) && startCompletion(view)) || indent(view),
        },
      ]),
    );
    this.editor = new EditorView({
      doc: cell.source,
      parent: editorBox,
      extensions: [
        keys,
        basicSetup,
        cell.cell_type === "code" ? [javascript({ typescript: true }), apiHelp(() => events.notebookText())] : [],
        EditorView.lineWrapping,
        EditorView.updateListener.of((u) => {
          if (u.docChanged) events.onChange(u.state.doc.toString());
          if (u.focusChanged && u.view.hasFocus) events.onFocus();
        }),
      ],
    });
    this.renderMarkdown();
    this.showCount();
    this.showOutputs();
  }

  /** Shows the editor of a Markdown cell (code cells always show theirs). */
  edit(): void {
    this.editing = true;
    this.root.classList.add("editing");
    this.editor.focus();
  }

  /** A Markdown cell shows its rendering again. */
  render(): void {
    this.editing = false;
    this.root.classList.remove("editing");
    this.renderMarkdown();
  }

  private renderMarkdown(): void {
    if (this.cell.cell_type !== "markdown") return;
    this.rendered.innerHTML = markdownHtml(this.cell.source || "*Empty Markdown cell: double-click to edit*");
    this.root.classList.toggle("editing", this.editing);
  }

  setSelected(selected: boolean, mode: "command" | "edit"): void {
    this.root.classList.toggle("selected", selected);
    this.root.classList.toggle("edit-mode", selected && mode === "edit");
  }

  /** Marks the cell as run before something above it changed (a widget's rerun): its outputs may be out of date. */
  setStale(stale: boolean): void {
    this.root.classList.toggle("stale", stale);
    this.prompt.title = stale ? "stale: a widget above changed since this cell ran; run it again" : "";
  }

  setBusy(busy: boolean, queued = false): void {
    this.root.classList.toggle("busy", busy);
    this.prompt.textContent = busy ? (queued ? "[ ]:" : "[*]:") : promptText(this.cell);
    if (!busy) this.progressBar.replaceChildren();
  }

  showCount(): void {
    this.prompt.textContent = promptText(this.cell);
  }

  showOutputs(): void {
    renderOutputs(this.outputs, this.cell.outputs ?? [], this.events);
  }

  showTiming(ms: number | undefined): void {
    this.timing.textContent =
      ms === undefined ? "" : ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
  }

  showProgress(label: string, fraction: number): void {
    const bar = document.createElement("progress");
    bar.max = 1;
    bar.value = fraction;
    this.progressBar.replaceChildren(bar, document.createTextNode(` ${label} ${Math.round(fraction * 100)}%`));
  }

  /** Replaces the editor's text (undo of a type change, a restored notebook). */
  setSource(source: string): void {
    this.editor.dispatch({ changes: { from: 0, to: this.editor.state.doc.length, insert: source } });
  }

  destroy(): void {
    this.editor.destroy();
    this.root.remove();
  }
}

/** Whether the cursor (nothing selected) follows a name or a member access, which Tab completes. */
function afterWord(view: EditorView): boolean {
  const sel = view.state.selection.main;
  if (!sel.empty) return false;
  const line = view.state.doc.lineAt(sel.head);
  return /[\w$.]$/.test(line.text.slice(0, sel.head - line.from));
}

/** Indents: the selected lines, or at the cursor one indent unit of spaces. */
function indent(view: EditorView): boolean {
  const sel = view.state.selection.main;
  const line = view.state.doc.lineAt(sel.head);
  if (!sel.empty || /^\s*$/.test(line.text.slice(0, sel.head - line.from))) return indentMore(view);
  view.dispatch(view.state.replaceSelection(view.state.facet(indentUnit)));
  return true;
}

function div(className: string): HTMLElement {
  const d = document.createElement("div");
  d.className = className;
  return d;
}

function promptText(cell: Cell): string {
  if (cell.cell_type !== "code") return "";
  return `[${cell.execution_count ?? " "}]:`;
}
