// The step vocabulary: every kernel function the model charges CPU time to,
// spelled as in the kernel, with the layer it belongs to and what one charge
// stands for. Paths (paths.ts) are lists of these names; costs come from the
// calibrated cost table. 2014's functions are here; today's system calls and
// renamed block and driver functions are in steps-today.ts.
import { STEPS_TODAY } from "./steps-today";

export type Layer =
  | "user"
  | "syscall"
  | "io_uring"
  | "aio"
  | "mm"
  | "sched"
  | "perf"
  | "block"
  | "nvme"
  | "dma"
  | "slab"
  | "irq"
  | "mmio"
  | "other";

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
  | "interrupt" // once per interrupt taken
  | "call"; // once per system call that submits or reaps

export interface StepInfo {
  layer: Layer;
  per: Per;
  /** One line on what the function does in the modelled path. */
  what: string;
  /** Where the function is, in Linux 3.19.8's tree unless a later kernel is named ("" for a pseudo-symbol). */
  file: string;
}

/** Pseudo-symbol for the kernel functions the seed's listing cut off (below 0.42%) that the paths do not name. */
export const OTHER_KERNEL = "[other kernel functions]";

/** Pseudo-symbol for switching to the kblockd worker and back (the kworker's scheduler samples). */
export const KWORKER_SWITCH = "[kworker context switch]";

const STEPS_2014: Record<string, StepInfo> = {
  // Memory management, per fault: listed in both of the seed's profiles.
  page_fault: { layer: "mm", per: "fault", what: "exception entry for the fault", file: "arch/x86/kernel/entry_64.S" },
  __do_page_fault: { layer: "mm", per: "fault", what: "arch fault handling, mmap_sem", file: "arch/x86/mm/fault.c" },
  handle_mm_fault: { layer: "mm", per: "fault", what: "page table walk, do_swap_page", file: "mm/memory.c" },
  clear_page_c: {
    layer: "mm",
    per: "fault",
    what: "zeroing pages (the seed program's own fresh pages)",
    file: "arch/x86/lib/clear_page_64.S",
  },
  __radix_tree_lookup: { layer: "mm", per: "fault", what: "swap cache lookup", file: "lib/radix-tree.c" },
  do_raw_spin_lock: {
    layer: "mm",
    per: "fault",
    what: "spinlocks (swap, zone, page table)",
    file: "kernel/locking/spinlock_debug.c",
  },
  get_page_from_freelist: { layer: "mm", per: "page-in", what: "page allocation", file: "mm/page_alloc.c" },
  __swap_duplicate: { layer: "mm", per: "page-in", what: "swap entry reference counts", file: "mm/swapfile.c" },
  put_page_testzero: { layer: "mm", per: "fault", what: "page reference drops", file: "include/linux/mm.h" },
  _raw_spin_lock_irqsave: { layer: "mm", per: "fault", what: "irq-safe spinlocks", file: "kernel/locking/spinlock.c" },
  __free_one_page: {
    layer: "mm",
    per: "page-out",
    what: "buddy allocator free of a reclaimed page",
    file: "mm/page_alloc.c",
  },
  swap_info_get: { layer: "mm", per: "fault", what: "swap device lookup", file: "mm/swapfile.c" },
  __alloc_pages_nodemask: { layer: "mm", per: "page-in", what: "page allocator entry", file: "mm/page_alloc.c" },
  radix_tree_insert: { layer: "mm", per: "page-in", what: "swap cache insert", file: "lib/radix-tree.c" },
  "test_and_set_bit.constprop.90": {
    layer: "mm",
    per: "fault",
    what: "page flag bit operations",
    file: "arch/x86/include/asm/bitops.h",
  },
  list_del: { layer: "mm", per: "fault", what: "LRU and free list unlinking", file: "lib/list_debug.c" },

  __rmqueue: { layer: "mm", per: "page-in", what: "buddy allocator take", file: "mm/page_alloc.c" },
  vmacache_find: { layer: "mm", per: "fault", what: "VMA lookup for the faulting address", file: "mm/vmacache.c" },
  unmap_single_vma: {
    layer: "mm",
    per: "fault",
    what: "unmapping (the seed program's own munmaps)",
    file: "mm/memory.c",
  },
  __add_to_swap_cache: { layer: "mm", per: "page-in", what: "swap cache add", file: "mm/swap_state.c" },
  swap_entry_free: { layer: "mm", per: "fault", what: "swap slot release", file: "mm/swapfile.c" },
  swapin_readahead: {
    layer: "mm",
    per: "major",
    what: "readahead cluster around the faulting slot",
    file: "mm/swap_state.c",
  },
  "__call_rcu.constprop.62": {
    layer: "mm",
    per: "page-out",
    what: "RCU free of a swap-cache radix-tree node",
    file: "kernel/rcu/tree.c",
  },
  tag_get: {
    layer: "mm",
    per: "page-out",
    what: "radix-tree tag test (lib/radix-tree.c) as the page leaves the swap cache",
    file: "lib/radix-tree.c",
  },
  page_waitqueue: { layer: "mm", per: "fault", what: "waitqueue hash for a locked page", file: "mm/filemap.c" },
  next_zones_zonelist: {
    layer: "mm",
    per: "page-in",
    what: "zonelist iteration in the allocator",
    file: "mm/mmzone.c",
  },
  // Scheduling and perf itself, per sleep on I/O.
  __schedule: { layer: "sched", per: "sleep", what: "context switch away and back", file: "kernel/sched/core.c" },
  __wait_on_bit: { layer: "sched", per: "sleep", what: "waiting for the page lock (I/O)", file: "kernel/sched/wait.c" },
  io_schedule: {
    layer: "sched",
    per: "sleep",
    what: "bit_wait_io's sleep, counted as I/O wait",
    file: "kernel/sched/core.c",
  },
  update_curr: { layer: "sched", per: "sleep", what: "CFS runtime accounting", file: "kernel/sched/fair.c" },
  update_cfs_shares: { layer: "sched", per: "sleep", what: "CFS group shares", file: "kernel/sched/fair.c" },
  "__update_tg_runnable_avg.isra.23": {
    layer: "sched",
    per: "sleep",
    what: "CFS load tracking",
    file: "kernel/sched/fair.c",
  },
  intel_pmu_disable_all: {
    layer: "perf",
    per: "sleep",
    what: "perf's PMU save on context switch (only when perf records)",
    file: "arch/x86/kernel/cpu/perf_event_intel.c",
  },
  __wake_up_bit: {
    layer: "sched",
    per: "wake",
    what: "unlock_page -> wake_up_page: the page lock's waiter",
    file: "kernel/sched/wait.c",
  },
  // blk-mq (3.19) submission, per request.
  bio_alloc_bioset: {
    layer: "block",
    per: "io",
    what: "bio from the bioset mempool (get_swap_bio)",
    file: "block/bio.c",
  },
  mempool_alloc: { layer: "slab", per: "io", what: "mempool behind bio_alloc", file: "mm/mempool.c" },
  kmem_cache_alloc: { layer: "slab", per: "io", what: "slab allocation of the bio", file: "mm/slab.c" },
  submit_bio: { layer: "block", per: "io", what: "block layer entry", file: "block/blk-core.c" },
  generic_make_request: {
    layer: "block",
    per: "io",
    what: "calls the queue's make_request_fn",
    file: "block/blk-core.c",
  },
  generic_make_request_checks: {
    layer: "block",
    per: "io",
    what: "size, partition and queue checks",
    file: "block/blk-core.c",
  },
  blk_mq_make_request: { layer: "block", per: "io", what: "bio to request, plug merging", file: "block/blk-mq.c" },
  blk_mq_map_request: {
    layer: "block",
    per: "io",
    what: "software and hardware context, request for the bio",
    file: "block/blk-mq.c",
  },
  blk_mq_queue_enter: {
    layer: "block",
    per: "io",
    what: "queue usage reference taken (percpu counter)",
    file: "block/blk-mq.c",
  },
  blk_mq_alloc_request: {
    layer: "block",
    per: "io",
    what: "rw_page: a request and tag outside make_request",
    file: "block/blk-mq.c",
  },
  blk_mq_get_tag: { layer: "block", per: "io", what: "tag allocation entry", file: "block/blk-mq-tag.c" },
  bt_get: { layer: "block", per: "io", what: "tag from the bitmap, sleeping if none", file: "block/blk-mq-tag.c" },
  blk_mq_bio_to_request: { layer: "block", per: "io", what: "fill the request from the bio", file: "block/blk-mq.c" },
  blk_account_io_start: { layer: "block", per: "io", what: "I/O accounting start", file: "block/blk-core.c" },
  __blk_mq_alloc_request: { layer: "block", per: "io", what: "preallocated request for a tag", file: "block/blk-mq.c" },
  __bt_get: { layer: "block", per: "io", what: "tag from the per-hctx bitmap", file: "block/blk-mq-tag.c" },
  nvme_queue_rq: {
    layer: "nvme",
    per: "io",
    what: "driver entry: iod, map, PRPs, SQE copy",
    file: "drivers/block/nvme-core.c",
  },
  nvme_alloc_iod: {
    layer: "nvme",
    per: "io",
    what: "iod with embedded scatterlist",
    file: "drivers/block/nvme-core.c",
  },
  ____cache_alloc: { layer: "slab", per: "io", what: "kmalloc(GFP_ATOMIC) of the iod", file: "mm/slab.c" },
  sg_init_table: { layer: "block", per: "io", what: "scatterlist init", file: "lib/scatterlist.c" },
  blk_rq_map_sg: { layer: "block", per: "io", what: "request to scatterlist", file: "block/blk-merge.c" },
  __blk_bios_map_sg: {
    layer: "block",
    per: "io",
    what: "bio segments to scatterlist entries",
    file: "block/blk-merge.c",
  },
  swiotlb_map_sg_attrs: { layer: "dma", per: "io", what: "dma_map_sg", file: "lib/swiotlb.c" },
  nvme_setup_prps: {
    layer: "nvme",
    per: "io",
    what: "PRP1/PRP2 from the scatterlist",
    file: "drivers/block/nvme-core.c",
  },
  nvme_pci_setup_sgls: {
    layer: "nvme",
    per: "io",
    what: "SGL descriptors instead of PRPs (above sgl_threshold)",
    file: "drivers/nvme/host/pci.c (4.15 and later)",
  },
  blk_mq_start_request: { layer: "block", per: "io", what: "request started, timeout armed", file: "block/blk-mq.c" },
  blk_add_timer: {
    layer: "block",
    per: "io",
    what: "the request's deadline and the queue's timeout timer",
    file: "block/blk-timeout.c",
  },
  round_jiffies_common: {
    layer: "block",
    per: "io",
    what: "round_jiffies_up of the deadline, twice per request",
    file: "kernel/time/timer.c",
  },
  // 3.19 async writes: queued in the software queue, dispatched by kblockd.
  blk_mq_attempt_merge: {
    layer: "block",
    per: "io",
    what: "a queued write bio looks for an adjacent request among the software queue's newest 8",
    file: "block/blk-mq.c",
  },
  bio_attempt_back_merge: {
    layer: "block",
    per: "io",
    what: "the bio joins the request's tail (or head, bio_attempt_front_merge)",
    file: "block/blk-core.c",
  },
  blk_mq_insert_request: {
    layer: "block",
    per: "io",
    what: "request into the per-CPU software queue",
    file: "block/blk-mq.c",
  },
  blk_mq_run_hw_queue: {
    layer: "block",
    per: "io",
    what: "asks for an async hardware queue run",
    file: "block/blk-mq.c",
  },
  kblockd_schedule_delayed_work_on: {
    layer: "sched",
    per: "kblockd",
    what: "queues the kblockd work item",
    file: "block/blk-core.c",
  },
  try_to_wake_up: { layer: "sched", per: "kblockd", what: "wakes the kworker", file: "kernel/sched/core.c" },
  [KWORKER_SWITCH]: {
    layer: "sched",
    per: "kblockd",
    what: "context switch to the kworker and back",
    file: "kernel/sched/core.c (__schedule, both ways)",
  },
  worker_thread: { layer: "sched", per: "kblockd", what: "the kworker's loop", file: "kernel/workqueue.c" },
  process_one_work: { layer: "sched", per: "kblockd", what: "runs the work item", file: "kernel/workqueue.c" },
  blk_mq_run_work_fn: { layer: "block", per: "kblockd", what: "kblockd's hardware queue work", file: "block/blk-mq.c" },
  __blk_mq_run_hw_queue: {
    layer: "block",
    per: "kblockd",
    what: "dispatches the queued requests to ->queue_rq",
    file: "block/blk-mq.c",
  },
  flush_busy_ctxs: {
    layer: "block",
    per: "kblockd",
    what: "splices the software queues' lists",
    file: "block/blk-mq.c",
  },
  // rw_page (2014) submission, per page.
  bdev_read_page: { layer: "block", per: "io", what: "swap_readpage tries ->rw_page", file: "fs/block_dev.c" },
  bdev_write_page: { layer: "block", per: "io", what: "__swap_writepage tries ->rw_page", file: "fs/block_dev.c" },
  nvme_rw_page: {
    layer: "nvme",
    per: "io",
    what: "SQE built in place with PRP1 only",
    file: "drivers/block/nvme-core.c (the rw_page patch)",
  },
  swiotlb_map_page: { layer: "dma", per: "io", what: "dma_map_page", file: "lib/swiotlb.c" },
  // Doorbells, both paths.
  nvme_write_sq_db: {
    layer: "mmio",
    per: "batch",
    what: "SQ tail doorbell MMIO write",
    file: "drivers/nvme/host/pci.c (an inline writel in 3.19's nvme_submit_iod)",
  },
  nvme_ring_cq_doorbell: {
    layer: "mmio",
    per: "batch",
    what: "CQ head doorbell MMIO write",
    file: "drivers/nvme/host/pci.c (an inline writel in 3.19's nvme_process_cq)",
  },
  // Completion.
  do_IRQ: {
    layer: "irq",
    per: "interrupt",
    what: "the interrupt's C entry: vector to irq descriptor",
    file: "arch/x86/kernel/irq.c",
  },
  irq_enter: {
    layer: "irq",
    per: "interrupt",
    what: "interrupt context entered (RCU, time accounting)",
    file: "kernel/softirq.c",
  },
  handle_edge_irq: {
    layer: "irq",
    per: "interrupt",
    what: "the MSI-X flow handler, ack to the APIC",
    file: "kernel/irq/chip.c",
  },
  handle_irq_event_percpu: {
    layer: "irq",
    per: "interrupt",
    what: "runs the registered handlers",
    file: "kernel/irq/handle.c",
  },
  nvme_irq: {
    layer: "nvme",
    per: "interrupt",
    what: "the queue's interrupt handler, under the queue lock",
    file: "drivers/block/nvme-core.c",
  },
  irq_exit: {
    layer: "irq",
    per: "interrupt",
    what: "interrupt context left, pending softirqs checked",
    file: "kernel/softirq.c",
  },
  nvme_process_cq: { layer: "nvme", per: "batch", what: "walk the CQ by phase", file: "drivers/block/nvme-core.c" },
  nvme_poll: {
    layer: "nvme",
    per: "batch",
    what: "one polling pass over the CQ (hipri)",
    file: "drivers/nvme/host/pci.c (4.4 and later)",
  },
  blk_mq_end_request_batch: {
    layer: "block",
    per: "batch",
    what: "batched completion of a CQ pass (5.16)",
    file: "block/blk-mq.c (5.16 and later)",
  },
  blk_mq_tag_to_rq: { layer: "block", per: "io", what: "the request for the CQE's command id", file: "block/blk-mq.c" },
  req_completion: {
    layer: "nvme",
    per: "io",
    what: "status, unmap, free the iod, complete",
    file: "drivers/block/nvme-core.c",
  },
  swiotlb_unmap_sg_attrs: { layer: "dma", per: "io", what: "dma_unmap_sg", file: "lib/swiotlb.c" },
  nvme_free_iod: {
    layer: "nvme",
    per: "io",
    what: "free the iod (and PRP list pages)",
    file: "drivers/block/nvme-core.c",
  },
  kfree: { layer: "slab", per: "io", what: "kfree of the iod", file: "mm/slab.c" },
  blk_mq_complete_request: { layer: "block", per: "io", what: "request completion entry", file: "block/blk-mq.c" },
  blk_mq_end_request: { layer: "block", per: "io", what: "end the request", file: "block/blk-mq.c" },
  blk_update_request: { layer: "block", per: "io", what: "advance the bios", file: "block/blk-core.c" },
  blk_account_io_completion: { layer: "block", per: "io", what: "I/O accounting end", file: "block/blk-core.c" },
  req_bio_endio: { layer: "block", per: "io", what: "advance and end the bio", file: "block/blk-core.c" },
  bio_endio: { layer: "block", per: "io", what: "bio completion", file: "block/bio.c" },
  end_swap_bio_read: { layer: "mm", per: "io", what: "page uptodate and unlocked", file: "mm/page_io.c" },
  end_swap_bio_write: {
    layer: "mm",
    per: "io",
    what: "the swap-out bio ended: calls end_page_writeback",
    file: "mm/page_io.c",
  },
  end_page_writeback: {
    layer: "mm",
    per: "io",
    what: "the page's writeback flag cleared, waiters woken",
    file: "mm/filemap.c",
  },
  bio_put: { layer: "block", per: "io", what: "bio reference drop and free", file: "block/bio.c" },
  mempool_free: { layer: "slab", per: "io", what: "bio back to the mempool", file: "mm/mempool.c" },
  blk_account_io_done: {
    layer: "block",
    per: "io",
    what: "I/O accounting: ticks, in-flight count (part_dec_in_flight inlined)",
    file: "block/blk-core.c",
  },
  part_round_stats: {
    layer: "block",
    per: "io",
    what: "the partition's time-in-queue statistics",
    file: "block/blk-core.c",
  },
  __blk_mq_free_request: { layer: "block", per: "io", what: "request and tag freed", file: "block/blk-mq.c" },
  blk_mq_put_tag: { layer: "block", per: "io", what: "tag back to the bitmap", file: "block/blk-mq-tag.c" },
  bt_clear_tag: {
    layer: "block",
    per: "io",
    what: "the tag's bit cleared, tag waiters woken",
    file: "block/blk-mq-tag.c",
  },
  blk_mq_queue_exit: { layer: "block", per: "io", what: "queue usage reference dropped", file: "block/blk-mq.c" },
  swiotlb_unmap_page: { layer: "dma", per: "io", what: "dma_unmap_page", file: "lib/swiotlb.c" },
  page_endio: {
    layer: "mm",
    per: "io",
    what: "rw_page completion: uptodate and unlock, or end_page_writeback",
    file: "mm/filemap.c",
  },
  [OTHER_KERNEL]: {
    layer: "other",
    per: "fault",
    what: "everything below the seed listing's cut-off not named here",
    file: "",
  },
};

/** Every step the model knows: 2014's and today's. */
export const STEPS: Record<string, StepInfo> = { ...STEPS_2014, ...STEPS_TODAY };
