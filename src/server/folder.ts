// The notebook folder the server is confined to: API paths turned into file
// system paths, refusing any that could leave the folder (`..`, absolute
// paths, symlinks leading out) or that name hidden files (`.git/config`,
// `.ipynb_checkpoints/`: Jupyter hides them too); and the one way files are
// written there: a temporary file in the same directory, flushed, given the
// old file's mode, renamed over the real file (through an in-folder symlink
// to its target, never over the link), then the directory flushed. A write
// killed midway leaves only its temporary file, which the next write in that
// directory removes once its writer is gone.
import { randomBytes } from "node:crypto";
import {
  closeSync,
  existsSync,
  fchmodSync,
  fsyncSync,
  lstatSync,
  openSync,
  readdirSync,
  realpathSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
  type Stats,
} from "node:fs";
import { dirname, join, sep } from "node:path";

/** A refused request: its HTTP status and why (never a server path in the message). */
export class ContentsError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Longest file name most file systems take (ext4, xfs, btrfs, tmpfs: 255 bytes). */
export const NAME_BYTES_MAX = 255;

const TEMP = /^\.~nvmesim-(\d+)-[0-9a-f]{8}\.tmp$/;
/** Temporary files of nvmesim versions before this one: `.NAME.tmp-PID-HEX`. */
const OLD_TEMP = /^\..+\.tmp-(\d+)-[0-9a-f]{8}$/;

export class Folder {
  readonly root: string;

  constructor(root: string) {
    this.root = realpathSync(root);
  }

  /** The parts of an API path (no leading or trailing slash); refuses malformed and hidden ones (to read: 404, to write: 400). */
  parts(apiPath: string, write = false): string[] {
    const path = apiPath.replace(/^\/+/, "").replace(/\/+$/, "");
    const shown = JSON.stringify(apiPath);
    if (apiPath.startsWith("//") || /^[A-Za-z]:/.test(path))
      throw new ContentsError(400, `invalid path: ${shown} is absolute (paths are relative to the notebook folder)`);
    if (path.includes("\0") || path.includes("\\")) throw new ContentsError(400, `invalid path: ${shown}`);
    const parts = path === "" ? [] : path.split("/");
    if (parts.some((p) => p === ".." || p === "." || p === ""))
      throw new ContentsError(400, `invalid path: ${shown} (no '..', '.' or empty parts)`);
    if (parts.some((p) => p.startsWith(".")))
      throw write
        ? new ContentsError(400, `invalid path: ${shown} (hidden files and folders are not written here)`)
        : new ContentsError(404, `no such file or directory: ${path} (hidden files are not served)`);
    for (const p of parts)
      if (Buffer.byteLength(p) > NAME_BYTES_MAX)
        throw new ContentsError(
          400,
          `invalid path: a name of ${Buffer.byteLength(p)} bytes (at most ${NAME_BYTES_MAX})`,
        );
    return parts;
  }

  /** The file system path of an API path; refuses anything that could leave the folder. */
  resolve(apiPath: string, write = false): string {
    const full = join(this.root, ...this.parts(apiPath, write));
    // The deepest part that exists, symlinks followed, must still be inside the folder.
    let probe = full;
    while (!exists(probe) && probe !== this.root) probe = dirname(probe);
    let real: string;
    try {
      real = realpathSync(probe);
    } catch {
      throw new ContentsError(404, `no such file or directory: ${apiPath} (a broken link)`);
    }
    if (!this.inside(real))
      throw new ContentsError(400, `invalid path: ${JSON.stringify(apiPath)} leads out of the notebook folder`);
    return full;
  }

  /** Whether a real (symlink-free) path is the folder or in it. */
  inside(real: string): boolean {
    return real === this.root || real.startsWith(this.root + sep);
  }

  /** The API path of a file system path in the folder. */
  apiPath(full: string): string {
    return full === this.root
      ? ""
      : full
          .slice(this.root.length + 1)
          .split(sep)
          .join("/");
  }

  /** What a directory entry is, symlinks followed; undefined for a broken link or one leading out. */
  entryStat(full: string): Stats | undefined {
    try {
      if (lstatSync(full).isSymbolicLink() && !this.inside(realpathSync(full))) return undefined;
      return statSync(full);
    } catch {
      return undefined;
    }
  }
}

/** Whether a path exists as a name (a broken symlink exists too). */
export function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Removes temporary files left in `dir` by writes whose process is gone (or was this one, since writes here are synchronous). */
export function removeStaleTemps(dir: string): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const m = TEMP.exec(name) ?? OLD_TEMP.exec(name);
    if (!m) continue;
    const pid = Number(m[1]);
    if (pid !== process.pid && alive(pid)) continue;
    try {
      unlinkSync(join(dir, name));
    } catch {
      // gone already, or not ours to remove
    }
  }
}

/**
 * Writes `text` to `file` whole or not at all: through a temporary file in the same directory, flushed,
 * with the mode of the file it replaces, renamed over it. An in-folder symlink is written through to its
 * target (the caller has checked that the target is in the folder).
 */
export function writeAtomic(file: string, text: string | Buffer): void {
  const target = existsSync(file) ? realpathSync(file) : file;
  const dir = dirname(target);
  removeStaleTemps(dir);
  const mode = existsSync(target) ? statSync(target).mode & 0o7777 : undefined;
  const tmp = join(dir, `.~nvmesim-${process.pid}-${randomBytes(4).toString("hex")}.tmp`);
  const fd = openSync(tmp, "wx", 0o644);
  try {
    writeFileSync(fd, text);
    if (mode !== undefined) fchmodSync(fd, mode);
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    unlinkSync(tmp);
    throw err;
  }
  closeSync(fd);
  renameSync(tmp, target);
  const dirFd = openSync(dir, "r");
  try {
    fsyncSync(dirFd);
  } finally {
    closeSync(dirFd);
  }
}
