// What a sweep worker does for one point: simulate its configuration in the
// worker's own module (compiled once per worker) and return the result as
// JSON text, or the error that stopped it.
import { simulate } from "../run/simulate";
import type { Nvmesim } from "../wasm/module";
import { loadNvmesim } from "../wasm/node";

export interface PointTask {
  point: number;
  config: Record<string, unknown>;
}

export type PointOutcome = { point: number; result: string } | { point: number; error: string };

let module: Promise<Nvmesim> | undefined;

export async function runPoint(task: PointTask): Promise<PointOutcome> {
  module ??= loadNvmesim();
  try {
    const result = await simulate(await module, task.config);
    return { point: task.point, result: JSON.stringify(result) };
  } catch (err) {
    return { point: task.point, error: (err as Error).message };
  }
}
