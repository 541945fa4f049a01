// Kernel loop: the queue machinery end to end with nothing else around it,
// for the benchmark and as a check that host and controller agree. One queue
// pair; per I/O the host takes a cid, builds PRPs, encodes a Read SQE and
// rings the SQ doorbell; the controller fetches, walks the PRPs and, after a
// seeded random latency on the event queue, posts a CQE; the host reaps by
// phase, frees the cid and list pages, rings the CQ head doorbell and
// submits the next I/O. TypeScript runs it in batches (kernelRun).

import { Iod, iodFreeLists, iodSizeBytes, iodStrideHoldsLists } from "../host/iod";
import { PagePool, pagePoolCreate } from "../host/page-pool";
import { nvmeSetupPrpsRange } from "../host/prp";
import {
  HostQueue,
  hostCidAlloc,
  hostCidFree,
  hostCqeAt,
  hostQueueCreate,
  hostSqAdvance,
  hostSqNextSlot,
} from "../host/queue";
import {
  Ctrl,
  CtrlQueue,
  ctrlCqPost,
  ctrlCreate,
  ctrlCqHeadWrite,
  ctrlDoorbellQueue,
  ctrlQueue,
  ctrlQueueCreate,
  ctrlSqFetch,
  ctrlSqTailWrite,
} from "../device/controller";
import { dmaListCount, dmaListCreate, DMA_ENTRY_BYTES, DMA_LIST_HEADER_BYTES } from "../device/dma-list";
import { nvmeMapPrp } from "../device/prp";
import { Cqe } from "../nvme/cqe";
import { nvmeCqHeadDoorbell, nvmeRingNext, nvmeSqTailDoorbell } from "../nvme/doorbell";
import { NVME_OPC_READ, NVME_PSDT_PRP, Sqe, nvmeRwCdw12, nvmeSqeWriteRw } from "../nvme/sqe";
import { arenaAlloc, arenaReset } from "../runtime/arena";
import {
  EventQueue,
  eventPop,
  eventPush,
  eventQueueCreateWheel,
  eventQueueEmpty,
  EVENT_WHEEL_BITS,
  EVENT_WHEEL_SHIFT,
  eventTopData,
  eventTopTimeNs,
} from "../runtime/event-queue";
import {
  EVENT_OP_POP,
  EVENT_OP_PUSH,
  EventRecording,
  eventRecord,
  eventRecordedOps,
  eventRecordingCreate,
  eventReplay,
} from "../runtime/event-record";
import { physmemReset } from "../runtime/physmem";
import { Prng, prngCreate, prngNext } from "../runtime/prng";

export const KERNEL_DATA_PHYS_BASE: u64 = 0x1_0000_0000; // data buffers above 4 GiB
export const KERNEL_LIST_PHYS_BASE: u64 = 0x1000_0000;
export const KERNEL_LBA_SHIFT: u32 = 9;
export const KERNEL_PAGE_SHIFT: u32 = 12;
const KERNEL_NSID: u32 = 1;
const KERNEL_STREAM_LATENCY: u32 = 1;

let hq: HostQueue = changetype<HostQueue>(0);
let ctrl: Ctrl = changetype<Ctrl>(0);
let cq: CtrlQueue = changetype<CtrlQueue>(0);
let pool: PagePool = changetype<PagePool>(0);
let events: EventQueue = changetype<EventQueue>(0);
let rng: Prng = changetype<Prng>(0);
let iods: usize = 0;
let iodStride: usize = 0;
let dma: usize = 0;
let ioBytes: u32 = 0;
let maxBytes: u64 = 0;
let latencyNsMin: u64 = 0;
let latencyNsSpan: u32 = 0;
let nowNs: u64 = 0;
let nextLba: u64 = 0;
let submitted: u64 = 0;
let completed: u64 = 0;
let iosTotal: u64 = 0;
let checksum: u32 = 0;
let errors: u32 = 0;
let sqDb: CtrlQueue = changetype<CtrlQueue>(0); // the queues whose doorbells the host writes, decoded once
let cqDb: CtrlQueue = changetype<CtrlQueue>(0);
let recording: EventRecording = changetype<EventRecording>(0); // the bench's queue-alone replay, or 0

function mix(h: u32, v: u32): u32 {
  return (h ^ v) * 0x01000193;
}

/**
 * Sets up a run of `ios` I/Os of `bytes` each (a multiple of 512) at queue
 * depth `iodepth` on one queue pair of `qDepth` entries, with completion
 * latency uniform in [latencyMin, latencyMin + span). With `recordOps`, the
 * event queue's first `recordOps` pushes and pops are recorded (kernelReplay).
 * 0, or -1 on bad sizes or when memory runs out.
 */
export function kernelInit(
  seed: u64,
  qDepth: u32,
  iodepth: u32,
  bytes: u32,
  ios: u64,
  latencyMin: u32,
  span: u32,
  recordOps: u32,
): i32 {
  if (qDepth < 2 || iodepth == 0 || iodepth >= qDepth || span == 0) return -1;
  let lbaCount = bytes >> KERNEL_LBA_SHIFT;
  if (lbaCount == 0 || lbaCount > 65536 || (bytes & ((1 << KERNEL_LBA_SHIFT) - 1)) != 0) return -1; // NLB is 16 bits
  arenaReset();
  physmemReset();
  ioBytes = bytes;
  maxBytes = <u64>bytes;
  let pageBytes: u32 = 1 << KERNEL_PAGE_SHIFT;
  // Buffers sit back to back (cid * bytes), so a size that is not a whole number of pages starts mid-page
  // and can touch one page more than its length needs: size the PRP lists for that.
  let pagesPerIo = ((bytes + pageBytes - 1) >> KERNEL_PAGE_SHIFT) + ((bytes & (pageBytes - 1)) != 0 ? 1 : 0);
  let dataSlots = (pageBytes >> 3) - 1; // a list page's slots less the chain slot
  let listsPerIo = pagesPerIo > 2 ? (pagesPerIo - 2) / dataSlots + 1 : 0;
  hq = changetype<HostQueue>(hostQueueCreate(1, qDepth));
  ctrl = changetype<Ctrl>(ctrlCreate(2, 0));
  pool = changetype<PagePool>(pagePoolCreate(KERNEL_LIST_PHYS_BASE, pageBytes, iodepth * listsPerIo + 1));
  events = changetype<EventQueue>(eventQueueCreateWheel(qDepth, EVENT_WHEEL_SHIFT, EVENT_WHEEL_BITS));
  rng = changetype<Prng>(prngCreate(seed, KERNEL_STREAM_LATENCY));
  iodStride = iodSizeBytes(listsPerIo);
  iods = arenaAlloc(iodStride * qDepth, 8);
  dma = dmaListCreate(pagesPerIo + 1);
  if (changetype<usize>(hq) == 0 || changetype<usize>(ctrl) == 0 || changetype<usize>(pool) == 0) return -1;
  if (changetype<usize>(events) == 0 || changetype<usize>(rng) == 0 || iods == 0 || dma == 0) return -1;
  recording = changetype<EventRecording>(recordOps != 0 ? eventRecordingCreate(recordOps) : 0);
  if (recordOps != 0 && changetype<usize>(recording) == 0) return -1;
  for (let cid: u32 = 0; cid < qDepth; cid++) changetype<Iod>(iods + <usize>cid * iodStride).listCap = listsPerIo;
  ctrlQueueCreate(ctrl, 1, hq.sqCmds, hq.cqes, qDepth);
  cq = ctrlQueue(ctrl, 1);
  sqDb = ctrlDoorbellQueue(ctrl, nvmeSqTailDoorbell(1, 0));
  cqDb = ctrlDoorbellQueue(ctrl, nvmeCqHeadDoorbell(1, 0));
  if (changetype<usize>(sqDb) == 0 || changetype<usize>(cqDb) == 0) return -1;
  latencyNsMin = <u64>latencyMin;
  latencyNsSpan = span;
  nowNs = 0;
  nextLba = 0;
  submitted = 0;
  completed = 0;
  iosTotal = ios;
  checksum = 0x811c9dc5;
  errors = 0;
  for (let i: u32 = 0; i < iodepth && submitted < iosTotal; i++) {
    if (kernelSubmit(nextLba)) {
      nextLba += <u64>(ioBytes >> KERNEL_LBA_SHIFT);
      submitted++;
    } else errors++;
  }
  checksum = kernelRingSq(checksum, nowNs, true);
  return 0;
}

// Builds one Read of the LBAs from `lba` into the next SQ slot (nvme_queue_rq without the doorbell); false when
// the SQ or the command ids are full. The loop's running state (time, checksum, counts) is the caller's, in
// locals, written back to the globals once per batch.
@inline function kernelSubmit(lba: u64): bool {
  let sqe = hostSqNextSlot(hq);
  let cid = sqe != 0 ? hostCidAlloc(hq) : -1;
  if (cid < 0) return false;
  let iod = changetype<Iod>(iods + <usize>cid * iodStride);
  if (nvmeSetupPrpsRange(iod, KERNEL_DATA_PHYS_BASE + <u64>cid * ioBytes, ioBytes, KERNEL_PAGE_SHIFT, maxBytes, pool) != 0)
    errors++;
  let cdw12 = nvmeRwCdw12((ioBytes >> KERNEL_LBA_SHIFT) - 1, false, false, false, 0);
  nvmeSqeWriteRw(sqe, NVME_OPC_READ, NVME_PSDT_PRP, <u16>cid, KERNEL_NSID, iod.dptr0, iod.dptr1, lba, cdw12, 0);
  hostSqAdvance(hq);
  return true;
}

// Writes the SQ tail doorbell; the controller fetches and starts every new command, at `now`. Returns the
// checksum with the transfers folded in. `record` (a constant where inlined) records the pushes.
@inline function kernelRingSq(sum: u32, now: u64, record: bool): u32 {
  let tail = hq.sqTail;
  if (tail == hq.lastSqTail) return sum;
  ctrlSqTailWrite(ctrl, sqDb, tail);
  hq.lastSqTail = tail;
  let q = cq; // globals read once: V8 reads a global again at each use
  let list = dma;
  for (let sqe = ctrlSqFetch(q); sqe != 0; sqe = ctrlSqFetch(q)) {
    let s = changetype<Sqe>(sqe);
    let lenBytes = (<u64>((s.cdw12 & 0xffff) + 1)) << KERNEL_LBA_SHIFT;
    let status = nvmeMapPrp(s.prp1, s.prp2, lenBytes, KERNEL_PAGE_SHIFT, maxBytes, list);
    if (status != 0) errors++;
    // Fold the pieces with adds (short dependency chain), then mix once.
    let end = list + DMA_LIST_HEADER_BYTES + <usize>dmaListCount(list) * DMA_ENTRY_BYTES;
    let pieces: u32 = 0;
    for (let e = list + DMA_LIST_HEADER_BYTES; e < end; e += DMA_ENTRY_BYTES) pieces += load<u32>(e) ^ load<u32>(e, 8);
    sum = mix(sum, pieces);
    let latency = latencyNsMin + <u64>(prngNext(rng) % latencyNsSpan);
    // data: cid in the low 16 bits, status above
    let when = now + latency;
    let word = (<u32>s.cid) | (status << 16);
    if (!eventPush(events, when, word)) errors++;
    else if (record) eventRecord(recording, EVENT_OP_PUSH, when, word);
  }
  return sum;
}

/** Completes up to `batch` more I/Os; returns how many completed in this call. */
export function kernelRun(batch: u32): u32 {
  // Two copies of the loop: a run that is not recorded tests nothing for it.
  return changetype<usize>(recording) != 0 ? kernelSteps(batch, true) : kernelSteps(batch, false);
}

@inline function kernelSteps(batch: u32, record: bool): u32 {
  let done = completed;
  let target = done + <u64>batch;
  let now = nowNs;
  let sum = checksum;
  let sent = submitted;
  let lba = nextLba;
  let lbaCount = <u64>(ioBytes >> KERNEL_LBA_SHIFT);
  let qDepth = hq.qDepth;
  let listed = iodStrideHoldsLists(iodStride);
  while (done < target && !eventQueueEmpty(events)) {
    now = eventTopTimeNs(events);
    let data = eventTopData(events);
    eventPop(events);
    if (record) eventRecord(recording, EVENT_OP_POP, now, data);
    if (!ctrlCqPost(cq, <u16>data, <u16>(data >> 16), 0)) errors++;
    // Interrupt: reap every posted CQE by phase, then one CQ head doorbell. The CQ head and phase stay in locals
    // while the ring is walked (moved as hostCqConsume moves them) and are written back once.
    let reaped: u32 = 0;
    let q = hq;
    let cqes = q.cqes;
    let head = q.cqHead;
    let phase = q.cqPhase;
    for (let cqe = hostCqeAt(cqes, head, phase); cqe != 0; cqe = hostCqeAt(cqes, head, phase)) {
      let c = changetype<Cqe>(cqe);
      let cid = <u32>c.cid;
      sum = mix(mix(mix(sum, cid), <u32>now), <u32>(c.status & 0xfffe));
      if (listed) iodFreeLists(changetype<Iod>(iods + <usize>cid * iodStride), pool);
      if (!hostCidFree(q, cid)) errors++;
      q.sqHead = c.sqhd;
      head = nvmeRingNext(head, qDepth);
      if (head == 0) phase ^= 1;
      reaped++;
    }
    q.cqHead = head;
    q.cqPhase = phase;
    ctrlCqHeadWrite(ctrl, cqDb, head);
    done += reaped;
    for (let i: u32 = 0; i < reaped && sent < iosTotal; i++) {
      if (kernelSubmit(lba)) {
        lba += lbaCount;
        sent++;
      } else errors++;
    }
    sum = kernelRingSq(sum, now, record);
  }
  let ran = <u32>(done - completed);
  completed = done;
  nowNs = now;
  checksum = sum;
  submitted = sent;
  nextLba = lba;
  return ran;
}

export function kernelChecksum(): u32 {
  return checksum;
}

export function kernelNowNs(): u64 {
  return nowNs;
}

/** Internal inconsistencies seen (full rings, failed builds, bad doorbells); 0 in a correct run. */
export function kernelErrors(): u32 {
  return errors + ctrl.badDoorbellWrites;
}

/**
 * Operations kernelInit's recording holds (0 when it made none); with `replay`, also a fresh queue to replay
 * them on. Like the rest of the loop's state, the recording lasts until the next init or simReset.
 */
export function kernelRecordedOps(replay: bool): u32 {
  return eventRecordedOps(recording, events, replay);
}

/** Replays recorded operations [from, to): the event queue's own work in the loop; 0, or the ops that went otherwise. */
export function kernelReplay(from: u32, to: u32): u32 {
  return eventReplay(recording, from, to);
}

export function kernelDoorbellWrites(): u32 {
  return ctrl.sqDoorbellWrites + ctrl.cqDoorbellWrites;
}
