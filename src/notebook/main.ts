// The notebook page: toolbar, notices, the notebook, files (open by picker
// or drag and drop, save as .ipynb, export as HTML) and the working copy kept
// in browser storage. A file that is not a notebook leaves the open one as it
// was and says what is wrong.
import "./style.css";
import { newNotebook, NotebookError, parseNotebook, serializeNotebook, type CellType } from "./ipynb";
import { NotebookApp } from "./page/app";
import { notebookHtml } from "./page/export-html";
import { loadWorkingCopy, saveWorkingCopy } from "./page/storage";

const WELCOME = newNotebook([
  {
    cell_type: "markdown",
    source:
      "# nvmesim notebook\n\nRun a cell with **Shift+Enter**. Cells are TypeScript; `simulate`, `sweep`, `Plot`, `display`, `md`, `html`, `table` and widgets (`slider`, `select`, `checkbox`, `number`) are in scope.",
  },
  {
    cell_type: "code",
    source:
      'const result = await sweep({\n  base: { workload: { number_ios: 200_000 } },\n  axes: { path: ["blk-mq", "rw_page"], iodepth: "1..64 x2" },\n});\nresult',
  },
]);

const $ = <T extends HTMLElement>(sel: string) => document.querySelector(sel) as T;

let name = "Untitled.ipynb";
let dirty = false;
let autosaveTimer: number | undefined;

function notice(text: string, kind: "info" | "error" = "info"): void {
  const box = $("#notice");
  box.className = `notice ${kind}`;
  box.textContent = text;
  box.hidden = false;
  const close = document.createElement("button");
  close.textContent = "×";
  close.title = "dismiss";
  close.onclick = () => (box.hidden = true);
  box.append(" ", close);
}

function showTitle(): void {
  $("#name").textContent = name;
  $("#dirty").hidden = !dirty;
  document.title = `${dirty ? "● " : ""}${name} – nvmesim`;
}

// Reopening the page brings back the working copy, before anything can be typed.
const copy = await loadWorkingCopy().catch(() => undefined);
let restored: string | undefined;
let start = WELCOME;
if (copy) {
  try {
    start = parseNotebook(copy.text);
    name = copy.name;
    dirty = copy.dirty;
    restored = `Restored your working copy of ${copy.name} from ${new Date(copy.savedAt).toLocaleString()}.`;
  } catch (err) {
    restored = `The working copy in browser storage could not be read (${String(err)}); starting fresh.`;
  }
}

const app = new NotebookApp($("#notebook"), start, {
  onChange: () => {
    dirty = true;
    showTitle();
    scheduleAutosave();
  },
  onKernelState: (s) => {
    const k = $("#kernel");
    k.textContent = `kernel: ${s}`;
    k.dataset.state = s;
  },
  onMode: (mode) => ($("#mode").textContent = mode === "edit" ? "edit mode" : "command mode"),
});

async function autosave(): Promise<void> {
  autosaveTimer = undefined;
  await saveWorkingCopy({ text: serializeNotebook(app.nb), name, dirty, savedAt: new Date().toISOString() });
  $("#autosaved").textContent = `autosaved ${new Date().toLocaleTimeString()}`;
}

function scheduleAutosave(): void {
  autosaveTimer ??= window.setTimeout(() => void autosave(), 1000);
}

// Saved on page hide too, so closing the tab loses nothing.
document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "hidden") void autosave();
});
window.addEventListener("pagehide", () => void autosave());
window.addEventListener("beforeunload", (e) => {
  if (autosaveTimer !== undefined) {
    void autosave();
    e.preventDefault();
  }
});

function download(filename: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

function save(): void {
  download(name, serializeNotebook(app.nb), "application/x-ipynb+json");
  dirty = false;
  showTitle();
  void autosave();
}

async function openFile(file: File): Promise<void> {
  try {
    const nb = parseNotebook(await file.text());
    app.load(nb);
    name = file.name.endsWith(".ipynb") ? file.name : `${file.name}.ipynb`;
    dirty = false;
    showTitle();
    void autosave();
    notice(`Opened ${file.name}.`);
  } catch (err) {
    const why = err instanceof NotebookError ? err.message : String(err);
    notice(`${file.name} was not opened: ${why}. The notebook on the page is unchanged.`, "error");
  }
}

const actions: Record<string, () => void> = {
  open: () => $<HTMLInputElement>("#file").click(),
  save,
  export: () => download(name.replace(/\.ipynb$/, "") + ".html", notebookHtml(app.nb, name), "text/html"),
  new: () => {
    app.load(newNotebook());
    name = "Untitled.ipynb";
    dirty = true;
    showTitle();
    scheduleAutosave();
  },
  insert: () => app.insert("below"),
  delete: () => app.deleteSelected(),
  undo: () => app.undoDelete(),
  up: () => app.move(-1),
  down: () => app.move(1),
  run: () => app.runSelected("next"),
  "run-all": () => app.runAll("all"),
  "run-above": () => app.runAll("above"),
  "run-below": () => app.runAll("below"),
  interrupt: () => app.interrupt(),
  restart: () => app.restart(),
  "restart-run-all": () => {
    app.restart();
    app.runAll("all");
  },
  clear: () => app.clearOutputs(),
};

for (const button of document.querySelectorAll<HTMLButtonElement>("[data-action]")) {
  button.addEventListener("click", () => {
    actions[button.dataset.action!]();
  });
}
$<HTMLSelectElement>("#cell-type").addEventListener("change", (e) =>
  app.changeType((e.target as HTMLSelectElement).value as CellType),
);
$<HTMLInputElement>("#file").addEventListener("change", (e) => {
  const input = e.target as HTMLInputElement;
  if (input.files?.[0]) void openFile(input.files[0]);
  input.value = "";
});
document.addEventListener("keydown", (e) => {
  if ((e.ctrlKey || e.metaKey) && e.key === "s") {
    e.preventDefault();
    save();
  }
});
document.addEventListener("dragover", (e) => e.preventDefault());
document.addEventListener("drop", (e) => {
  e.preventDefault();
  const file = e.dataTransfer?.files[0];
  if (file) void openFile(file);
});

showTitle();
if (restored) notice(restored, restored.startsWith("Restored") ? "info" : "error");

(window as unknown as { nvmesimApp: NotebookApp }).nvmesimApp = app;
