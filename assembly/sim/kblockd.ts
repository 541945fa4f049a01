// Linux 3.19's async writes: blk_mq_make_request puts the request in the
// CPU's software queue and asks kblockd to run the hardware queue. The
// kworker, bound to the same CPU, runs once the CPU is free and dispatches
// everything queued by then through ->queue_rq, one doorbell per request
// (3.19's NVMe driver ignored bd->last). The request holds its tag (command
// id) from the moment it is queued. A bio adjacent to a request still queued
// merges into it (blk_mq_merge_queue_io: blk_mq_attempt_merge looks at the
// last 8 requests of the list), up to the controller's largest transfer; its
// own request and tag, taken by then, are freed again.
//
//  per CPU: SoftQueue header, then qDepth SoftQueueEntry slots

import { arenaAlloc } from "../runtime/arena";
import { EV_KBLOCKD, M, NO_TIME, cpuRun, evWord, hq, post, cfg } from "./machine";
import { ioSubmit } from "./host-io";
import { st } from "./stats";

/** A CPU's software queue: requests waiting for the kworker, and whether its work item is queued. */
@unmanaged
class SoftQueue {
  count: u32;
  scheduled: u32;
}

/** One queued write.
 *
 *   0      4        8       12   16         24
 *   | page | thread | pages | -- | queuedNs |
 */
@unmanaged
class SoftQueueEntry {
  page: u32; // the first page
  thread: u32;
  pages: u32; // 1, more once bios merged into it
  pad: u32;
  queuedNs: u64; // its submission started here
}
if (offsetof<SoftQueue>() != 8 || offsetof<SoftQueueEntry>() != 24) ERROR("software queue layout");

/** How many queued requests blk_mq_attempt_merge looks at, newest first (3.19 block/blk-mq.c). */
const MERGE_LOOKBACK: u32 = 8;

function entryOf(q: SoftQueue, i: u32): SoftQueueEntry {
  return changetype<SoftQueueEntry>(
    changetype<usize>(q) + offsetof<SoftQueue>() + <usize>i * offsetof<SoftQueueEntry>(),
  );
}

@unmanaged
class KblockdState {
  queues: usize;
  queueBytes: usize;
}
const K = changetype<KblockdState>(memory.data(16, 8));
if (offsetof<KblockdState>() > 16) ERROR("KblockdState outgrew its static copy");

/** Allocates a software queue per CPU; false when memory runs out. */
export function kblockdInit(): bool {
  K.queueBytes = offsetof<SoftQueue>() + <usize>cfg.qDepth * offsetof<SoftQueueEntry>();
  K.queues = arenaAlloc(<usize>cfg.cpus * K.queueBytes, 8);
  return K.queues != 0;
}

function queueOf(cpu: u32): SoftQueue {
  return changetype<SoftQueue>(K.queues + <usize>cpu * K.queueBytes);
}

/** Command ids free on `cpu`'s queue: requests waiting for kblockd hold theirs. */
export function cidsFree(cpu: u32): u32 {
  let queued = cfg.kblockdWrites != 0 ? queueOf(cpu).count : 0;
  return hq(cpu).cidFree - queued;
}

/** Thread `t` writes `page` back at `now`: the submitter's part on its CPU, then into the software queue; returns when the submitter is done. */
export function kblockdQueueWrite(cpu: u32, t: u32, page: u64, now: u64): u64 {
  let q = queueOf(cpu);
  st.nSubmitWrite++;
  if (mergeQueued(q, <u32>page)) {
    st.nMergeWrite++;
    return cpuRun(cpu, now, cfg.costMergeWrite);
  }
  let e = entryOf(q, q.count);
  e.page = <u32>page;
  e.thread = t;
  e.pages = 1;
  e.queuedNs = now;
  q.count++;
  let end = cpuRun(cpu, now, cfg.costSubmitWrite);
  if (q.scheduled == 0) {
    // The work item was idle: queue it and wake the kworker.
    q.scheduled = 1;
    post(end, evWord(EV_KBLOCKD, cpu, 0));
  }
  return end;
}

// A back or front merge into one of the newest queued requests, if one ends just before `page` or starts
// just after it and has room.
function mergeQueued(q: SoftQueue, page: u32): bool {
  let max = cfg.maxMergePages;
  let n = q.count;
  let oldest = n > MERGE_LOOKBACK ? n - MERGE_LOOKBACK : 0;
  for (let i = n; i > oldest; i--) {
    let e = entryOf(q, i - 1);
    if (e.pages >= max) continue;
    if (e.page + e.pages == page) {
      e.pages++;
      return true;
    }
    if (page + 1 == e.page) {
      e.page = page;
      e.pages++;
      return true;
    }
  }
  return false;
}

/** The kworker on `cpu` runs the hardware queue: every queued request goes to the driver. */
export function kblockdRun(cpu: u32, now: u64): void {
  let q = queueOf(cpu);
  let n = q.count;
  q.scheduled = 0;
  st.nKblockdRun++;
  let at = cpuRun(cpu, now, cfg.costKblockdRun);
  q.count = 0; // the list is spliced off before dispatch, as flush_busy_ctxs does
  for (let i: u32 = 0; i < n; i++) {
    let e = entryOf(q, i);
    M.dispatchStart = e.queuedNs; // its submission started when it was queued
    at = ioSubmit(cpu, e.thread, <u64>e.page, true, 0, at, e.pages);
  }
  M.dispatchStart = NO_TIME;
}
