// A sweep specification: a base run configuration and axes, each a parameter
// path with a list of values or a range. Validated before any work: every
// mistake is one SpecError naming the spot in the file (`axes.iodepth[3]`),
// the value and what is allowed, with the nearest valid name for typos.
import { checkField, ConfigError, nearest, parseSize, validateConfig } from "../model/config";
import { CONFIG_FIELDS, configField } from "../model/config-schema";
import { FIO_FIELD_ALIASES, fromFioSpelling } from "../fio/jobs";
import { FioValueError } from "../fio/values";

export type Scalar = string | number | boolean;

export interface Axis {
  /** The name as written in the spec or flag (CSV column, plot label). */
  name: string;
  /** The full parameter path in the run configuration, e.g. workload.iodepth. */
  param: string;
  values: Scalar[];
  /** Where the axis was given (axes.NAME in the file, or --axis NAME), for messages; not part of the spec's identity. */
  at?: string;
}

export interface SweepSpec {
  name: string;
  /** The run configuration every point starts from (`nvmesim run`'s defaults fill the rest). */
  base: Record<string, unknown>;
  axes: Axis[];
}

/** A mistake in a sweep spec, naming where it is. */
export class SpecError extends Error {
  constructor(
    readonly at: string,
    message: string,
  ) {
    super(`${at}: ${message}`);
  }
}

/** Points a sweep may have without --yes. */
export const GRID_LIMIT = 10_000;
/** Values one range may expand to. */
const RANGE_LIMIT = 100_000;

const KINDS = {
  integer: "number",
  number: "number",
  boolean: "boolean",
  enum: "string",
  size: "size",
  text: "string",
} as const;
const AXIS_FIELDS = CONFIG_FIELDS.filter((f) => f.value.type !== "seed");

/** The allowed values of each parameter that takes names. */
const ENUMS: Record<string, readonly string[]> = Object.fromEntries(
  AXIS_FIELDS.flatMap((f) => (f.value.type === "enum" ? [[f.path, f.value.values]] : [])),
);

/** Every parameter an axis may vary (every field of the configuration but the seed), with the type its values must have. */
export const PARAMS: Record<string, "number" | "boolean" | "string" | "size"> = Object.fromEntries(
  AXIS_FIELDS.map((f) => [f.path, KINDS[f.value.type as keyof typeof KINDS]]),
);

const PARAM_NAMES = Object.keys(PARAMS);

/** The full path of `name`: itself, or the one parameter whose last part it is (iodepth -> workload.iodepth). */
export function resolveParam(name: string, at: string): string {
  if (name === "seed")
    throw new SpecError(at, "seed cannot be an axis: each point's seed derives from the base seed and its index");
  if (name in PARAMS) return name;
  if (name in FIO_FIELD_ALIASES) return resolveParam(FIO_FIELD_ALIASES[name], at);
  const bySuffix = PARAM_NAMES.filter((p) => p.endsWith(`.${name}`));
  if (bySuffix.length === 1) return bySuffix[0];
  const near = nearest(name, [...PARAM_NAMES, ...PARAM_NAMES.map((p) => p.split(".").pop()!)]);
  throw new SpecError(
    at,
    `unknown parameter '${name}'${near ? ` (did you mean ${near}?)` : ""}; allowed: ${PARAM_NAMES.join(", ")}`,
  );
}

/** Expands "A..B" (step 1), "A..B +S" (linear) or "A..B xF" (geometric, e.g. powers of two). */
export function parseRange(text: string, at: string): number[] {
  const m = /^\s*(-?\d+(?:\.\d+)?)\s*\.\.\s*(-?\d+(?:\.\d+)?)\s*(?:([+x*])\s*(\d+(?:\.\d+)?))?\s*$/.exec(text);
  if (!m)
    throw new SpecError(
      at,
      `${JSON.stringify(text)} is not a range (write A..B, A..B +STEP or A..B xFACTOR, e.g. 1..256 x2)`,
    );
  const [from, to] = [Number(m[1]), Number(m[2])];
  const op = m[3] ?? "+";
  const by = m[4] === undefined ? 1 : Number(m[4]);
  if (from > to) throw new SpecError(at, `${JSON.stringify(text)} runs backwards (${from} > ${to})`);
  if (op === "+" && by <= 0) throw new SpecError(at, `${JSON.stringify(text)}: the step must be more than 0`);
  if (op !== "+" && (by <= 1 || from <= 0))
    throw new SpecError(at, `${JSON.stringify(text)}: a geometric range needs a factor above 1 and a start above 0`);
  const out: number[] = [];
  for (let i = 0; ; i++) {
    // Computed from the start each time, so long ranges do not drift.
    const v = op === "+" ? from + i * by : from * by ** i;
    const rounded = Number(v.toPrecision(12));
    if (rounded > to) break;
    out.push(rounded);
    if (out.length > RANGE_LIMIT)
      throw new SpecError(at, `${JSON.stringify(text)} has more than ${RANGE_LIMIT} values`);
  }
  return out;
}

function checkValue(param: string, written: unknown, at: string): Scalar {
  const kind = PARAMS[param];
  let value: unknown;
  try {
    value = fromFioSpelling(param, written);
  } catch (err) {
    if (err instanceof FioValueError)
      throw new SpecError(at, `${err.message.replace(/^[^:]*: /, "")}, as ${param} needs`);
    throw err;
  }
  const show = JSON.stringify(value);
  if (kind === "size") {
    try {
      parseSize(param, value);
    } catch {
      throw new SpecError(at, `${show} is not a size for ${param} (a byte count, or e.g. 4k, 128k, 1g)`);
    }
    return value as Scalar;
  }
  if (typeof value !== kind) throw new SpecError(at, `${show} is not a ${kind}, as ${param} needs`);
  const allowed = ENUMS[param];
  if (allowed && !allowed.includes(value as string)) {
    const near = nearest(value as string, allowed);
    throw new SpecError(at, `${show} is not one of ${allowed.join(", ")}${near ? ` (did you mean ${near}?)` : ""}`);
  }
  return value as Scalar;
}

function axisValues(param: string, raw: unknown, at: string): Scalar[] {
  let values: unknown[];
  if (typeof raw === "string") values = parseRange(raw, at);
  else if (Array.isArray(raw)) values = raw;
  else throw new SpecError(at, `${JSON.stringify(raw)} is neither a list of values nor a range such as "1..256 x2"`);
  if (values.length === 0) throw new SpecError(at, "an empty axis (give at least one value)");
  const seen = new Set<string>();
  return values.map((v, i) => {
    const spot = typeof raw === "string" ? at : `${at}[${i}]`;
    const key = JSON.stringify(v);
    if (seen.has(key)) throw new SpecError(spot, `${key} appears twice on this axis`);
    seen.add(key);
    return checkValue(param, v, spot);
  });
}

/** One axis from a flag: `iodepth=1,2,4,8`, `iodepth=1..256x2` or `path=blk-mq,rw_page`. */
export function axisFromFlag(text: string): [string, unknown] {
  const eq = text.indexOf("=");
  const at = `--axis ${text}`;
  if (eq <= 0) throw new SpecError(at, "write NAME=V1,V2,... or NAME=A..B xF");
  const name = text.slice(0, eq).trim();
  const rest = text.slice(eq + 1).trim();
  if (/^-?\d+(\.\d+)?\s*\.\./.test(rest)) return [name, rest];
  return [name, rest === "" ? [] : rest.split(",").map((s) => scalarFromText(s.trim()))];
}

/** A flag's text as the JSON value it stands for: numbers and true/false, otherwise the text. */
export function scalarFromText(text: string): Scalar {
  if (text === "true" || text === "false") return text === "true";
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  return text;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** Validates a parsed spec document (`extraAxes` from flags add to or replace its axes). */
/** The axes of a sweep directory's spec.json (a list of {name, param, values}) as a spec file writes them. */
function pinnedAxes(list: unknown[]): Record<string, unknown> {
  const axes: Record<string, unknown> = {};
  list.forEach((a, i) => {
    const at = `axes[${i}]`;
    if (!isObject(a) || typeof a.name !== "string" || !Array.isArray(a.values))
      throw new SpecError(at, "must be {name, param, values}, as a sweep directory's spec.json holds them");
    if (a.param !== undefined && resolveParam(a.name, at) !== a.param)
      throw new SpecError(`${at}.param`, `${JSON.stringify(a.param)} is not the parameter ${a.name} names`);
    axes[a.name] = a.values;
  });
  return axes;
}

export function parseSpec(doc: unknown, extraAxes: [string, unknown][] = []): SweepSpec {
  if (!isObject(doc)) throw new SpecError("spec", "must be a JSON object with base and axes");
  for (const key of Object.keys(doc)) {
    if (!["name", "base", "axes"].includes(key)) {
      const near = nearest(key, ["name", "base", "axes"]);
      throw new SpecError(key, `unknown key${near ? ` (did you mean ${near}?)` : ""}; allowed: name, base, axes`);
    }
  }
  if (doc.name !== undefined && typeof doc.name !== "string") throw new SpecError("name", "must be a string");
  if (doc.base !== undefined && !isObject(doc.base))
    throw new SpecError("base", "must be an object (a run configuration)");
  const base = structuredClone(doc.base ?? {}) as Record<string, unknown>;
  base.seed ??= 1;
  // The spec is JSON, so its seed is a number or a string; the configuration's own check says which are seeds.
  try {
    if (typeof base.seed !== "number" && typeof base.seed !== "string") throw new ConfigError("seed", "");
    checkField(configField("seed")!, base.seed);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    throw new SpecError("base.seed", `${JSON.stringify(base.seed)} is not an integer in 0..2^64-1`);
  }
  const axesIn = Array.isArray(doc.axes) ? pinnedAxes(doc.axes) : (doc.axes ?? {});
  if (!isObject(axesIn)) throw new SpecError("axes", 'must be an object of NAME: [values] or NAME: "A..B xF"');
  const entries: [string, unknown, string][] = Object.entries(axesIn).map(([k, v]) => [k, v, `axes.${k}`]);
  for (const [k, v] of extraAxes) {
    const i = entries.findIndex(([name]) => name === k);
    if (i >= 0) entries.splice(i, 1);
    entries.push([k, v, `--axis ${k}`]);
  }
  if (entries.length === 0) throw new SpecError("axes", "no axes: give at least one (e.g. --axis path=blk-mq,rw_page)");
  const params = new Set<string>();
  const axes = entries.map(([name, raw, at]) => {
    const param = resolveParam(name, at);
    if (params.has(param)) throw new SpecError(at, `${param} is already an axis`);
    params.add(param);
    return { name, param, values: axisValues(param, raw, at), at };
  });
  return { name: typeof doc.name === "string" ? doc.name : "sweep", base, axes };
}

/** Points in the grid. */
export function gridSize(spec: SweepSpec): number {
  return spec.axes.reduce((n, a) => n * a.values.length, 1);
}

/** Which value of each axis point `index` takes: the first axis varies slowest, the last fastest, as nested loops in spec order. */
export function pointIndices(spec: SweepSpec, index: number): number[] {
  const out = new Array<number>(spec.axes.length);
  let rest = index;
  for (let a = spec.axes.length - 1; a >= 0; a--) {
    const n = spec.axes[a].values.length;
    out[a] = rest % n;
    rest = Math.floor(rest / n);
  }
  return out;
}

/** The axis values of point `index`. */
export function pointValues(spec: SweepSpec, index: number): Scalar[] {
  return pointIndices(spec, index).map((k, a) => spec.axes[a].values[k]);
}

/** The axis values of point `index` by axis name (a record's and a row's `values`). */
export function pointValueRecord(spec: SweepSpec, index: number): Record<string, Scalar> {
  const v = pointValues(spec, index);
  return Object.fromEntries(spec.axes.map((a, i) => [a.name, v[i]]));
}

const MASK64 = (1n << 64n) - 1n;

/** splitmix64 of x: a well-mixed 64-bit value. */
function splitmix64(x: bigint): bigint {
  let z = (x + 0x9e3779b97f4a7c15n) & MASK64;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
  return z ^ (z >> 31n);
}

/** Point `index`'s seed: from the base seed and the index only, so any subset of points runs the same anywhere. */
export function pointSeed(baseSeed: bigint, index: number): bigint {
  return splitmix64((baseSeed ^ splitmix64(BigInt(index))) & MASK64);
}

/** The run configuration of point `index` (not yet validated: a combination may be impossible). */
export function pointConfig(spec: SweepSpec, index: number): Record<string, unknown> {
  const config = structuredClone(spec.base);
  pointValues(spec, index).forEach((value, a) => {
    const parts = spec.axes[a].param.split(".");
    let at = config;
    for (const p of parts.slice(0, -1)) {
      if (!isObject(at[p])) at[p] = {};
      at = at[p] as Record<string, unknown>;
    }
    at[parts[parts.length - 1]] = value;
  });
  config.seed = pointSeed(BigInt(spec.base.seed as string | number), index).toString();
  return config;
}

/** Checks every point's configuration before any work; a value that fails at every point it appears in is a
 * mistake in the spec (SpecError at its spot). Returns the other failures, impossible combinations, by point. */
export function checkGrid(spec: SweepSpec): Map<number, string> {
  const works = spec.axes.map((a) => new Array<boolean>(a.values.length).fill(false));
  const firstError = spec.axes.map((a) => new Array<string | undefined>(a.values.length));
  const failures = new Map<number, string>();
  const n = gridSize(spec);
  for (let i = 0; i < n; i++) {
    const at = pointIndices(spec, i);
    try {
      validateConfig(pointConfig(spec, i));
      at.forEach((k, a) => (works[a][k] = true));
    } catch (err) {
      failures.set(i, (err as Error).message);
      at.forEach((k, a) => (firstError[a][k] ??= (err as Error).message));
    }
  }
  if (failures.size === n) throw new SpecError("base", `no point can run: ${failures.get(0)}`);
  spec.axes.forEach((axis, a) =>
    axis.values.forEach((v, k) => {
      if (!works[a][k])
        throw new SpecError(
          `${axis.at ?? `axes.${axis.name}`}[${k}]`,
          `${JSON.stringify(v)} fails at every point: ${firstError[a][k]}`,
        );
    }),
  );
  return failures;
}

/** The spec as canonical JSON, and its hash: a sweep directory belongs to one spec. */
export function specJson(spec: SweepSpec): string {
  const axes = spec.axes.map((a) => ({ name: a.name, param: a.param, values: a.values }));
  return JSON.stringify({ name: spec.name, base: spec.base, axes }, null, 1) + "\n";
}

/** A spec read back from a sweep directory's spec.json. */
export function specFromJson(text: string): SweepSpec {
  return JSON.parse(text) as SweepSpec;
}
