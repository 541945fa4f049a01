// The seed scenario: the swap program of November 2014 on a 2014-class
// machine and a P3700-class device, run for the same simulated time through
// both paths and laid next to the seed's two perf profiles. The rw_page
// numbers are predictions: the cost table never saw the rw_page profile.
import type { ProfileRow } from "../model/calibration";
import { DOORBELLS_INLINED_2014, type PathName } from "../model/paths";
import type { ProfileEntry, Result } from "./result";
import type { Nvmesim } from "../wasm/module";
import { simulate, type SimulateOptions } from "./simulate";

// A 2014 two-socket Xeon class machine (16 CPUs), one swap thread per CPU, recorded by perf as the seed's
// runs were (its PMU save on each context switch is charged: the one run that charges it).
export const SEED_SCENARIO_CONFIG = {
  cpus: 16,
  qDepth: 1024,
  host: { cpu: "xeon-e5-v2", profiler: true },
  device: { preset: "p3700-2014" },
  workload: {
    kind: "swap",
    threads: 16,
    memory: "256m",
    workingSet: "768m",
    pageCluster: 3,
    pattern: "sequential",
    userNsPerAccess: 200,
    faults: 0,
    runtime: 2,
  },
};

/** The seed's measurement: about 16% fewer samples with rw_page over the same run time. */
export const SEED_CPU_RATIO = 0.84;

export interface SeedComparison {
  blkMq: Result;
  rwPage: Result;
  /** rw_page kernel CPU over blk-mq kernel CPU for the same simulated time. */
  cpuRatio: number;
  /** rw_page faults over blk-mq faults. */
  faultRatio: number;
  /** Functions the seed's rw_page listing lacks (blk-mq only) that the simulated rw_page profile has, and vice versa; both should be empty. */
  wrongFunctions: { rwPageHas: string[]; blkMqHas: string[] };
  /** Each path's simulated profile as 2014's perf would show it: doorbell writes folded into the functions that inlined them. */
  perf: { blkMq: ProfileEntry[]; rwPage: ProfileEntry[] };
  /** Spearman rank correlation of simulated (perf view) and measured percentages over the functions both list, per path. */
  spearman: { blkMq: number; rwPage: number; common: { blkMq: number; rwPage: number } };
}

/** Spearman's rho with average ranks for ties. */
export function spearman(xs: readonly number[], ys: readonly number[]): number {
  const ranks = (v: readonly number[]) => {
    const order = v.map((x, i) => [x, i] as const).sort((a, b) => a[0] - b[0]);
    const r = new Array<number>(v.length);
    for (let i = 0; i < order.length;) {
      let j = i;
      while (j + 1 < order.length && order[j + 1][0] === order[i][0]) j++;
      for (let k = i; k <= j; k++) r[order[k][1]] = (i + j) / 2 + 1;
      i = j + 1;
    }
    return r;
  };
  const rx = ranks(xs);
  const ry = ranks(ys);
  const n = xs.length;
  const mean = (n + 1) / 2;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (rx[i] - mean) * (ry[i] - mean);
    sxx += (rx[i] - mean) ** 2;
    syy += (ry[i] - mean) ** 2;
  }
  return sxx && syy ? sxy / Math.sqrt(sxx * syy) : 0;
}

function kernelNs(r: Result): number {
  return r.nvmesim.profile.reduce((s, p) => s + p.ns, 0);
}

/** `r`'s profile with the doorbell steps folded into the 2014 functions that inlined them. */
export function perfView(r: Result): ProfileEntry[] {
  const into = DOORBELLS_INLINED_2014[r.nvmesim.path as PathName];
  const folded = new Map<string, ProfileEntry>();
  for (const p of r.nvmesim.profile) {
    const symbol = into[p.symbol] ?? p.symbol;
    const e = folded.get(symbol);
    folded.set(symbol, e ? { ...e, ns: e.ns + p.ns, percent: e.percent + p.percent } : { ...p, symbol });
  }
  return [...folded.values()].sort((a, b) => b.ns - a.ns);
}

function correlate(profile: readonly ProfileEntry[], measured: readonly ProfileRow[]): { rho: number; common: number } {
  const sim = new Map(profile.map((p) => [p.symbol, p.percent]));
  const both = measured.filter((m) => sim.has(m.symbol));
  return {
    rho: spearman(
      both.map((m) => m.percent),
      both.map((m) => sim.get(m.symbol)!),
    ),
    common: both.length,
  };
}

/** Runs both paths and compares them with the seed's rows (both paths' rows: the rw_page ones only as the check). */
export async function runSeedScenario(
  m: Nvmesim,
  seedRows: readonly ProfileRow[],
  options: SimulateOptions = {},
): Promise<SeedComparison> {
  const blkMq = await simulate(m, { ...SEED_SCENARIO_CONFIG, path: "blk-mq" }, options);
  const rwPage = await simulate(m, { ...SEED_SCENARIO_CONFIG, path: "rw_page" }, options);
  const perSecond = (r: Result) => kernelNs(r) / r.nvmesim.simulatedNs;
  const blkRows = seedRows.filter((r) => r.path === "blk_mq");
  const rwRows = seedRows.filter((r) => r.path === "rw_page");
  const rwListed = new Set(rwRows.map((r) => r.symbol));
  const blkListed = new Set(blkRows.map((r) => r.symbol));
  // Functions listed for one path only in the seed must be absent from the other path's simulation.
  const blkOnly = blkRows
    .map((r) => r.symbol)
    .filter(
      (s) =>
        !rwListed.has(s) &&
        [
          "nvme_queue_rq",
          "nvme_alloc_iod",
          "sg_init_table",
          "__blk_bios_map_sg",
          "swiotlb_map_sg_attrs",
          "blk_mq_start_request",
        ].includes(s),
    );
  const rwOnly = rwRows.map((r) => r.symbol).filter((s) => !blkListed.has(s) && s.startsWith("nvme_"));
  const has = (r: Result, s: string) => r.nvmesim.profile.some((p) => p.symbol === s);
  const perf = { blkMq: perfView(blkMq), rwPage: perfView(rwPage) };
  const cb = correlate(perf.blkMq, blkRows);
  const cr = correlate(perf.rwPage, rwRows);
  return {
    blkMq,
    rwPage,
    cpuRatio: perSecond(rwPage) / perSecond(blkMq),
    faultRatio: rwPage.nvmesim.swap!.faults / blkMq.nvmesim.swap!.faults,
    wrongFunctions: { rwPageHas: blkOnly.filter((s) => has(rwPage, s)), blkMqHas: rwOnly.filter((s) => has(blkMq, s)) },
    perf,
    spearman: { blkMq: cb.rho, rwPage: cr.rho, common: { blkMq: cb.common, rwPage: cr.common } },
  };
}
