// The engine's config and stats structs from TypeScript: field offsets come
// from the module (SIMCFG_* / SIMSTAT_* exports) and field types from the
// tables generated with them (layouts.ts), both from the AssemblyScript
// classes SimConfig and SimStats, the one declaration.
import { SIM_CONFIG_FIELDS, SIM_STATS_FIELDS } from "./layouts";
import type { Nvmesim } from "./module";

export { SIM_CONFIG_FIELDS, SIM_STATS_FIELDS } from "./layouts";

export type SimConfigValues = {
  [K in keyof typeof SIM_CONFIG_FIELDS]: (typeof SIM_CONFIG_FIELDS)[K] extends "u64" ? bigint : number;
};
export type SimStatsValues = { [K in keyof typeof SIM_STATS_FIELDS]: number };

function snake(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toUpperCase();
}

/** Offset of a field from the module's layout exports. */
export function layoutOffset(m: Nvmesim, prefix: "SIMCFG" | "SIMSTAT", field: string): number {
  const global = (m.exports as unknown as Record<string, unknown>)[`${prefix}_${snake(field)}`];
  if (!(global instanceof WebAssembly.Global))
    throw new Error(`the module has no layout entry ${prefix}_${snake(field)}`);
  return Number(global.value);
}

export function writeSimConfig(m: Nvmesim, ptr: number, values: SimConfigValues): void {
  const v = m.view();
  for (const [field, type] of Object.entries(SIM_CONFIG_FIELDS)) {
    const at = ptr + layoutOffset(m, "SIMCFG", field);
    const value = values[field as keyof SimConfigValues];
    if (type === "u64") v.setBigUint64(at, value as bigint, true);
    else v.setUint32(at, value as number, true);
  }
}

/** The stats struct as numbers (exact below 2^53, which counts and ns sums of any practical run stay under). */
export function readSimStats(m: Nvmesim): SimStatsValues {
  const base = m.exports.engineStats();
  const v = m.view();
  const out = {} as Record<string, number>;
  for (const [field, type] of Object.entries(SIM_STATS_FIELDS)) {
    const at = base + layoutOffset(m, "SIMSTAT", field);
    out[field] = type === "f64" ? v.getFloat64(at, true) : Number(v.getBigUint64(at, true));
  }
  return out as SimStatsValues;
}

/** Bucket counts of the read or write latency histogram (fio's layout). */
export function readHistogram(m: Nvmesim, write: boolean): number[] {
  const base = m.exports.engineHistogram(write ? 1 : 0);
  const v = m.view();
  return Array.from({ length: m.constant("PLAT_NR") }, (_, i) => Number(v.getBigUint64(base + 8 * i, true)));
}
