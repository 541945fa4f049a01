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
const MAX_ROUNDS = 40;
/** Rounds taken as they come; after them each next workload is the mean of every workload measured since (the
 * counts move the costs and the costs move the counts: completions batch more when passes cost more, so near
 * the fixed point the measured counts circle it by a few parts in a thousand rather than land on it). */
const UNDAMPED_ROUNDS = 3;
/** Settled: a round's measured counts within this fraction of the ones used, or (averaging) the mean of the
 * measured ones moving by less than MEAN_TOLERANCE. */
const TOLERANCE = 0.002;
const MEAN_TOLERANCE = 0.01;

/** How often each step group ran per page fault in a swap run. */
export function workloadFromStats(s: SimStatsValues): SeedWorkload {
  const per = (n: number) => Number((n / s.faults).toFixed(DECIMALS));
  return {
    majorFaults: per(s.majorFaults),
    reads: per(s.nSubmitRead),
    writes: per(s.nSubmitWrite),
    writeRequests: per(s.nDispatchWrite),
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

const keys = (w: SeedWorkload) => Object.keys(w) as (keyof SeedWorkload)[];
const within = (a: SeedWorkload, b: SeedWorkload, tolerance: number) =>
  keys(a).every((k) => Math.abs(a[k] - b[k]) <= tolerance * Math.max(Math.abs(b[k]), 1e-9));
const meanOf = (ws: readonly SeedWorkload[]): SeedWorkload =>
  Object.fromEntries(
    keys(ws[0]).map((k) => [k, Number((ws.reduce((s, w) => s + w[k], 0) / ws.length).toFixed(DECIMALS))]),
  ) as unknown as SeedWorkload;

/** Calibrates from the blk-mq rows at the fixed point of the seed scenario's blk-mq workload. */
export async function calibrateAtSeedWorkload(
  m: Nvmesim,
  blkMqRows: readonly ProfileRow[],
  options: Partial<Omit<CalibrationOptions, "workload">> & { dataPipe?: "one" | "each-way" } = {},
): Promise<SeedCalibration> {
  const config = validateConfig({
    ...SEED_SCENARIO_CONFIG,
    path: "blk-mq",
    switches: { mergeWrites: options.mergeWrites ?? false },
    device: { ...SEED_SCENARIO_CONFIG.device, dataPipe: options.dataPipe ?? "one" },
  });
  const rounds: SeedWorkload[] = [SEED_WORKLOAD_ASSUMED];
  const measured: SeedWorkload[] = [];
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const c = calibrate(blkMqRows, { ...options, workload: rounds[rounds.length - 1] });
    const run = await runEngine(m, config, { costTable: c.entries });
    const next = workloadFromStats(run.stats);
    if (within(next, c.workload, TOLERANCE)) return { ...c, rounds };
    if (round < UNDAMPED_ROUNDS) {
      rounds.push(next);
      continue;
    }
    measured.push(next);
    const average = meanOf(measured);
    if (measured.length > 1 && within(average, c.workload, MEAN_TOLERANCE)) return { ...c, rounds };
    rounds.push(average);
  }
  throw new Error(`the calibration workload did not settle in ${MAX_ROUNDS} rounds: ${JSON.stringify(rounds)}`);
}
