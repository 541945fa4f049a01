// What a sweep worker thread does for one point (src/sweep/worker.js loads it
// for the pool): the point runner over the module read from disk.
import { loadNvmesim } from "../wasm/node";
import { pointRunner } from "./point-run";

export type { PointOutcome, PointTask } from "./point-run";

export const runPoint = pointRunner(loadNvmesim);
