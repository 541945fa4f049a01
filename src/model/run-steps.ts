// A run's steps: every step list the engine charges, for the run's kernel (its step names and switches),
// its engine (the program's system calls) and its workload, and the shape of the engine's calls. The 3.19
// lists are paths.ts's; later kernels' are paths-today.ts's, with the engine's steps (engines.ts) around them.
import type { RunConfig } from "./config";
import { engineSteps, type EngineOptions, type EngineSteps } from "./engines";
import { KERNELS } from "./kernels";
import {
  kblockdSteps,
  pathSteps,
  sleepSteps,
  SWAP_FAULT_STEPS,
  SWAP_MAJOR_FAULT_STEPS,
  SWAP_PAGE_IN_STEPS,
  SWAP_PAGE_OUT_STEPS,
  wakeSteps,
  type Direction,
  type PathSteps,
} from "./paths";
import { todayPathSteps } from "./paths-today";
import { PRESETS } from "./presets";
import { OTHER_KERNEL } from "./steps";

/** Step lists for both directions, as the engine charges them. */
export interface RunSteps {
  read: PathSteps;
  write: PathSteps;
  /** A sleep on I/O: the sleeper's switch away and back, and the waker's part. */
  sleep: readonly string[];
  pollPass: readonly string[];
  /** Per page fault, per major fault, per page read in, per page written out (swap workload). */
  fault: readonly string[];
  majorFault: readonly string[];
  pageIn: readonly string[];
  pageOut: readonly string[];
  /** Per system call that submits, and per one that reaps or waits (engines with an interface). */
  submitCall: readonly string[];
  /** With sqthread_poll: the program's own work per I/O, on its CPU (the rest of submitIo runs on the SQ thread's). */
  submitUser: readonly string[];
  reapCall: readonly string[];
  /** The engine's call shape (SimConfig's submitBatch, completeMin, completeMax, reapCallAlways). */
  calls: Pick<EngineSteps, "submitBatch" | "completeMin" | "completeMax" | "reapCallAlways">;
}

/** The engine's options of a fio workload (t/io_uring's, when `program` says so). */
export function engineOptionsOf(c: RunConfig, program: EngineOptions["program"] = "fio"): EngineOptions | undefined {
  const w = c.workload;
  return w.kind === "fio" ? { ...w, program } : undefined;
}

/** The engine's steps around the block path, or none (the swap program, and the engines sync and async). */
function runEngine(c: RunConfig, program: EngineOptions["program"]): EngineSteps | undefined {
  const o = engineOptionsOf(c, program);
  return o ? engineSteps(o, KERNELS[c.host.kernel], c.switches) : undefined;
}

/** `p` with the engine's per-I/O and per-pass steps around it (the program's own work apart with an SQ thread). */
function withEngine(p: PathSteps, e: EngineSteps | undefined, sqPoll: boolean): PathSteps {
  if (!e) return p;
  const kernelIo = sqPoll ? e.submitIo.filter((s) => !e.userIo.includes(s)) : e.submitIo;
  return {
    ...p,
    submitIo: [...kernelIo, ...p.submitIo],
    completeIo: [...p.completeIo, ...e.completeIo],
    completeBatch: [...p.completeBatch, ...e.completeBatch],
  };
}

/** Every step list of the run `c` (validated), in `program` (fio, or fio's t/io_uring). */
export function runSteps(c: RunConfig, program: EngineOptions["program"] = "fio"): RunSteps {
  const swap = c.workload.kind === "swap";
  const bs = swap ? 4096 : (c.workload as { bs: number }).bs;
  // Above sgl_threshold the driver builds SGL descriptors instead of PRPs.
  const sgl = c.switches.sglThresholdBytes > 0 && bs >= c.switches.sglThresholdBytes;
  const dptr = (p: PathSteps): PathSteps =>
    sgl ? { ...p, dispatchIo: p.dispatchIo.map((s) => (s === "nvme_setup_prps" ? "nvme_pci_setup_sgls" : s)) } : p;
  const context = { swap, synchronousDevice: PRESETS[c.device.preset].synchronousIo };
  const kernel = KERNELS[c.host.kernel];
  const engine = runEngine(c, program);
  const path = (d: Direction): PathSteps => {
    // rw_page is the 2014 patch's steps on any kernel (on 6.3 and later, a what-if).
    if (kernel.vocabulary === "2014" || c.path === "rw_page") return pathSteps(c.path, d, c.switches, context);
    const caller = swap
      ? { caller: "swap" as const, bioCache: false, fixedBuffer: false, onStack: false }
      : engine!.caller;
    return todayPathSteps(d, c.switches, context, caller, c.queue);
  };
  const sqPoll = c.workload.kind === "fio" && c.workload.sqthread_poll;
  const write = dptr(withEngine(path("write"), engine, sqPoll));
  return {
    read: dptr(withEngine(path("read"), engine, sqPoll)),
    // Swap-out is writeback; fio's writes are O_DIRECT, issued synchronously.
    write: { ...write, kblockdRun: kblockdSteps(write.kblockdRun, c.host.profiler) },
    sleep: [...sleepSteps(swap, c.host.profiler), ...wakeSteps(swap), ...(engine?.sleep ?? [])],
    pollPass: engine?.pollPass ?? ["nvme_poll"],
    fault: swap ? [...SWAP_FAULT_STEPS, OTHER_KERNEL] : [],
    majorFault: swap ? SWAP_MAJOR_FAULT_STEPS : [],
    pageIn: swap ? SWAP_PAGE_IN_STEPS : [],
    pageOut: swap ? SWAP_PAGE_OUT_STEPS : [],
    submitCall: engine?.submitCall ?? [],
    submitUser: sqPoll ? engine!.userIo : [],
    reapCall: engine?.reapCall ?? [],
    calls: engine ?? { submitBatch: 0, completeMin: 0, completeMax: 0, reapCallAlways: 0 },
  };
}
