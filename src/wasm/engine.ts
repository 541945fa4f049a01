// The engine's config and stats structs from TypeScript: field offsets come
// from the module (SIMCFG_* / SIMSTAT_* exports, assembly/sim/engine.ts); the
// field types are listed here, and a test checks both lists name the same fields.
import type { Nvmesim } from "./module";

export const SIM_CONFIG_FIELDS = {
  seed: "u64",
  iosTotal: "u64",
  runtimeNs: "u64",
  regionBytes: "u64",
  linkBytesPerSec: "u64",
  cpus: "u32",
  qDepth: "u32",
  threads: "u32",
  iodepth: "u32",
  readPercent: "u32",
  random: "u32",
  bs: "u32",
  polled: "u32",
  batchDoorbell: "u32",
  irqCoalesceThreshold: "u32",
  irqCoalesceTimeNs: "u32",
  verify: "u32",
  fetchNs: "u32",
  processNs: "u32",
  dies: "u32",
  readLatKind: "u32",
  readLatA: "u32",
  readLatB: "u32",
  writeLatKind: "u32",
  writeLatA: "u32",
  writeLatB: "u32",
  errReadPpm: "u32",
  errWritePpm: "u32",
  maxRetries: "u32",
  costSubmitRead: "u32",
  costSubmitWrite: "u32",
  costSubmitBatch: "u32",
  costCompleteRead: "u32",
  costCompleteWrite: "u32",
  costCompleteBatch: "u32",
  costInterrupt: "u32",
  costSleep: "u32",
  costPollPass: "u32",
  workload: "u32",
  memPages: "u32",
  pageCluster: "u32",
  userNsPerAccess: "u32",
  costFault: "u32",
  errPrpPpm: "u32",
  sglThresholdBytes: "u32",
  kblockdWrites: "u32",
  costDispatchWrite: "u32",
  costKblockdRun: "u32",
} as const;

export const SIM_STATS_FIELDS = {
  nowNs: "u64",
  completed: "u64",
  submitted: "u64",
  iosRead: "u64",
  bytesRead: "u64",
  latSumRead: "u64",
  latMinRead: "u64",
  latMaxRead: "u64",
  latSqRead: "f64",
  slatSumRead: "u64",
  slatMinRead: "u64",
  slatMaxRead: "u64",
  slatSqRead: "f64",
  clatMinRead: "u64",
  clatMaxRead: "u64",
  clatSqRead: "f64",
  iosWrite: "u64",
  bytesWrite: "u64",
  latSumWrite: "u64",
  latMinWrite: "u64",
  latMaxWrite: "u64",
  latSqWrite: "f64",
  slatSumWrite: "u64",
  slatMinWrite: "u64",
  slatMaxWrite: "u64",
  slatSqWrite: "f64",
  clatMinWrite: "u64",
  clatMaxWrite: "u64",
  clatSqWrite: "f64",
  nSubmitRead: "u64",
  nSubmitWrite: "u64",
  nSubmitBatch: "u64",
  nCompleteBatch: "u64",
  nInterrupt: "u64",
  nSleep: "u64",
  nPollPass: "u64",
  cpuBusyNs: "u64",
  pollSpinNs: "u64",
  deviceBusyNs: "u64",
  integrityErrors: "u64",
  injectedErrors: "u64",
  detectedErrors: "u64",
  retries: "u64",
  failedIos: "u64",
  engineErrors: "u64",
  cqDoorbells: "u64",
  faults: "u64",
  majorFaults: "u64",
  swapIns: "u64",
  swapOuts: "u64",
  userNs: "u64",
  nDispatchWrite: "u64",
  nKblockdRun: "u64",
} as const;

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
