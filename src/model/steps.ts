// The step vocabulary: every kernel function the model charges CPU time to,
// spelled as in the kernel, with the layer it belongs to and what one charge
// stands for. Paths (paths.ts) are lists of these names; costs come from the
// calibrated cost table.

export type Layer = "mm" | "sched" | "perf" | "block" | "nvme" | "dma" | "slab" | "irq" | "mmio" | "other";

/** What one charge of a step stands for. */
export type Per =
  | "fault" // one page fault of the swap workload, minor or major
  | "major" // one major fault (the page was not in the swap cache)
  | "page-in" // one page read into the swap cache
  | "page-out" // one page written out by reclaim
  | "wake" // the waker's side of a sleep on I/O, in the interrupt
  | "sleep" // one task sleeping on I/O and being woken (a context switch pair)
  | "io" // one I/O request (4 KiB page) on the submission or completion side
  | "batch" // once per submission batch (plug) or completion batch (interrupt / poll pass)
  | "kblockd" // once per kblockd run dispatching queued requests
  | "interrupt"; // once per interrupt taken

export interface StepInfo {
  layer: Layer;
  per: Per;
  /** One line on what the function does in the modelled path. */
  what: string;
}

/** Pseudo-symbol for the kernel functions the seed's listing cut off (below 0.42%) that the paths do not name. */
export const OTHER_KERNEL = "[other kernel functions]";

/** Pseudo-symbol for switching to the kblockd worker and back (the kworker's scheduler samples). */
export const KWORKER_SWITCH = "[kworker context switch]";

export const STEPS: Record<string, StepInfo> = {
  // Memory management, per fault: listed in both of the seed's profiles.
  page_fault: { layer: "mm", per: "fault", what: "exception entry for the fault" },
  __do_page_fault: { layer: "mm", per: "fault", what: "arch fault handling, mmap_sem" },
  handle_mm_fault: { layer: "mm", per: "fault", what: "page table walk, do_swap_page" },
  clear_page_c: { layer: "mm", per: "fault", what: "zeroing pages (the seed program's own fresh pages)" },
  __radix_tree_lookup: { layer: "mm", per: "fault", what: "swap cache lookup" },
  do_raw_spin_lock: { layer: "mm", per: "fault", what: "spinlocks (swap, zone, page table)" },
  get_page_from_freelist: { layer: "mm", per: "page-in", what: "page allocation" },
  __swap_duplicate: { layer: "mm", per: "page-in", what: "swap entry reference counts" },
  put_page_testzero: { layer: "mm", per: "fault", what: "page reference drops" },
  _raw_spin_lock_irqsave: { layer: "mm", per: "fault", what: "irq-safe spinlocks" },
  __free_one_page: { layer: "mm", per: "page-out", what: "buddy allocator free of a reclaimed page" },
  swap_info_get: { layer: "mm", per: "fault", what: "swap device lookup" },
  __alloc_pages_nodemask: { layer: "mm", per: "page-in", what: "page allocator entry" },
  radix_tree_insert: { layer: "mm", per: "page-in", what: "swap cache insert" },
  "test_and_set_bit.constprop.90": { layer: "mm", per: "fault", what: "page flag bit operations" },
  list_del: { layer: "mm", per: "fault", what: "LRU and free list unlinking" },

  __rmqueue: { layer: "mm", per: "page-in", what: "buddy allocator take" },
  vmacache_find: { layer: "mm", per: "fault", what: "VMA lookup for the faulting address" },
  unmap_single_vma: { layer: "mm", per: "fault", what: "unmapping (the seed program's own munmaps)" },
  __add_to_swap_cache: { layer: "mm", per: "page-in", what: "swap cache add" },
  swap_entry_free: { layer: "mm", per: "fault", what: "swap slot release" },
  swapin_readahead: { layer: "mm", per: "major", what: "readahead cluster around the faulting slot" },
  "__call_rcu.constprop.62": { layer: "mm", per: "page-out", what: "RCU free of a swap-cache radix-tree node" },
  tag_get: {
    layer: "mm",
    per: "page-out",
    what: "radix-tree tag test (lib/radix-tree.c) as the page leaves the swap cache",
  },
  page_waitqueue: { layer: "mm", per: "fault", what: "waitqueue hash for a locked page" },
  next_zones_zonelist: { layer: "mm", per: "page-in", what: "zonelist iteration in the allocator" },
  // Scheduling and perf itself, per sleep on I/O.
  __schedule: { layer: "sched", per: "sleep", what: "context switch away and back" },
  __wait_on_bit: { layer: "sched", per: "sleep", what: "waiting for the page lock (I/O)" },
  io_schedule: { layer: "sched", per: "sleep", what: "bit_wait_io's sleep, counted as I/O wait" },
  update_curr: { layer: "sched", per: "sleep", what: "CFS runtime accounting" },
  update_cfs_shares: { layer: "sched", per: "sleep", what: "CFS group shares" },
  "__update_tg_runnable_avg.isra.23": { layer: "sched", per: "sleep", what: "CFS load tracking" },
  intel_pmu_disable_all: {
    layer: "perf",
    per: "sleep",
    what: "perf's PMU save on context switch (only when perf records)",
  },
  __wake_up_bit: { layer: "sched", per: "wake", what: "unlock_page -> wake_up_page: the page lock's waiter" },
  // blk-mq (3.19) submission, per request.
  bio_alloc_bioset: { layer: "block", per: "io", what: "bio from the bioset mempool (get_swap_bio)" },
  mempool_alloc: { layer: "slab", per: "io", what: "mempool behind bio_alloc" },
  kmem_cache_alloc: { layer: "slab", per: "io", what: "slab allocation of the bio" },
  submit_bio: { layer: "block", per: "io", what: "block layer entry" },
  generic_make_request: { layer: "block", per: "io", what: "calls the queue's make_request_fn" },
  generic_make_request_checks: { layer: "block", per: "io", what: "size, partition and queue checks" },
  blk_mq_make_request: { layer: "block", per: "io", what: "bio to request, plug merging" },
  blk_mq_map_request: { layer: "block", per: "io", what: "software and hardware context, request for the bio" },
  blk_mq_queue_enter: { layer: "block", per: "io", what: "queue usage reference taken (percpu counter)" },
  blk_mq_alloc_request: { layer: "block", per: "io", what: "rw_page: a request and tag outside make_request" },
  blk_mq_get_tag: { layer: "block", per: "io", what: "tag allocation entry" },
  bt_get: { layer: "block", per: "io", what: "tag from the bitmap, sleeping if none" },
  blk_mq_bio_to_request: { layer: "block", per: "io", what: "fill the request from the bio" },
  blk_account_io_start: { layer: "block", per: "io", what: "I/O accounting start" },
  __blk_mq_alloc_request: { layer: "block", per: "io", what: "preallocated request for a tag" },
  __bt_get: { layer: "block", per: "io", what: "tag from the per-hctx bitmap" },
  nvme_queue_rq: { layer: "nvme", per: "io", what: "driver entry: iod, map, PRPs, SQE copy" },
  nvme_alloc_iod: { layer: "nvme", per: "io", what: "iod with embedded scatterlist" },
  ____cache_alloc: { layer: "slab", per: "io", what: "kmalloc(GFP_ATOMIC) of the iod" },
  sg_init_table: { layer: "block", per: "io", what: "scatterlist init" },
  blk_rq_map_sg: { layer: "block", per: "io", what: "request to scatterlist" },
  __blk_bios_map_sg: { layer: "block", per: "io", what: "bio segments to scatterlist entries" },
  swiotlb_map_sg_attrs: { layer: "dma", per: "io", what: "dma_map_sg" },
  nvme_setup_prps: { layer: "nvme", per: "io", what: "PRP1/PRP2 from the scatterlist" },
  nvme_pci_setup_sgls: { layer: "nvme", per: "io", what: "SGL descriptors instead of PRPs (above sgl_threshold)" },
  blk_mq_start_request: { layer: "block", per: "io", what: "request started, timeout armed" },
  blk_add_timer: { layer: "block", per: "io", what: "the request's deadline and the queue's timeout timer" },
  round_jiffies_common: { layer: "block", per: "io", what: "round_jiffies_up of the deadline, twice per request" },
  // 3.19 async writes: queued in the software queue, dispatched by kblockd.
  blk_mq_insert_request: { layer: "block", per: "io", what: "request into the per-CPU software queue" },
  blk_mq_run_hw_queue: { layer: "block", per: "io", what: "asks for an async hardware queue run" },
  kblockd_schedule_delayed_work_on: { layer: "sched", per: "kblockd", what: "queues the kblockd work item" },
  try_to_wake_up: { layer: "sched", per: "kblockd", what: "wakes the kworker" },
  [KWORKER_SWITCH]: { layer: "sched", per: "kblockd", what: "context switch to the kworker and back" },
  worker_thread: { layer: "sched", per: "kblockd", what: "the kworker's loop" },
  process_one_work: { layer: "sched", per: "kblockd", what: "runs the work item" },
  blk_mq_run_work_fn: { layer: "block", per: "kblockd", what: "kblockd's hardware queue work" },
  __blk_mq_run_hw_queue: { layer: "block", per: "kblockd", what: "dispatches the queued requests to ->queue_rq" },
  flush_busy_ctxs: { layer: "block", per: "kblockd", what: "splices the software queues' lists" },
  // rw_page (2014) submission, per page.
  bdev_read_page: { layer: "block", per: "io", what: "swap_readpage tries ->rw_page" },
  bdev_write_page: { layer: "block", per: "io", what: "__swap_writepage tries ->rw_page" },
  nvme_rw_page: { layer: "nvme", per: "io", what: "SQE built in place with PRP1 only" },
  swiotlb_map_page: { layer: "dma", per: "io", what: "dma_map_page" },
  // Doorbells, both paths.
  nvme_write_sq_db: { layer: "mmio", per: "batch", what: "SQ tail doorbell MMIO write" },
  nvme_ring_cq_doorbell: { layer: "mmio", per: "batch", what: "CQ head doorbell MMIO write" },
  // Completion.
  do_IRQ: { layer: "irq", per: "interrupt", what: "the interrupt's C entry: vector to irq descriptor" },
  irq_enter: { layer: "irq", per: "interrupt", what: "interrupt context entered (RCU, time accounting)" },
  handle_edge_irq: { layer: "irq", per: "interrupt", what: "the MSI-X flow handler, ack to the APIC" },
  handle_irq_event_percpu: { layer: "irq", per: "interrupt", what: "runs the registered handlers" },
  nvme_irq: { layer: "nvme", per: "interrupt", what: "the queue's interrupt handler, under the queue lock" },
  irq_exit: { layer: "irq", per: "interrupt", what: "interrupt context left, pending softirqs checked" },
  nvme_process_cq: { layer: "nvme", per: "batch", what: "walk the CQ by phase" },
  nvme_poll: { layer: "nvme", per: "batch", what: "one polling pass over the CQ (hipri)" },
  blk_mq_end_request_batch: { layer: "block", per: "batch", what: "batched completion of a CQ pass (5.16)" },
  blk_mq_tag_to_rq: { layer: "block", per: "io", what: "the request for the CQE's command id" },
  req_completion: { layer: "nvme", per: "io", what: "status, unmap, free the iod, complete" },
  swiotlb_unmap_sg_attrs: { layer: "dma", per: "io", what: "dma_unmap_sg" },
  nvme_free_iod: { layer: "nvme", per: "io", what: "free the iod (and PRP list pages)" },
  kfree: { layer: "slab", per: "io", what: "kfree of the iod" },
  blk_mq_complete_request: { layer: "block", per: "io", what: "request completion entry" },
  blk_mq_end_request: { layer: "block", per: "io", what: "end the request" },
  blk_update_request: { layer: "block", per: "io", what: "advance the bios" },
  blk_account_io_completion: { layer: "block", per: "io", what: "I/O accounting end" },
  req_bio_endio: { layer: "block", per: "io", what: "advance and end the bio" },
  bio_endio: { layer: "block", per: "io", what: "bio completion" },
  end_swap_bio_read: { layer: "mm", per: "io", what: "page uptodate and unlocked" },
  end_swap_bio_write: { layer: "mm", per: "io", what: "the swap-out bio ended: calls end_page_writeback" },
  end_page_writeback: { layer: "mm", per: "io", what: "the page's writeback flag cleared, waiters woken" },
  bio_put: { layer: "block", per: "io", what: "bio reference drop and free" },
  mempool_free: { layer: "slab", per: "io", what: "bio back to the mempool" },
  blk_account_io_done: {
    layer: "block",
    per: "io",
    what: "I/O accounting: ticks, in-flight count (part_dec_in_flight inlined)",
  },
  part_round_stats: { layer: "block", per: "io", what: "the partition's time-in-queue statistics" },
  __blk_mq_free_request: { layer: "block", per: "io", what: "request and tag freed" },
  blk_mq_put_tag: { layer: "block", per: "io", what: "tag back to the bitmap" },
  bt_clear_tag: { layer: "block", per: "io", what: "the tag's bit cleared, tag waiters woken" },
  blk_mq_queue_exit: { layer: "block", per: "io", what: "queue usage reference dropped" },
  swiotlb_unmap_page: { layer: "dma", per: "io", what: "dma_unmap_page" },
  page_endio: { layer: "mm", per: "io", what: "rw_page completion: uptodate and unlock, or end_page_writeback" },
  [OTHER_KERNEL]: { layer: "other", per: "fault", what: "everything below the seed listing's cut-off not named here" },
};
