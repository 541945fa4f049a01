// Today's cost table: the steps of Linux 5.x and 6.x priced from published per-function profiles and
// per-layer figures (docs/calibration.md, "Today's table", explains each; docs/references.md has the
// sources), on the CPU those profiles were most likely taken on (C1). Plain arithmetic from the figures, done
// here so the table and its derivation cannot drift apart. The seed's 2014 table is not touched.
import type { CostEntry } from "./calibration";
import { COST_TABLE } from "./cost-table";
import { CPUS } from "./cpus";
import { FIGURES, type FigureId } from "./figures";
import fitted from "./cost-table-today.json";

/** The CPU the table is priced on (C1: Jens Axboe's box of December 2021 is not named in the mail). */
export const TODAY_CPU = "core-i9-12900k";

/** The published figures the table is set from (none may validate the model). */
export const TODAY_TABLE_USES: FigureId[] = [
  "axboe-13m-profile",
  "axboe-memset-profile",
  "xrp-crossing",
  "xrp-read-syscall",
  "axboe-bio-cache-polled",
  "joshi-2022-block-poll",
  "joshi-2022-block-fixedbufs",
  "axboe-batched-completion",
  "axboe-block-opts",
  "axboe-dm-poll-smt",
  "ren-2023-io_uring",
];

/** C8: interrupt-driven io_uring's own work per I/O beyond what its steps of known price do, and C9: pinning a
 * user page for a direct I/O; ns on the table's CPU, fitted by `nvmesim calibrate` to two of [joshi-2022]'s
 * gains (src/run/today-calibration.ts). */
export const IRQ_RESIDUAL_NS: number = fitted.irqResidualNs;
export const PIN_NS: number = fitted.pinNs;
/** C12: io_uring's wait for completions, per sleep, beyond the scheduler's work: fitted to [ren-2023]'s io_uring
 * at queue depth 1. */
export const ASYNC_WAIT_NS: number = fitted.asyncWaitNs;

const value = (id: FigureId) => FIGURES[id].value as number;

/** C3: what a core's two hyperthreads do together over one thread alone ([axboe-dm-poll], the 12900K). */
export const SMT_YIELD = value("axboe-dm-poll-smt");

/** [axboe-13m]: t/io_uring at 13.04 M IOPS on one core (the mean of its four IOPS lines, 13,038-13,049 K). */
export const ANCHOR_IOPS = value("axboe-13m-profile");
/** ns of the core per I/O in the anchor run, its two hyperthreads together (C3: the table is priced for a core
 * whose two hyperthreads run the jobs; one thread alone does 1 / SMT_YIELD of its work). */
export const ANCHOR_NS_PER_IO = 1e9 / ANCHOR_IOPS;

/** The anchor's profile rows (share of the core, %), each as the step it prices (C4, C5 where renamed). */
export const ANCHOR_ROWS: { symbol: string; row: string; percent: number }[] = [
  { symbol: "__blk_mq_alloc_requests", row: "__blk_mq_alloc_requests", percent: 6.41 },
  { symbol: "blkdev_direct_IO", row: "blkdev_direct_IO.part.0", percent: 5.46 },
  { symbol: "blk_mq_end_request_batch", row: "blk_mq_end_request_batch", percent: 5.36 },
  { symbol: "submitter_uring_fn", row: "submitter_uring_fn", percent: 5.24 },
  { symbol: "io_submit_sqes", row: "io_submit_sqes", percent: 5.18 },
  { symbol: "bio_alloc_kiocb", row: "bio_alloc_kiocb", percent: 5.12 },
  { symbol: "nvme_handle_cqe", row: "nvme_poll", percent: 4.75 },
  { symbol: "io_import_fixed", row: "__io_import_iovec", percent: 4.67 },
  { symbol: "nvme_queue_rqs", row: "nvme_queue_rqs", percent: 4.58 },
  { symbol: "blk_mq_submit_bio", row: "blk_mq_submit_bio", percent: 4.49 },
  { symbol: "nvme_map_data", row: "nvme_map_data", percent: 4.32 },
  { symbol: "io_issue_sqe", row: "io_issue_sqe", percent: 3.02 },
  { symbol: "nvme_setup_cmd", row: "nvme_setup_cmd", percent: 2.89 },
  { symbol: "io_prep_rw", row: "io_prep_rw", percent: 2.6 },
  { symbol: "submit_bio_noacct", row: "submit_bio_noacct.part.0", percent: 2.59 },
];

/** I/Os per charge in the anchor run (C6): per io_uring_enter (IOS/call=30/30) and per doorbell (each call's 30
 * spread over the thread's two devices); a polling pass finds one completion at a time, as the engine's
 * poller takes each CQE as it is posted. */
export const ANCHOR_IOS_PER_CALL = 30;
export const ANCHOR_IOS_PER_DOORBELL = 15;

/** The anchor run's steps below its listing's cut-off, with I/Os per charge (a test holds them to runSteps). */
export const ANCHOR_UNLISTED: { symbol: string; iosPerCharge: number }[] = [
  ...[
    "blkdev_read_iter",
    "submit_bio",
    "blk_attempt_plug_merge",
    "blk_mq_bio_to_request",
    "blk_account_io_start",
    "blk_mq_start_request",
    "nvme_unmap_data",
    "blk_update_request",
    "bio_endio",
    "bio_put",
    "blk_account_io_done",
    "__blk_mq_free_request",
    "blkdev_bio_end_io_async",
    "io_complete_rw_iopoll",
    "io_fill_cqe_req",
  ].map((symbol) => ({ symbol, iosPerCharge: 1 })),
  { symbol: "__x64_sys_io_uring_enter", iosPerCharge: ANCHOR_IOS_PER_CALL },
  ...["blk_mq_flush_plug_list", "nvme_write_sq_db"].map((symbol) => ({
    symbol,
    iosPerCharge: ANCHOR_IOS_PER_DOORBELL,
  })),
  ...["nvme_poll", "nvme_ring_cq_doorbell", "nvme_pci_complete_batch", "io_do_iopoll"].map((symbol) => ({
    symbol,
    iosPerCharge: 1,
  })),
];

/** ns measured on `cpu` with `threadsPerCore` of its hyperthreads running, as ns on the table's CPU and its two
 * hyperthreads (E1, C3). */
const onTodayCpu = (ns: number, cpu: string, threadsPerCore: number) =>
  (ns * CPUS[cpu].speed * (threadsPerCore === 2 ? SMT_YIELD : 1)) / (CPUS[TODAY_CPU].speed * SMT_YIELD);

/** [xrp] Table 1 (Linux 5.8, Core i5-8500 at 3 GHz, KPTI off): the rows that price a step. */
const XRP_CROSSING_NS = value("xrp-crossing");
const XRP_READ_SYSCALL_NS = value("xrp-read-syscall");
/** [axboe-memset]: nvme_setup_cmd's memset, 4.40% of a core at ~6.7 M IOPS; nvme_queue_rq 5.90% there (C1: the
 * Ryzen 9 5950X). */
const MEMSET_RUN_NS_PER_IO = 1e9 / value("axboe-memset-profile");
/** [axboe-bio-cache]: one polled thread, 3,111,520 IOPS without the bio cache (C1: the 3970X, before he moved to
 * the 5950X); with it, the figure's ratio more. */
const BIO_CACHE_SAVED_NS = 1e9 / 3_111_520 - 1e9 / (3_111_520 * value("axboe-bio-cache-polled"));

function entry(symbol: string, ns: number, source: string, percent = 0): CostEntry {
  return { symbol, ns: Math.round(ns * 1000) / 1000, seedPercent: percent, source };
}

/** The prices `nvmesim calibrate` fits (C8, C9, C12), ns on the table's CPU. */
export interface TodayFit {
  irqResidualNs: number;
  pinNs: number;
  /** C12: an async engine's wait for completions, per sleep. */
  asyncWaitNs: number;
}

/** The committed fit (src/model/cost-table-today.json). */
export const COMMITTED_FIT: TodayFit = {
  irqResidualNs: IRQ_RESIDUAL_NS,
  pinNs: PIN_NS,
  asyncWaitNs: ASYNC_WAIT_NS,
};

/** Today's table with the fitted prices `fit`. */
export function todayTable(fit: TodayFit): CostEntry[] {
  const out = new Map<string, CostEntry>();
  const put = (e: CostEntry) => out.set(e.symbol, e);
  const ns = (symbol: string) => {
    const e = out.get(symbol);
    if (!e) throw new Error(`today's table: ${symbol} is priced before it is defined`);
    return e.ns;
  };
  for (const r of ANCHOR_ROWS)
    put(
      entry(
        r.symbol,
        (r.percent / 100) * ANCHOR_NS_PER_IO,
        `[axboe-13m] ${r.row} ${r.percent}% of ${ANCHOR_NS_PER_IO.toFixed(1)} ns`,
        r.percent,
      ),
    );
  put(
    entry(
      "entry_SYSCALL_64",
      onTodayCpu(XRP_CROSSING_NS, "core-i5-8500", 1),
      "[xrp] Table 1 kernel crossing 351 ns (E1)",
    ),
  );
  put(
    entry(
      "__x64_sys_pread64",
      onTodayCpu(XRP_READ_SYSCALL_NS, "core-i5-8500", 1),
      "[xrp] Table 1 read syscall 199 ns (E1)",
    ),
  );
  // C6: what the listing leaves is shared equally, per I/O, by the anchor run's other steps (the crossing,
  // priced by XRP, first taken out of it).
  const listed = ANCHOR_ROWS.reduce((s, r) => s + r.percent, 0);
  const rest = ANCHOR_NS_PER_IO * (1 - listed / 100) - ns("entry_SYSCALL_64") / ANCHOR_IOS_PER_CALL;
  const unit = rest / ANCHOR_UNLISTED.length;
  for (const u of ANCHOR_UNLISTED)
    put(
      entry(
        u.symbol,
        unit * u.iosPerCharge,
        `C6: below [axboe-13m]'s cut-off, ${unit.toFixed(2)} ns per I/O${u.iosPerCharge > 1 ? ` x ${u.iosPerCharge} I/Os per charge` : ""}`,
      ),
    );
  const like = (symbol: string, of: string[], why: string, factor = 1) =>
    put(
      entry(
        symbol,
        factor * of.reduce((s, o) => s + ns(o), 0),
        `C7: as ${of.join(" + ")}${factor !== 1 ? ` x ${factor}` : ""}: ${why}`,
      ),
    );
  put(
    entry(
      "[nvme_setup_cmd memset]",
      onTodayCpu(0.044 * MEMSET_RUN_NS_PER_IO, "ryzen-9-5950x", 2),
      "[axboe-memset] +4.40% of ~149 ns (C1, E1)",
    ),
  );
  put(
    entry(
      "nvme_queue_rq",
      onTodayCpu(0.059 * MEMSET_RUN_NS_PER_IO, "ryzen-9-5950x", 2),
      "[axboe-memset] nvme_queue_rq 5.90% of ~149 ns (C1, E1)",
    ),
  );
  // The bio without the cache: the cached bio's price plus what the cache saved, split over the three steps.
  const uncached = (ns("bio_alloc_kiocb") + onTodayCpu(BIO_CACHE_SAVED_NS, "threadripper-3970x", 1)) / 3;
  for (const s of ["bio_alloc_bioset", "mempool_alloc", "kmem_cache_alloc"])
    put(
      entry(
        s,
        uncached,
        `[axboe-bio-cache] (bio_alloc_kiocb + ${BIO_CACHE_SAVED_NS.toFixed(1)} ns saved (C1, E1)) / 3`,
      ),
    );
  put(
    entry(
      "io_cqring_wait",
      fit.asyncWaitNs,
      "C12: fitted to [ren-2023]'s io_uring at queue depth 1, 81.3 K IOPS (nvmesim calibrate)",
    ),
  );
  put(
    entry(
      "bio_iov_iter_get_pages",
      fit.pinNs,
      "C9: fitted to [joshi-2022]'s fixed buffers over none, interrupt-driven (nvmesim calibrate)",
    ),
  );
  like("__io_import_iovec", ["io_import_fixed"], "the import of a user iovec in place of a registered buffer");
  like("io_file_get_normal", ["io_fill_cqe_req"], "a few atomic operations on a shared structure (fget, fput)");
  like("nvme_map_user_request", ["bio_iov_iter_get_pages"], "the user pages pinned into the request's bio");
  like("blk_rq_map_user_bvec", ["blk_mq_bio_to_request"], "a registered buffer's bvec set in the request's bio");
  like("blk_rq_unmap_user", ["bio_endio"], "the mapping's bio ended (the pages' release is C9's)");
  like("import_single_range", ["__io_import_iovec"], "a user range made an iov_iter, as io_uring's import of one");
  like("bio_kmalloc", ["kmem_cache_alloc"], "one slab allocation of a bio and its inline vecs");
  like("kfree", ["kmem_cache_alloc"], "the bio freed, as the slab allocation it undoes");
  like("blk_mq_alloc_request", ["__blk_mq_alloc_requests"], "one request and tag, as the cache's per-request share");
  like("nvme_uring_cmd_io", ["blkdev_direct_IO"], "the command built from the SQE and sent, as a direct I/O's bio");
  like("io_uring_cmd", ["io_prep_rw"], "the SQE's fields taken for the command");
  like("nvme_uring_cmd_end_io", ["blkdev_bio_end_io_async"], "the command's end handed to io_uring");
  like("blk_mq_free_request", ["__blk_mq_free_request"], "the same free, called by the request's owner");
  like("__blkdev_direct_IO_simple", ["blkdev_direct_IO"], "the same bio built, on the stack");
  like("blkdev_bio_end_io_simple", ["blkdev_bio_end_io_async"], "the bio's end, waking the caller instead");
  // C10: batched completion's gain ([axboe-batched-completion], 6.1 to 6.6 M IOPS on two gen2 Optane, C1: the
  // 5950X) is what one request's own end costs without it.
  const batchSavedNs = 1e9 / 6.1e6 - 1e9 / (6.1e6 * value("axboe-batched-completion"));
  put(
    entry(
      "nvme_pci_complete_rq",
      onTodayCpu(batchSavedNs, "ryzen-9-5950x", 2),
      `C10: [axboe-batched-completion] ~6.1 to ~6.6 M IOPS: ${batchSavedNs.toFixed(1)} ns per I/O (C1, E1)`,
    ),
  );
  // C11: the rest of October 2021's push ([axboe-block-opts], ~5.5 to ~8.2 M IOPS on the 5950X, C1) less what
  // the memset and batched completion, priced on their own, took.
  const pushSavedNs = 1e9 / 5.5e6 - 1e9 / (5.5e6 * value("axboe-block-opts"));
  const memsetNs = 0.044 * MEMSET_RUN_NS_PER_IO;
  put(
    entry(
      "[block per-I/O work before 5.16]",
      onTodayCpu(pushSavedNs - batchSavedNs - memsetNs, "ryzen-9-5950x", 2),
      `C11: [axboe-block-opts] ${pushSavedNs.toFixed(1)} ns per I/O, less the memset's ${memsetNs.toFixed(1)} and batched completion's ${batchSavedNs.toFixed(1)} (C1, E1)`,
    ),
  );
  like("blk_mq_end_request", ["blk_mq_end_request_batch"], "one request's end, the batch loop's body");
  like("nvme_poll_cq", ["nvme_poll"], "the interrupt's pass over the CQ, as the poller's");
  like("io_complete_rw", ["io_complete_rw_iopoll"], "a read's end marked for its completion");
  put(
    entry(
      "io_req_task_work_add",
      fit.irqResidualNs,
      "C8: fitted to [joshi-2022]'s polled over interrupt-driven gain (nvmesim calibrate)",
    ),
  );
  like("tctx_task_work", ["io_do_iopoll"], "a pass over the completed requests, posting their CQEs");
  like("__x64_sys_io_submit", ["__x64_sys_io_uring_enter"], "a submitting call's own work");
  like("__x64_sys_io_getevents", ["__x64_sys_io_uring_enter"], "a waiting call's own work");
  like(
    "io_submit_one",
    ["io_submit_sqes", "io_issue_sqe", "io_prep_rw", "__io_import_iovec", "kmem_cache_alloc"],
    "one request from user memory, its kiocb from the slab, the read issued",
  );
  like("aio_complete_rw", ["io_complete_rw", "io_fill_cqe_req"], "the event posted in the completion ring");
  like("read_events", ["io_cqring_wait"], "a wait for completions and its wake-up, as io_uring_enter's");
  like("[fio]", ["submitter_uring_fn"], "fio's own work per I/O is not published: taken as t/io_uring's (low)");
  // The interrupt's entry and exit as 2014's, scaled to this CPU (D1).
  const seed = new Map(COST_TABLE.map((e) => [e.symbol, e.ns]));
  const fromSeed = (symbol: string, of: string[]) =>
    put(
      entry(
        symbol,
        onTodayCpu(
          of.reduce((s, o) => s + seed.get(o)!, 0),
          "xeon-e5-v2",
          1,
        ),
        `D1: the seed's ${of.join(" + ")} (E1)`,
      ),
    );
  fromSeed("common_interrupt", ["do_IRQ", "irq_enter", "irq_exit"]);
  fromSeed("handle_irq_event", ["handle_irq_event_percpu"]);
  return [...out.values()];
}

/** Today's table: the CPU it is priced on, with two hyperthreads per core (C3), and its entries (ns per charge). */
export const TODAY_TABLE: { cpu: string; threadsPerCore: number; entries: readonly CostEntry[] } = {
  cpu: TODAY_CPU,
  threadsPerCore: 2,
  entries: todayTable(COMMITTED_FIT),
};
