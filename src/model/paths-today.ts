// The block path as Linux 5.x and 6.x run it, in today's step names (steps-today.ts), with the changes after
// 5.0 as switches: the bio cache, queue_rqs, batched completion, nvme_setup_cmd's memset. What reaches it
// differs by caller: a direct I/O from a program (the engine's own steps come from engines.ts), the swap
// program's bio, or NVMe passthrough, which takes a request without a bio path. Plain data and pure
// functions; the 2014 lists are paths.ts's.
import type { Direction, PathContext, PathSteps, Switches } from "./paths";
import { BLOCK_WORK_BEFORE_516, SETUP_CMD_MEMSET } from "./steps-today";

/** How I/O reaches the block layer: direct I/O (fio's engines), swap's bio, or passthrough (io_uring_cmd). */
export type Caller = "direct" | "swap" | "passthrough";

/** The sysfs knobs of the block queue (/sys/block/DEV/queue). */
export interface QueueKnobs {
  /** iostats: the block layer's per-disk accounting (blk_account_io_start and _done). */
  iostats: boolean;
  /** nomerges: 0 tries every merge, 1 only the simple one-hit ones, 2 none. */
  nomerges: number;
}

export const QUEUE_DEFAULTS: QueueKnobs = { iostats: true, nomerges: 0 };

/** What the caller decides of the path: its bio (from the cache or not), pinned pages or a registered buffer. */
export interface TodayCaller {
  caller: Caller;
  /** The bio comes from the per-CPU cache (io_uring with the cache switch for its completion mode). */
  bioCache: boolean;
  /** The user buffer is registered (fixedbufs): no page pinning per I/O. */
  fixedBuffer: boolean;
  /** A synchronous direct I/O (pread): one bio on the stack, waited for in the call. */
  onStack: boolean;
}

const ALLOC_BIO = ["bio_alloc_bioset", "mempool_alloc", "kmem_cache_alloc"];

/** The bio's making: a direct I/O's from the user's iov_iter, the swap program's from its page. */
function bioSteps(c: TodayCaller, read: boolean, s: Switches, ctx: PathContext): string[] {
  if (c.caller === "swap") {
    // 6.3's swap_readpage_bdev_sync: an on-stack bio for swap-in from a SWP_SYNCHRONOUS_IO device.
    const onStack = s.onStackBio && read && ctx.synchronousDevice;
    return onStack ? ["submit_bio"] : [...ALLOC_BIO, "submit_bio"];
  }
  const pages = c.fixedBuffer ? [] : ["bio_iov_iter_get_pages"];
  if (c.onStack) return ["__blkdev_direct_IO_simple", ...pages, "submit_bio"];
  return ["blkdev_direct_IO", ...(c.bioCache ? ["bio_alloc_kiocb"] : ALLOC_BIO), ...pages, "submit_bio"];
}

/** The block layer's and driver's steps for one request on today's kernels, with `switches` applied. */
export function todayPathSteps(
  direction: Direction,
  switches: Switches,
  context: PathContext,
  caller: TodayCaller,
  queue: QueueKnobs = QUEUE_DEFAULTS,
): PathSteps {
  const read = direction === "read";
  const passthrough = caller.caller === "passthrough";
  // Passthrough takes a request straight from blk_mq_alloc_request: no bio path, no iostats, no merging.
  const iostats = queue.iostats && !passthrough;
  const merges = queue.nomerges < 2 && !passthrough;
  // 6.1's passthroughBatch: a passthrough request from the plug's cache and ended in the completion batch; before,
  // blk_mq_alloc_request took one tag at a time and each request ended on its own (its end_io kept it out).
  const batched = switches.batchedCompletion && (!passthrough || switches.passthroughBatch);
  const submitIo = passthrough
    ? [switches.passthroughBatch ? "__blk_mq_alloc_requests" : "blk_mq_alloc_request"]
    : [
        ...bioSteps(caller, read, switches, context),
        "submit_bio_noacct",
        "blk_mq_submit_bio",
        ...(merges ? ["blk_attempt_plug_merge"] : []),
        "__blk_mq_alloc_requests",
        "blk_mq_bio_to_request",
        ...(iostats ? ["blk_account_io_start"] : []),
        ...(switches.blockFixes516 ? [] : [BLOCK_WORK_BEFORE_516]),
      ];
  const setup = ["nvme_setup_cmd", ...(switches.setupCmdNoMemset ? [] : [SETUP_CMD_MEMSET])];
  const map = switches.singleSegmentMap
    ? ["nvme_map_data"]
    : ["nvme_map_data", "sg_init_table", "blk_rq_map_sg", "__blk_bios_map_sg", "swiotlb_map_sg_attrs"];
  // queue_rqs prepares and copies a plug's requests in one call (nvme_prep_rq and nvme_sq_copy_cmd inlined, its
  // per-request share charged per request, C4); ->queue_rq does the same one request at a time.
  const dispatchIo = [switches.queueRqs ? "nvme_queue_rqs" : "nvme_queue_rq", ...setup, ...map, "blk_mq_start_request"];
  const submitBatch = ["blk_mq_flush_plug_list", "nvme_write_sq_db"];
  const unmap = switches.singleSegmentMap ? ["nvme_unmap_data"] : ["nvme_unmap_data", "swiotlb_unmap_sg_attrs"];
  const bioEnd = passthrough
    ? []
    : [
        "blk_update_request",
        "bio_endio",
        ...(caller.caller === "swap" ? [read ? "end_swap_bio_read" : "end_swap_bio_write"] : []),
        ...(caller.caller === "swap" && !read ? ["end_page_writeback"] : []),
        ...(caller.onStack || (caller.caller === "swap" && switches.onStackBio && read && context.synchronousDevice)
          ? []
          : ["bio_put"]),
      ];
  const free = passthrough ? ["blk_mq_free_request"] : ["__blk_mq_free_request"];
  const accounting = iostats ? ["blk_account_io_done"] : [];
  // 5.16: a pass's requests are added to a batch and ended together (blk_mq_end_request_batch's loop, charged
  // per request, C4); before, each ends on its own.
  const completeIo = batched
    ? ["nvme_handle_cqe", ...unmap, "blk_mq_end_request_batch", ...bioEnd, ...accounting, ...free]
    : ["nvme_handle_cqe", "nvme_pci_complete_rq", ...unmap, "blk_mq_end_request", ...bioEnd, ...accounting, ...free];
  const completeBatch = [
    switches.polled ? "nvme_poll" : "nvme_poll_cq",
    "nvme_ring_cq_doorbell",
    ...(batched ? ["nvme_pci_complete_batch"] : []),
  ];
  return {
    submitIo,
    dispatchIo,
    kblockdRun: [],
    mergeBio: [],
    completeBio: [],
    submitBatch,
    completeIo,
    completeBatch,
    interrupt: switches.polled ? [] : ["common_interrupt", "handle_edge_irq", "handle_irq_event", "nvme_irq"],
  };
}
