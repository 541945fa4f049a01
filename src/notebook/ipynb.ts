// Notebooks as nbformat 4.5 .ipynb files: read (checked, with every problem
// named by its JSON path, multi-line strings joined) and written the way
// Jupyter's nbformat writes them — keys sorted, 1-space indentation, text
// split into lines, a trailing newline — so saving an unchanged notebook gives
// back its bytes. Browser-safe: the page, the kernel and the CLI share it.
import type { Output } from "./kernel/outputs";

export type CellType = "code" | "markdown" | "raw";

export interface Cell {
  id: string;
  cell_type: CellType;
  source: string;
  metadata: Record<string, unknown>;
  /** Code cells only. */
  outputs?: Output[];
  execution_count?: number | null;
  /** Markdown and raw cells may carry attachments. */
  attachments?: Record<string, unknown>;
}

export interface Notebook {
  cells: Cell[];
  metadata: Record<string, unknown>;
  nbformat: 4;
  nbformat_minor: number;
}

/** A file that is not a notebook this page can open, with where the problem is. */
export class NotebookError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(path ? `${path}: ${message}` : message);
  }
}

export const KERNELSPEC = { name: "nvmesim", display_name: "nvmesim (TypeScript)", language: "typescript" };
export const LANGUAGE_INFO = { name: "typescript", file_extension: ".ts", mimetype: "text/typescript" };

const ID = /^[a-zA-Z0-9-_]{1,64}$/;

/** A new cell id (nbformat 4.5: 1-64 of [a-zA-Z0-9-_]). */
export function newCellId(): string {
  const bytes = new Uint8Array(6);
  crypto.getRandomValues(bytes);
  return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export function newNotebook(cells: Partial<Cell>[] = [{ cell_type: "code", source: "" }]): Notebook {
  return {
    cells: cells.map((c) => newCell(c.cell_type ?? "code", c.source ?? "")),
    metadata: { kernelspec: { ...KERNELSPEC }, language_info: { ...LANGUAGE_INFO } },
    nbformat: 4,
    nbformat_minor: 5,
  };
}

export function newCell(type: CellType, source = ""): Cell {
  const cell: Cell = { id: newCellId(), cell_type: type, source, metadata: {} };
  if (type === "code") {
    cell.outputs = [];
    cell.execution_count = null;
  }
  return cell;
}

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** A multi-line string as nbformat stores it: a string, or a list of lines to join. */
function multiline(v: unknown, path: string): string {
  if (typeof v === "string") return v;
  if (Array.isArray(v) && v.every((l) => typeof l === "string")) return v.join("");
  throw new NotebookError(path, "must be a string or a list of strings");
}

/** Keys holding JSON, not text, in an output's data (application/json and application/*+json). */
function isJsonMime(mime: string): boolean {
  return mime === "application/json" || (mime.startsWith("application/") && mime.endsWith("+json"));
}

function readOutput(o: unknown, path: string): Output {
  if (!isObject(o)) throw new NotebookError(path, "must be an object");
  const out = { ...o } as Json;
  switch (o.output_type) {
    case "stream":
      if (o.name !== "stdout" && o.name !== "stderr")
        throw new NotebookError(`${path}.name`, "must be stdout or stderr");
      out.text = multiline(o.text, `${path}.text`);
      break;
    case "display_data":
    case "execute_result": {
      if (!isObject(o.data)) throw new NotebookError(`${path}.data`, "must be an object of MIME type: value");
      out.data = Object.fromEntries(
        Object.entries(o.data).map(([mime, v]) => [
          mime,
          isJsonMime(mime) ? v : multiline(v, `${path}.data["${mime}"]`),
        ]),
      );
      out.metadata = isObject(o.metadata) ? o.metadata : {};
      break;
    }
    case "error":
      if (typeof o.ename !== "string" || typeof o.evalue !== "string" || !Array.isArray(o.traceback))
        throw new NotebookError(path, "an error output needs ename, evalue and traceback");
      break;
    default:
      throw new NotebookError(
        `${path}.output_type`,
        `${JSON.stringify(o.output_type)} is not stream, display_data, execute_result or error`,
      );
  }
  return out as unknown as Output;
}

/** Reads .ipynb text; throws NotebookError naming the first problem. Notebooks before 4.5 get cell ids. */
export function parseNotebook(text: string): Notebook {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new NotebookError("", `not JSON: ${(err as Error).message}`);
  }
  return readNotebook(doc);
}

/** Reads a parsed .ipynb document, as parseNotebook does its text. */
export function readNotebook(doc: unknown): Notebook {
  if (!isObject(doc)) throw new NotebookError("", "a notebook is a JSON object");
  if (doc.nbformat !== 4)
    throw new NotebookError("nbformat", `${JSON.stringify(doc.nbformat)}: only nbformat 4 notebooks open here`);
  const minor = doc.nbformat_minor;
  if (typeof minor !== "number" || minor < 0) throw new NotebookError("nbformat_minor", "must be a number");
  if (!Array.isArray(doc.cells)) throw new NotebookError("cells", "must be a list");
  const metadata = doc.metadata === undefined ? {} : doc.metadata;
  if (!isObject(metadata)) throw new NotebookError("metadata", "must be an object");
  const seen = new Set<string>();
  const cells = doc.cells.map((c: unknown, i: number): Cell => {
    const path = `cells[${i}]`;
    if (!isObject(c)) throw new NotebookError(path, "must be an object");
    if (c.cell_type !== "code" && c.cell_type !== "markdown" && c.cell_type !== "raw")
      throw new NotebookError(`${path}.cell_type`, `${JSON.stringify(c.cell_type)} is not code, markdown or raw`);
    let id = c.id;
    if (id === undefined && minor < 5) id = newCellId();
    if (typeof id !== "string" || !ID.test(id))
      throw new NotebookError(`${path}.id`, `${JSON.stringify(id)} is not a cell id (1-64 letters, digits, - or _)`);
    if (seen.has(id)) throw new NotebookError(`${path}.id`, `"${id}" is used by two cells`);
    seen.add(id);
    const cell: Cell = {
      ...(c as object),
      id,
      cell_type: c.cell_type,
      source: multiline(c.source ?? "", `${path}.source`),
      metadata: isObject(c.metadata) ? c.metadata : {},
    } as Cell;
    if (c.cell_type === "code") {
      if (!Array.isArray(c.outputs ?? [])) throw new NotebookError(`${path}.outputs`, "must be a list");
      cell.outputs = ((c.outputs as unknown[]) ?? []).map((o, k) => readOutput(o, `${path}.outputs[${k}]`));
      const n = c.execution_count ?? null;
      if (n !== null && (typeof n !== "number" || !Number.isInteger(n) || n < 0))
        throw new NotebookError(`${path}.execution_count`, "must be a whole number or null");
      cell.execution_count = n as number | null;
    }
    return cell;
  });
  return {
    ...(doc as object),
    cells,
    metadata,
    nbformat: 4,
    nbformat_minor: Math.max(5, minor),
  } as Notebook;
}

/** Python's str.splitlines(keepends=True), as nbformat splits text. */
export function splitLines(s: string): string[] {
  const out: string[] = [];
  const re = /\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/g;
  let last = 0;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    out.push(s.slice(last, m.index + m[0].length));
    last = m.index + m[0].length;
  }
  if (last < s.length) out.push(s.slice(last));
  return out;
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (!isObject(v)) return v;
  return Object.fromEntries(
    Object.keys(v)
      .sort()
      .filter((k) => v[k] !== undefined)
      .map((k) => [k, sortKeys(v[k])]),
  );
}

function writeOutput(o: Output): Json {
  const out = { ...(o as unknown as Json) };
  delete out.transient; // a live display's id is not part of the file
  if (o.output_type === "stream") out.text = splitLines(o.text);
  if (o.output_type === "display_data" || o.output_type === "execute_result") {
    out.data = Object.fromEntries(
      Object.entries(o.data).map(([mime, v]) => [mime, typeof v === "string" && !isJsonMime(mime) ? splitLines(v) : v]),
    );
  }
  return out;
}

/** The .ipynb text of a notebook, as Jupyter's nbformat writes it. */
export function serializeNotebook(nb: Notebook): string {
  return JSON.stringify(notebookDocument(nb), null, 1) + "\n";
}

/** The JSON document of a notebook as nbformat writes it (keys sorted, text split into lines). */
export function notebookDocument(nb: Notebook): Record<string, unknown> {
  const doc = {
    ...nb,
    cells: nb.cells.map((c) => {
      const cell: Json = { ...c, source: splitLines(c.source) };
      if (c.cell_type === "code") cell.outputs = (c.outputs ?? []).map(writeOutput);
      else {
        delete cell.outputs;
        delete cell.execution_count;
      }
      return cell;
    }),
  };
  return sortKeys(doc) as Record<string, unknown>;
}
