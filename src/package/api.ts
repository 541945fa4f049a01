// nvmesim as a library: simulate() and sweep() over a module the caller's
// environment loads (from disk in Node, by URL in a browser bundle), and the
// configuration, spec and output helpers they take and give.
import { simulate as simulateIn, type SimulateOptions } from "../run/simulate";
import type { Result } from "../run/result";
import {
  gridSize,
  parseSpec,
  pointConfig,
  pointSeed,
  pointValueRecord,
  type Scalar,
  type SweepSpec,
} from "../sweep/spec";
import type { Nvmesim } from "../wasm/module";

/** One point of a sweep: its index, axis values and seed, and its result or the error that stopped it. */
export interface SweepPoint {
  point: number;
  values: Record<string, Scalar>;
  seed: bigint;
  result?: Result;
  error?: string;
}

export interface SweepOptions {
  /** Called as each point finishes, in point order. */
  onPoint?: (point: SweepPoint) => void;
  /** Stops before the next point when aborted (the promise rejects with an AbortError). */
  signal?: AbortSignal;
}

export interface NvmesimApi {
  /** One run of `config` (nvmesim run's JSON shape; defaults fill the rest). */
  simulate(config?: unknown, options?: SimulateOptions): Promise<Result>;
  /** Every point of a sweep spec ({ name?, base?, axes }), one after the other in this thread. */
  sweep(spec: unknown, options?: SweepOptions): Promise<{ spec: SweepSpec; points: SweepPoint[] }>;
}

/** The library over a module loader (called once; each call of simulate gets a fresh instance's run). */
export function nvmesimApi(load: () => Promise<Nvmesim>): NvmesimApi {
  const simulate = async (config: unknown = {}, options: SimulateOptions = {}) =>
    simulateIn(await load(), config, options);
  return {
    simulate,
    async sweep(input, options = {}) {
      const spec = parseSpec(input);
      const points: SweepPoint[] = [];
      for (let i = 0; i < gridSize(spec); i++) {
        if (options.signal?.aborted) throw new DOMException("sweep cancelled", "AbortError");
        const values = pointValueRecord(spec, i);
        const seed = pointSeed(BigInt(spec.base.seed as number | string), i);
        let point: SweepPoint;
        try {
          point = { point: i, values, seed, result: await simulate(pointConfig(spec, i), { signal: options.signal }) };
        } catch (err) {
          if ((err as Error).name === "AbortError") throw err;
          point = { point: i, values, seed, error: (err as Error).message };
        }
        points.push(point);
        options.onPoint?.(point);
      }
      return { spec, points };
    },
  };
}

export { DEFAULT_CONFIG, ConfigError, validateConfig, type RunConfig } from "../model/config";
export type { Result, NvmesimSection } from "../run/result";
export type { SimulateOptions } from "../run/simulate";
export { parseSpec, gridSize, type SweepSpec } from "../sweep/spec";
export { fioJsonText } from "../fio/json";
export { PRESETS } from "../model/presets";
