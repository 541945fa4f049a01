// The notebook page: toolbar, notices, the notebook, files (open by picker
// or drag and drop, save as .ipynb, export as HTML) and the working copy kept
// in browser storage. A file that is not a notebook leaves the open one as it
// was and says what is wrong. Opened through the notebook server (npm start),
// it also lists the notebook folder, opens files from it and saves back to
// them (Ctrl+S, and every few seconds), asking before it overwrites a file
// that changed on disk.
import "./style.css";
import { newNotebook, NotebookError, parseNotebook, serializeNotebook, type CellType } from "./ipynb";
import { NotebookApp } from "./page/app";
import { notebookHtml } from "./page/export-html";
import { detectServer, type ContentsClient } from "./page/server-files";
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

// The notebook server, when the page came from one; and the file it opens (?path=).
const server: ContentsClient | undefined = await detectServer();
const serverPath = server ? (new URLSearchParams(location.search).get("path") ?? undefined) : undefined;
let serverHash: string | undefined;
let fileAutosave = true;

// Reopening the page brings back the working copy, before anything can be typed.
const copy = await loadWorkingCopy(serverPath).catch(() => undefined);
let restored: string | undefined;
let start = WELCOME;
if (server && serverPath) {
  try {
    const file = await server.open(serverPath);
    start = parseNotebook(JSON.stringify(file.content));
    serverHash = file.hash;
    name = serverPath.split("/").pop()!;
  } catch (err) {
    restored = `${serverPath} could not be opened: ${err instanceof Error ? err.message : String(err)}`;
  }
}
if (copy && (!serverPath || copy.dirty)) {
  try {
    start = parseNotebook(copy.text);
    name = copy.name;
    dirty = copy.dirty;
    restored = serverPath
      ? `Restored your unsaved changes to ${serverPath} from browser storage (${new Date(copy.savedAt).toLocaleString()}).`
      : `Restored your working copy of ${copy.name} from ${new Date(copy.savedAt).toLocaleString()}.`;
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

/** Saves to the server's file; with `force`, even over a file changed on disk. */
async function saveToServer(force: boolean): Promise<boolean> {
  if (!server || !serverPath) return false;
  const r = await server.save(serverPath, app.nb, force ? undefined : serverHash);
  if (r.ok) {
    serverHash = r.hash;
    dirty = false;
    fileAutosave = true;
    showTitle();
    return true;
  }
  if (r.conflict && !force) {
    fileAutosave = false; // until the user decides
    if (confirm(`${serverPath} changed on disk since you opened it. Overwrite it with the notebook on this page?`))
      return saveToServer(true);
    notice(
      `${serverPath} changed on disk and was not overwritten. Save again to overwrite it, or reopen the file to see the other version.`,
      "error",
    );
    return false;
  }
  notice(`Saving ${serverPath} failed: ${r.message}`, "error");
  return false;
}

let lastFileSave = Date.now();

async function autosave(): Promise<void> {
  autosaveTimer = undefined;
  await saveWorkingCopy(
    { text: serializeNotebook(app.nb), name, dirty, savedAt: new Date().toISOString() },
    serverPath,
  );
  $("#autosaved").textContent = `autosaved ${new Date().toLocaleTimeString()}`;
  // The file itself every few seconds; a conflict stops this until the user saves.
  if (server && serverPath && dirty && fileAutosave && Date.now() - lastFileSave > 4000) {
    lastFileSave = Date.now();
    const r = await server.save(serverPath, app.nb, serverHash);
    if (r.ok) {
      serverHash = r.hash;
      dirty = false;
      showTitle();
      $("#autosaved").textContent = `saved to ${serverPath} ${new Date().toLocaleTimeString()}`;
    } else if (r.conflict) {
      fileAutosave = false;
      notice(
        `${serverPath} changed on disk: autosave to the file stopped. Save (Ctrl+S) to choose what happens.`,
        "error",
      );
    }
  }
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
  if (server && serverPath) {
    void saveToServer(false).then((ok) => {
      if (ok) notice(`Saved ${serverPath}.`);
      void autosave();
    });
    return;
  }
  download(name, serializeNotebook(app.nb), "application/x-ipynb+json");
  dirty = false;
  showTitle();
  void autosave();
}

/** The notebook folder's list (server mode): open a file, or make a new one. */
async function showFiles(): Promise<void> {
  if (!server) return;
  const panel = $("#files");
  panel.hidden = false;
  const files = await server.list();
  const list = document.createElement("ul");
  for (const f of files.filter((x) => x.type === "notebook")) {
    const li = document.createElement("li");
    const a = document.createElement("a");
    a.href = `?path=${encodeURIComponent(f.path)}`;
    a.textContent = f.name;
    li.append(a, ` ${new Date(f.last_modified).toLocaleString()}`);
    list.append(li);
  }
  const create = document.createElement("button");
  create.textContent = "New notebook in the folder";
  create.onclick = async () => (location.search = `?path=${encodeURIComponent(await server.create())}`);
  const close = document.createElement("button");
  close.textContent = "Close";
  close.onclick = () => (panel.hidden = true);
  const head = document.createElement("h2");
  head.textContent = "Notebooks";
  panel.replaceChildren(head, list, create, " ", close);
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
  files: () => void showFiles(),
  save,
  download: () => {
    download(name, serializeNotebook(app.nb), "application/x-ipynb+json");
  },
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
if (server) {
  $("[data-action=files]").hidden = false;
  $("[data-action=download]").hidden = false;
  if (!serverPath) void showFiles();
}

(window as unknown as { nvmesimApp: NotebookApp }).nvmesimApp = app;
