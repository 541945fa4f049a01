// Host side of an I/O queue pair, as struct nvme_queue in Linux
// drivers/nvme/host/pci.c: the SQ ring the host fills (sq_tail), the CQ ring
// it consumes by phase (cq_head, cq_phase), and the command ids in flight.
//
//  HostQueue                        sqCmds: qDepth x 64 B   cqes: qDepth x 16 B
//  +-----------------------------+  +-----+-----+-----+     +----+----+----+
//  | sqCmds cqes qDepth qid      |  | SQE | SQE | ... |     |CQE |CQE | ...|
//  | sqTail lastSqTail sqHead    |  +-----+-----+-----+     +----+----+----+
//  | cqHead cqPhase cid stack    |  cid stack: free ids, top = free count
//  +-----------------------------+

import { Cqe, NVME_CQE_BYTES, NVME_STATUS_PHASE } from "../nvme/cqe";
import { NVME_SQE_BYTES } from "../nvme/sqe";
import { NVME_QUEUE_DEPTH_MAX, NVME_QUEUE_DEPTH_MIN, nvmeRingFull, nvmeRingNext } from "../nvme/doorbell";
import { arenaAlloc } from "../runtime/arena";

@unmanaged
export class HostQueue {
  sqCmds: usize;
  cqes: usize;
  qDepth: u32;
  qid: u32;
  sqTail: u32;
  lastSqTail: u32; // tail at the last SQ doorbell write
  sqHead: u32; // as last reported by a CQE's SQ Head Pointer
  cqHead: u32;
  cqPhase: u32; // the phase tag a new CQE carries
  cidStack: usize;
  cidFree: u32;
  cidInFlight: usize; // one byte per cid: 1 while outstanding
}

/** A queue pair of `qDepth` entries (2..65536) with qDepth - 1 command ids; 0 for another depth or when memory is exhausted. */
export function hostQueueCreate(qid: u32, qDepth: u32): usize {
  if (qDepth < NVME_QUEUE_DEPTH_MIN || qDepth > NVME_QUEUE_DEPTH_MAX) return 0;
  let q = changetype<HostQueue>(arenaAlloc(offsetof<HostQueue>(), 8));
  // Cache-line aligned, not page aligned as a real queue's base must be: the rings' addresses here are the
  // module's own, and page-aligned rings, one per CPU, would all fall on the same cache sets.
  let sq = arenaAlloc(<usize>qDepth * NVME_SQE_BYTES, 64);
  let cq = arenaAlloc(<usize>qDepth * NVME_CQE_BYTES, 64);
  let stack = arenaAlloc((<usize>qDepth) << 2, 4);
  let inFlight = arenaAlloc(<usize>qDepth, 1);
  if (changetype<usize>(q) == 0 || sq == 0 || cq == 0 || stack == 0 || inFlight == 0) return 0;
  q.sqCmds = sq;
  q.cqes = cq;
  q.qDepth = qDepth;
  q.qid = qid;
  q.cqPhase = 1; // a fresh CQ is zeroed, so the first valid entries carry phase 1
  q.cidStack = stack;
  q.cidInFlight = inFlight;
  let ids = qDepth - 1; // a full ring holds qDepth - 1 commands
  for (let i: u32 = 0; i < ids; i++) store<u32>(stack + ((<usize>i) << 2), ids - 1 - i);
  q.cidFree = ids;
  return changetype<usize>(q);
}

/** Takes a free command id, lowest first on a new queue; -1 when all are in flight. */
export function hostCidAlloc(q: HostQueue): i32 {
  let free = q.cidFree;
  if (free == 0) return -1;
  free--;
  q.cidFree = free;
  let cid = load<u32>(q.cidStack + ((<usize>free) << 2));
  store<u8>(q.cidInFlight + cid, 1);
  return <i32>cid;
}

/** Returns a command id; false (and nothing changes) when it was not in flight. */
export function hostCidFree(q: HostQueue, cid: u32): bool {
  if (cid >= q.qDepth - 1 || load<u8>(q.cidInFlight + cid) == 0) return false;
  store<u8>(q.cidInFlight + cid, 0);
  let free = q.cidFree;
  store<u32>(q.cidStack + ((<usize>free) << 2), cid);
  q.cidFree = free + 1;
  return true;
}

/** Slot the next command is built in, or 0 when the SQ is full. */
export function hostSqNextSlot(q: HostQueue): usize {
  if (nvmeRingFull(q.sqTail, q.sqHead, q.qDepth)) return 0;
  return q.sqCmds + <usize>q.sqTail * NVME_SQE_BYTES;
}

/** Advances sq_tail past the entry built in the slot from hostSqNextSlot. */
export function hostSqAdvance(q: HostQueue): void {
  q.sqTail = nvmeRingNext(q.sqTail, q.qDepth);
}

/** The CQE at cq_head if the controller has posted it (its phase matches), else 0: nvme_cqe_pending. */
export function hostCqePending(q: HostQueue): usize {
  return hostCqeAt(q.cqes, q.cqHead, q.cqPhase);
}

/** The CQE in slot `head` of the ring at `cqes` if its phase is `phase`, else 0 (a reaping loop's cursor). */
@inline export function hostCqeAt(cqes: usize, head: u32, phase: u32): usize {
  let cqe = cqes + <usize>head * NVME_CQE_BYTES;
  return (changetype<Cqe>(cqe).status & NVME_STATUS_PHASE) == phase ? cqe : 0;
}

/** Consumes the CQE at cq_head: nvme_update_cq_head; the expected phase flips on wrap. */
export function hostCqConsume(q: HostQueue): void {
  q.sqHead = changetype<Cqe>(q.cqes + <usize>q.cqHead * NVME_CQE_BYTES).sqhd;
  let next = nvmeRingNext(q.cqHead, q.qDepth);
  if (next == 0) q.cqPhase ^= 1;
  q.cqHead = next;
}
