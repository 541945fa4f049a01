// The calibration's fixed point (A6): the workload a cost table is derived
// for should be the one the model's own blk-mq run of the seed scenario
// performs. Starting from the assumed counts (A1-A2), calibrate, simulate the
// seed scenario's blk-mq run with that table, read how often each step group
// ran per fault, and calibrate again until the counts stop moving. Only the
// blk-mq run is ever simulated here; rw_page stays a prediction.
import {
  calibrate,
  SEED_WORKLOAD_ASSUMED,
  type Calibration,
  type CalibrationOptions,
  type ProfileRow,
  type SeedWorkload,
} from "../model/calibration";
import { validateConfig } from "../model/config";
import type { SimStatsValues } from "../wasm/engine";
import type { Nvmesim } from "../wasm/module";
import { SEED_SCENARIO_CONFIG } from "./seed-scenario";
import { runEngine } from "./simulate";

/** Counts per fault are kept to this many decimals, so the table is stable from one calibration to the next. */
const DECIMALS = 4;
const MAX_ROUNDS = 12;

/** How often each step group ran per page fault in a swap run. */
export function workloadFromStats(s: SimStatsValues): SeedWorkload {
  const per = (n: number) => Number((n / s.faults).toFixed(DECIMALS));
  return {
    reads: per(s.nSubmitRead),
    writes: per(s.nDispatchWrite),
    sqDoorbells: per(s.nSubmitBatch),
    cqPasses: per(s.nCompleteBatch),
    interrupts: per(s.nInterrupt),
    sleeps: per(s.nSleep),
    kblockdRuns: per(s.nKblockdRun),
  };
}

export interface SeedCalibration extends Calibration {
  /** The workload of each round, starting with the assumed one. */
  rounds: SeedWorkload[];
}

const same = (a: SeedWorkload, b: SeedWorkload) =>
  (Object.keys(a) as (keyof SeedWorkload)[]).every((k) => a[k] === b[k]);

/** Calibrates from the blk-mq rows at the fixed point of the seed scenario's blk-mq workload. */
export async function calibrateAtSeedWorkload(
  m: Nvmesim,
  blkMqRows: readonly ProfileRow[],
  options: Partial<Omit<CalibrationOptions, "workload">> = {},
): Promise<SeedCalibration> {
  const config = validateConfig({ ...SEED_SCENARIO_CONFIG, path: "blk-mq" });
  const rounds: SeedWorkload[] = [SEED_WORKLOAD_ASSUMED];
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const c = calibrate(blkMqRows, { ...options, workload: rounds[rounds.length - 1] });
    const run = await runEngine(m, config, { costTable: c.entries });
    const next = workloadFromStats(run.stats);
    if (same(next, c.workload)) return { ...c, rounds };
    rounds.push(next);
  }
  throw new Error(`the calibration workload did not settle in ${MAX_ROUNDS} rounds: ${JSON.stringify(rounds)}`);
}
