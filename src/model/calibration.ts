// Calibration: the cost table derived from the seed's blk-mq profile plus
// published anchors (docs/calibration.md explains each step; `nvmesim
// calibrate` regenerates both). The rw_page profile is never read here.
import {
  kblockdSteps,
  pathSteps,
  sleepSteps,
  SWAP_FAULT_STEPS,
  SWAP_MAJOR_FAULT_STEPS,
  SWAP_PAGE_IN_STEPS,
  SWAP_PAGE_OUT_STEPS,
  SWITCHES_OFF,
  wakeSteps,
  type PathSteps,
  type Switches,
} from "./paths";
import type { FigureId } from "./figures";
import { KWORKER_SWITCH, OTHER_KERNEL, STEPS } from "./steps";

export interface ProfileRow {
  path: string;
  symbol: string;
  percent: number;
}

export interface CostEntry {
  symbol: string;
  /** CPU time of one charge, ns. */
  ns: number;
  /** Share of the seed's blk-mq samples this step stands for, %. */
  seedPercent: number;
  source: string;
}

/** How often each step group runs per page fault of the seed's swap test (the calibration workload). */
export interface SeedWorkload {
  /** Major faults (the rest are minor: the page was in the swap cache). */
  majorFaults: number;
  /** Pages read in (a request each) and pages written out (a bio each). */
  reads: number;
  writes: number;
  /** Write requests dispatched (each completes once): fewer than writes when bios merged in the software queue. */
  writeRequests: number;
  /** SQ doorbell writes, CQ passes that took CQEs (nvme_process_cq, in interrupts or on submission), interrupts taken. */
  sqDoorbells: number;
  cqPasses: number;
  interrupts: number;
  /** Sleeps on I/O (a context switch pair each, and the waker's part). */
  sleeps: number;
  /** kblockd runs dispatching queued writes. */
  kblockdRuns: number;
}

/** A1-A2, the starting point: one fault is major, swaps one page in and one out, sleeps once, and 3.19
 * rings a doorbell and takes an interrupt per request; kblockd runs once for the fault's write. `nvmesim
 * calibrate` replaces these by the counts of the simulated blk-mq run (A6). */
export const SEED_WORKLOAD_ASSUMED: SeedWorkload = {
  majorFaults: 1,
  reads: 1,
  writes: 1,
  writeRequests: 1,
  sqDoorbells: 2,
  cqPasses: 2,
  interrupts: 2,
  sleeps: 1,
  kblockdRuns: 1,
};

/** Published anchor for the absolute scale (docs/references.md [axboe-2019]). */
export const SCALE_ANCHOR = {
  figure: "axboe-2019-libaio" as FigureId,
  nsPerIo: 1650,
  source:
    "docs/references.md [axboe-2019]: libaio 608 K IOPS per core ~1650 ns per I/O (Axboe, 'Efficient IO with io_uring', 2019)",
};

/** Share of a CQ pass (nvme_process_cq) and of nvme_queue_rq that is the inlined doorbell writel (assumption A4). */
export const DOORBELL_SHARE_OF_CALLER = 0.5;

/** Steps priced by analogy (assumption A5): step -> the blk-mq steps doing the same work (their costs summed, times factor).
 * Most are steps the seed's blk-mq run never executed; the kworker's context switch it did execute, in samples the
 * listing does not show (another task, below the cut-off). */
export const ANALOGIES: Record<string, { like: string | string[]; factor: number; why: string }> = {
  [KWORKER_SWITCH]: {
    like: ["__schedule", "update_curr", "update_cfs_shares", "__update_tg_runnable_avg.isra.23"],
    factor: 1,
    why: "a switch to another task and back, like the swap task's sleep on I/O without the page-lock wait (perf's PMU save is charged apart)",
  },
  blk_mq_alloc_request: {
    like: "blk_mq_map_request",
    factor: 1,
    why: "the same context mapping and request allocation, called directly instead of from make_request",
  },
  bdev_read_page: { like: "submit_bio", factor: 1, why: "a thin entry point like submit_bio" },
  bdev_write_page: { like: "submit_bio", factor: 1, why: "a thin entry point like submit_bio" },
  nvme_rw_page: {
    like: "nvme_queue_rq",
    factor: 0.5,
    why: "repeats the SQE build, queue lock and sq_tail update of nvme_queue_rq's own body but no iod, scatterlist or request setup",
  },
  swiotlb_map_page: {
    like: "swiotlb_map_sg_attrs",
    factor: 1,
    why: "dma_map_sg of one entry is one dma_map_page plus a loop",
  },
  swiotlb_unmap_page: { like: "swiotlb_unmap_sg_attrs", factor: 1, why: "as swiotlb_map_page" },
  page_endio: {
    like: "end_swap_bio_read",
    factor: 1,
    why: "the same page flag and unlock work (a write's end_page_writeback is a step of its own on both paths)",
  },
  nvme_poll: { like: "nvme_process_cq", factor: 1, why: "a CQ pass without the interrupt" },
  blk_mq_attempt_merge: {
    like: "blk_mq_insert_request",
    factor: 1,
    why: "the software queue's list under its lock, as the insert a merged bio skips",
  },
  bio_attempt_back_merge: {
    like: "blk_mq_bio_to_request",
    factor: 1,
    why: "takes a bio into a request, as blk_mq_bio_to_request does for a new one",
  },
  blk_mq_end_request_batch: {
    like: "blk_mq_end_request",
    factor: 1,
    why: "ends a whole batch for about the cost of one request's end",
  },
  nvme_pci_setup_sgls: {
    like: "nvme_setup_prps",
    factor: 1,
    why: "builds the data pointer, descriptors instead of PRPs",
  },
};

export interface ZipfFit {
  a: number;
  b: number;
  /** Expected share (%) of the function at 1-based `rank`. */
  at(rank: number): number;
}

/** Least-squares fit of log(percent) = a + b log(rank) over a listing sorted by percent (at least two shares above 0). */
export function fitZipf(percents: readonly number[]): ZipfFit {
  if (percents.length < 2 || percents.some((p) => !(p > 0 && Number.isFinite(p))))
    throw new Error(`the tail fit needs two or more shares above 0% (got ${percents.join(", ") || "none"})`);
  const xs = percents.map((_, i) => Math.log(i + 1));
  const ys = percents.map((p) => Math.log(p));
  const mx = xs.reduce((s, x) => s + x, 0) / xs.length;
  const my = ys.reduce((s, y) => s + y, 0) / ys.length;
  let sxy = 0;
  let sxx = 0;
  xs.forEach((x, i) => {
    sxy += (x - mx) * (ys[i] - my);
    sxx += (x - mx) ** 2;
  });
  const b = sxy / sxx;
  const a = my - b * mx;
  return { a, b, at: (rank) => Math.exp(a + b * Math.log(rank)) };
}

/** Charges per fault of each step in the calibration workload's run of `read` and `write`. */
export function chargesPerFault(read: PathSteps, write: PathSteps, w: SeedWorkload): Map<string, number> {
  const charges = new Map<string, number>();
  const add = (steps: readonly string[], n: number) => steps.forEach((s) => charges.set(s, (charges.get(s) ?? 0) + n));
  add(SWAP_FAULT_STEPS, 1);
  add(SWAP_MAJOR_FAULT_STEPS, w.majorFaults);
  add(SWAP_PAGE_IN_STEPS, w.reads);
  add(SWAP_PAGE_OUT_STEPS, w.writes);
  // The seed's runs were recorded by perf: its PMU save is charged on each context switch.
  add(sleepSteps(true, true), w.sleeps);
  add(wakeSteps(true), w.sleeps);
  // A write bio that merged into a queued request runs mergeBio instead of submitIo, and ends with that
  // request (completeBio); only the requests are dispatched and complete.
  const merged = write.mergeBio.length ? w.writes - w.writeRequests : 0;
  add(read.submitIo, w.reads);
  add(read.dispatchIo, w.reads);
  add(read.completeIo, w.reads);
  add(write.submitIo, w.writes - merged);
  add(write.dispatchIo, w.writeRequests);
  add(write.completeIo, w.writeRequests);
  add(kblockdSteps(write.kblockdRun, true), w.kblockdRuns);
  add(read.submitBatch, w.sqDoorbells);
  add(read.completeBatch, w.cqPasses);
  add(read.interrupt, w.interrupts);
  add(write.mergeBio, merged);
  add(write.completeBio, merged);
  for (const [s, n] of charges) if (n === 0) charges.delete(s);
  return charges;
}

export interface Calibration {
  entries: CostEntry[];
  workload: SeedWorkload;
  zipf: ZipfFit;
  listedPercent: number;
  estimatedPercent: number;
  otherPercent: number;
  nsPerFault: number;
  /** The blk-mq switches the step lists were taken with (SWITCHES_OFF but for an A8 variant). */
  switches: Switches;
}

/** Derives the cost table from the blk-mq rows of the seed profile. Throws if it is handed rw_page rows. */
/** The choices a calibration makes; the defaults are the documented assumptions, the others serve sensitivity checks. */
export interface CalibrationOptions {
  workload: SeedWorkload;
  /** Multiplies the fitted tail share given to each unlisted path function (A3). */
  tailScale: number;
  /** Share of nvme_queue_rq / nvme_process_cq that is the inlined doorbell (A4). */
  doorbellShare: number;
  /** A3 variant: an unlisted function run less often than once per read gets its rank's share scaled by how often it runs. */
  tailByCalls: boolean;
  /** A3 variant: ranks below the cut-off left to functions the model does not name before the path's take theirs. */
  tailRankOffset: number;
  /** A8 variant: swap-out bios merge in the software queue (switches.mergeWrites). */
  mergeWrites: boolean;
}

export function calibrate(blkMqRows: readonly ProfileRow[], options: Partial<CalibrationOptions> = {}): Calibration {
  const workload = options.workload ?? SEED_WORKLOAD_ASSUMED;
  const tailScale = options.tailScale ?? 1;
  const doorbellShare = options.doorbellShare ?? DOORBELL_SHARE_OF_CALLER;
  if (blkMqRows.some((r) => r.path !== "blk_mq")) throw new Error("calibration takes the blk_mq profile only");
  const sorted = [...blkMqRows].sort((x, y) => y.percent - x.percent);
  const listed = new Map(sorted.map((r) => [r.symbol, r.percent]));
  const zipf = fitZipf(sorted.map((r) => r.percent));
  const switches: Switches = { ...SWITCHES_OFF, mergeWrites: options.mergeWrites ?? false };
  const read = pathSteps("blk-mq", "read", switches);
  const write = pathSteps("blk-mq", "write", switches);
  const charges = chargesPerFault(read, write, workload);

  // Shares (% of blk-mq samples): listed ones as measured, the doorbells split
  // out of their callers, the rest from the fitted tail at the next free ranks.
  const share = new Map<string, { percent: number; source: string }>();
  let nextRank = sorted.length + 1 + (options.tailRankOffset ?? 0);
  for (const symbol of charges.keys()) {
    if (symbol === "nvme_write_sq_db" || symbol === "nvme_ring_cq_doorbell" || symbol in ANALOGIES) continue;
    const p = listed.get(symbol);
    if (p !== undefined) share.set(symbol, { percent: p, source: `seed blk-mq profile: ${p.toFixed(2)}%` });
    else {
      const rank = nextRank++;
      const calls = options.tailByCalls ? Math.min(1, charges.get(symbol)! / workload.reads) : 1;
      share.set(symbol, {
        percent: zipf.at(rank) * tailScale * calls,
        source: `below the seed's cut-off: fitted tail at rank ${rank} (A3)`,
      });
    }
  }
  for (const [db, caller] of [
    ["nvme_write_sq_db", "nvme_queue_rq"],
    ["nvme_ring_cq_doorbell", "nvme_process_cq"],
  ] as const) {
    const c = share.get(caller)!;
    const part = c.percent * doorbellShare;
    share.set(caller, { percent: c.percent - part, source: `${c.source}, less its inlined doorbell (A4)` });
    share.set(db, {
      percent: part,
      source: `the writel inlined in ${caller}: ${(doorbellShare * 100).toFixed(0)}% of its share (A4)`,
    });
  }
  // Absolute scale: one read's blk-mq path costs the anchor.
  const ioPathPercent = [
    read.submitIo,
    read.dispatchIo,
    read.submitBatch,
    read.completeIo,
    read.completeBatch,
    read.interrupt,
  ]
    .flat()
    .reduce((s, sym) => s + share.get(sym)!.percent / charges.get(sym)!, 0);
  const nsPerFault = (SCALE_ANCHOR.nsPerIo / ioPathPercent) * 100;
  const nsOf = (symbol: string) => ((share.get(symbol)!.percent / 100) * nsPerFault) / (charges.get(symbol) ?? 1);

  // Analogies: priced from the steps they resemble; those the blk-mq run executed take their share too.
  const analogyNs = new Map<string, number>();
  for (const [symbol, a] of Object.entries(ANALOGIES)) {
    const likes = typeof a.like === "string" ? [a.like] : a.like;
    for (const l of likes) if (!share.has(l)) throw new Error(`analogy for ${symbol} names ${l}, which has no cost`);
    const ns = round(likes.reduce((sum, l) => sum + nsOf(l), 0) * a.factor);
    analogyNs.set(symbol, ns);
    const n = charges.get(symbol);
    if (n !== undefined) {
      share.set(symbol, {
        percent: ((ns * n) / nsPerFault) * 100,
        source: `in the blk-mq run below the cut-off, priced as ${a.factor} x ${likes.join(" + ")}: ${a.why} (A5)`,
      });
    }
  }

  const listedPercent = sorted.reduce((s, r) => s + r.percent, 0);
  const namedPercent = [...share.values()].reduce((s, v) => s + v.percent, 0);
  const restPercent =
    100 - namedPercent - [...listed.keys()].filter((k) => !share.has(k)).reduce((s, k) => s + listed.get(k)!, 0);
  // A listing whose tail fit overshoots (the estimates above sum past 100%) leaves nothing, never less.
  const otherPercent = Math.max(0, restPercent);
  share.set(OTHER_KERNEL, {
    percent: otherPercent,
    source:
      restPercent >= 0
        ? "100% less every share above (A3)"
        : `100% less every share above (A3): they sum to ${(100 - restPercent).toFixed(2)}%, so none is left`,
  });

  const entries: CostEntry[] = [...share.entries()].map(([symbol, v]) => ({
    symbol,
    ns: analogyNs.get(symbol) ?? round(nsOf(symbol)),
    seedPercent: round(v.percent),
    source: v.source,
  }));
  for (const [symbol, a] of Object.entries(ANALOGIES)) {
    if (charges.has(symbol)) continue;
    entries.push({
      symbol,
      ns: analogyNs.get(symbol)!,
      seedPercent: 0,
      source: `not in the blk-mq run: ${a.factor} x ${typeof a.like === "string" ? a.like : a.like.join(" + ")}, ${a.why} (A5)`,
    });
  }
  for (const e of entries) if (!(e.symbol in STEPS)) throw new Error(`cost for unknown step ${e.symbol}`);
  return { entries, workload, zipf, listedPercent, estimatedPercent: namedPercent, otherPercent, nsPerFault, switches };
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** Parses the seed CSV (path,symbol,module,percent). */
export function parseProfileCsv(text: string): ProfileRow[] {
  const [header, ...lines] = text.trim().split(/\r?\n/);
  if (header !== "path,symbol,module,percent") throw new Error(`unexpected seed profile header: ${header}`);
  return lines.map((line) => {
    const [path, symbol, , percent] = line.split(",");
    return { path, symbol, percent: Number(percent) };
  });
}
