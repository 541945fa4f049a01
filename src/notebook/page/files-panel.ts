// The notebook folder's list, as Jupyter's file browser offers it: folders to
// walk into, notebooks to open (the open one marked), and for each a rename,
// duplicate and delete (asked first); new notebook, new folder, upload of
// .ipynb files (checked before anything is written, asked before anything is
// overwritten), and for the open notebook, revert to its checkpoint.
import { NotebookError, parseNotebook } from "../ipynb";
import { folderOf, pathIn, type ContentsClient, type ListedFile } from "./server-files";

export interface FilesPanelHost {
  server: ContentsClient;
  /** The notebook open on the page, if it is a file of the folder. */
  openPath(): string | undefined;
  notice(text: string, kind?: "info" | "error"): void;
  /** Goes to a notebook of the folder (after the page has saved what it must). */
  open(path: string): Promise<void>;
  /** The open notebook now lives at `path`. */
  renamed(path: string): void;
  /** The open notebook's file is gone; the page keeps its notebook. */
  deleted(): void;
  /** Puts the open notebook back to its checkpoint (asks first). */
  revert(): Promise<void>;
}

const KINDS: Record<ListedFile["type"], string> = { directory: "folder", notebook: "notebook", file: "file" };

function button(label: string, title: string, action: () => unknown): HTMLButtonElement {
  const b = document.createElement("button");
  b.textContent = label;
  b.title = title;
  b.dataset.fileAction = label.toLowerCase();
  b.onclick = () => void action();
  return b;
}

export class FilesPanel {
  private dir = "";
  private readonly upload: HTMLInputElement;

  constructor(
    private readonly root: HTMLElement,
    private readonly host: FilesPanelHost,
  ) {
    this.upload = document.createElement("input");
    this.upload.type = "file";
    this.upload.accept = ".ipynb,application/x-ipynb+json";
    this.upload.multiple = true;
    this.upload.hidden = true;
    this.upload.onchange = () => {
      const files = [...(this.upload.files ?? [])];
      this.upload.value = "";
      void this.uploadFiles(files);
    };
  }

  /** Shows the list of `dir` (default: the open notebook's folder). */
  async show(dir = folderOf(this.host.openPath() ?? "")): Promise<void> {
    this.dir = dir;
    this.root.hidden = false;
    let files: ListedFile[];
    try {
      files = await this.host.server.list(dir);
    } catch (err) {
      this.host.notice((err as Error).message, "error");
      return;
    }
    const list = document.createElement("ul");
    list.className = "file-list";
    const folders = files.filter((f) => f.type === "directory");
    for (const f of [...folders, ...files.filter((f) => f.type !== "directory")]) list.append(this.row(f));
    const tools = document.createElement("div");
    tools.className = "file-tools";
    tools.append(
      button("New notebook", "a new notebook in this folder", () => this.guard(() => this.createNotebook())),
      button("New folder", "a new folder here", () => this.guard(() => this.createFolder())),
      button("Upload", "copy .ipynb files from your computer into this folder", () => this.upload.click()),
      button("Close", "hide the list", () => (this.root.hidden = true)),
    );
    this.root.replaceChildren(this.heading(), list, tools, this.upload);
  }

  private heading(): HTMLElement {
    const head = document.createElement("h2");
    head.append("Notebooks in ");
    const parts = this.dir ? this.dir.split("/") : [];
    const crumbs = [
      { label: "the folder", dir: "" },
      ...parts.map((p, i) => ({ label: p, dir: parts.slice(0, i + 1).join("/") })),
    ];
    crumbs.forEach((c, i) => {
      if (i) head.append(" / ");
      if (c.dir === this.dir) head.append(c.label);
      else head.append(this.link(c.label, () => void this.show(c.dir)));
    });
    return head;
  }

  private link(label: string, action: () => void, href = "#"): HTMLAnchorElement {
    const a = document.createElement("a");
    a.href = href;
    a.textContent = label;
    a.onclick = (e) => {
      e.preventDefault();
      action();
    };
    return a;
  }

  private row(f: ListedFile): HTMLLIElement {
    const li = document.createElement("li");
    li.dataset.type = f.type;
    const open = f.path === this.host.openPath();
    if (open) li.classList.add("open");
    const name =
      f.type === "directory"
        ? this.link(f.name, () => void this.show(f.path))
        : f.type === "notebook"
          ? this.link(f.name, () => void this.host.open(f.path), `?path=${encodeURIComponent(f.path)}`)
          : Object.assign(document.createElement("span"), { textContent: f.name, title: "not a notebook" });
    name.classList.add("file-name");
    const when = document.createElement("span");
    when.className = "file-time";
    when.textContent = new Date(f.last_modified).toLocaleString();
    const kind = document.createElement("span");
    kind.className = "file-kind";
    kind.textContent = KINDS[f.type];
    li.append(kind, " ", name, open ? " (open) " : " ", when);
    if (f.type === "file") return li;
    const actions = document.createElement("span");
    actions.className = "file-actions";
    actions.append(button("Rename", `rename ${f.name}`, () => this.guard(() => this.rename(f))));
    if (f.type === "notebook")
      actions.append(button("Duplicate", `a copy of ${f.name} beside it`, () => this.guard(() => this.duplicate(f))));
    actions.append(button("Delete", `delete ${f.name}`, () => this.guard(() => this.remove(f))));
    if (open) actions.append(button("Revert", "back to the notebook's checkpoint", () => this.host.revert()));
    li.append(" ", actions);
    return li;
  }

  /** Runs a file operation; its failure becomes a notice, and the list is shown afresh either way. */
  private async guard(op: () => Promise<unknown>): Promise<void> {
    try {
      await op();
    } catch (err) {
      this.host.notice((err as Error).message, "error");
    }
    if (!this.root.hidden) await this.show(this.dir);
  }

  private async createNotebook(): Promise<void> {
    await this.host.open(await this.host.server.create(this.dir, "notebook"));
  }

  private async createFolder(): Promise<void> {
    const path = await this.host.server.create(this.dir, "directory");
    this.host.notice(`Made the folder ${path}. Rename it from the list.`);
  }

  private async rename(f: ListedFile): Promise<void> {
    const to = prompt(`Rename ${f.path} to:`, f.name)?.trim();
    if (!to || to === f.name) return;
    if (f.type === "notebook" && !to.endsWith(".ipynb")) throw new Error(`${to}: a notebook's name ends in .ipynb`);
    const path = pathIn(this.dir, to);
    await this.host.server.rename(f.path, path);
    if (f.path === this.host.openPath()) this.host.renamed(path);
  }

  private async duplicate(f: ListedFile): Promise<void> {
    const path = await this.host.server.duplicate(f.path);
    this.host.notice(`Made ${path}, a copy of ${f.path}.`);
  }

  private async remove(f: ListedFile): Promise<void> {
    const open = f.path === this.host.openPath();
    const what = f.type === "directory" ? `the folder ${f.path} (only an empty folder is deleted)` : f.path;
    const warning = open ? "\nIt is open on this page: the page keeps it, unsaved, until you close it." : "";
    if (!confirm(`Delete ${what}? This cannot be undone.${warning}`)) return;
    await this.host.server.delete(f.path);
    if (open) this.host.deleted();
    this.host.notice(`Deleted ${f.path}.`);
  }

  private async uploadFiles(files: File[]): Promise<void> {
    for (const file of files) {
      await this.guard(async () => {
        let nb;
        try {
          nb = parseNotebook(await file.text());
        } catch (err) {
          const why = err instanceof NotebookError ? err.message : String(err);
          throw new Error(`${file.name} was not uploaded: ${why}`);
        }
        const name = file.name.endsWith(".ipynb") ? file.name : `${file.name}.ipynb`;
        const path = pathIn(this.dir, name);
        if (
          (await this.host.server.exists(path)) &&
          !confirm(`${path} exists. Replace it with the uploaded ${file.name}?`)
        )
          return;
        const r = await this.host.server.save(path, nb);
        if (!r.ok) throw new Error(`${file.name} was not uploaded: ${r.message}`);
        this.host.notice(`Uploaded ${path}.`);
      });
    }
  }
}
