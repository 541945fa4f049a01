// The notebook page: toolbar, notices, the notebook, and where it is kept.
// Opened through the notebook server (npm start) it works on a file of the
// folder (?path=): Ctrl+S saves it and keeps a checkpoint, autosave saves it
// every few seconds, a file changed on disk is never overwritten without
// asking, New makes a new file beside it, and the folder's list (files-panel)
// renames, duplicates, deletes, uploads and reverts. Without ?path= it shows
// the folder's list and a scratch notebook that Save asks a name for. Opened
// as a plain page, it saves by download. Everything typed is also kept in
// browser storage as it changes, so nothing is lost to a closed tab.
import "./style.css";
import { newNotebook, NotebookError, parseNotebook, serializeNotebook, type CellType, type Notebook } from "./ipynb";
import { NotebookApp } from "./page/app";
import { notebookHtml } from "./page/export-html";
import { FilesPanel } from "./page/files-panel";
import { detectServer, folderOf, fromNotebookServer, type ContentsClient } from "./page/server-files";
import { clearWorkingCopy, loadWorkingCopy, saveWorkingCopy } from "./page/storage";

const WELCOME = newNotebook([
  {
    cell_type: "markdown",
    source:
      "# nvmesim notebook\n\nRun a cell with **Shift+Enter**. Cells are TypeScript; `simulate`, `sweep`, `Plot`, `display`, `md`, `html`, `table` and widgets (`slider`, `select`, `checkbox`, `number`) are in scope. Type `help(simulate)` or press **Shift+Tab** on a name for its documentation.",
  },
  {
    cell_type: "code",
    source:
      '// The same job on both paths, on two machines of one CPU: the P3700 bounds the first (the paths\' IOPS meet),\n// the CPU bounds the second (rw_page pulls ahead). The first chart is rw_page over blk-mq.\nconst result = await sweep({\n  base: { cpus: 1, workload: { numjobs: 1, number_ios: 100_000 } },\n  axes: { "device.preset": ["p3700-2014", "ram"], path: ["blk-mq", "rw_page"], iodepth: "1..256 x2" },\n});\nresult',
  },
]);

const $ = <T extends HTMLElement>(sel: string) => document.querySelector(sel) as T;
const baseName = (path: string) => path.split("/").pop()!;

// The notebook server, when the page came from one; and the file it opens (?path=).
const server: ContentsClient | undefined = await detectServer();
/** The folder's file the page works on; undefined: a scratch notebook (server) or a page on its own. */
let path = server ? (new URLSearchParams(location.search).get("path") ?? undefined) : undefined;
let name = path ? baseName(path) : "Untitled.ipynb";
let dirty = false;
/** Pending saves: the working copy (a second after a change), the file (every few seconds at most). */
let autosaveTimer: number | undefined;
let fileTimer: number | undefined;
let serverHash: string | undefined;
let fileAutosave = true;
/** Something other than a widget's rerun changed since the file was saved: only then does autosave write it. */
let edited = false;
/** The text the file holds as far as the page knows (opened or saved): a save of the same text is skipped. */
let fileText: string | undefined;

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

/** The folder the kernel reads a cell's files from (the open notebook's, on the server), as last told. */
let kernelDir: string | undefined;
let kernelReady = false;
function tellKernelFiles(): void {
  if (!kernelReady || !server) return;
  const dir = path ? folderOf(path) : "";
  if (dir === kernelDir) return;
  kernelDir = dir;
  app.kernel.setFiles(server.kernelFiles(dir));
}

function showTitle(): void {
  tellKernelFiles();
  const shown = path ?? (server ? "scratch notebook (not in the folder: Save asks for a name)" : name);
  $("#name").textContent = shown;
  $("#name").dataset.scratch = String(Boolean(server && !path));
  $("#dirty").hidden = !dirty;
  document.title = `${dirty ? "● " : ""}${path ? name : server ? "scratch" : name} – nvmesim`;
  $("[data-action=revert]").hidden = !path;
}

const setPathInUrl = (p: string) =>
  history.replaceState(null, "", `${location.pathname}?path=${encodeURIComponent(p)}`);

// Reopening the page brings back the working copy, before anything can be typed.
const copy = await loadWorkingCopy(path).catch(() => undefined);
let restored: string | undefined;
let start = WELCOME;
if (server && path) {
  try {
    const file = await server.open(path);
    start = parseNotebook(JSON.stringify(file.content));
    serverHash = file.hash;
    fileText = serializeNotebook(start);
  } catch (err) {
    // The page must never save over a file it could not read: it shows a scratch notebook instead.
    restored = `${path} could not be opened (${err instanceof Error ? err.message : String(err)}); the file is untouched and the page shows a scratch notebook.`;
    path = undefined;
  }
}
if (server && path) {
  // Like Jupyter, a notebook always has a checkpoint to go back to: the file as first opened here.
  try {
    if (!(await server.checkpoints(path)).length) await server.checkpoint(path);
  } catch (err) {
    restored = `${path} has no checkpoint to revert to: ${err instanceof Error ? err.message : String(err)}`;
  }
}
if (copy && (!path || copy.dirty)) {
  try {
    start = parseNotebook(copy.text);
    if (!path) name = copy.name;
    dirty = copy.dirty;
    restored = path
      ? `Restored your unsaved changes to ${path} from browser storage (${new Date(copy.savedAt).toLocaleString()}).`
      : `Restored your working copy of ${server ? "the scratch notebook" : copy.name} from ${new Date(copy.savedAt).toLocaleString()}.`;
  } catch (err) {
    restored = `The working copy in browser storage could not be read (${String(err)}); starting fresh.`;
  }
}

const app = new NotebookApp($("#notebook"), start, {
  onChange: (exploring) => {
    dirty = true;
    if (!exploring) edited = true;
    showTitle();
    scheduleAutosave();
  },
  onKernelState: (s) => {
    const k = $("#kernel");
    k.textContent = `kernel: ${s}`;
    k.dataset.state = s;
  },
  onMode: (mode) => ($("#mode").textContent = mode === "edit" ? "edit mode" : "command mode"),
  onNotice: notice,
});
kernelReady = true;
tellKernelFiles();

/** Saves to the folder's file; with `force`, even over a file changed on disk. */
async function saveToServer(force: boolean): Promise<boolean> {
  if (!server || !path) return false;
  const text = serializeNotebook(app.nb);
  const r = await server.save(path, app.nb, force ? undefined : serverHash);
  if (r.ok) {
    serverHash = r.hash;
    fileText = text;
    dirty = false;
    edited = false;
    fileAutosave = true;
    showTitle();
    return true;
  }
  if (r.conflict && !force) {
    fileAutosave = false; // until the user decides
    if (confirm(`${path} changed on disk since you opened it. Overwrite it with the notebook on this page?`))
      return saveToServer(true);
    notice(
      `${path} changed on disk and was not overwritten. Save again to overwrite it, or reopen the file to see the other version.`,
      "error",
    );
    return false;
  }
  notice(`Saving ${path} failed: ${r.message}`, "error");
  return false;
}

let lastFileSave = Date.now();
/** Shortest time between two autosaves of the file. */
const FILE_AUTOSAVE_MS = 4000;

/** Keeps the working copy in browser storage, then saves the file too when it is time. */
async function autosave(): Promise<void> {
  autosaveTimer = undefined;
  await saveWorkingCopy({ text: serializeNotebook(app.nb), name, dirty, savedAt: new Date().toISOString() }, path);
  $("#autosaved").textContent = `autosaved ${new Date().toLocaleTimeString()}`;
  // The file itself every few seconds; a conflict stops this until the user saves. A widget's rerun alone is
  // exploration and is not written unasked; nor is a notebook that serializes to what the file holds.
  if (!(server && path && dirty && edited && fileAutosave)) return;
  if (serializeNotebook(app.nb) === fileText) {
    dirty = false;
    edited = false;
    showTitle();
    return;
  }
  const wait = lastFileSave + FILE_AUTOSAVE_MS - Date.now();
  if (wait > 0) {
    fileTimer ??= window.setTimeout(() => {
      fileTimer = undefined;
      void autosave();
    }, wait);
    return;
  }
  lastFileSave = Date.now();
  const text = serializeNotebook(app.nb);
  const r = await server.save(path, app.nb, serverHash);
  if (r.ok) {
    serverHash = r.hash;
    fileText = text;
    dirty = false;
    edited = false;
    showTitle();
    $("#autosaved").textContent = `saved to ${path} ${new Date().toLocaleTimeString()}`;
  } else if (r.conflict) {
    fileAutosave = false;
    notice(`${path} changed on disk: autosave to the file stopped. Save (Ctrl+S) to choose what happens.`, "error");
  } else notice(`Autosave to ${path} failed: ${r.message}`, "error");
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

/** A notebook saved into the folder under a name the user gives (asked before replacing a file); then the page opens that file. */
async function saveAs(nb: Notebook, what: string, suggested: string): Promise<boolean> {
  let answer = prompt(`Save ${what} in the folder as:`, suggested)?.trim();
  if (!answer || !server) return false;
  if (!answer.endsWith(".ipynb")) answer += ".ipynb";
  const target = answer.replace(/^\/+/, "");
  if ((await server.exists(target)) && !confirm(`${target} exists. Replace it with this notebook?`)) return false;
  const r = await server.save(target, nb);
  if (!r.ok) {
    notice(`Saving ${target} failed: ${r.message}`, "error");
    return false;
  }
  await server.checkpoint(target);
  await openPath(target);
  return true;
}

async function save(): Promise<void> {
  if (server && path) {
    if (await saveToServer(false)) {
      // An explicit save keeps a checkpoint too, as JupyterLab's "Save and create checkpoint".
      await server.checkpoint(path).catch((err: Error) => notice(err.message, "error"));
      notice(`Saved ${path} (and kept it as its checkpoint).`);
    }
  } else if (server) {
    if (await saveAs(app.nb, "the scratch notebook", "Untitled.ipynb")) await clearWorkingCopy(undefined);
  } else {
    download(name, serializeNotebook(app.nb), "application/x-ipynb+json");
    dirty = false;
    showTitle();
    notice(`Downloaded ${name}: this page is not served by npm start, so Save downloads the notebook.`);
  }
  await autosave();
}

/** Leaves this notebook for another of the folder, saving this one's file first. */
async function openPath(next: string): Promise<void> {
  if (path && dirty && !(await saveToServer(false))) return;
  await autosave();
  location.search = `?path=${encodeURIComponent(next)}`;
}

/** New: a new file beside the open one (server), or a fresh notebook on the page (asked first if unsaved). */
async function newNotebookAction(): Promise<void> {
  if (server) {
    try {
      await openPath(await server.create(folderOf(path ?? ""), "notebook"));
    } catch (err) {
      notice((err as Error).message, "error");
    }
    return;
  }
  if (dirty && !confirm(`Discard the unsaved changes to ${name}? (Save downloads it first.)`)) return;
  app.load(newNotebook());
  name = "Untitled.ipynb";
  dirty = false;
  showTitle();
  await autosave();
}

async function revert(): Promise<void> {
  if (!server || !path) return;
  try {
    const [cp] = await server.checkpoints(path);
    if (!cp) return notice(`${path} has no checkpoint yet: Save (Ctrl+S) keeps one.`, "error");
    const when = new Date(cp.last_modified).toLocaleString();
    if (!confirm(`Revert ${path} to its checkpoint of ${when}? Changes since then are lost.`)) return;
    await server.restore(path, cp.id);
    const file = await server.open(path);
    app.load(parseNotebook(JSON.stringify(file.content)));
    serverHash = file.hash;
    fileText = serializeNotebook(app.nb);
    dirty = false;
    edited = false;
    fileAutosave = true;
    showTitle();
    await autosave();
    notice(`Reverted ${path} to its checkpoint of ${when}.`);
  } catch (err) {
    notice((err as Error).message, "error");
  }
}

const files = server
  ? new FilesPanel($("#files"), {
      server,
      openPath: () => path,
      notice,
      open: openPath,
      renamed: (p) => {
        void clearWorkingCopy(path);
        path = p;
        name = baseName(p);
        setPathInUrl(p);
        showTitle();
        void autosave();
      },
      deleted: () => {
        // The page keeps the notebook (and its working copy); autosave stops, an explicit Save puts the file back.
        serverHash = undefined;
        fileText = undefined;
        fileAutosave = false;
        dirty = true;
        showTitle();
        void autosave();
        notice(`${path} was deleted. The notebook stays on this page: Save (Ctrl+S) puts the file back.`);
      },
      revert,
    })
  : undefined;

async function openFile(file: File): Promise<void> {
  try {
    const nb = parseNotebook(await file.text());
    const fileName = file.name.endsWith(".ipynb") ? file.name : `${file.name}.ipynb`;
    // Through the server the page works on the folder's files: a file from this computer goes into the folder first.
    if (server) return void (await saveAs(nb, file.name, fileName));
    if (dirty && !confirm(`Replace the unsaved notebook on the page with ${file.name}?`)) return;
    app.load(nb);
    name = fileName;
    dirty = false;
    showTitle();
    void autosave();
    notice(`Opened ${file.name}.`);
  } catch (err) {
    const why = err instanceof NotebookError ? err.message : String(err);
    notice(`${file.name} was not opened: ${why}. The notebook on the page is unchanged.`, "error");
  }
}

const actions: Record<string, () => unknown> = {
  open: () => $<HTMLInputElement>("#file").click(),
  files: () => files?.show(),
  save,
  revert,
  download: () => download(name, serializeNotebook(app.nb), "application/x-ipynb+json"),
  export: () => download(name.replace(/\.ipynb$/, "") + ".html", notebookHtml(app.nb, name), "text/html"),
  new: newNotebookAction,
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
    void actions[button.dataset.action!]();
    // The keys go back to the notebook, in command mode as Jupyter leaves it after a toolbar button: a focused
    // button would take B, Esc and Enter (and click again).
    button.blur();
    app.setMode("command");
  });
}
$<HTMLSelectElement>("#cell-type").addEventListener("change", (e) => {
  app.changeType((e.target as HTMLSelectElement).value as CellType);
  (e.target as HTMLSelectElement).blur();
  app.setMode("command");
});
$<HTMLInputElement>("#file").addEventListener("change", (e) => {
  const input = e.target as HTMLInputElement;
  if (input.files?.[0]) void openFile(input.files[0]);
  input.value = "";
});
document.addEventListener("keydown", (e) => {
  if ((e.ctrlKey || e.metaKey) && e.key === "s") {
    e.preventDefault();
    void save();
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
else if (!server && fromNotebookServer())
  notice(
    "This page comes from the notebook server, but the link has no token (or a wrong one), so it cannot open or save the folder's notebooks: open the URL nvmesim notebook printed (it ends in ?token=...). Until then the page works on its own and saves by download.",
    "error",
  );
if (server) {
  $("[data-action=files]").hidden = false;
  $("[data-action=download]").hidden = false;
  if (!path) void files!.show("");
}

(window as unknown as { nvmesimApp: NotebookApp }).nvmesimApp = app;
