// The steps of today's host (Linux 5.4 to 6.8) that 2014's vocabulary (steps.ts) lacks: the system calls a
// program submits through (pread, libaio, io_uring and its NVMe passthrough), the block layer's direct I/O and
// blk-mq as 5.x and 6.x name them, and the NVMe driver's split of 3.19's nvme_queue_rq. Files are Linux 6.8's
// unless a step says otherwise (io_uring's lived in fs/io_uring.c before 6.0, block/fops.c's in
// fs/block_dev.c before 5.15).
import type { StepInfo } from "./steps";

/** Pseudo-symbol for the functions below a modern profile's listing that the paths do not name, per I/O. */
export const OTHER_IO_PATH = "[other I/O path functions]";

/** Pseudo-symbol for the per-I/O block-layer work October 2021's push removed for 5.16 (blockFixes516). */
export const BLOCK_WORK_BEFORE_516 = "[block per-I/O work before 5.16]";

/** Pseudo-symbol for nvme_setup_cmd's clear of the whole 64-byte command before 5.16 (its memset). */
export const SETUP_CMD_MEMSET = "[nvme_setup_cmd memset]";

export const STEPS_TODAY: Record<string, StepInfo> = {
  // A system call's entry and exit (the kernel crossing), per call.
  entry_SYSCALL_64: {
    layer: "syscall",
    per: "call",
    what: "the kernel crossing of one system call: entry, do_syscall_64, exit to user space",
    file: "arch/x86/entry/entry_64.S, arch/x86/entry/common.c",
  },
  // psync / pvsync2: one pread64 (preadv2) per I/O; the read is issued and waited for inside the call.
  __x64_sys_pread64: {
    layer: "syscall",
    per: "io",
    what: "pread64 and preadv2: ksys_pread64, the file, vfs_read, rw_verify_area",
    file: "fs/read_write.c",
  },
  blkdev_read_iter: {
    layer: "block",
    per: "io",
    what: "the block device's read_iter: size checks, to blkdev_direct_IO for O_DIRECT",
    file: "block/fops.c",
  },
  __blkdev_direct_IO_simple: {
    layer: "block",
    per: "io",
    what: "a small synchronous direct I/O: a bio on the stack, submitted and waited for (polled with RWF_HIPRI)",
    file: "block/fops.c",
  },
  blkdev_bio_end_io_simple: {
    layer: "block",
    per: "io",
    what: "the on-stack bio's end: wakes the task waiting in the call",
    file: "block/fops.c",
  },
  // libaio: io_submit per submit batch, io_getevents per reap.
  __x64_sys_io_submit: {
    layer: "aio",
    per: "call",
    what: "io_submit: the context looked up, a plug around the batch",
    file: "fs/aio.c",
  },
  io_submit_one: {
    layer: "aio",
    per: "io",
    what: "one iocb copied from user space, its aio_kiocb allocated, aio_read",
    file: "fs/aio.c",
  },
  __x64_sys_io_getevents: {
    layer: "aio",
    per: "call",
    what: "io_getevents: read_events and aio_read_events from the completion ring, sleeping for the minimum",
    file: "fs/aio.c",
  },
  read_events: {
    layer: "aio",
    per: "sleep",
    what: "io_getevents' wait: the waitqueue and its timer set up, the wake-up from aio_complete, the events copied out",
    file: "fs/aio.c",
  },
  aio_complete_rw: {
    layer: "aio",
    per: "io",
    what: "the iocb's end: aio_complete posts its event in the ring and wakes a waiter, the aio_kiocb freed",
    file: "fs/aio.c",
  },
  // io_uring: io_uring_enter per submit (and wait), the SQEs and CQEs in shared rings.
  __x64_sys_io_uring_enter: {
    layer: "io_uring",
    per: "call",
    what: "io_uring_enter: the ring's file, io_submit_sqes's setup and plug, and the wait or iopoll loop when asked",
    file: "io_uring/io_uring.c",
  },
  io_submit_sqes: {
    layer: "io_uring",
    per: "io",
    what: "one SQE taken from the ring: io_init_req, the request from the cache",
    file: "io_uring/io_uring.c",
  },
  io_issue_sqe: { layer: "io_uring", per: "io", what: "the opcode's issue: io_read", file: "io_uring/io_uring.c" },
  io_prep_rw: {
    layer: "io_uring",
    per: "io",
    what: "the read's fields from the SQE (offset, length, flags, ioprio)",
    file: "io_uring/rw.c",
  },
  __io_import_iovec: {
    layer: "io_uring",
    per: "io",
    what: "the user buffer as an iov_iter (not with fixed buffers)",
    file: "io_uring/rw.c",
  },
  io_import_fixed: {
    layer: "io_uring",
    per: "io",
    what: "a registered buffer as a bvec iter (fixedbufs): no page pinning per I/O",
    file: "io_uring/rsrc.c",
  },
  io_file_get_normal: {
    layer: "io_uring",
    per: "io",
    what: "the file from the fd table and its reference (fget/fput; not with registered files)",
    file: "io_uring/io_uring.c",
  },
  io_complete_rw: {
    layer: "io_uring",
    per: "io",
    what: "an interrupt-driven read's end: its completion queued as task_work for the submitter",
    file: "io_uring/rw.c",
  },
  io_req_task_work_add: {
    layer: "io_uring",
    per: "io",
    what: "the request onto the task's task_work list (the task notified once per batch)",
    file: "io_uring/io_uring.c",
  },
  tctx_task_work: {
    layer: "io_uring",
    per: "batch",
    what: "the task's queued completions run on its way back to user space (or in io_uring_enter's wait)",
    file: "io_uring/io_uring.c",
  },
  io_fill_cqe_req: {
    layer: "io_uring",
    per: "io",
    what: "the CQE written to the completion ring, the request back to the cache",
    file: "io_uring/io_uring.h",
  },
  io_cqring_wait: {
    layer: "io_uring",
    per: "sleep",
    what: "io_uring_enter's wait for completions: the wait set up, the task_work signal that wakes it, the ring checked again",
    file: "io_uring/io_uring.c",
  },
  io_do_iopoll: {
    layer: "io_uring",
    per: "batch",
    what: "one pass of an IOPOLL ring over its outstanding requests (calls the driver's poll)",
    file: "io_uring/rw.c",
  },
  io_complete_rw_iopoll: {
    layer: "io_uring",
    per: "io",
    what: "a polled read's end: marked complete for io_do_iopoll to post",
    file: "io_uring/rw.c",
  },
  // io_uring_cmd with cmd_type=nvme: NVMe passthrough on /dev/ngXnY (5.19 and later).
  io_uring_cmd: {
    layer: "io_uring",
    per: "io",
    what: "the URING_CMD opcode: the command handed to the char device's uring_cmd",
    file: "io_uring/uring_cmd.c",
  },
  nvme_uring_cmd_io: {
    layer: "nvme",
    per: "io",
    what: "the passthrough command checked and copied from the big SQE, a request allocated, sent with blk_execute_rq_nowait",
    file: "drivers/nvme/host/ioctl.c",
  },
  import_single_range: {
    layer: "block",
    per: "io",
    what: "the passthrough command's user range made an iov_iter (blk_rq_map_user), as io_uring's import for a read",
    file: "block/blk-map.c, lib/iov_iter.c",
  },
  bio_kmalloc: {
    layer: "slab",
    per: "io",
    what: "the passthrough mapping's bio from kmalloc (blk_rq_map_bio_alloc without a polled request's cache)",
    file: "block/blk-map.c",
  },
  kfree: {
    layer: "slab",
    per: "io",
    what: "the passthrough mapping's kmalloc'd bio freed at its end (blk_mq_map_bio_put)",
    file: "block/blk-map.c",
  },
  nvme_map_user_request: {
    layer: "nvme",
    per: "io",
    what: "the user buffer mapped into the request's bio (blk_rq_map_user_io: the user's pages pinned and added)",
    file: "drivers/nvme/host/ioctl.c",
  },
  blk_rq_map_user_bvec: {
    layer: "block",
    per: "io",
    what: "a registered buffer's bvec mapped into the request (fixedbufs, 6.1 and later): nothing pinned",
    file: "block/blk-map.c",
  },
  blk_rq_unmap_user: {
    layer: "block",
    per: "io",
    what: "the passthrough request's user mapping undone at its end: its pages released, its bio put",
    file: "block/blk-map.c",
  },
  nvme_uring_cmd_end_io: {
    layer: "nvme",
    per: "io",
    what: "the passthrough command's end: status and result kept, the user mapping undone, the CQE via task_work or iopoll",
    file: "drivers/nvme/host/ioctl.c",
  },
  // The direct I/O's block layer (5.15 and later names).
  blkdev_direct_IO: {
    layer: "block",
    per: "io",
    what: "an async direct I/O: the bio built from the iov_iter, submitted, the kiocb's end set up",
    file: "block/fops.c",
  },
  bio_alloc_kiocb: {
    layer: "block",
    per: "io",
    what: "the bio from the per-CPU bio cache (bio_alloc_bioset with a cache in 6.1 and later)",
    file: "block/bio.c",
  },
  bio_iov_iter_get_pages: {
    layer: "mm",
    per: "io",
    what: "the user pages pinned and added to the bio (get_user_pages_fast); a bvec iter only points at its pages",
    file: "block/bio.c",
  },
  blkdev_bio_end_io_async: {
    layer: "block",
    per: "io",
    what: "the async direct I/O's end: the kiocb's ki_complete (io_uring's or aio's)",
    file: "block/fops.c",
  },
  submit_bio_noacct: {
    layer: "block",
    per: "io",
    what: "the bio's checks and the queue's submit_bio (blk_mq_submit_bio)",
    file: "block/blk-core.c",
  },
  blk_mq_submit_bio: {
    layer: "block",
    per: "io",
    what: "bio to request: a cached or new request, the plug",
    file: "block/blk-mq.c",
  },
  blk_mq_alloc_request: {
    layer: "block",
    per: "io",
    what: "a passthrough request before 6.1: blk_queue_enter and one tag, no plug cache",
    file: "block/blk-mq.c",
  },
  __blk_mq_alloc_requests: {
    layer: "block",
    per: "io",
    what: "a request and tag (one tag at a time, or a batch cached in the plug)",
    file: "block/blk-mq.c",
  },
  blk_attempt_plug_merge: {
    layer: "block",
    per: "io",
    what: "the bio tried against the plug's last request (nomerges 2 skips it)",
    file: "block/blk-merge.c",
  },
  blk_mq_flush_plug_list: {
    layer: "block",
    per: "batch",
    what: "the plug's requests to the driver at blk_finish_plug",
    file: "block/blk-mq.c",
  },
  nvme_queue_rqs: {
    layer: "nvme",
    per: "batch",
    what: "a plug's requests prepared (nvme_prep_rq) and copied into the SQ under one lock (5.17 queue_rqs); charged per request",
    file: "drivers/nvme/host/pci.c",
  },
  nvme_setup_cmd: {
    layer: "nvme",
    per: "io",
    what: "the NVMe read or write command filled from the request",
    file: "drivers/nvme/host/core.c",
  },
  [SETUP_CMD_MEMSET]: {
    layer: "nvme",
    per: "io",
    what: "before 5.16 nvme_setup_cmd cleared the whole 64-byte command first",
    file: "drivers/nvme/host/core.c (before 5.16)",
  },
  nvme_map_data: {
    layer: "nvme",
    per: "io",
    what: "the request's data mapped for DMA: one segment straight to PRP1/PRP2 (nvme_setup_prp_simple)",
    file: "drivers/nvme/host/pci.c",
  },
  nvme_handle_cqe: {
    layer: "nvme",
    per: "io",
    what: "one CQE: the request for its command id, its status; ended at once or added to the batch",
    file: "drivers/nvme/host/pci.c",
  },
  nvme_poll_cq: {
    layer: "nvme",
    per: "batch",
    what: "one pass over the CQ by phase (nvme_irq's and nvme_poll's loop)",
    file: "drivers/nvme/host/pci.c",
  },
  nvme_pci_complete_rq: {
    layer: "nvme",
    per: "io",
    what: "one request's end without batching: unmap, nvme_complete_rq, blk_mq_end_request",
    file: "drivers/nvme/host/pci.c",
  },
  nvme_unmap_data: {
    layer: "dma",
    per: "io",
    what: "the request's DMA mapping undone (dma_unmap_page for one segment)",
    file: "drivers/nvme/host/pci.c",
  },
  nvme_pci_complete_batch: {
    layer: "nvme",
    per: "batch",
    what: "a pass's batch of requests ended (5.16): unmapped, then blk_mq_end_request_batch",
    file: "drivers/nvme/host/pci.c",
  },
  blk_mq_free_request: {
    layer: "block",
    per: "io",
    what: "the request and its tag freed (a passthrough request, freed by its owner)",
    file: "block/blk-mq.c",
  },
  // The interrupt as 5.x and 6.x enter it.
  common_interrupt: {
    layer: "irq",
    per: "interrupt",
    what: "the interrupt's entry and exit (irq_enter_rcu, irq_exit_rcu), vector to descriptor",
    file: "arch/x86/kernel/irq.c",
  },
  handle_irq_event: {
    layer: "irq",
    per: "interrupt",
    what: "runs the registered handlers",
    file: "kernel/irq/handle.c",
  },
  // The program's own time per I/O, in user space.
  "[fio]": {
    layer: "user",
    per: "io",
    what: "fio's own work per I/O: io_u taken and put back, offsets, latency accounting",
    file: "",
  },
  submitter_uring_fn: {
    layer: "user",
    per: "io",
    what: "t/io_uring's submitter: SQEs prepared, CQEs reaped from the rings",
    file: "t/io_uring.c (fio)",
  },
  [BLOCK_WORK_BEFORE_516]: {
    layer: "block",
    per: "io",
    what: "what 5.16's per-I/O block fixes of October 2021 removed (switches.blockFixes516 off)",
    file: "block/ (before 5.16)",
  },
  [OTHER_IO_PATH]: {
    layer: "other",
    per: "io",
    what: "everything below the modern profile's cut-off that the paths do not name",
    file: "",
  },
};

/** Where 2014's steps that today's paths still take live in Linux 6.8, where that moved. */
export const TODAY_FILES: Record<string, string> = {
  nvme_irq: "drivers/nvme/host/pci.c",
  nvme_poll: "drivers/nvme/host/pci.c",
  nvme_queue_rq: "drivers/nvme/host/pci.c",
  nvme_write_sq_db: "drivers/nvme/host/pci.c",
  nvme_ring_cq_doorbell: "drivers/nvme/host/pci.c",
  blk_mq_end_request_batch: "block/blk-mq.c",
  blk_account_io_start: "block/blk-mq.c",
  blk_account_io_done: "block/blk-mq.c",
  blk_update_request: "block/blk-mq.c",
  swiotlb_map_sg_attrs: "kernel/dma/mapping.c (dma_map_sg_attrs)",
  swiotlb_unmap_sg_attrs: "kernel/dma/mapping.c (dma_unmap_sg_attrs)",
};
