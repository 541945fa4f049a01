// One sweep point in a worker: simulate its configuration in the worker's own
// module (loaded once) and hand back the result as JSON text, or the error that
// stopped it. The same in Node's worker threads and the page's module workers.
import { simulate } from "../run/simulate";
import type { Nvmesim } from "../wasm/module";

export interface PointTask {
  point: number;
  config: Record<string, unknown>;
}

export type PointOutcome = { point: number; result: string } | { point: number; error: string };

/** A point runner over a module loader (called once, on the first point). */
export function pointRunner(load: () => Promise<Nvmesim>): (task: PointTask) => Promise<PointOutcome> {
  let module: Promise<Nvmesim> | undefined;
  return async (task) => {
    module ??= load();
    try {
      const result = await simulate(await module, task.config, { breakdown: true });
      return { point: task.point, result: JSON.stringify(result) };
    } catch (err) {
      return { point: task.point, error: (err as Error).message };
    }
  };
}
