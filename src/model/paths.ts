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
  /** 6.3: swap-in uses an on-stack bio, no bio allocation. */
  onStackBio: boolean;
  /** hipri: the submitter polls the CQ instead of taking interrupts. */
  polled: boolean;
  /** Interrupt coalescing: completions per interrupt (0 or 1 = off). */
  irqCoalesceThreshold: number;
  /** Interrupt coalescing: longest wait for the threshold, ns. */
  irqCoalesceTimeNs: number;
  /** I/Os of at least this many bytes use SGLs instead of PRPs (0 = never), as Linux's sgl_threshold. */
  sglThresholdBytes: number;
}

/** The switches that are on or off (the others take numbers). */
export const BOOLEAN_SWITCHES = [
  "iodInPdu",
  "batchDoorbell",
  "singleSegmentMap",
  "batchedCompletion",
  "onStackBio",
  "polled",
] as const;

export const SWITCHES_OFF: Switches = {
  iodInPdu: false,
  batchDoorbell: false,
  singleSegmentMap: false,
  batchedCompletion: false,
  onStackBio: false,
  polled: false,
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
  /** Per SQ doorbell write (one per request unless batchDoorbell). */
  submitBatch: string[];
  /** Per completion entry. */
  completeIo: string[];
  /** Per pass over the CQ (interrupt or poll). */
  completeBatch: string[];
  /** Per interrupt taken; empty when polled. */
  interrupt: string[];
}

const BLK_MQ_SUBMIT = [
  "bio_alloc_bioset",
  "mempool_alloc",
  "kmem_cache_alloc",
  "submit_bio",
  "generic_make_request",
  "generic_make_request_checks",
  "blk_mq_make_request",
  "blk_mq_map_request",
  "__blk_mq_alloc_request",
  "blk_mq_get_tag",
  "bt_get",
  "__bt_get",
  "tag_get",
  "blk_mq_bio_to_request",
  "blk_account_io_start",
];

// 3.19 blk_mq_make_request issues sync requests (reads) directly; an async
// write is inserted in the per-CPU software queue and kblockd runs the
// hardware queue later (docs/kernel-paths.md).
const BLK_MQ_ASYNC_INSERT = ["blk_mq_insert_request", "blk_mq_run_hw_queue"];

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

const BLK_MQ_DISPATCH = [
  "nvme_queue_rq",
  "nvme_alloc_iod",
  "____cache_alloc",
  "sg_init_table",
  "blk_rq_map_sg",
  "__blk_bios_map_sg",
  "swiotlb_map_sg_attrs",
  "nvme_setup_prps",
  "nvme_set_info",
  "blk_mq_start_request",
  "nvme_submit_iod",
];

const BLK_MQ_COMPLETE = [
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
  "__blk_mq_free_request",
  "blk_mq_put_tag",
];

const RW_PAGE_SUBMIT = [
  "BDEV_PAGE",
  "nvme_rw_page",
  "__blk_mq_alloc_request",
  "blk_mq_get_tag",
  "bt_get",
  "__bt_get",
  "tag_get",
  "swiotlb_map_page",
];
const RW_PAGE_COMPLETE = ["swiotlb_unmap_page", "blk_mq_put_tag", "page_endio"];

function without(list: string[], drop: readonly string[]): string[] {
  return list.filter((s) => !drop.includes(s));
}

function replace(list: string[], from: string, to: readonly string[]): string[] {
  return list.flatMap((s) => (s === from ? [...to] : [s]));
}

/** The step lists of `path` for one direction with `switches` applied. Writes are
 * writeback (async, as swap-out) unless `writeback` is false (O_DIRECT writes are sync). */
export function pathSteps(path: PathName, direction: Direction, switches: Switches, writeback = true): PathSteps {
  const read = direction === "read";
  let submitIo: string[];
  let dispatchIo: string[] = [];
  let kblockdRun: string[] = [];
  let completeIo: string[];
  const completeBatch = ["nvme_process_cq", "nvme_ring_cq_doorbell"];
  if (path === "blk-mq") {
    submitIo = [...BLK_MQ_SUBMIT];
    dispatchIo = [...BLK_MQ_DISPATCH];
    // From 5.0 (with commit_rqs) the model lets the submitter issue a plugged
    // batch of writes itself, one doorbell at the end, instead of kblockd.
    if (!read && writeback && !switches.batchDoorbell) {
      submitIo.push(...BLK_MQ_ASYNC_INSERT);
      kblockdRun = [...KBLOCKD_RUN];
    }
    completeIo = replace([...BLK_MQ_COMPLETE], "END_SWAP_BIO", [read ? "end_swap_bio_read" : "end_swap_bio_write"]);
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
    if (switches.onStackBio && read) {
      submitIo = without(submitIo, ["bio_alloc_bioset", "mempool_alloc", "kmem_cache_alloc"]);
      completeIo = without(completeIo, ["bio_put", "mempool_free"]);
    }
    if (switches.batchedCompletion) {
      completeIo = without(completeIo, ["blk_mq_complete_request", "blk_mq_end_request", "blk_account_io_completion"]);
      completeBatch.push("blk_mq_end_request_batch");
    }
  } else {
    submitIo = replace([...RW_PAGE_SUBMIT], "BDEV_PAGE", [read ? "bdev_read_page" : "bdev_write_page"]);
    completeIo = [...RW_PAGE_COMPLETE];
  }
  if (switches.polled) completeBatch[0] = "nvme_poll";
  return {
    submitIo,
    dispatchIo,
    kblockdRun,
    submitBatch: ["nvme_write_sq_db"],
    completeIo,
    completeBatch,
    interrupt: switches.polled ? [] : ["do_IRQ", "nvme_irq"],
  };
}

/** Where 2014's code inlined the doorbell writes the model charges as steps of their own (A4): a perf
 * profile of those kernels shows their samples under these functions. */
export const DOORBELLS_INLINED_2014: Record<PathName, Record<string, string>> = {
  "blk-mq": { nvme_write_sq_db: "nvme_queue_rq", nvme_ring_cq_doorbell: "nvme_process_cq" },
  rw_page: { nvme_write_sq_db: "nvme_rw_page", nvme_ring_cq_doorbell: "nvme_process_cq" },
};

/** Steps charged per fault and per sleep by the swap workload (the same on both paths). */
export const SWAP_FAULT_STEPS = [
  "page_fault",
  "__do_page_fault",
  "handle_mm_fault",
  "vmacache_find",
  "swapin_readahead",
  "__radix_tree_lookup",
  "radix_tree_insert",
  "__add_to_swap_cache",
  "__swap_duplicate",
  "swap_info_get",
  "swap_entry_free",
  "__alloc_pages_nodemask",
  "get_page_from_freelist",
  "next_zones_zonelist",
  "__rmqueue",
  "clear_page_c",
  "__free_one_page",
  "put_page_testzero",
  "list_del",
  "test_and_set_bit.constprop.90",
  "do_raw_spin_lock",
  "_raw_spin_lock_irqsave",
  "page_waitqueue",
  "__call_rcu.constprop.62",
  "unmap_single_vma",
  "round_jiffies_common",
];

export const SLEEP_STEPS = [
  "__schedule",
  "__wait_on_bit",
  "update_curr",
  "update_cfs_shares",
  "__update_tg_runnable_avg.isra.23",
  "intel_pmu_disable_all",
];
