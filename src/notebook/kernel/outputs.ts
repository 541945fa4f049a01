// What cells produce, in nbformat 4's shapes, and how a JavaScript value
// becomes a MIME bundle: SVG and HTML elements (Plot's charts), md`` and
// html`` values, objects that describe themselves, JSON, and plain text.

export type MimeBundle = Record<string, unknown>;

export type Output =
  | { output_type: "stream"; name: "stdout" | "stderr"; text: string }
  | {
      output_type: "display_data";
      data: MimeBundle;
      metadata: Record<string, unknown>;
      transient?: { display_id: string };
    }
  | { output_type: "execute_result"; execution_count: number; data: MimeBundle; metadata: Record<string, unknown> }
  | { output_type: "error"; ename: string; evalue: string; traceback: string[] };

/** MIME type of a widget control in an output (rendered by the page, kept in .ipynb files). */
export const WIDGET_MIME = "application/vnd.nvmesim.widget+json";

/** An object that says how it displays: `[REPR]()` returns its MIME bundle. */
export const REPR = Symbol.for("nvmesim.repr");

/** Display ids a value makes stale when it is shown (a finished sweep, its live chart). */
export const SUPERSEDES = Symbol.for("nvmesim.supersedes");

/** The display ids `value` supersedes, if it names any. */
export function supersededBy(value: unknown): string[] {
  const ids =
    typeof value === "object" && value !== null ? (value as { [SUPERSEDES]?: unknown })[SUPERSEDES] : undefined;
  return Array.isArray(ids) ? ids.filter((id): id is string => typeof id === "string") : [];
}

/**
 * Shows `output` under display id `id` among a cell's `outputs`: in place when shown already, else at the
 * end; `null` takes it away. `displays` maps ids to positions. What is stored carries no transient id
 * (not part of nbformat's outputs).
 */
export function updateDisplay(
  outputs: Output[],
  displays: Map<string, number>,
  id: string,
  output: Output | null,
): void {
  const at = displays.get(id);
  if (output === null) {
    if (at === undefined) return;
    outputs.splice(at, 1);
    displays.delete(id);
    for (const [other, i] of displays) if (i > at) displays.set(other, i - 1);
    return;
  }
  const stored = { ...output } as Output & { transient?: unknown };
  delete stored.transient;
  if (at === undefined) {
    displays.set(id, outputs.length);
    outputs.push(stored);
  } else outputs[at] = stored;
}

export interface Displayable {
  [REPR](): MimeBundle;
}

interface ElementLike {
  nodeType: number;
  tagName: string;
  outerHTML: string;
}

function isElement(v: unknown): v is ElementLike {
  return (
    typeof v === "object" &&
    v !== null &&
    (v as ElementLike).nodeType === 1 &&
    typeof (v as ElementLike).outerHTML === "string"
  );
}

/** Text for a value, as a console shows it: strings as they are, the rest as readable JSON. */
export function plainText(v: unknown): string {
  if (typeof v === "string") return v;
  if (typeof v === "bigint") return `${v}n`;
  if (typeof v === "function") return functionSignature(v);
  if (v === undefined || v === null || typeof v !== "object") return String(v);
  if (v instanceof Error) return `${v.name}: ${v.message}`;
  if (v instanceof Map) return `Map(${v.size}) ${plainText(Object.fromEntries(v))}`;
  if (v instanceof Set) return `Set(${v.size}) ${plainText([...v])}`;
  try {
    const seen = new WeakSet<object>();
    return JSON.stringify(
      v,
      (_k, x: unknown) => {
        if (typeof x === "bigint") return `${x}n`;
        if (typeof x === "object" && x !== null) {
          if (seen.has(x)) return "[Circular]";
          seen.add(x);
        }
        return x;
      },
      2,
    );
  } catch {
    return String(v);
  }
}

/** JSON-safe copy of a value for an application/json output, or undefined when it has none. */
function jsonOf(v: unknown): unknown {
  if (v === null || (typeof v !== "object" && typeof v !== "number" && typeof v !== "boolean")) return undefined;
  try {
    return JSON.parse(JSON.stringify(v, (_k, x: unknown) => (typeof x === "bigint" ? x.toString() : x)));
  } catch {
    return undefined;
  }
}

/** A function as its source declares it: `ƒ name(a, b = 1)`, not its body. */
export function functionSignature(fn: { name: string }): string {
  const source = Function.prototype.toString.call(fn);
  const params = /^[^(]*\(([^)]*)\)/.exec(source)?.[1] ?? /^\s*(?:async\s+)?([\w$]+)\s*=>/.exec(source)?.[1] ?? "";
  return `ƒ ${fn.name || "anonymous"}(${params.replace(/\s+/g, " ").trim()})`;
}

/** The MIME bundle a value displays as. */
export function mimeBundle(v: unknown): MimeBundle {
  const bundle = rawBundle(v);
  for (const type of ["image/svg+xml", "text/html"])
    if (typeof bundle[type] === "string") bundle[type] = canonicalMarkup(bundle[type] as string);
  return bundle;
}

/** A number with more than three decimals, as layout arithmetic leaves them. */
const LONG_DECIMAL = /-?\d+\.\d{4,}/g;

/**
 * Markup whose attribute values (an SVG's coordinates) have at most three decimals: a chart's positions come from
 * Math.log and the like, whose last digits differ between JavaScript engines, so a notebook run in the page and
 * one run by nb run store the same bytes. Text is left as it is.
 */
export function canonicalMarkup(markup: string): string {
  return markup.replace(
    /(\s[\w:-]+=")([^"]*)"/g,
    (_, head: string, value: string) =>
      `${head}${value.replace(LONG_DECIMAL, (n) => String(Number(Number(n).toFixed(3))))}"`,
  );
}

function rawBundle(v: unknown): MimeBundle {
  if (
    (typeof v === "object" || typeof v === "function") &&
    v !== null &&
    typeof (v as Partial<Displayable>)[REPR] === "function"
  )
    return (v as Displayable)[REPR]();
  if (isElement(v)) {
    const svg = v.tagName.toLowerCase() === "svg";
    const text =
      svg && !/^<svg[^>]*xmlns=/.test(v.outerHTML)
        ? v.outerHTML.replace(/^<svg/, '<svg xmlns="http://www.w3.org/2000/svg"')
        : v.outerHTML;
    return svg
      ? { "image/svg+xml": text, "text/plain": "<svg>" }
      : { "text/html": text, "text/plain": `<${v.tagName.toLowerCase()}>` };
  }
  const json = typeof v === "object" ? jsonOf(v) : undefined;
  return json === undefined ? { "text/plain": plainText(v) } : { "application/json": json, "text/plain": plainText(v) };
}

export const escapeHtml = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** `md`...``: Markdown the page renders. */
export function md(strings: TemplateStringsArray, ...values: unknown[]): Displayable {
  const text = String.raw({ raw: strings }, ...values.map((v) => (typeof v === "string" ? v : plainText(v))));
  return { [REPR]: () => ({ "text/markdown": text, "text/plain": text }) };
}

/** `html`...``: HTML the page shows (sanitised there). */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Displayable {
  const text = String.raw(
    { raw: strings },
    ...values.map((v) => (isElement(v) ? v.outerHTML : typeof v === "string" ? v : plainText(v))),
  );
  return { [REPR]: () => ({ "text/html": text, "text/plain": text }) };
}

/** `table(rows)`: an HTML table of an array of objects (columns from their keys). */
export function table(rows: readonly Record<string, unknown>[], options: { columns?: string[] } = {}): Displayable {
  const columns = options.columns ?? [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const cell = (v: unknown) =>
    escapeHtml(v === undefined || v === null ? "" : typeof v === "object" ? plainText(v) : String(v));
  const text = `<table><thead><tr>${columns.map((c) => `<th>${escapeHtml(c)}</th>`).join("")}</tr></thead><tbody>${rows
    .map((r) => `<tr>${columns.map((c) => `<td>${cell(r[c])}</td>`).join("")}</tr>`)
    .join("")}</tbody></table>`;
  const plain = [columns.join("\t"), ...rows.map((r) => columns.map((c) => cell(r[c])).join("\t"))].join("\n");
  return { [REPR]: () => ({ "text/html": text, "text/plain": plain }) };
}

/** A JSON value as nested <details> (the first level open), for an output any notebook viewer can fold. */
export function jsonTreeHtml(value: unknown, depth = 0): string {
  if (value === null || typeof value !== "object")
    return `<code>${escapeHtml(JSON.stringify(value) ?? "undefined")}</code>`;
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
  const label = Array.isArray(value) ? `Array(${entries.length})` : `{${entries.length} keys}`;
  const rows = entries
    .map(([k, v]) => `<div style="margin-left:1em"><b>${escapeHtml(k)}</b>: ${jsonTreeHtml(v, depth + 1)}</div>`)
    .join("");
  return `<details${depth < 1 ? " open" : ""}><summary>${label}</summary>${rows}</details>`;
}
