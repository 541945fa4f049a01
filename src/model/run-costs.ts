// The price of every step on a run's kernel and CPU. A kernel is priced by its era's table (kernels.ts:
// 3.19 by the seed's, later ones by today's); a step the era's table lacks takes the other table's price
// (assumption D1 of docs/calibration.md: code the profiles did not see costs what the other era measured).
// Each table was measured on its own CPU; a run's CPU divides by its speed against that one.
import type { CostEntry } from "./calibration";
import { COST_TABLE } from "./cost-table";
import { SMT_YIELD, TODAY_TABLE } from "./cost-table-today";
import { CPUS } from "./cpus";
import type { HostConfig } from "./config";
import { KERNELS } from "./kernels";

/** The CPU the seed's table was measured on (the seed's machine). */
export const SEED_CPU = "xeon-e5-v2";

/** One step's price on a run's machine: ns, and the table and CPU it came from. */
export interface StepPrice {
  ns: number;
  entry: CostEntry;
  table: "2014" | "today";
}

/** Prices of every step both tables know, for `host` (the seed's table may be replaced, and today's entries
 * overridden, as the calibrations do). */
export function stepPrices(
  host: HostConfig,
  seedTable: readonly CostEntry[] = COST_TABLE,
  todayOverrides: Readonly<Record<string, number>> = {},
): Map<string, StepPrice> {
  // A core's work per second: its speed, and 1.19x that when both its hyperthreads run the jobs (C3).
  const rate = (cpu: string, threadsPerCore: number) => CPUS[cpu].speed * (threadsPerCore === 2 ? SMT_YIELD : 1);
  const speed = rate(host.cpu, host.threadsPerCore);
  const tables = {
    "2014": { entries: seedTable, speed: rate(SEED_CPU, 1) },
    today: {
      entries: TODAY_TABLE.entries.map((e) =>
        e.symbol in todayOverrides ? { ...e, ns: todayOverrides[e.symbol] } : e,
      ),
      speed: rate(TODAY_TABLE.cpu, TODAY_TABLE.threadsPerCore),
    },
  };
  const first = KERNELS[host.kernel].costTable;
  const order = first === "2014" ? (["today", "2014"] as const) : (["2014", "today"] as const);
  const prices = new Map<string, StepPrice>();
  // The era's own table last, so its prices win.
  for (const table of order)
    for (const entry of tables[table].entries)
      prices.set(entry.symbol, { ns: (entry.ns * tables[table].speed) / speed, entry, table });
  return prices;
}

/** ns per charge of every step, for `host`. */
export function stepCosts(
  host: HostConfig,
  seedTable: readonly CostEntry[] = COST_TABLE,
  todayOverrides: Readonly<Record<string, number>> = {},
): Map<string, number> {
  return new Map([...stepPrices(host, seedTable, todayOverrides)].map(([s, p]) => [s, p.ns]));
}
