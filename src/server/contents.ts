// The notebook folder as Jupyter's contents API sees it: get (models of
// files, notebooks and directories), save, create (a notebook, a folder, or a
// copy), rename, delete, and checkpoints, confined to one directory (folder.ts).
// It reads any file in the folder but writes only notebooks (valid nbformat
// 4.5, notebook-body.ts) and folders: a plain file can be neither created,
// renamed nor deleted here, and a save whose If-Match hash no longer matches
// the file is a conflict (409).
import { createHash } from "node:crypto";
import {
  accessSync,
  constants,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  rmdirSync,
  unlinkSync,
  type Stats,
} from "node:fs";
import { basename, dirname, extname, join } from "node:path";
import {
  CHECKPOINTS_DIR,
  checkpointMove,
  createCheckpoint,
  deleteCheckpoint,
  listCheckpoints,
  NOTEBOOK_NAME_BYTES_MAX,
  restoreCheckpoint,
  type CheckpointModel,
} from "./checkpoints";
import { ContentsError, exists, Folder, removeStaleTemps, writeAtomic } from "./folder";
import { checkedNotebookText } from "./notebook-body";
import { newNotebook, serializeNotebook } from "../notebook/ipynb";

export { ContentsError } from "./folder";

export type ContentType = "notebook" | "file" | "directory";

export interface ContentModel {
  name: string;
  path: string;
  type: ContentType;
  created: string;
  last_modified: string;
  size: number | null;
  writable: boolean;
  mimetype: string | null;
  format: "json" | "text" | "base64" | null;
  content: unknown;
  /** sha256 of a file's bytes: send it back as If-Match when saving. */
  hash?: string;
  hash_algorithm?: string;
}

export interface GetOptions {
  content?: boolean;
  /** Refuse unless the item is of this type (Jupyter's ?type=). */
  type?: string;
  /** For plain files: "text" or "base64" (Jupyter's ?format=). */
  format?: string;
}

const MIMETYPES: Record<string, string> = {
  ".md": "text/markdown",
  ".txt": "text/plain",
  ".csv": "text/csv",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".html": "text/html",
  ".py": "text/x-python",
  ".ts": "text/typescript",
  ".js": "text/javascript",
};

const isNotebookName = (name: string) => name.endsWith(".ipynb");
const typeOf = (s: Stats, name: string): ContentType =>
  s.isDirectory() ? "directory" : isNotebookName(name) ? "notebook" : "file";

export function sha256(bytes: Buffer | string): string {
  return createHash("sha256").update(bytes).digest("hex");
}

function writable(full: string): boolean {
  try {
    accessSync(full, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** Refuses a notebook name whose checkpoint name would not fit (Jupyter keeps NAME-checkpoint.ipynb). */
function requireNotebookName(apiPath: string): void {
  const name = apiPath.split("/").pop() ?? "";
  if (!isNotebookName(name))
    throw new ContentsError(400, `only notebooks (.ipynb) are written here, not ${JSON.stringify(apiPath)}`);
  if (Buffer.byteLength(name) > NOTEBOOK_NAME_BYTES_MAX)
    throw new ContentsError(
      400,
      `the name of ${apiPath} is ${Buffer.byteLength(name)} bytes: notebook names are at most ${NOTEBOOK_NAME_BYTES_MAX} (room for its checkpoint's name)`,
    );
}

/** The first free name of `make(0)`, `make(1)`, ... in `dir`. */
function freeName(dir: string, make: (n: number) => string, from = 0): string {
  let n = from;
  while (exists(join(dir, make(n)))) n++;
  return make(n);
}

export class Contents {
  private readonly folder: Folder;

  constructor(root: string) {
    this.folder = new Folder(root);
    // What a server killed mid-save left at the top of the folder; deeper folders are cleared on their next write.
    removeStaleTemps(this.root);
    removeStaleTemps(join(this.root, CHECKPOINTS_DIR));
  }

  get root(): string {
    return this.folder.root;
  }

  /** The file system path of an API path (checked to stay in the folder); `write`: hidden names are a 400. */
  resolve(apiPath: string, write = false): string {
    return this.folder.resolve(apiPath, write);
  }

  /** A file's or directory's model; `item` (not a listing's entry) adds a file's hash. */
  private model(full: string, s: Stats, o: GetOptions, item: boolean): ContentModel {
    const name = full === this.root ? "" : basename(full);
    const type = typeOf(s, name);
    const base = {
      name,
      path: this.folder.apiPath(full),
      type,
      created: s.birthtime.toISOString(),
      last_modified: s.mtime.toISOString(),
      writable: type !== "file" && writable(full),
    };
    if (type === "directory") {
      const content = o.content ? this.listing(full) : null;
      return { ...base, size: null, mimetype: null, format: o.content ? "json" : null, content };
    }
    const bytes = o.content || item ? readFileSync(full) : undefined;
    const hash = bytes ? { hash: sha256(bytes), hash_algorithm: "sha256" } : {};
    const plain = { ...base, size: s.size, ...hash };
    if (type === "notebook") {
      if (!o.content) return { ...plain, mimetype: null, format: null, content: null };
      try {
        return { ...plain, mimetype: null, format: "json", content: JSON.parse(bytes!.toString("utf8")) };
      } catch {
        throw new ContentsError(400, `Unreadable Notebook: ${base.path} is not JSON`);
      }
    }
    const mimetype = MIMETYPES[extname(name).toLowerCase()] ?? "text/plain";
    if (!o.content) return { ...plain, mimetype, format: null, content: null };
    const text = bytes!.toString("utf8");
    const asText = o.format !== "base64" && Buffer.from(text, "utf8").equals(bytes!);
    if (o.format === "text" && !asText) throw new ContentsError(400, `${base.path} is not UTF-8 text`);
    return asText
      ? { ...plain, mimetype, format: "text", content: text }
      : { ...plain, mimetype: "application/octet-stream", format: "base64", content: bytes!.toString("base64") };
  }

  /** A directory's entries: hidden names, broken links and links leading out of the folder left out. */
  private listing(dir: string): ContentModel[] {
    const entries: ContentModel[] = [];
    for (const name of readdirSync(dir).sort()) {
      if (name.startsWith(".")) continue;
      const full = join(dir, name);
      const s = this.folder.entryStat(full);
      if (s) entries.push(this.model(full, s, {}, false));
    }
    return entries;
  }

  private stat(full: string, apiPath: string): Stats {
    const s = this.folder.entryStat(full);
    if (!s) throw new ContentsError(404, `no such file or directory: ${apiPath}`);
    return s;
  }

  get(apiPath: string, o: GetOptions = { content: true }): ContentModel {
    const full = this.resolve(apiPath);
    const s = this.stat(full, apiPath);
    const type = typeOf(s, basename(full));
    if (o.type && o.type !== type) throw new ContentsError(400, `${apiPath || "/"} is not a ${o.type}`);
    return this.model(full, s, o, true);
  }

  /** Saves a notebook, or makes a folder; `ifMatch` is the hash (or "*") the client last saw. */
  save(apiPath: string, body: unknown, ifMatch?: string[]): { model: ContentModel; created: boolean } {
    const full = this.resolve(apiPath, true);
    const b = (typeof body === "object" && body !== null ? body : {}) as Record<string, unknown>;
    if (b.copy_from !== undefined) throw new ContentsError(400, "Cannot copy with PUT, only POST");
    const present = exists(full);
    if (b.type === "directory") {
      if (present && !lstatSync(full).isDirectory()) throw new ContentsError(400, `${apiPath} is not a directory`);
      if (!present) this.makeDirectory(full, apiPath);
      return { model: this.get(apiPath, {}), created: !present };
    }
    if (b.type !== "notebook")
      throw new ContentsError(
        400,
        `this server writes notebooks and folders only: the body must be {"type": "notebook", "format": "json", "content": {...}} or {"type": "directory"}, not type ${JSON.stringify(b.type)}`,
      );
    requireNotebookName(apiPath);
    if (typeof b.content !== "object" || b.content === null)
      throw new ContentsError(400, 'a notebook save needs "content": the notebook document');
    const text = checkedNotebookText(b.content);
    if (present) {
      const s = this.stat(full, apiPath);
      if (s.isDirectory()) throw new ContentsError(400, `${apiPath} is a directory`);
      if (ifMatch && !ifMatch.includes("*") && !ifMatch.includes(sha256(readFileSync(full))))
        throw new ContentsError(409, `${apiPath} changed on disk since it was opened`);
    } else {
      if (ifMatch) throw new ContentsError(409, `${apiPath} does not exist (If-Match expected it)`);
      this.requireDirectory(dirname(full), apiPath);
    }
    this.writeNotebook(full, text);
    return { model: this.get(apiPath, {}), created: !present };
  }

  /** Writes a notebook; like Jupyter, one checkpoint always exists: the first save makes it. */
  private writeNotebook(full: string, text: string): void {
    writeAtomic(full, text);
    const apiPath = this.folder.apiPath(full);
    try {
      if (!listCheckpoints(full, apiPath).length) createCheckpoint(full, apiPath);
    } catch (err) {
      // A checkpoint folder that is a link, or a name too long for one: the save stands without it.
      if (!(err instanceof ContentsError)) throw err;
    }
  }

  private requireDirectory(dir: string, apiPath: string): void {
    const parent = this.folder.apiPath(dir);
    if (!exists(dir) || !this.folder.entryStat(dir)?.isDirectory())
      throw new ContentsError(404, `No such directory: ${parent || "/"} (for ${apiPath})`);
  }

  private makeDirectory(full: string, apiPath: string): void {
    this.requireDirectory(dirname(full), apiPath);
    mkdirSync(full);
  }

  /** POST to a directory: a new notebook ({type: "notebook"}), folder ({type: "directory"}) or copy ({copy_from}). */
  create(apiDir: string, body: unknown): ContentModel {
    const dir = this.resolve(apiDir);
    if (!exists(dir)) throw new ContentsError(404, `No such directory: ${apiDir || "/"}`);
    if (!this.stat(dir, apiDir).isDirectory()) throw new ContentsError(400, "Cannot POST to files, use PUT instead.");
    const b = (typeof body === "object" && body !== null ? body : {}) as Record<string, unknown>;
    const at = (name: string) =>
      apiDir.replace(/^\/+|\/+$/g, "") ? `${apiDir.replace(/^\/+|\/+$/g, "")}/${name}` : name;
    if (typeof b.copy_from === "string") {
      const from = this.resolve(b.copy_from);
      if (!isNotebookName(from) || !this.folder.entryStat(from)?.isFile())
        throw new ContentsError(404, `no notebook to copy at ${b.copy_from} (only notebooks are copied here)`);
      const text = checkedNotebookText(JSON.parse(readFileSync(from, "utf8")));
      const stem = basename(from).replace(/\.ipynb$/, "");
      const name = freeName(dir, (n) => `${stem}-Copy${n}.ipynb`, 1);
      requireNotebookName(at(name));
      this.writeNotebook(join(dir, name), text);
      return this.get(at(name), {});
    }
    if (b.type === "directory") {
      const name = freeName(dir, (n) => `Untitled Folder${n ? ` ${n}` : ""}`);
      mkdirSync(join(dir, name));
      return this.get(at(name), {});
    }
    if (b.type === "notebook" || (b.type === undefined && b.ext === ".ipynb")) {
      const name = freeName(dir, (n) => `Untitled${n || ""}.ipynb`);
      this.writeNotebook(join(dir, name), serializeNotebook(newNotebook()));
      return this.get(at(name), {});
    }
    throw new ContentsError(
      400,
      `say what to create: {"type": "notebook"}, {"type": "directory"} or {"copy_from": "NAME.ipynb"} (this server does not create plain files${b.type === undefined ? "" : `, not type ${JSON.stringify(b.type)}`})`,
    );
  }

  /** Renames a notebook (to a .ipynb name) or a folder; its checkpoint moves with it. */
  rename(apiPath: string, newApiPath: string): ContentModel {
    const from = this.resolve(apiPath, true);
    const to = this.resolve(newApiPath, true);
    if (!exists(from)) throw new ContentsError(404, `no such file or directory: ${apiPath}`);
    const kind = typeOf(lstatSync(from).isSymbolicLink() ? this.stat(from, apiPath) : lstatSync(from), from);
    if (kind === "file") throw new ContentsError(400, `only notebooks and folders are renamed here, not ${apiPath}`);
    if (kind === "notebook") requireNotebookName(newApiPath);
    else if (isNotebookName(newApiPath)) throw new ContentsError(400, `a folder cannot be named ${newApiPath}`);
    if (exists(to)) throw new ContentsError(409, `${newApiPath} already exists`);
    this.requireDirectory(dirname(to), newApiPath);
    if (kind === "directory" && (to + "/").startsWith(from + "/"))
      throw new ContentsError(400, `cannot move ${apiPath} into itself`);
    const moveCheckpoint = kind === "notebook" ? checkpointMove(from, to, apiPath, newApiPath) : () => {};
    renameSync(from, to);
    moveCheckpoint();
    return this.get(newApiPath, {});
  }

  /** Deletes a notebook (and its checkpoint), or a folder holding nothing but checkpoints. */
  delete(apiPath: string): void {
    const full = this.resolve(apiPath, true);
    if (full === this.root) throw new ContentsError(400, "the notebook folder itself is not deleted");
    if (!exists(full)) throw new ContentsError(404, `no such file or directory: ${apiPath}`);
    const link = lstatSync(full).isSymbolicLink();
    const kind = typeOf(link ? this.stat(full, apiPath) : lstatSync(full), full);
    if (kind === "file") throw new ContentsError(400, `only notebooks and folders are deleted here, not ${apiPath}`);
    if (kind === "directory" && !link) {
      const rest = readdirSync(full).filter((n) => n !== CHECKPOINTS_DIR);
      if (rest.length) throw new ContentsError(400, `the folder ${apiPath} is not empty`);
      const cps = join(full, CHECKPOINTS_DIR);
      if (exists(cps)) rmSync(cps, { recursive: !lstatSync(cps).isSymbolicLink(), force: true });
      rmdirSync(full);
      return;
    }
    if (kind === "notebook" && !link && listCheckpoints(full, apiPath).length)
      deleteCheckpoint(full, apiPath, "checkpoint");
    unlinkSync(full);
  }

  /** A notebook's file, for the checkpoint routes: it must exist and be a notebook. */
  private notebookFile(apiPath: string): string {
    const full = this.resolve(apiPath);
    const s = this.folder.entryStat(full);
    if (!s) throw new ContentsError(404, `no such notebook: ${apiPath}`);
    if (!s.isFile() || !isNotebookName(full))
      throw new ContentsError(400, `checkpoints are kept for notebooks only, and ${apiPath || "/"} is not one`);
    return full;
  }

  checkpoints(apiPath: string): CheckpointModel[] {
    return listCheckpoints(this.notebookFile(apiPath), apiPath);
  }

  checkpoint(apiPath: string): CheckpointModel {
    return createCheckpoint(this.notebookFile(apiPath), apiPath);
  }

  restore(apiPath: string, id: string): void {
    restoreCheckpoint(this.notebookFile(apiPath), apiPath, id);
  }

  deleteCheckpoint(apiPath: string, id: string): void {
    deleteCheckpoint(this.notebookFile(apiPath), apiPath, id);
  }
}

/** A file system error as an API answer: a status from its code, a message without server paths. */
export function fsErrorAnswer(err: NodeJS.ErrnoException, root: string): ContentsError {
  const status: Record<string, number> = {
    ENOENT: 404,
    EEXIST: 409,
    ENOTEMPTY: 400,
    ENOTDIR: 400,
    EISDIR: 400,
    ENAMETOOLONG: 400,
    EACCES: 403,
    EPERM: 403,
    EROFS: 403,
    ENOSPC: 507,
  };
  // Paths in the message become API paths (or vanish): the client never learns where the folder is.
  const message = String(err.message ?? err).replace(/'(\/[^']*)'/g, (_m, p: string) =>
    p === root || p.startsWith(`${root}/`) ? `'${p.slice(root.length + 1)}'` : "'…'",
  );
  return new ContentsError(status[err.code ?? ""] ?? 500, `${err.code ?? "error"}: ${message}`);
}
