// Where the cursor is in a cell, in the API's terms: naming something in
// scope, a key of the configuration inside simulate({ ... }) or sweep's base,
// an axis of sweep({ axes: { ... } }), a value of a field that takes names
// ("blk-mq", a preset), a column of a sweep's records (Plot's x and y), or a
// member of what simulate() or sweep() resolved with. A small scanner, not a
// parser: it follows brackets, keys and strings from the cell's start, which
// is all completion and Shift+Tab need.
import { configField, keysAt } from "../../model/config-schema";
import { PARAMS } from "../../sweep/spec";

export type CodeContext =
  /** A name in scope (or nothing known): `from` is where the word starts. */
  | { kind: "name"; from: number; word: string }
  /** A key of the configuration object at `prefix` ("" for the top, "workload", ...). */
  | { kind: "config-key"; prefix: string; from: number; word: string }
  /** A key of sweep's spec (base, axes, name). */
  | { kind: "sweep-key"; from: number; word: string }
  /** An axis name of sweep({ axes: { ... } }). */
  | { kind: "axis"; from: number; word: string }
  /** Inside a string that is a value of the field at `path` (its allowed names complete it). */
  | { kind: "field-value"; path: string; from: number; word: string }
  /** Inside a string that names a column of a sweep's records (Plot's x, y, stroke, ...). */
  | { kind: "column"; from: number; word: string }
  /** After a dot on a value simulate() or sweep() resolved with. */
  | { kind: "member"; of: "Result" | "nvmesim" | "SweepResult"; from: number; word: string };

interface Frame {
  bracket: "{" | "(" | "[";
  /** `{` and `[`: the key they are the value of; `(`: the function called. */
  name?: string;
  /** In an object: the key whose value comes next (after `key:`). */
  key?: string;
  /** In an object: a key comes next (after `{` or `,`). */
  expectKey: boolean;
}

const CONFIG_CALLEES = new Set(["simulate", "validateConfig"]);
const PLOT_CHANNELS = new Set(["x", "y", "z", "fx", "fy", "stroke", "fill", "sort", "title", "tip"]);

/** Scans `text` up to `pos`: the open brackets, and the string the cursor is in, if any. */
function scan(text: string, pos: number): { stack: Frame[]; stringStart?: number } {
  const stack: Frame[] = [];
  let lastIdent: string | undefined;
  for (let i = 0; i < pos; i++) {
    const ch = text[i];
    if (ch === "/" && text[i + 1] === "/") {
      const end = text.indexOf("\n", i);
      if (end === -1 || end >= pos) return { stack: [] }; // in a comment: nothing to complete
      i = end;
      continue;
    }
    if (ch === '"' || ch === "'" || ch === "`") {
      let j = i + 1;
      while (j < pos && text[j] !== ch) j += text[j] === "\\" ? 2 : 1;
      if (j >= pos) return { stack, stringStart: i + 1 };
      i = j;
      lastIdent = undefined;
      continue;
    }
    const top = stack[stack.length - 1];
    if (/[\w$]/.test(ch)) {
      let j = i;
      while (j < text.length && /[\w$]/.test(text[j])) j++;
      lastIdent = text.slice(i, j);
      i = j - 1;
      continue;
    }
    if (/\s/.test(ch)) continue;
    if (ch === ":" && top?.bracket === "{" && top.expectKey) {
      top.key = lastIdent;
      top.expectKey = false;
    } else if (ch === "{" || ch === "[")
      stack.push({ bracket: ch, name: top?.bracket === "{" ? top.key : undefined, expectKey: ch === "{" });
    else if (ch === "(") stack.push({ bracket: "(", name: lastIdent, expectKey: false });
    else if (ch === "}" || ch === "]" || ch === ")") stack.pop();
    else if (ch === "," && top?.bracket === "{") {
      top.expectKey = true;
      top.key = undefined;
    }
    if (ch !== ".") lastIdent = undefined;
  }
  return { stack };
}

/** The keys from the call `callee(` inward, if the stack is inside one: [callee, key of each object]. */
function callPath(stack: Frame[]): { callee: string; keys: (string | undefined)[] } | undefined {
  for (let i = stack.length - 1; i >= 0; i--) {
    const f = stack[i];
    if (f.bracket !== "(" || !f.name) continue;
    if (!CONFIG_CALLEES.has(f.name) && f.name !== "sweep") continue;
    return { callee: f.name, keys: stack.slice(i + 1).map((x) => x.name) };
  }
  return undefined;
}

/** The configuration prefix an object at `keys` (from the call inward) stands for, if it is the configuration's. */
function configPrefix(callee: string, keys: (string | undefined)[]): string | undefined {
  const inner = callee === "sweep" ? (keys[1] === "base" ? keys.slice(2) : undefined) : keys.slice(1);
  if (!inner || inner.some((k) => k === undefined)) return undefined;
  const prefix = inner.join(".");
  return prefix === "" || keysAt(prefix).length ? prefix : undefined;
}

/** What `root` was assigned from in the notebook: `const r = await simulate(...)` -> Result. */
function valueKind(source: string, root: string): "Result" | "SweepResult" | undefined {
  const m = new RegExp(`(?:const|let|var)\\s+${root}\\s*=\\s*(?:await\\s+)?(simulate|sweep)\\s*\\(`).exec(source);
  return m ? (m[1] === "sweep" ? "SweepResult" : "Result") : undefined;
}

/** Where the cursor at `pos` of `text` is; `notebook` is every cell's text, for what names were assigned from. */
export function codeContext(text: string, pos: number, notebook = text): CodeContext {
  const { stack, stringStart } = scan(text, pos);
  const word = /[\w$]*$/.exec(text.slice(0, pos))![0];
  const from = pos - word.length;
  const top = stack[stack.length - 1];
  const call = callPath(stack);
  if (stringStart !== undefined) {
    const inString = { from: stringStart, word: text.slice(stringStart, pos) };
    const key = top?.bracket === "{" ? top.key : top?.bracket === "[" ? top.name : undefined;
    if (!key) return { kind: "name", ...inString };
    if (call?.callee === "sweep" && call.keys[1] === "axes" && call.keys.length <= 3) {
      const param = key in PARAMS ? key : Object.keys(PARAMS).find((p) => p.endsWith(`.${key}`));
      if (param && configField(param)?.value.type === "enum") return { kind: "field-value", path: param, ...inString };
    }
    const prefix = call && top?.bracket === "{" ? configPrefix(call.callee, call.keys) : undefined;
    const path = prefix === undefined ? undefined : prefix ? `${prefix}.${key}` : key;
    if (path && configField(path)?.value.type === "enum") return { kind: "field-value", path, ...inString };
    if (PLOT_CHANNELS.has(key)) return { kind: "column", ...inString };
    return { kind: "name", ...inString };
  }
  const before = text.slice(0, from);
  const member = /([\w$]+)((?:\.[\w$]+)*)\.$/.exec(before);
  if (member) {
    const kind = valueKind(notebook, member[1]);
    const chain = member[2].split(".").filter(Boolean);
    if (kind === "Result" && chain.length === 0) return { kind: "member", of: "Result", from, word };
    if (kind === "Result" && chain.join(".") === "nvmesim") return { kind: "member", of: "nvmesim", from, word };
    if (kind === "SweepResult" && chain.length === 0) return { kind: "member", of: "SweepResult", from, word };
    return { kind: "name", from, word };
  }
  if (top?.bracket === "{" && top.expectKey && call) {
    const keys = call.keys;
    if (call.callee === "sweep" && keys.length === 1) return { kind: "sweep-key", from, word };
    if (call.callee === "sweep" && keys.length === 2 && keys[1] === "axes") return { kind: "axis", from, word };
    const prefix = configPrefix(call.callee, keys);
    if (prefix !== undefined) return { kind: "config-key", prefix, from, word };
  }
  return { kind: "name", from, word };
}
