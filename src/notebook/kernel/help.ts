// What the API tells about itself in a cell: help(name) for a function of the
// API or a configuration key, functions shown by their signature, and a
// simulation's result shown as `nvmesim run` prints it with the whole result
// as a tree to unfold, rather than a raw object.
import { configField, CONFIG_FIELDS, describeType, type ConfigField } from "../../model/config-schema";
import type { Result } from "../../run/result";
import { resultSummary } from "../../report/summary";
import { API_DOCS } from "./api-docs";
import { escapeHtml, functionSignature, jsonTreeHtml, REPR, type Displayable, type MimeBundle } from "./outputs";

const DOC = Symbol.for("nvmesim.doc");

const textBundle = (text: string): MimeBundle => ({ "text/plain": text });

/** Marks `value` (a function or object of the API) with its entry in API_DOCS: it then shows as that. */
export function documented<T extends object>(name: string, value: T): T {
  const doc = API_DOCS[name];
  if (!doc || Object.isFrozen(value)) return value;
  Object.defineProperty(value, DOC, { value: name, configurable: true });
  if (typeof value === "function")
    Object.defineProperty(value, REPR, {
      value: () => textBundle(`${doc.signature}\n${doc.doc}`),
      configurable: true,
    });
  return value;
}

/** A configuration key in full ("iodepth" -> "workload.iodepth"), if it names one. */
function fieldNamed(name: string): ConfigField | undefined {
  const exact = configField(name);
  if (exact) return exact;
  const bySuffix = CONFIG_FIELDS.filter((f) => f.path.endsWith(`.${name}`));
  return bySuffix.length === 1 ? bySuffix[0] : undefined;
}

/** One configuration field in a line: path, values, description, for which workload. */
export function fieldLine(f: ConfigField): string {
  return `${f.path}: ${describeType(f.value)} — ${f.doc}${f.workload ? ` (${f.workload} workload)` : ""}`;
}

/** help(what): the text that says what `what` is. */
export function helpText(what?: unknown): string {
  if (what === undefined || what === "config")
    return [
      "The run configuration's keys (simulate(config), sweep's base and axes):",
      ...CONFIG_FIELDS.map(fieldLine),
    ].join("\n");
  if (typeof what === "string") {
    const doc = API_DOCS[what];
    if (doc) return `${doc.signature}\n${doc.doc}`;
    const f = fieldNamed(what);
    if (f) return fieldLine(f);
    return `${JSON.stringify(what)} is neither a name of the API nor a configuration key; help('config') lists the keys`;
  }
  const name =
    typeof what === "object" || typeof what === "function" ? (what as Record<symbol, unknown>)?.[DOC] : undefined;
  if (typeof name === "string") return `${API_DOCS[name].signature}\n${API_DOCS[name].doc}`;
  if (typeof what === "function") return `${functionSignature(what)}\n(a function of this notebook; no documentation)`;
  return `a ${what === null ? "null" : typeof what}; help() on a function of the API or a configuration key says more`;
}

/** help(what) as a cell shows it. */
export function help(what?: unknown): Displayable {
  const text = helpText(what);
  return { [REPR]: () => textBundle(text) };
}

/** A simulation's result that shows as `nvmesim run`'s summary, with the whole result as a tree to unfold. */
export function displayableResult(result: Result): Result {
  Object.defineProperty(result, REPR, {
    value: (): MimeBundle => {
      const summary = resultSummary(result);
      return {
        "text/html": `<pre>${escapeHtml(summary)}</pre><details><summary>the whole result (fio JSON and the nvmesim section)</summary>${jsonTreeHtml(JSON.parse(JSON.stringify(result)))}</details>`,
        "text/plain": summary,
      };
    },
  });
  return result;
}
