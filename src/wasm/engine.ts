// The engine's config and stats structs from TypeScript: field offsets come
// from the module (SIMCFG_* / SIMSTAT_* exports) and field types from the
// tables generated with them (layouts.ts), both from the AssemblyScript
// classes SimConfig and SimStats, the one declaration.
import {
  JOB_STATS_FIELDS,
  SIM_CONFIG_FIELDS,
  SIM_STATS_FIELDS,
  SPLIT_REC_FIELDS,
  THREAD_JOB_FIELDS,
  TRACE_REC_FIELDS,
  ZONE_REC_FIELDS,
} from "./layouts";
import type { Nvmesim } from "./module";

export { JOB_STATS_FIELDS, SIM_CONFIG_FIELDS, SIM_STATS_FIELDS } from "./layouts";

export type SimConfigValues = {
  [K in keyof typeof SIM_CONFIG_FIELDS]: (typeof SIM_CONFIG_FIELDS)[K] extends "u64" ? bigint : number;
};
export type SimStatsValues = { [K in keyof typeof SIM_STATS_FIELDS]: number };
export type JobStatsValues = { [K in keyof typeof JOB_STATS_FIELDS]: number };

/** The structs whose field offsets the module exports. */
type LayoutPrefix = "SIMCFG" | "SIMSTAT" | "JOBSTAT" | "THRJOB" | "SPLITREC" | "TRACEREC" | "ZONEREC" | "LOGREC";

function snake(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toUpperCase();
}

/** Each module's layout offsets as looked up, by PREFIX and field: a run with thousands of jobs reads each often. */
const OFFSETS = new WeakMap<Nvmesim, Map<string, number | undefined>>();

/** Offset of a field from the module's layout exports; undefined for a field an older module lacks. */
function layoutOffsetOrNone(m: Nvmesim, prefix: LayoutPrefix, field: string): number | undefined {
  let known = OFFSETS.get(m);
  if (known === undefined) OFFSETS.set(m, (known = new Map()));
  const key = `${prefix} ${field}`;
  if (known.has(key)) return known.get(key);
  const global = (m.exports as unknown as Record<string, unknown>)[`${prefix}_${snake(field)}`];
  const at = global instanceof WebAssembly.Global ? Number(global.value) : undefined;
  known.set(key, at);
  return at;
}

/** Offset of a field from the module's layout exports. */
export function layoutOffset(m: Nvmesim, prefix: LayoutPrefix, field: string): number {
  const at = layoutOffsetOrNone(m, prefix, field);
  if (at === undefined) throw new Error(`the module has no layout entry ${prefix}_${snake(field)}`);
  return at;
}

export function writeSimConfig(m: Nvmesim, ptr: number, values: SimConfigValues): void {
  const v = m.view();
  for (const [field, type] of Object.entries(SIM_CONFIG_FIELDS)) {
    const value = values[field as keyof SimConfigValues];
    // An older build (bench --baseline) lacks the fields added since: it can run what leaves them 0.
    const offset = Number(value) === 0 ? layoutOffsetOrNone(m, "SIMCFG", field) : layoutOffset(m, "SIMCFG", field);
    if (offset === undefined) continue;
    const at = ptr + offset;
    if (type === "u64") v.setBigUint64(at, value as bigint, true);
    else v.setUint32(at, value as number, true);
  }
}

/** A u64 from its 32-bit halves with no BigInt made: the sum rounds once, as Number(bigint) does. */
const fromHalves = (lo: number, hi: number) => lo + hi * 4294967296;

/** A struct of u64 and f64 fields at `base` as numbers (exact below 2^53, which counts and ns sums of any practical run stay under). */

function readStruct(m: Nvmesim, base: number, prefix: "SIMSTAT" | "JOBSTAT", fields: Record<string, string>) {
  const v = m.view();
  const out = {} as Record<string, number>;
  for (const [field, offset, f64] of structPlan(m, prefix, fields)) {
    if (offset === undefined)
      out[field] = 0; // a count an older build does not keep
    else if (f64) out[field] = v.getFloat64(base + offset, true);
    else out[field] = fromHalves(v.getUint32(base + offset, true), v.getUint32(base + offset + 4, true));
  }
  return out;
}

/** Each struct's fields with their offsets and types, worked out once per module (a 4096-job run reads 4096). */
const PLANS = new WeakMap<Nvmesim, Map<Record<string, string>, [string, number | undefined, boolean][]>>();

function structPlan(m: Nvmesim, prefix: "SIMSTAT" | "JOBSTAT", fields: Record<string, string>) {
  let plans = PLANS.get(m);
  if (plans === undefined) PLANS.set(m, (plans = new Map()));
  let plan = plans.get(fields);
  if (plan === undefined) {
    plan = Object.entries(fields).map(([field, type]) => [field, layoutOffsetOrNone(m, prefix, field), type === "f64"]);
    plans.set(fields, plan);
  }
  return plan;
}

export function readSimStats(m: Nvmesim): SimStatsValues {
  return readStruct(m, m.exports.engineStats(), "SIMSTAT", SIM_STATS_FIELDS) as SimStatsValues;
}

/** What the engine kept of each fio job, fio's thread_stat (assembly/sim/job-stats.ts). */
export interface JobRecord {
  stats: JobStatsValues;
  /** io_u_map (depth), io_u_submit, io_u_complete: 7 counts each; io_u_lat_n, _u: 10 each; _m: 12. */
  depth: number[];
  submit: number[];
  complete: number[];
  latN: number[];
  latU: number[];
  latM: number[];
  /** clat histograms in fio's layout, when the run kept them per job. */
  histRead?: number[];
  histWrite?: number[];
}

/** Typed arrays read in the host's byte order; Wasm's memory is little-endian. */
const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function u64s(m: Nvmesim, base: number, count: number): number[] {
  if (base % 8 !== 0 || !LITTLE_ENDIAN_HOST) {
    const v = m.view();
    return Array.from({ length: count }, (_, i) => Number(v.getBigUint64(base + 8 * i, true)));
  }
  // Aligned (every record the engine keeps is) on a little-endian host: each word as its two halves.
  const halves = new Uint32Array(m.exports.memory.buffer, base, 2 * count);
  const out = new Array<number>(count);
  for (let i = 0; i < count; i++) out[i] = fromHalves(halves[2 * i], halves[2 * i + 1]);
  return out;
}

/** The jobs' records after a run (`jobs` of them); the samples due by the run's end are taken first. */
export function readJobRecords(m: Nvmesim, jobs: number, endNs: number): JobRecord[] {
  m.exports.jobStatsFinish(BigInt(endNs));
  const stride = layoutOffset(m, "JOBSTAT", "bytes"); // JOBSTAT_BYTES: the record's size
  const words = m.constant("JOB_MAP_WORDS");
  const maps = m.exports.engineJobMaps();
  const base = m.exports.engineJobStats();
  const at = (
    name: "JOB_MAP_DEPTH" | "JOB_MAP_SUBMIT" | "JOB_MAP_COMPLETE" | "JOB_MAP_LAT_N" | "JOB_MAP_LAT_U" | "JOB_MAP_LAT_M",
  ) => m.constant(name);
  return Array.from({ length: jobs }, (_, t) => {
    const map = u64s(m, maps + 8 * words * t, words);
    const hist = (write: boolean) => {
      const ptr = m.exports.engineJobHistogram(t, write ? 1 : 0);
      return ptr === 0 ? undefined : u64s(m, ptr, m.constant("PLAT_NR"));
    };
    const histRead = hist(false);
    const histWrite = hist(true);
    return {
      stats: readStruct(m, base + stride * t, "JOBSTAT", JOB_STATS_FIELDS) as JobStatsValues,
      depth: map.slice(at("JOB_MAP_DEPTH"), at("JOB_MAP_DEPTH") + 7),
      submit: map.slice(at("JOB_MAP_SUBMIT"), at("JOB_MAP_SUBMIT") + 7),
      complete: map.slice(at("JOB_MAP_COMPLETE"), at("JOB_MAP_COMPLETE") + 7),
      latN: map.slice(at("JOB_MAP_LAT_N"), at("JOB_MAP_LAT_N") + 10),
      latU: map.slice(at("JOB_MAP_LAT_U"), at("JOB_MAP_LAT_U") + 10),
      latM: map.slice(at("JOB_MAP_LAT_M"), at("JOB_MAP_LAT_M") + 12),
      ...(histRead && histWrite ? { histRead, histWrite } : {}),
    };
  });
}

/** CPU work charged on each CPU, ns. */
export function readCpuNs(m: Nvmesim, cpus: number): number[] {
  return u64s(m, m.exports.engineCpuNs(), cpus);
}

/** Bucket counts of the read or write latency histogram (fio's layout). */
export function readHistogram(m: Nvmesim, write: boolean): number[] {
  return u64s(m, m.exports.engineHistogram(write ? 1 : 0), m.constant("PLAT_NR"));
}

/** The engine's tables of a run whose fio threads differ (src/model/fio-jobs.ts), as the structs' fields. */
export interface EngineTables {
  threads: readonly { [K in keyof typeof THREAD_JOB_FIELDS]: number | bigint }[];
  splits: readonly { units: number; upTo: number }[];
  trace: readonly { atNs: bigint; delayNs: bigint; unit: number; units: number; write: boolean }[];
  zones: readonly { startUnit: number; units: number; upTo: number }[];
}

/** Writes a struct's fields at `base` by their layout offsets and types. */
function writeStruct(
  m: Nvmesim,
  base: number,
  prefix: LayoutPrefix,
  fields: Record<string, string>,
  values: Record<string, number | bigint>,
): void {
  const v = m.view();
  for (const [field, type] of Object.entries(fields)) {
    const at = base + layoutOffset(m, prefix, field);
    const value = values[field];
    if (type === "u64") v.setBigUint64(at, BigInt(value), true);
    else v.setUint32(at, Number(value), true);
  }
}

/** Writes the fio threads' jobs, splits and trace after engineInit (their config set deferStart), before engineStart. */
export function writeEngineTables(m: Nvmesim, tables: EngineTables): void {
  const stride = (prefix: LayoutPrefix) => layoutOffset(m, prefix, "bytes");
  const jobs = m.exports.engineThreadJobs();
  tables.threads.forEach((t, i) => writeStruct(m, jobs + i * stride("THRJOB"), "THRJOB", THREAD_JOB_FIELDS, t));
  const splits = m.exports.engineSplits();
  tables.splits.forEach((s, i) => writeStruct(m, splits + i * stride("SPLITREC"), "SPLITREC", SPLIT_REC_FIELDS, s));
  const zones = m.exports.engineZones();
  tables.zones.forEach((z, i) =>
    writeStruct(m, zones + i * stride("ZONEREC"), "ZONEREC", ZONE_REC_FIELDS, { ...z, pad: 0 }),
  );
  const trace = m.exports.engineTrace();
  tables.trace.forEach((r, i) =>
    writeStruct(m, trace + i * stride("TRACEREC"), "TRACEREC", TRACE_REC_FIELDS, {
      atNs: r.atNs,
      delayNs: r.delayNs,
      unit: r.unit,
      unitsWrite: (r.units | (r.write ? 0x8000_0000 : 0)) >>> 0,
    }),
  );
}

/** One completed I/O the engine kept for fio's logs, in the run's units (LogRec). */
export interface LoggedIo {
  submitNs: number;
  seenNs: number;
  unit: number;
  units: number;
  write: boolean;
  slatNs: number;
  thread: number;
}

/** The completed I/Os the run kept (its config's logRecords), in the order their threads saw them. */
export function readLoggedIos(m: Nvmesim): LoggedIo[] {
  const v = m.view();
  const base = m.exports.engineLog();
  const stride = layoutOffset(m, "LOGREC", "bytes");
  const off = (f: string) => layoutOffset(m, "LOGREC", f);
  const [submit, seen, unit, unitsWrite, slat, thread] = [
    "submitNs",
    "seenNs",
    "unit",
    "unitsWrite",
    "slatNs",
    "thread",
  ].map(off);
  return Array.from({ length: m.exports.engineLogCount() }, (_, i) => {
    const at = base + i * stride;
    const uw = v.getUint32(at + unitsWrite, true);
    return {
      submitNs: Number(v.getBigUint64(at + submit, true)),
      seenNs: Number(v.getBigUint64(at + seen, true)),
      unit: v.getUint32(at + unit, true),
      units: uw & 0x7fff_ffff,
      write: (uw & 0x8000_0000) !== 0,
      slatNs: v.getUint32(at + slat, true),
      thread: v.getUint32(at + thread, true),
    };
  });
}
