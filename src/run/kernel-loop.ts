// Runs the queue-machinery kernel loop (assembly/sim/kernel.ts) in batches:
// TypeScript calls into Wasm every `batchIos` completions, never per event
// and never once for a whole run (V8 does not tier up a running frame).
import type { Nvmesim } from "../wasm/module";

/** One kernel-loop run: everything that determines its result. */
export interface KernelLoopConfig {
  seed: bigint;
  /** Entries per queue (2..65536). */
  qDepth: number;
  /** Commands kept in flight (1..qDepth - 1). */
  iodepth: number;
  /** Bytes per I/O, a multiple of 512. */
  ioBytes: number;
  ios: number;
  /** Completion latency, uniform in [latencyNsMin, latencyNsMin + latencyNsSpan). */
  latencyNsMin: number;
  latencyNsSpan: number;
  /** Record the event queue's first N pushes and pops, for kernelReplay (the bench's queue-alone figure). */
  recordEventOps?: number;
}

export interface KernelLoopResult {
  ios: number;
  /** Simulated time at the last completion. */
  simulatedNs: bigint;
  checksum: number;
  /** Inconsistencies the engine noticed (full rings, bad doorbells); 0 in a correct run. */
  errors: number;
  doorbellWrites: number;
}

export const KERNEL_LOOP_DEFAULTS: KernelLoopConfig = {
  seed: 1n,
  qDepth: 1024,
  iodepth: 32,
  ioBytes: 4096,
  ios: 1_000_000,
  latencyNsMin: 2_000,
  latencyNsSpan: 8_000,
};

export const KERNEL_LOOP_BATCH_IOS = 10_000;

/** Runs the loop to completion in the module `m`. */
export function runKernelLoop(m: Nvmesim, c: KernelLoopConfig, batchIos = KERNEL_LOOP_BATCH_IOS): KernelLoopResult {
  const e = m.exports;
  const rc = e.kernelInit(
    c.seed,
    c.qDepth,
    c.iodepth,
    c.ioBytes,
    BigInt(c.ios),
    c.latencyNsMin,
    c.latencyNsSpan,
    c.recordEventOps ?? 0,
  );
  if (rc !== 0)
    throw new Error(
      `kernel loop rejected its configuration: ${JSON.stringify(c, (_k, v) => (typeof v === "bigint" ? String(v) : v))}`,
    );
  let done = 0;
  while (done < c.ios) {
    const n = e.kernelRun(Math.min(batchIos, c.ios - done));
    if (n === 0) break;
    done += n;
  }
  return {
    ios: done,
    simulatedNs: e.kernelNowNs(),
    checksum: e.kernelChecksum() >>> 0,
    errors: e.kernelErrors(),
    doorbellWrites: e.kernelDoorbellWrites(),
  };
}
