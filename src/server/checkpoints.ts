// A notebook's checkpoint, where Jupyter keeps it: DIR/.ipynb_checkpoints/
// NAME-checkpoint.ipynb, one per notebook, id "checkpoint". It is made only
// when asked (the page asks on an explicit save and when it first opens a
// notebook that has none), so restoring it returns what the user chose to
// keep, not the last autosave. A checkpoint folder or file that is a symlink
// is never followed (a cloned repository could ship one pointing anywhere),
// and a checkpoint is restored only if it is a valid notebook.
import { lstatSync, mkdirSync, readFileSync, renameSync, statSync, unlinkSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { ContentsError, exists, NAME_BYTES_MAX, writeAtomic } from "./folder";
import { checkedNotebookText } from "./notebook-body";

export const CHECKPOINTS_DIR = ".ipynb_checkpoints";
export const CHECKPOINT_ID = "checkpoint";
const SUFFIX = "-checkpoint.ipynb";
/** Longest notebook name whose checkpoint's name still fits in a file name. */
export const NOTEBOOK_NAME_BYTES_MAX = NAME_BYTES_MAX - Buffer.byteLength(SUFFIX) + ".ipynb".length;

export interface CheckpointModel {
  id: string;
  last_modified: string;
}

/** The checkpoint's file for a notebook's file system path. */
function checkpointFile(notebook: string): string {
  return join(dirname(notebook), CHECKPOINTS_DIR, basename(notebook).replace(/\.ipynb$/, SUFFIX));
}

/** Refuses a checkpoint folder or file that is not what it says (a symlink, a folder where a file belongs). */
function requirePlain(path: string, kind: "directory" | "file", apiPath: string): void {
  if (!exists(path)) return;
  const s = lstatSync(path);
  if (s.isSymbolicLink() || (kind === "directory" ? !s.isDirectory() : !s.isFile()))
    throw new ContentsError(
      400,
      `the checkpoint ${kind === "directory" ? "folder" : "file"} of ${apiPath} is ${s.isSymbolicLink() ? "a symlink" : `not a ${kind}`}: nvmesim does not read or write through it`,
    );
}

function model(file: string): CheckpointModel {
  return { id: CHECKPOINT_ID, last_modified: statSync(file).mtime.toISOString() };
}

/** The checkpoint's file, checked: its folder and itself are plain (or absent). */
function checkedFile(notebook: string, apiPath: string): string {
  const file = checkpointFile(notebook);
  requirePlain(dirname(file), "directory", apiPath);
  requirePlain(file, "file", apiPath);
  return file;
}

function requireId(id: string, apiPath: string): void {
  if (id !== CHECKPOINT_ID) throw new ContentsError(404, `no checkpoint ${JSON.stringify(id)} for ${apiPath}`);
}

export function listCheckpoints(notebook: string, apiPath: string): CheckpointModel[] {
  const file = checkedFile(notebook, apiPath);
  return exists(file) ? [model(file)] : [];
}

/** Copies the notebook as it is on disk now to its checkpoint. */
export function createCheckpoint(notebook: string, apiPath: string): CheckpointModel {
  const file = checkedFile(notebook, apiPath);
  if (Buffer.byteLength(basename(file)) > NAME_BYTES_MAX)
    throw new ContentsError(
      400,
      `${apiPath}: the name is too long to keep a checkpoint beside it (at most ${NOTEBOOK_NAME_BYTES_MAX} bytes)`,
    );
  if (!exists(dirname(file))) mkdirSync(dirname(file));
  writeAtomic(file, readFileSync(notebook));
  return model(file);
}

/** Puts the checkpoint back as the notebook, if it is a valid notebook. */
export function restoreCheckpoint(notebook: string, apiPath: string, id: string): void {
  requireId(id, apiPath);
  const file = checkedFile(notebook, apiPath);
  if (!exists(file)) throw new ContentsError(404, `no checkpoint for ${apiPath}`);
  let text: string;
  try {
    text = checkedNotebookText(JSON.parse(readFileSync(file, "utf8")));
  } catch (err) {
    const why = err instanceof ContentsError ? err.message : "it is not JSON";
    throw new ContentsError(400, `the checkpoint of ${apiPath} was not restored: ${why}`);
  }
  writeAtomic(notebook, text);
}

export function deleteCheckpoint(notebook: string, apiPath: string, id: string): void {
  requireId(id, apiPath);
  const file = checkedFile(notebook, apiPath);
  if (!exists(file)) throw new ContentsError(404, `no checkpoint for ${apiPath}`);
  unlinkSync(file);
}

/** Carries a notebook's checkpoint along when it is renamed (checked before the notebook moves). */
export function checkpointMove(from: string, to: string, fromApi: string, toApi: string): () => void {
  const src = checkedFile(from, fromApi);
  const dst = checkedFile(to, toApi);
  if (!exists(src)) return () => {};
  if (exists(dst)) throw new ContentsError(409, `${toApi} already has a checkpoint`);
  return () => {
    if (!exists(dirname(dst))) mkdirSync(dirname(dst));
    renameSync(src, dst);
  };
}
