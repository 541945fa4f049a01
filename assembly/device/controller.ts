// Controller side of the queues: the doorbell register file, SQ fetch and CQ
// post with the phase tag (NVMe Base 2.0 3.1.4.8, 3.3.1), cf. QEMU hw/nvme
// nvme_process_db / nvme_post_cqes. A doorbell write with an invalid value
// or register is ignored and counted, as controllers do (Asynchronous Event
// "Invalid Doorbell Write Value" / "Invalid Doorbell Register").
//
//  Ctrl                          queues: queueCount x CtrlQueue
//  +--------------------------+  +--------------------------------------+
//  | dstrd queueCount queues  |  | sqCmds cqes qDepth sqHead sqTail     |
//  | badDoorbellWrites        |  | cqHead cqTail cqPhase                |
//  +--------------------------+  +--------------------------------------+

import { NVME_CQE_BYTES, nvmeCqeWrite } from "../nvme/cqe";
import {
  NVME_QUEUE_DEPTH_MAX,
  NVME_QUEUE_DEPTH_MIN,
  NVME_REG_DBS,
  nvmeRingNext,
} from "../nvme/doorbell";
import { NVME_SQE_BYTES } from "../nvme/sqe";
import { arenaAlloc } from "../runtime/arena";

@unmanaged
export class CtrlQueue {
  sqCmds: usize;
  cqes: usize;
  qDepth: u32; // 0 while the queue does not exist
  qid: u32;
  sqHead: u32; // next SQE the controller fetches
  sqTail: u32; // last valid SQ tail doorbell value
  cqHead: u32; // last valid CQ head doorbell value
  cqTail: u32; // next CQE slot the controller posts into
  cqPhase: u32; // phase tag written with the next CQE
}

@unmanaged
export class Ctrl {
  dstrd: u32;
  queueCount: u32;
  queues: usize;
  badDoorbellWrites: u32;
  sqDoorbellWrites: u32;
  cqDoorbellWrites: u32;
}

export function ctrlCreate(queueCount: u32, dstrd: u32): usize {
  let c = changetype<Ctrl>(arenaAlloc(offsetof<Ctrl>(), 8));
  let queues = arenaAlloc(<usize>queueCount * offsetof<CtrlQueue>(), 8);
  if (changetype<usize>(c) == 0 || queues == 0) return 0;
  c.dstrd = dstrd;
  c.queueCount = queueCount;
  c.queues = queues;
  return changetype<usize>(c);
}

export function ctrlQueue(c: Ctrl, qid: u32): CtrlQueue {
  return changetype<CtrlQueue>(c.queues + <usize>qid * offsetof<CtrlQueue>());
}

/** Creates queue pair `qid` over rings the host allocated (Create I/O SQ/CQ). */
export function ctrlQueueCreate(c: Ctrl, qid: u32, sqCmds: usize, cqes: usize, qDepth: u32): bool {
  if (qid >= c.queueCount || qDepth < NVME_QUEUE_DEPTH_MIN || qDepth > NVME_QUEUE_DEPTH_MAX) return false;
  let q = ctrlQueue(c, qid);
  q.sqCmds = sqCmds;
  q.cqes = cqes;
  q.qDepth = qDepth;
  q.qid = qid;
  q.sqHead = 0;
  q.sqTail = 0;
  q.cqHead = 0;
  q.cqTail = 0;
  q.cqPhase = 1;
  return true;
}

/** A host write of `value` to doorbell register `offset`; false when ignored (and counted). */
export function ctrlDoorbellWrite(c: Ctrl, offset: u64, value: u32): bool {
  let q = ctrlDoorbellQueue(c, offset);
  if (changetype<usize>(q) == 0) return ctrlBadDoorbell(c);
  let index = (offset - <u64>NVME_REG_DBS) >> (2 + c.dstrd);
  return (index & 1) == 0 ? ctrlSqTailWrite(c, q, value) : ctrlCqHeadWrite(c, q, value);
}

/**
 * The queue whose SQ tail or CQ head doorbell sits at register `offset` (an even doorbell is the SQ's, an odd
 * one the CQ's), or 0 when no queue's does. A host that keeps the register it writes (Linux's nvmeq->q_db)
 * decodes it once: ctrlSqTailWrite and ctrlCqHeadWrite then check each value written.
 */
export function ctrlDoorbellQueue(c: Ctrl, offset: u64): CtrlQueue {
  let strideShift = <u64>(2 + c.dstrd); // stride is 4 << DSTRD bytes
  let rel = offset - <u64>NVME_REG_DBS;
  if (offset < <u64>NVME_REG_DBS || (rel & (((<u64>1) << strideShift) - 1)) != 0) return changetype<CtrlQueue>(0);
  let qid = rel >> (strideShift + 1);
  if (qid >= <u64>c.queueCount) return changetype<CtrlQueue>(0);
  return ctrlQueue(c, <u32>qid);
}

/** A write of `value` to queue `q`'s SQ tail doorbell; false when ignored (and counted). */
export function ctrlSqTailWrite(c: Ctrl, q: CtrlQueue, value: u32): bool {
  if (value >= q.qDepth) return ctrlBadDoorbell(c); // also a queue not created (depth 0)
  q.sqTail = value;
  c.sqDoorbellWrites++;
  return true;
}

/** A write of `value` to queue `q`'s CQ head doorbell: the head may only move over entries the controller has posted. */
export function ctrlCqHeadWrite(c: Ctrl, q: CtrlQueue, value: u32): bool {
  if (value >= q.qDepth) return ctrlBadDoorbell(c);
  // In ring order from the old head, the new one comes no later than the tail. Head, tail and value are all below
  // the depth, so the 32-bit differences from the head (which wrap where the ring would) order as the ring
  // distances do: nvmeRingUsed(value, head) <= nvmeRingUsed(tail, head), without its two branches.
  let head = q.cqHead;
  if (value - head > q.cqTail - head) return ctrlBadDoorbell(c);
  q.cqHead = value;
  c.cqDoorbellWrites++;
  return true;
}

function ctrlBadDoorbell(c: Ctrl): bool {
  c.badDoorbellWrites++;
  return false;
}

/** The next SQE to execute (advancing sq head), or 0 when the SQ is empty. */
export function ctrlSqFetch(q: CtrlQueue): usize {
  let head = q.sqHead;
  if (head == q.sqTail) return 0;
  q.sqHead = nvmeRingNext(head, q.qDepth);
  return q.sqCmds + <usize>head * NVME_SQE_BYTES;
}

/** Posts a completion with the current phase; false when the CQ is full. The phase flips on wrap. */
export function ctrlCqPost(q: CtrlQueue, cid: u16, status: u16, dw0: u32): bool {
  // Fields in locals, each stored once (V8 reloads a field stored before).
  let tail = q.cqTail;
  let depth = q.qDepth;
  let next = nvmeRingNext(tail, depth);
  if (next == q.cqHead) return false; // full
  let phase = q.cqPhase;
  nvmeCqeWrite(q.cqes + <usize>tail * NVME_CQE_BYTES, dw0, 0, <u16>q.sqHead, <u16>q.qid, cid, (status & 0xfffe) | <u16>phase);
  if (next == 0) q.cqPhase = phase ^ 1;
  q.cqTail = next;
  return true;
}
