// Linux 3.19's async writes: blk_mq_make_request puts the request in the
// CPU's software queue and asks kblockd to run the hardware queue. The
// kworker, bound to the same CPU, runs once the CPU is free and dispatches
// everything queued by then through ->queue_rq, one doorbell per request
// (3.19's NVMe driver ignored bd->last). The request holds its tag (command
// id) from the moment it is queued.
//
//  per CPU: count u32 | scheduled u32 | entries[qDepth] (page u32 | thread u32 | queuedNs u64)

import { arenaAlloc } from "../runtime/arena";
import { EV_KBLOCKD, M, NO_TIME, cpuRun, evWord, hq, post, cfg } from "./machine";
import { ioSubmit } from "./host-io";
import { st } from "./stats";

const ENTRY_BYTES: usize = 16;

@unmanaged
class KblockdState {
  queues: usize;
  queueBytes: usize;
}
const K = changetype<KblockdState>(memory.data(16, 8));
if (offsetof<KblockdState>() > 16) ERROR("KblockdState outgrew its static copy");

/** Allocates a software queue per CPU; false when memory runs out. */
export function kblockdInit(): bool {
  K.queueBytes = 8 + <usize>cfg.qDepth * ENTRY_BYTES;
  K.queues = arenaAlloc(<usize>cfg.cpus * K.queueBytes, 8);
  return K.queues != 0;
}

function queueOf(cpu: u32): usize {
  return K.queues + <usize>cpu * K.queueBytes;
}

/** Command ids free on `cpu`'s queue: requests waiting for kblockd hold theirs. */
export function cidsFree(cpu: u32): u32 {
  let queued = cfg.kblockdWrites != 0 ? load<u32>(queueOf(cpu)) : 0;
  return hq(cpu).cidFree - queued;
}

/** Thread `t` writes `page` back at `now`: the submitter's part on its CPU, then into the software queue; returns when the submitter is done. */
export function kblockdQueueWrite(cpu: u32, t: u32, page: u64, now: u64): u64 {
  let q = queueOf(cpu);
  let n = load<u32>(q);
  let e = q + 8 + <usize>n * ENTRY_BYTES;
  store<u32>(e, <u32>page);
  store<u32>(e, t, 4);
  store<u64>(e, now, 8);
  store<u32>(q, n + 1);
  st.nSubmitWrite++;
  let end = cpuRun(cpu, now, cfg.costSubmitWrite);
  if (load<u32>(q, 4) == 0) {
    // The work item was idle: queue it and wake the kworker.
    store<u32>(q, 1, 4);
    post(end, evWord(EV_KBLOCKD, cpu, 0));
  }
  return end;
}

/** The kworker on `cpu` runs the hardware queue: every queued request goes to the driver. */
export function kblockdRun(cpu: u32, now: u64): void {
  let q = queueOf(cpu);
  let n = load<u32>(q);
  store<u32>(q, 0, 4);
  st.nKblockdRun++;
  let at = cpuRun(cpu, now, cfg.costKblockdRun);
  store<u32>(q, 0); // the list is spliced off before dispatch, as flush_busy_ctxs does
  for (let i: u32 = 0; i < n; i++) {
    let e = q + 8 + <usize>i * ENTRY_BYTES;
    M.dispatchStart = load<u64>(e, 8); // its submission started when it was queued
    at = ioSubmit(cpu, load<u32>(e, 4), <u64>load<u32>(e), true, 0, at);
  }
  M.dispatchStart = NO_TIME;
}
