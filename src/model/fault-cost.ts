// CPU time per fault of the seed's swap workload on a path, summed straight
// from the step lists and the cost table without simulating: what the
// calibration implies when the device sets the pace (same faults either way).
import { chargesPerFault, type CostEntry, type SeedWorkload } from "./calibration";
import { pathSteps, type PathName, type Switches } from "./paths";
import { OTHER_KERNEL } from "./steps";

export interface FaultCost {
  /** CPU ns per fault. */
  totalNs: number;
  /** ns per fault by symbol. */
  bySymbol: Map<string, number>;
}

export function faultCost(
  path: PathName,
  switches: Switches,
  costs: readonly CostEntry[],
  workload: SeedWorkload,
): FaultCost {
  const ns = new Map(costs.map((c) => [c.symbol, c.ns]));
  const charges = chargesPerFault(pathSteps(path, "read", switches), pathSteps(path, "write", switches), workload);
  charges.set(OTHER_KERNEL, 1);
  const bySymbol = new Map<string, number>();
  let totalNs = 0;
  for (const [s, times] of charges) {
    const cost = ns.get(s);
    if (cost === undefined) throw new Error(`no cost for step ${s}`);
    bySymbol.set(s, cost * times);
    totalNs += cost * times;
  }
  return { totalNs, bySymbol };
}
