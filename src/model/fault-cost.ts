// CPU time per fault of the seed's swap workload on a path, summed straight
// from the step lists and the cost table without simulating: what the
// calibration implies when the device sets the pace (same faults either way).
import { SEED_WORKLOAD, type CostEntry } from "./calibration";
import { pathSteps, SLEEP_STEPS, SWAP_FAULT_STEPS, type PathName, type Switches } from "./paths";
import { OTHER_KERNEL } from "./steps";

export interface FaultCost {
  /** CPU ns per fault. */
  totalNs: number;
  /** ns per fault by symbol. */
  bySymbol: Map<string, number>;
}

export function faultCost(path: PathName, switches: Switches, costs: readonly CostEntry[]): FaultCost {
  const ns = new Map(costs.map((c) => [c.symbol, c.ns]));
  const bySymbol = new Map<string, number>();
  const charge = (steps: readonly string[], times: number) => {
    for (const s of steps) {
      const cost = ns.get(s);
      if (cost === undefined) throw new Error(`no cost for step ${s}`);
      bySymbol.set(s, (bySymbol.get(s) ?? 0) + cost * times);
    }
  };
  const w = SEED_WORKLOAD;
  charge([...SWAP_FAULT_STEPS, OTHER_KERNEL], 1);
  charge(SLEEP_STEPS, w.sleepsPerFault);
  for (const [direction, n] of [
    ["read", w.readsPerFault],
    ["write", w.writesPerFault],
  ] as const) {
    const p = pathSteps(path, direction, switches);
    charge(p.submitIo, n);
    charge(p.submitBatch, n);
    charge(p.completeIo, n);
    charge(p.completeBatch, n / w.completionsPerInterrupt);
    charge(p.interrupt, n / w.completionsPerInterrupt);
  }
  let totalNs = 0;
  for (const v of bySymbol.values()) totalNs += v;
  return { totalNs, bySymbol };
}
