// Calibration: the cost table derived from the seed's blk-mq profile plus
// published anchors (docs/calibration.md explains each step; `nvmesim
// calibrate` regenerates both). The rw_page profile is never read here.
import { pathSteps, SLEEP_STEPS, SWAP_FAULT_STEPS, SWITCHES_OFF, type PathSteps } from "./paths";
import { OTHER_KERNEL, STEPS } from "./steps";

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

/** The calibration workload: what one fault of the seed's swap test does (assumptions A1-A2). */
export const SEED_WORKLOAD = {
  readsPerFault: 1,
  writesPerFault: 1,
  sleepsPerFault: 1,
  completionsPerInterrupt: 1,
};

/** Published anchor for the absolute scale (REFERENCES.md, host CPU cost anchors). */
export const SCALE_ANCHOR = {
  nsPerIo: 1650,
  source: "REFERENCES.md: libaio 608 K IOPS per core ~1650 ns per I/O (Axboe, 'Efficient IO with io_uring', 2019)",
};

/** Share of a CQ pass (nvme_process_cq) and of nvme_queue_rq that is the inlined doorbell writel (assumption A4). */
export const DOORBELL_SHARE_OF_CALLER = 0.5;

/** Steps of paths the seed's blk-mq run never executed, priced by analogy (assumption A5): step -> the blk-mq step doing the same work. */
export const ANALOGIES: Record<string, { like: string; factor: number; why: string }> = {
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
  blk_mq_put_tag: { like: "__blk_mq_free_request", factor: 1, why: "frees the tag as __blk_mq_free_request does" },
  page_endio: { like: "end_swap_bio_read", factor: 1, why: "the same page flag and unlock work" },
  nvme_poll: { like: "nvme_process_cq", factor: 1, why: "a CQ pass without the interrupt" },
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

/** Least-squares fit of log(percent) = a + b log(rank) over a listing sorted by percent. */
export function fitZipf(percents: readonly number[]): ZipfFit {
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

/** Charges per fault of each step in the calibration workload's blk-mq run. */
function chargesPerFault(read: PathSteps, write: PathSteps): Map<string, number> {
  const w = SEED_WORKLOAD;
  const charges = new Map<string, number>();
  const add = (steps: readonly string[], n: number) => steps.forEach((s) => charges.set(s, (charges.get(s) ?? 0) + n));
  add(SWAP_FAULT_STEPS, 1);
  add(SLEEP_STEPS, w.sleepsPerFault);
  for (const [p, n] of [
    [read, w.readsPerFault],
    [write, w.writesPerFault],
  ] as const) {
    add(p.submitIo, n);
    add(p.submitBatch, n); // 3.19: one doorbell per request
    add(p.completeIo, n);
    add(p.completeBatch, n / w.completionsPerInterrupt);
    add(p.interrupt, n / w.completionsPerInterrupt);
  }
  return charges;
}

export interface Calibration {
  entries: CostEntry[];
  zipf: ZipfFit;
  listedPercent: number;
  estimatedPercent: number;
  otherPercent: number;
  nsPerFault: number;
}

/** Derives the cost table from the blk-mq rows of the seed profile. Throws if it is handed rw_page rows. */
export function calibrate(blkMqRows: readonly ProfileRow[]): Calibration {
  if (blkMqRows.some((r) => r.path !== "blk_mq")) throw new Error("calibration takes the blk_mq profile only");
  const sorted = [...blkMqRows].sort((x, y) => y.percent - x.percent);
  const listed = new Map(sorted.map((r) => [r.symbol, r.percent]));
  const zipf = fitZipf(sorted.map((r) => r.percent));
  const read = pathSteps("blk-mq", "read", SWITCHES_OFF);
  const write = pathSteps("blk-mq", "write", SWITCHES_OFF);
  const charges = chargesPerFault(read, write);

  // Shares (% of blk-mq samples): listed ones as measured, the doorbells split
  // out of their callers, the rest from the fitted tail at the next free ranks.
  const share = new Map<string, { percent: number; source: string }>();
  let nextRank = sorted.length + 1;
  for (const symbol of charges.keys()) {
    if (symbol === "nvme_write_sq_db" || symbol === "nvme_ring_cq_doorbell") continue;
    const p = listed.get(symbol);
    if (p !== undefined) share.set(symbol, { percent: p, source: `seed blk-mq profile: ${p.toFixed(2)}%` });
    else {
      const rank = nextRank++;
      share.set(symbol, {
        percent: zipf.at(rank),
        source: `below the seed's cut-off: fitted tail at rank ${rank} (A3)`,
      });
    }
  }
  for (const [db, caller] of [
    ["nvme_write_sq_db", "nvme_queue_rq"],
    ["nvme_ring_cq_doorbell", "nvme_process_cq"],
  ] as const) {
    const c = share.get(caller)!;
    const part = c.percent * DOORBELL_SHARE_OF_CALLER;
    share.set(caller, { percent: c.percent - part, source: `${c.source}, less its inlined doorbell (A4)` });
    share.set(db, {
      percent: part,
      source: `the writel inlined in ${caller}: ${(DOORBELL_SHARE_OF_CALLER * 100).toFixed(0)}% of its share (A4)`,
    });
  }
  const listedPercent = sorted.reduce((s, r) => s + r.percent, 0);
  const namedPercent = [...share.values()].reduce((s, v) => s + v.percent, 0);
  const otherPercent =
    100 - namedPercent - [...listed.keys()].filter((k) => !share.has(k)).reduce((s, k) => s + listed.get(k)!, 0);
  share.set(OTHER_KERNEL, { percent: otherPercent, source: "100% less every share above (A3)" });

  // Absolute scale: one read's blk-mq path costs the anchor.
  const ioPathPercent = [read.submitIo, read.submitBatch, read.completeIo, read.completeBatch, read.interrupt]
    .flat()
    .reduce((s, sym) => s + share.get(sym)!.percent / charges.get(sym)!, 0);
  const nsPerFault = (SCALE_ANCHOR.nsPerIo / ioPathPercent) * 100;
  const entries: CostEntry[] = [...share.entries()].map(([symbol, v]) => ({
    symbol,
    ns: round(((v.percent / 100) * nsPerFault) / (charges.get(symbol) ?? 1)),
    seedPercent: round(v.percent),
    source: v.source,
  }));
  const byName = new Map(entries.map((e) => [e.symbol, e]));
  for (const [symbol, a] of Object.entries(ANALOGIES)) {
    const like = byName.get(a.like);
    if (!like) throw new Error(`analogy for ${symbol} names ${a.like}, which has no cost`);
    entries.push({
      symbol,
      ns: round(like.ns * a.factor),
      seedPercent: 0,
      source: `not in the blk-mq run: ${a.factor} x ${a.like}, ${a.why} (A5)`,
    });
  }
  for (const e of entries) if (!(e.symbol in STEPS)) throw new Error(`cost for unknown step ${e.symbol}`);
  return { entries, zipf, listedPercent, estimatedPercent: namedPercent, otherPercent, nsPerFault };
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
