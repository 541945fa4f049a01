// What completes and what is documented at a place in a cell, for the page's
// editor (page/completion.ts) and for Jupyter's complete and inspect requests
// (jupyter.ts): the names in scope with their signatures, the configuration's
// keys inside simulate({ ... }) and sweep's base with the schema's own
// descriptions, sweep's axes, the allowed names of a field, the columns of a
// sweep's records, and the members of a result. No editor here: it runs in
// Node too.
import { configField, describeType, keysAt, type ConfigField } from "../../model/config-schema";
import { PRESETS } from "../../model/presets";
import { METRICS } from "../../sweep/table";
import { PARAMS } from "../../sweep/spec";
import { API_DOCS, RESULT_MEMBERS } from "./api-docs";
import { codeContext, type CodeContext } from "../page/code-context";

/** One completion, in the shape CodeMirror's autocompletion takes. */
export interface Completion {
  label: string;
  type?: string;
  detail?: string;
  info?: string;
  apply?: string;
  boost?: number;
}

const fieldInfo = (f: ConfigField) =>
  `${describeType(f.value)} — ${f.doc}${f.workload ? ` (${f.workload} workload)` : ""}`;

/** A key of the configuration: its field's description, or the keys of the object it holds. */
function keyOption(prefix: string, key: string): Completion {
  const path = prefix ? `${prefix}.${key}` : key;
  const f = configField(path);
  return f
    ? { label: key, type: "property", detail: describeType(f.value), info: f.doc }
    : { label: key, type: "property", detail: "{ ... }", info: `an object: ${keysAt(path).join(", ")}` };
}

function valueOptions(path: string): Completion[] {
  const f = configField(path);
  if (f?.value.type !== "enum") return [];
  const preset = (name: string) => Object.values(PRESETS).find((p) => p.name === name)?.description;
  return f.value.values.map((v) => ({ label: v, type: "enum", info: path === "device.preset" ? preset(v) : f.doc }));
}

function axisOptions(): Completion[] {
  const short = (p: string) => p.split(".").pop()!;
  const unique = (p: string) => Object.keys(PARAMS).filter((q) => short(q) === short(p)).length === 1;
  return Object.keys(PARAMS).map((p) => {
    const f = configField(p)!;
    return { label: unique(p) ? short(p) : p, type: "property", detail: p, info: fieldInfo(f) };
  });
}

/** What completes at a context, if the API knows. */
export function optionsFor(c: CodeContext): Completion[] {
  switch (c.kind) {
    case "name":
      return Object.entries(API_DOCS).map(([label, d]) => ({
        label,
        type: d.signature.startsWith(`${label}(`) ? "function" : "variable",
        detail: d.signature.slice(label.length),
        info: d.doc,
      }));
    case "config-key":
      return keysAt(c.prefix).map((k) => keyOption(c.prefix, k));
    case "sweep-key":
      return [
        { label: "base", type: "property", info: "the configuration every point starts from (as simulate's)" },
        { label: "axes", type: "property", info: "parameter: values, or a range 'A..B', 'A..B +S', 'A..B xF'" },
        { label: "name", type: "property", info: "the sweep's name (its report's title)" },
      ];
    case "axis":
      return axisOptions();
    case "field-value":
      return valueOptions(c.path);
    case "column":
      return [
        ...Object.entries(METRICS).map(([label, info]) => ({ label, type: "constant", info })),
        ...axisOptions().map((o) => ({ ...o, type: "constant" })),
      ];
    case "member":
      return Object.entries(RESULT_MEMBERS[c.of]).map(([label, info]) => ({ label, type: "property", info }));
  }
}

/** The name of the innermost call whose parentheses hold `pos` (`simulate` in `simulate({ x: |`), skipping the
 * brackets and braces of its arguments and what is quoted; undefined outside any call. */
export function callAt(text: string, pos: number): string | undefined {
  let depth = 0;
  for (let i = pos - 1; i >= 0; i--) {
    const ch = text[i];
    if (ch === '"' || ch === "'" || ch === "`") {
      const open = text.lastIndexOf(ch, i - 1);
      if (open < 0) return undefined;
      i = open;
    } else if (ch === ")" || ch === "]" || ch === "}") depth++;
    else if (ch === "[" || ch === "{") depth = Math.max(0, depth - 1);
    else if (ch === "(") {
      if (depth > 0) depth--;
      else return /([\w$]+(?:\.[\w$]+)*)\s*$/.exec(text.slice(0, i))?.[1];
    }
  }
  return undefined;
}

/** The documentation of what is at `pos`: an API name, a configuration key, an allowed name; else the call whose
 * arguments hold it, as Jupyter's Shift+Tab shows a call's signature. */
export function docAt(text: string, pos: number, notebook = text): string | undefined {
  const call = () => {
    const name = callAt(text, pos);
    return name && API_DOCS[name] ? `${API_DOCS[name].signature}\n${API_DOCS[name].doc}` : undefined;
  };
  return wordDoc(text, pos, notebook) ?? call();
}

function wordDoc(text: string, pos: number, notebook: string): string | undefined {
  const end = pos + (/^[\w$-]*/.exec(text.slice(pos))?.[0].length ?? 0);
  const c = codeContext(text, end, notebook);
  const word = c.word;
  if (!word) return undefined;
  if (c.kind === "name") return API_DOCS[word] && `${API_DOCS[word].signature}\n${API_DOCS[word].doc}`;
  const found = optionsFor(c).find((o) => o.label === word);
  return found && [`${word}${found.detail ? ` ${found.detail}` : ""}`, found.info].filter(Boolean).join("\n");
}
