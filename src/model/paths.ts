// The two host paths of 2014 as ordered step lists (Linux 3.19 blk-mq and the
// rw_page patch; docs/kernel-paths.md), and the later kernels' fixes as switches
// that remove or merge steps. Plain data and pure functions.

export const PATH_NAMES = ["blk-mq", "rw_page"] as const;
export type PathName = (typeof PATH_NAMES)[number];
export type Direction = "read" | "write";

/** What later kernels changed; each is combinable with either path. */
export interface Switches {
  /** 4.0: the iod lives in the request PDU, no kmalloc/kfree per I/O. */
  iodInPdu: boolean;
  /** 5.0 commit_rqs: one SQ doorbell per plugged batch, not per request. */
  batchDoorbell: boolean;
  /** 5.2: a single-segment request is mapped with dma_map_page, no scatterlist. */
  singleSegmentMap: boolean;
  /** 5.16: completions of one CQ pass end in one batch. */
  batchedCompletion: boolean;
  /** 6.3: swap-in from a SWP_SYNCHRONOUS_IO device (zram, brd, pmem) uses an on-stack bio, no bio allocation. */
  onStackBio: boolean;
  /** Later kernels: the submission path no longer reaps the CQ (3.19's nvme_queue_rq and nvme_rw_page end with
   * nvme_process_cq under the queue lock; today's drivers/nvme/host/pci.c does not). */
  noSubmitReap: boolean;
  /** 5.15: polled io_uring direct I/O takes its bio from a per-CPU cache. */
  bioCachePolled: boolean;
  /** 5.16: nvme_setup_cmd no longer clears the whole command first (its memset). */
  setupCmdNoMemset: boolean;
  /** 5.16: the other per-I/O block-layer work of October 2021's push (plug merging against the last request only,
   * a singly linked plug list, the request's layout, cached requests, ...), on today's step lists. */
  blockFixes516: boolean;
  /** 5.17 queue_rqs: a plug's requests reach the driver in one nvme_queue_rqs call. */
  queueRqs: boolean;
  /** 6.2: interrupt-driven io_uring direct I/O takes its bio from the per-CPU cache too. */
  bioCacheIrq: boolean;
  /** 6.1: a polled NVMe passthrough command's bio comes from the per-CPU cache (before, from kmalloc). */
  passthroughBioCache: boolean;
  /** 6.1: passthrough requests are allocated from the plug's cache and ended in the completion batch (before,
   * one at a time each). */
  passthroughBatch: boolean;
  /** hipri: the submitter polls the CQ instead of taking interrupts. */
  polled: boolean;
  /** 3.19's software queue merges an async write bio into an adjacent request still queued
   * (blk_mq_merge_queue_io, BLK_MQ_F_SHOULD_MERGE). Off by default: see docs/calibration.md (A8). */
  mergeWrites: boolean;
  /** Interrupt coalescing: completions per interrupt (0 or 1 = off). */
  irqCoalesceThreshold: number;
  /** Interrupt coalescing: longest wait for the threshold, ns. */
  irqCoalesceTimeNs: number;
  /** I/Os of at least this many bytes use SGLs instead of PRPs (0 = never), as Linux's sgl_threshold. */
  sglThresholdBytes: number;
}

/** The switches only today's step lists read (paths-today.ts, engines.ts): 2014's paths are the same either way. */
export const TODAY_ONLY_SWITCHES = [
  "bioCachePolled",
  "setupCmdNoMemset",
  "blockFixes516",
  "queueRqs",
  "bioCacheIrq",
  "passthroughBioCache",
  "passthroughBatch",
] as const;

/** The switches that are on or off (the others take numbers). */
export const BOOLEAN_SWITCHES = [
  "iodInPdu",
  "batchDoorbell",
  "singleSegmentMap",
  "batchedCompletion",
  "onStackBio",
  "noSubmitReap",
  ...TODAY_ONLY_SWITCHES,
  "polled",
  "mergeWrites",
] as const;

export const SWITCHES_OFF: Switches = {
  iodInPdu: false,
  batchDoorbell: false,
  singleSegmentMap: false,
  batchedCompletion: false,
  onStackBio: false,
  noSubmitReap: false,
  bioCachePolled: false,
  setupCmdNoMemset: false,
  blockFixes516: false,
  queueRqs: false,
  bioCacheIrq: false,
  passthroughBioCache: false,
  passthroughBatch: false,
  polled: false,
  mergeWrites: false,
  irqCoalesceThreshold: 0,
  irqCoalesceTimeNs: 0,
  sglThresholdBytes: 0,
};

/** The steps of one path, grouped by how often each is charged. */
export interface PathSteps {
  /** Per request on the submission side, in the submitting task. */
  submitIo: string[];
  /** Per request: the driver's part of submission (->queue_rq), run by the
   * submitter when it issues directly, by the kblockd worker otherwise. */
  dispatchIo: string[];
  /** Per kblockd run that dispatches queued requests (3.19 async writes);
   * empty when the submitter issues directly. */
  kblockdRun: string[];
  /** Per bio that merges into a request still queued (3.19 async writes), in place of submitIo: its request
   * and tag are taken, then freed again. Empty where nothing merges. */
  mergeBio: string[];
  /** Per bio a merged request ends past its first (blk_update_request ends each bio). */
  completeBio: string[];
  /** Per SQ doorbell write (one per request unless batchDoorbell). */
  submitBatch: string[];
  /** Per completion entry. */
  completeIo: string[];
  /** Per pass over the CQ (interrupt or poll). */
  completeBatch: string[];
  /** Per interrupt taken; empty when polled. */
  interrupt: string[];
}

// Each list names the functions in call order, as Linux 3.19.8's sources have them (docs/kernel-paths.md says
// which file). Static functions the compiler inlines into their one caller (nvme_set_info, nvme_submit_iod,
// part_dec_in_flight) are not steps of their own: their cost is in the caller's share.

/** Per request, in the submitter: bio, make_request, tag and request (block/blk-core.c, block/blk-mq.c,
 * block/blk-mq-tag.c). */
const BLK_MQ_SUBMIT = [
  "bio_alloc_bioset",
  "mempool_alloc",
  "kmem_cache_alloc",
  "submit_bio",
  "generic_make_request",
  "generic_make_request_checks",
  "blk_mq_make_request",
  "blk_mq_map_request",
  "blk_mq_queue_enter",
  "__blk_mq_alloc_request",
  "blk_mq_get_tag",
  "bt_get",
  "__bt_get",
  "blk_mq_bio_to_request",
  "blk_account_io_start",
];

// 3.19 blk_mq_make_request issues sync requests (reads) directly; an async
// write is inserted in the per-CPU software queue and kblockd runs the
// hardware queue later (docs/kernel-paths.md).
const BLK_MQ_ASYNC_INSERT = ["blk_mq_insert_request", "blk_mq_run_hw_queue"];

// blk_mq_merge_queue_io (NVMe sets BLK_MQ_F_SHOULD_MERGE): a bio adjacent to a request still in the software
// queue joins it (bio_attempt_back_merge, or front) and the request just mapped for it is freed.
const BLK_MQ_MERGE = [
  "blk_mq_attempt_merge",
  "bio_attempt_back_merge",
  "__blk_mq_free_request",
  "blk_mq_put_tag",
  "bt_clear_tag",
  "blk_mq_queue_exit",
];
/** What a merged bio does not do: become a request, be inserted, run the queue. */
const BLK_MQ_NOT_FOR_A_MERGED_BIO = ["blk_mq_bio_to_request", "blk_mq_insert_request", "blk_mq_run_hw_queue"];

/** One kblockd run: the work queued and the worker woken, a context switch to
 * it and back, and the hardware queue run over the software queue's list. */
const KBLOCKD_RUN = [
  "kblockd_schedule_delayed_work_on",
  "try_to_wake_up",
  "[kworker context switch]",
  "worker_thread",
  "process_one_work",
  "blk_mq_run_work_fn",
  "__blk_mq_run_hw_queue",
  "flush_busy_ctxs",
];

/** Per request, ->queue_rq (drivers/block/nvme-core.c): iod, scatterlist, DMA map, PRPs, the request started
 * with its timeout (blk_add_timer rounds the deadline up twice, block/blk-timeout.c), the SQE and the doorbell
 * under the queue lock. */
const BLK_MQ_DISPATCH = [
  "nvme_queue_rq",
  "nvme_alloc_iod",
  "____cache_alloc",
  "sg_init_table",
  "blk_rq_map_sg",
  "__blk_bios_map_sg",
  "swiotlb_map_sg_attrs",
  "nvme_setup_prps",
  "blk_mq_start_request",
  "blk_add_timer",
  "round_jiffies_common",
];

/** Per completion entry (nvme_process_cq's loop): the request for the command id, the driver's completion,
 * the block layer's end of the request and of its bio, accounting, the request and tag freed. */
const BLK_MQ_COMPLETE = [
  "blk_mq_tag_to_rq",
  "req_completion",
  "swiotlb_unmap_sg_attrs",
  "nvme_free_iod",
  "kfree",
  "blk_mq_complete_request",
  "blk_mq_end_request",
  "blk_update_request",
  "blk_account_io_completion",
  "req_bio_endio",
  "bio_endio",
  "END_SWAP_BIO",
  "bio_put",
  "mempool_free",
  "blk_account_io_done",
  "part_round_stats",
  "__blk_mq_free_request",
  "blk_mq_put_tag",
  "bt_clear_tag",
  "blk_mq_queue_exit",
];

/** The seed's rw_page (its profile shows a blk-mq request and tag taken): the bdev entry, the driver's own
 * SQE build, a request from blk_mq_alloc_request, dma_map_page. */
const RW_PAGE_SUBMIT = [
  "BDEV_PAGE",
  "nvme_rw_page",
  "blk_mq_alloc_request",
  "blk_mq_queue_enter",
  "__blk_mq_alloc_request",
  "blk_mq_get_tag",
  "bt_get",
  "__bt_get",
  "swiotlb_map_page",
];
const RW_PAGE_COMPLETE = [
  "blk_mq_tag_to_rq",
  "swiotlb_unmap_page",
  "PAGE_ENDIO",
  "__blk_mq_free_request",
  "blk_mq_put_tag",
  "bt_clear_tag",
  "blk_mq_queue_exit",
];

/** An interrupt's entry and exit around the queue's handler (arch/x86/kernel/irq.c, kernel/irq/chip.c,
 * kernel/softirq.c). */
const INTERRUPT = ["do_IRQ", "irq_enter", "handle_edge_irq", "handle_irq_event_percpu", "nvme_irq", "irq_exit"];

function without(list: string[], drop: readonly string[]): string[] {
  return list.filter((s) => !drop.includes(s));
}

function replace(list: string[], from: string, to: readonly string[]): string[] {
  return list.flatMap((s) => (s === from ? [...to] : [s]));
}

/** What the workload around a path is: swap (writes are writeback) or fio (O_DIRECT, sync writes), on a
 * device that is SWP_SYNCHRONOUS_IO (RAM-backed: zram, brd, pmem) or not. */
export interface PathContext {
  swap: boolean;
  synchronousDevice: boolean;
}

const SWAP_ON_NVME: PathContext = { swap: true, synchronousDevice: false };

/** The step lists of `path` for one direction with `switches` applied, in `context` (the seed's: swap on NVMe). */
export function pathSteps(
  path: PathName,
  direction: Direction,
  switches: Switches,
  context: PathContext = SWAP_ON_NVME,
): PathSteps {
  const read = direction === "read";
  const writeback = context.swap && !read;
  let submitIo: string[];
  let dispatchIo: string[] = [];
  let kblockdRun: string[] = [];
  let mergeBio: string[] = [];
  let completeBio: string[] = [];
  let completeIo: string[];
  const completeBatch = ["nvme_process_cq", "nvme_ring_cq_doorbell"];
  // The page's end: a read's page up to date and unlocked; a write's writeback ended (end_page_writeback).
  const pageEnd = (fn: string) => (read ? [fn] : [fn, "end_page_writeback"]);
  if (path === "blk-mq") {
    submitIo = [...BLK_MQ_SUBMIT];
    dispatchIo = [...BLK_MQ_DISPATCH];
    // From 5.0 (with commit_rqs) the model lets the submitter issue a plugged
    // batch of writes itself, one doorbell at the end, instead of kblockd.
    if (writeback && !switches.batchDoorbell) {
      submitIo.push(...BLK_MQ_ASYNC_INSERT);
      kblockdRun = [...KBLOCKD_RUN];
      if (switches.mergeWrites) mergeBio = [...without(submitIo, BLK_MQ_NOT_FOR_A_MERGED_BIO), ...BLK_MQ_MERGE];
    }
    completeIo = replace(
      [...BLK_MQ_COMPLETE],
      "END_SWAP_BIO",
      pageEnd(read ? "end_swap_bio_read" : "end_swap_bio_write"),
    );
    if (!context.swap)
      completeIo = without(completeIo, ["end_swap_bio_read", "end_swap_bio_write", "end_page_writeback"]);
    if (switches.iodInPdu) {
      dispatchIo = without(dispatchIo, ["nvme_alloc_iod", "____cache_alloc"]);
      completeIo = without(completeIo, ["nvme_free_iod", "kfree"]);
    }
    if (switches.singleSegmentMap) {
      dispatchIo = replace(
        without(dispatchIo, ["sg_init_table", "blk_rq_map_sg", "__blk_bios_map_sg"]),
        "swiotlb_map_sg_attrs",
        ["swiotlb_map_page"],
      );
      completeIo = replace(completeIo, "swiotlb_unmap_sg_attrs", ["swiotlb_unmap_page"]);
    }
    // 6.3's on-stack bio is swap_readpage_bdev_sync: swap-in from a SWP_SYNCHRONOUS_IO device only.
    if (switches.onStackBio && read && context.swap && context.synchronousDevice) {
      submitIo = without(submitIo, ["bio_alloc_bioset", "mempool_alloc", "kmem_cache_alloc"]);
      completeIo = without(completeIo, ["bio_put", "mempool_free"]);
    }
    if (switches.batchedCompletion) {
      completeIo = without(completeIo, ["blk_mq_complete_request", "blk_mq_end_request", "blk_account_io_completion"]);
      completeBatch.push("blk_mq_end_request_batch");
    }
    if (mergeBio.length) {
      const perBio = [
        "req_bio_endio",
        "bio_endio",
        "end_swap_bio_write",
        "end_page_writeback",
        "bio_put",
        "mempool_free",
      ];
      completeBio = completeIo.filter((s) => perBio.includes(s));
    }
  } else {
    submitIo = replace([...RW_PAGE_SUBMIT], "BDEV_PAGE", [read ? "bdev_read_page" : "bdev_write_page"]);
    completeIo = replace([...RW_PAGE_COMPLETE], "PAGE_ENDIO", pageEnd("page_endio"));
  }
  if (switches.polled) completeBatch[0] = "nvme_poll";
  return {
    submitIo,
    dispatchIo,
    kblockdRun,
    mergeBio,
    completeBio,
    submitBatch: ["nvme_write_sq_db"],
    completeIo,
    completeBatch,
    interrupt: switches.polled ? [] : [...INTERRUPT],
  };
}

/** Where 2014's code inlined the doorbell writes the model charges as steps of their own (A4): a perf
 * profile of those kernels shows their samples under these functions. */
export const DOORBELLS_INLINED_2014: Record<PathName, Record<string, string>> = {
  "blk-mq": { nvme_write_sq_db: "nvme_queue_rq", nvme_ring_cq_doorbell: "nvme_process_cq" },
  rw_page: { nvme_write_sq_db: "nvme_rw_page", nvme_ring_cq_doorbell: "nvme_process_cq" },
};

/** Steps charged on every page fault of the swap workload, minor or major (mm/memory.c do_swap_page: the
 * fault, the swap-cache lookup, the page locked and mapped, the swap entry's count dropped). clear_page_c and
 * unmap_single_vma are the seed program's own page churn, charged per fault as the seed shows them. */
export const SWAP_FAULT_STEPS = [
  "page_fault",
  "__do_page_fault",
  "handle_mm_fault",
  "vmacache_find",
  "__radix_tree_lookup",
  "page_waitqueue",
  "test_and_set_bit.constprop.90",
  "do_raw_spin_lock",
  "_raw_spin_lock_irqsave",
  "swap_info_get",
  "swap_entry_free",
  "put_page_testzero",
  "list_del",
  "clear_page_c",
  "unmap_single_vma",
];

/** Steps of a major fault only: the readahead around the slot (mm/swap_state.c swapin_readahead). */
export const SWAP_MAJOR_FAULT_STEPS = ["swapin_readahead"];

/** Steps per page read into the swap cache (read_swap_cache_async): a page allocated, the slot's swap-cache
 * reference taken, the page inserted in the swap cache's radix tree. */
export const SWAP_PAGE_IN_STEPS = [
  "__alloc_pages_nodemask",
  "get_page_from_freelist",
  "next_zones_zonelist",
  "__rmqueue",
  "__swap_duplicate",
  "radix_tree_insert",
  "__add_to_swap_cache",
];

/** Steps per page written out by reclaim: after writeback the page leaves the swap cache (radix-tree delete,
 * its tags checked with tag_get, the node freed by RCU) and is freed to the buddy allocator. */
export const SWAP_PAGE_OUT_STEPS = ["tag_get", "__call_rcu.constprop.62", "__free_one_page"];

/** perf's PMU save on a context switch: charged only when perf records the run (the seed's own runs). */
export const PROFILER_STEPS = ["intel_pmu_disable_all"];

/** The sleeper's side of a sleep on I/O (a context switch away and back): a swap fault waits on the page lock
 * (__wait_on_bit -> bit_wait_io -> io_schedule); a fio job in io_getevents or a sync read. */
export function sleepSteps(swap: boolean, profiler: boolean): string[] {
  const cfs = ["__schedule", "update_curr", "update_cfs_shares", "__update_tg_runnable_avg.isra.23"];
  return [...(swap ? ["__wait_on_bit", "io_schedule"] : []), ...cfs, ...(profiler ? PROFILER_STEPS : [])];
}

/** The waker's side, in the interrupt: a swap read's unlock_page -> wake_up_page -> __wake_up_bit, and
 * try_to_wake_up for the sleeper. */
export function wakeSteps(swap: boolean): string[] {
  return [...(swap ? ["__wake_up_bit"] : []), "try_to_wake_up"];
}

/** The kblockd run's steps, with perf's PMU save on the kworker switch when profiled. */
export function kblockdSteps(steps: readonly string[], profiler: boolean): string[] {
  return steps.length > 0 && profiler ? [...steps, ...PROFILER_STEPS] : [...steps];
}
