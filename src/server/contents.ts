// The notebook folder as Jupyter's contents API sees it: list, open, create,
// save, rename, delete, checkpoint and revert, confined to one directory.
// Paths with `..`, absolute paths, and symlinks that lead out of the folder
// are refused; only .ipynb files are written; every write goes to a temporary
// file, is flushed to disk and renamed over the old one (a write cut short
// leaves the old file whole); the old file is copied to a checkpoint first;
// a save whose If-Match hash no longer matches the file is a conflict.
import { createHash, randomBytes } from "node:crypto";
import {
  closeSync,
  copyFileSync,
  existsSync,
  fsyncSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import { basename, dirname, join, sep } from "node:path";
import { notebookProblems } from "../notebook/check";
import { newNotebook, NotebookError, parseNotebook, serializeNotebook } from "../notebook/ipynb";

/** A refused request: its HTTP status and why. */
export class ContentsError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface ContentModel {
  name: string;
  path: string;
  type: "notebook" | "file" | "directory";
  created: string;
  last_modified: string;
  size: number | null;
  writable: boolean;
  mimetype: string | null;
  format: "json" | null;
  content: unknown;
  /** sha256 of a file's bytes: send it back as If-Match when saving. */
  hash?: string;
  hash_algorithm?: string;
}

const CHECKPOINTS = ".ipynb_checkpoints";

export class Contents {
  readonly root: string;

  constructor(root: string) {
    this.root = realpathSync(root);
  }

  /** The file system path of an API path; refuses anything that could leave the folder. */
  resolve(apiPath: string): string {
    const path = apiPath.replace(/^\//, "").replace(/\/+$/, "");
    if (path.startsWith("/") || /^[A-Za-z]:/.test(path))
      throw new ContentsError(
        400,
        `invalid path: ${JSON.stringify(apiPath)} is absolute (paths are relative to the notebook folder)`,
      );
    if (path.includes("\0") || path.includes("\\"))
      throw new ContentsError(400, `invalid path: ${JSON.stringify(apiPath)}`);
    const parts = path === "" ? [] : path.split("/");
    if (parts.some((p) => p === ".." || p === "." || p === ""))
      throw new ContentsError(400, `invalid path: ${JSON.stringify(apiPath)} (no '..', '.' or empty parts)`);
    const full = join(this.root, ...parts);
    // The deepest part that exists, symlinks followed, must still be inside the folder.
    let probe = full;
    while (!existsSync(probe) && probe !== this.root) probe = dirname(probe);
    const real = realpathSync(probe);
    if (real !== this.root && !real.startsWith(this.root + sep))
      throw new ContentsError(400, `invalid path: ${JSON.stringify(apiPath)} leads out of the notebook folder`);
    return full;
  }

  private apiPath(full: string): string {
    return full
      .slice(this.root.length + 1)
      .split(sep)
      .join("/");
  }

  /** A file's or directory's model; `hashed` (the item asked for, not a listing's entries) adds a file's hash. */
  private model(full: string, withContent: boolean, hashed = true): ContentModel {
    const s = statSync(full);
    const name = full === this.root ? "" : basename(full);
    const base = {
      name,
      path: full === this.root ? "" : this.apiPath(full),
      created: s.birthtime.toISOString(),
      last_modified: s.mtime.toISOString(),
      writable: true,
    };
    if (s.isDirectory()) {
      const content = withContent
        ? readdirSync(full)
            .filter((n) => !n.startsWith("."))
            .sort()
            .map((n) => this.model(join(full, n), false, false))
        : null;
      return { ...base, type: "directory", size: null, mimetype: null, format: withContent ? "json" : null, content };
    }
    const notebook = name.endsWith(".ipynb");
    const bytes = withContent || hashed ? readFileSync(full) : undefined;
    let content: unknown = null;
    if (withContent && notebook) {
      try {
        content = JSON.parse(bytes!.toString("utf8"));
      } catch {
        throw new ContentsError(400, `${base.path} is not valid JSON`);
      }
    }
    return {
      ...base,
      type: notebook ? "notebook" : "file",
      size: s.size,
      mimetype: notebook ? null : "application/octet-stream",
      format: withContent && notebook ? "json" : null,
      content,
      ...(bytes ? { hash: sha256(bytes), hash_algorithm: "sha256" } : {}),
    };
  }

  get(apiPath: string, withContent = true): ContentModel {
    const full = this.resolve(apiPath);
    if (!existsSync(full)) throw new ContentsError(404, `no such file or directory: ${apiPath}`);
    return this.model(full, withContent);
  }

  /** Saves a notebook (a parsed .ipynb document); `ifMatch` is the hash the client last saw, if any. */
  save(apiPath: string, body: unknown, ifMatch?: string): ContentModel {
    const full = this.resolve(apiPath);
    requireNotebookName(apiPath);
    const b = body as { type?: string; format?: string; content?: unknown } | null;
    if (!b || b.type !== "notebook" || typeof b.content !== "object")
      throw new ContentsError(400, 'the body must be {"type": "notebook", "format": "json", "content": {...}}');
    const problems = notebookProblems(b.content);
    if (problems.length) throw new ContentsError(400, `not a valid notebook: ${problems.slice(0, 5).join("; ")}`);
    let text: string;
    try {
      text = serializeNotebook(parseNotebook(JSON.stringify(b.content)));
    } catch (err) {
      throw new ContentsError(400, err instanceof NotebookError ? err.message : String(err));
    }
    if (existsSync(full)) {
      if (statSync(full).isDirectory()) throw new ContentsError(400, `${apiPath} is a directory`);
      if (ifMatch !== undefined && ifMatch !== sha256(readFileSync(full)))
        throw new ContentsError(409, `${apiPath} changed on disk since it was opened`);
      this.checkpoint(apiPath);
    } else if (!existsSync(dirname(full))) throw new ContentsError(404, `no such directory for ${apiPath}`);
    writeAtomic(full, text);
    return this.model(full, false);
  }

  /** A new notebook in directory `apiDir`, named Untitled.ipynb, Untitled1.ipynb, ... */
  create(apiDir: string): ContentModel {
    const dir = this.resolve(apiDir);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new ContentsError(404, `no such directory: ${apiDir}`);
    let n = 0;
    const name = () => `Untitled${n || ""}.ipynb`;
    while (existsSync(join(dir, name()))) n++;
    const full = join(dir, name());
    writeAtomic(full, serializeNotebook(newNotebook()));
    return this.model(full, false);
  }

  rename(apiPath: string, newApiPath: string): ContentModel {
    const from = this.resolve(apiPath);
    const to = this.resolve(newApiPath);
    requireNotebookName(newApiPath);
    if (!existsSync(from)) throw new ContentsError(404, `no such file: ${apiPath}`);
    if (existsSync(to)) throw new ContentsError(409, `${newApiPath} already exists`);
    renameSync(from, to);
    const cpFrom = this.checkpointFile(apiPath);
    if (existsSync(cpFrom)) renameSync(cpFrom, this.checkpointFile(newApiPath));
    return this.model(to, false);
  }

  delete(apiPath: string): void {
    const full = this.resolve(apiPath);
    if (!existsSync(full)) throw new ContentsError(404, `no such file: ${apiPath}`);
    if (lstatSync(full).isDirectory())
      throw new ContentsError(400, `${apiPath} is a directory (only notebooks are deleted here)`);
    unlinkSync(full);
    const cp = this.checkpointFile(apiPath);
    if (existsSync(cp)) unlinkSync(cp);
  }

  private checkpointFile(apiPath: string): string {
    const full = this.resolve(apiPath);
    return join(dirname(full), CHECKPOINTS, basename(full).replace(/\.ipynb$/, "-checkpoint.ipynb"));
  }

  /** Copies the file as it is now to its checkpoint (Jupyter's .ipynb_checkpoints/NAME-checkpoint.ipynb). */
  checkpoint(apiPath: string): { id: string; last_modified: string } {
    const full = this.resolve(apiPath);
    if (!existsSync(full)) throw new ContentsError(404, `no such file: ${apiPath}`);
    const cp = this.checkpointFile(apiPath);
    mkdirSync(dirname(cp), { recursive: true });
    const tmp = `${cp}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`;
    copyFileSync(full, tmp);
    renameSync(tmp, cp);
    return { id: "checkpoint", last_modified: statSync(cp).mtime.toISOString() };
  }

  checkpoints(apiPath: string): { id: string; last_modified: string }[] {
    const cp = this.checkpointFile(apiPath);
    return existsSync(cp) ? [{ id: "checkpoint", last_modified: statSync(cp).mtime.toISOString() }] : [];
  }

  /** Puts the checkpoint back as the file. */
  revert(apiPath: string, id: string): void {
    const cp = this.checkpointFile(apiPath);
    if (id !== "checkpoint" || !existsSync(cp)) throw new ContentsError(404, `no checkpoint ${id} for ${apiPath}`);
    writeAtomic(this.resolve(apiPath), readFileSync(cp, "utf8"));
  }
}

function requireNotebookName(apiPath: string): void {
  if (!apiPath.endsWith(".ipynb"))
    throw new ContentsError(400, `only .ipynb files are written here, not ${JSON.stringify(apiPath)}`);
}

export function sha256(bytes: Buffer | string): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** Writes through a temporary file in the same folder, flushed to disk, then renamed over `file`. */
export function writeAtomic(file: string, text: string): void {
  const tmp = join(dirname(file), `.${basename(file)}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`);
  const fd = openSync(tmp, "w");
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
  const dirFd = openSync(dirname(file), "r");
  try {
    fsyncSync(dirFd);
  } finally {
    closeSync(dirFd);
  }
}
