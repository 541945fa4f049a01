// Kernels as named presets: each is the set of switches (paths.ts) its
// release has, the step vocabulary its block layer and driver use (2014's, or
// today's names from 5.x on), what it can do at all (rw_page, io_uring, NVMe
// passthrough) and which cost table prices it. Every change between them is
// one switch with the commit or mail that says when it arrived
// (docs/references.md [linux-history] and the entries named here), so a user
// can turn one change on or off alone on any kernel.
import { SWITCHES_OFF, type BOOLEAN_SWITCHES, type Switches } from "./paths";

export const KERNEL_NAMES = ["3.19", "5.4", "5.15", "6.1", "6.8"] as const;
export type KernelName = (typeof KERNEL_NAMES)[number];

/** One change to the host path: the switch that turns it on, and the first release that had it. */
export interface KernelChange {
  switch: Exclude<(typeof BOOLEAN_SWITCHES)[number], "polled" | "mergeWrites">;
  /** The first release with it, as "major.minor". */
  since: string;
  what: string;
  /** The commit (mainline id and title) or mail that made it. */
  source: string;
}

export const KERNEL_CHANGES: readonly KernelChange[] = [
  {
    switch: "iodInPdu",
    since: "4.0",
    what: "the iod lives in the request's PDU: no kmalloc/kfree per small I/O",
    source:
      "[linux-history]: 3.19.8's nvme_alloc_iod kmallocs every iod, 4.0.5's nvme_cmd_info carries it for I/Os of up to two pages (the commit was not found)",
  },
  {
    switch: "noSubmitReap",
    since: "4.20",
    what: "nvme_queue_rq no longer reaps the CQ at its end",
    source:
      "commit f9dde187fa92 'nvme-pci: remove cq check after submission' ([linux-history]: 4.0.5 still reaps, 4.20 does not; the first release is not pinned)",
  },
  {
    switch: "batchDoorbell",
    since: "5.0",
    what: "commit_rqs and bd->last: one SQ doorbell per plugged batch",
    source: "commit d666ba98f849 'blk-mq: add mq_ops->commit_rqs()' ([linux-history]: absent in 4.20, in 5.0.1)",
  },
  {
    switch: "singleSegmentMap",
    since: "5.2",
    what: "a one-segment request mapped with dma_map_bvec, no scatterlist (nvme_setup_prp_simple)",
    source: "commit dff824b2aadb 'nvme-pci: optimize mapping of small single segment requests' (Christoph Hellwig)",
  },
  {
    switch: "bioCachePolled",
    since: "5.15",
    what: "a per-CPU bio cache for polled io_uring direct I/O (bio_alloc_kiocb)",
    source:
      "commits be4d234d7aeb 'bio: add allocation cache abstraction' and 394918ebb889 'io_uring: enable use of bio alloc cache' (Jens Axboe; [axboe-bio-cache])",
  },
  {
    switch: "setupCmdNoMemset",
    since: "5.16",
    what: "nvme_setup_cmd no longer clears the whole 64-byte command before filling it",
    source: "commit a9a7e30fd918 'nvme: don't memset() the normal read/write command' (Jens Axboe; [axboe-memset])",
  },
  {
    switch: "blockFixes516",
    since: "5.16",
    what: "the rest of October 2021's per-I/O block-layer work: plug merging against the last request only, a singly linked plug list, the request's layout, requests cached in the plug",
    source:
      "commits d38a9c04c0d5 'block: only check previous entry for plug merge attempt' and the series '[PATCHSET 0/14] Various block layer optimizations' (Jens Axboe; [axboe-block-opts])",
  },
  {
    switch: "batchedCompletion",
    since: "5.16",
    what: "the completions of one CQ pass end in one batch (io_comp_batch, blk_mq_end_request_batch), polled and interrupt-driven",
    source:
      "commits f794f3351f26 'block: add support for blk_mq_end_request_batch()', c234a6539206 (polled) and 4f5022453acd (interrupts) (Jens Axboe)",
  },
  {
    switch: "queueRqs",
    since: "5.17",
    what: "a plug's requests go to the driver in one nvme_queue_rqs call, one lock and one doorbell",
    source:
      "commits 3c67d44de787 'block: add mq_ops->queue_rqs hook' and d62cbcf62f2f 'nvme: add support for mq_ops->queue_rqs()' (Jens Axboe)",
  },
  {
    switch: "passthroughBioCache",
    since: "6.1",
    what: "a polled NVMe passthrough command's bio comes from the per-CPU bio cache instead of bio_kmalloc",
    source:
      "commit 8af870aa5b84 'block: enable bio caching use for passthru IO' (Jens Axboe, posted 6 August 2022, in linux-next by 31 August; [linux-history])",
  },
  {
    switch: "passthroughBatch",
    since: "6.1",
    what: "NVMe passthrough requests come from the plug's request cache and end in the completion batch (io_comp_batch), as the block path's do",
    source:
      "commits 4b6a5d9cea91 'block: enable batched allocation for blk_mq_alloc_request()', ab3e1d3bbab9 'block: allow end_io based requests in the completion batch handling' and 851eb780decb 'nvme: enable batched completions of passthrough IO' (Jens Axboe, for-6.1/passthrough, 22 September 2022; [axboe-pt-batch])",
  },
  {
    switch: "bioCacheIrq",
    since: "6.2",
    what: "the per-CPU bio cache for interrupt-driven io_uring direct I/O too",
    source:
      "commits b99182c501c3 'bio: add pcpu caching for non-polling bio_put' and 12e4e8c7ab59 'io_uring/rw: enable bio caches for IRQ rw' (Pavel Begunkov; [begunkov-2022])",
  },
  {
    switch: "onStackBio",
    since: "6.3",
    what: "swap-in from a synchronous device uses an on-stack bio; ->rw_page is removed",
    source:
      "commits 9b4e30bd7309 'mm: use an on-stack bio for synchronous swapin' and 3222d8c2a7f8 'block: remove ->rw_page' (Christoph Hellwig)",
  },
];

export interface KernelPreset {
  name: KernelName;
  /** The switches the release has (every change since the seed's 3.19 up to it). */
  switches: Switches;
  /** The step names its block layer and NVMe driver use: 3.19's, or today's (5.x and later). */
  vocabulary: "2014" | "today";
  /** The cost table that prices it: the seed's (2014) or today's (published profiles of 5.15 to 5.17). */
  costTable: "2014" | "today";
  /** ->rw_page exists (removed in 6.3). */
  rwPage: boolean;
  /** io_uring exists (5.1), NVMe passthrough over it (5.19), with fixed buffers and polling (6.1). */
  ioUring: boolean;
  passthrough: boolean;
  passthroughFixedAndPolled: boolean;
  /** preadv2 with RWF_HIPRI (pvsync2's hipri), 4.6. */
  preadv2: boolean;
  /** A synchronous direct I/O polls with RWF_HIPRI: until 5.19 (commit 9650b453a3d4 'block: ignore RWF_HIPRI hint
   * for sync dio'). */
  syncPoll: boolean;
}

const version = (v: string) => v.split(".").map(Number) as [number, number];
/** Whether release `a` is `b` or later. */
export function atLeast(a: string, b: string): boolean {
  const [x, y] = version(a);
  const [p, q] = version(b);
  return x > p || (x === p && y >= q);
}

function preset(name: KernelName): KernelPreset {
  const switches: Switches = { ...SWITCHES_OFF };
  for (const c of KERNEL_CHANGES) if (atLeast(name, c.since)) switches[c.switch] = true;
  const today = atLeast(name, "5.0");
  return {
    name,
    switches,
    vocabulary: today ? "today" : "2014",
    costTable: today ? "today" : "2014",
    rwPage: !atLeast(name, "6.3"),
    ioUring: atLeast(name, "5.1"),
    passthrough: atLeast(name, "5.19"),
    passthroughFixedAndPolled: atLeast(name, "6.1"),
    preadv2: atLeast(name, "4.6"),
    syncPoll: !atLeast(name, "5.19"),
  };
}

export const KERNELS: Record<KernelName, KernelPreset> = Object.fromEntries(
  KERNEL_NAMES.map((n) => [n, preset(n)]),
) as Record<KernelName, KernelPreset>;
