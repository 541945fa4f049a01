// Doorbell registers and ring arithmetic: NVMe Base 2.0 section 3.1.4.8 (SQ y
// Tail Doorbell at 1000h + (2y * (4 << CAP.DSTRD)), CQ y Head Doorbell at
// 1000h + ((2y + 1) * (4 << CAP.DSTRD))) and section 3.3.1 (circular queues).

export const NVME_REG_DBS: u32 = 0x1000;
export const NVME_QUEUE_DEPTH_MIN: u32 = 2;
export const NVME_QUEUE_DEPTH_MAX: u32 = 65536;
export const NVME_DSTRD_MAX: u32 = 15;

/** Register offset of SQ `qid`'s tail doorbell; 64-bit since qid 65535 at DSTRD 15 passes 4 GiB. */
export function nvmeSqTailDoorbell(qid: u32, dstrd: u32): u64 {
  return <u64>NVME_REG_DBS + <u64>(2 * qid) * ((<u64>4) << dstrd);
}

/** Register offset of CQ `qid`'s head doorbell. */
export function nvmeCqHeadDoorbell(qid: u32, dstrd: u32): u64 {
  return <u64>NVME_REG_DBS + <u64>(2 * qid + 1) * ((<u64>4) << dstrd);
}

/** Next slot of a ring; indices wrap to 0 at `qDepth`. */
export function nvmeRingNext(index: u32, qDepth: u32): u32 {
  let next = index + 1;
  return next == qDepth ? 0 : next;
}

/** A ring is full when one more entry would make tail equal head. */
export function nvmeRingFull(tail: u32, head: u32, qDepth: u32): bool {
  return nvmeRingNext(tail, qDepth) == head;
}

/** Entries between head and tail, in ring order. */
export function nvmeRingUsed(tail: u32, head: u32, qDepth: u32): u32 {
  return tail >= head ? tail - head : tail + qDepth - head;
}
