// An I/O's life on the host, as drivers/nvme/host/pci.c and the block layer
// above it live it: the driver takes a command id, builds PRPs (or SGLs) and
// the SQE in the ring and writes the SQ doorbell; on completion the host reaps
// CQEs by phase (nvme_process_cq), writes the CQ head doorbell, retries or
// fails errors by DNR, checks read data against what was written, and hands
// each finished I/O to the workload (the machine's ioSeen/ioDone hooks).

import { iodFreeLists, iodStrideHoldsLists } from "../host/iod";
import { nvmeSetupPrpsRange } from "../host/prp";
import { nvmeSetupSgls } from "../host/sgl";
import { hostCidAlloc, hostCidFree, hostCqConsume, hostCqePending, hostSqAdvance, hostSqNextSlot } from "../host/queue";
import { segSet } from "../host/segments";
import { ctrlCqHeadWrite, ctrlQueue } from "../device/controller";
import { Cqe, NVME_STATUS_DNR } from "../nvme/cqe";
import {
  NVME_OPC_READ,
  NVME_OPC_WRITE,
  NVME_PSDT_PRP,
  NVME_PSDT_SGL_MPTR_CONTIG,
  nvmeRwCdw12,
  nvmeSqeWriteRw,
} from "../nvme/sqe";
import { arenaAlloc } from "../runtime/arena";
import { bitmapBytes, bitmapSet, bitmapTest } from "../runtime/bitmap";
import { prngNext } from "../runtime/prng";
import {
  DATA_PHYS_BASE,
  EV_FETCH,
  EV_SQREAP,
  IoRec,
  LBA_SHIFT,
  M,
  NO_TIME,
  PAGE_SHIFT,
  bufferPage,
  cpuInsert,
  cpuRun,
  evWord,
  hq,
  ioRec,
  iodOf,
  isSwap,
  post,
  threadRec,
  writeTag,
  cfg,
} from "./machine";
import { diskEnd, diskStart, dirRecord, st } from "./stats";

const NSID: u32 = 1;
const TAG_UNKNOWN: u32 = 2; // written tags are odd, never-written pages read 0
const READ_UNSURE: u32 = 0xffff_ffff; // a write to the read's pages was in flight when it was submitted

/** Allocates the host's per-page state; false when memory runs out. */
export function hostIoInit(): bool {
  let regionPages = <usize>M.regionPages;
  M.expectTags = arenaAlloc(regionPages << 2, 4);
  M.hostWritten = arenaAlloc(bitmapBytes(regionPages), 4);
  M.writesInFlight = arenaAlloc(regionPages, 1);
  M.hostTags = arenaAlloc((<usize>cfg.cpus * cfg.qDepth * M.bufPages) << 2, 4);
  M.segs = arenaAlloc(16, 8);
  M.writeSeq = 0;
  // fio verify: a read that overlapped a write, whose data NVMe leaves undefined (old or new), is not checked.
  let verifyFio = cfg.verify != 0 && !isSwap();
  M.pageWriteSeq = verifyFio ? arenaAlloc(regionPages << 2, 4) : 0;
  if (verifyFio && M.pageWriteSeq == 0) return false;
  M.dispatchStart = NO_TIME;
  return M.expectTags != 0 && M.hostWritten != 0 && M.writesInFlight != 0 && M.hostTags != 0 && M.segs != 0;
}

// A write to `page` is in flight (a page the host never wrote has none: its bit spares the byte's cache miss).
@inline function writeInFlight(page: u64): bool {
  return bitmapTest(M.hostWritten, page) && load<u8>(M.writesInFlight + <usize>page) != 0;
}

/** Builds and queues one I/O of `pages` pages (0: the run's size); returns when its CPU work ends. */
export function ioSubmit(cpu: u32, t: u32, page: u64, write: bool, retries: u32, now: u64, pages: u32 = 0): u64 {
  if (pages == 0) pages = M.pagesPerIo;
  let unitShift = M.unitShift;
  let bytes = pages << unitShift;
  let q = hq(cpu);
  let sqe = hostSqNextSlot(q);
  let cid = sqe != 0 ? hostCidAlloc(q) : -1;
  if (cid < 0) {
    st.engineErrors++;
    return now;
  }
  let rec = ioRec(cpu, <u32>cid);
  let bufPage = bufferPage(cpu, <u32>cid);
  let iod = iodOf(cpu, <u32>cid);
  let buf = DATA_PHYS_BASE + (bufPage << unitShift); // a sub-page buffer never crosses a page
  let sgl = cfg.sglThresholdBytes != 0 && bytes >= cfg.sglThresholdBytes;
  if (sgl) segSet(M.segs, 0, buf, bytes);
  let built = sgl
    ? nvmeSetupSgls(iod, M.segs, 1, 4096, <u64>bytes, M.listPool)
    : nvmeSetupPrpsRange(iod, buf, <u64>bytes, PAGE_SHIFT, <u64>bytes, M.listPool);
  if (built != 0) st.engineErrors++;
  let writesInFlight = M.writesInFlight;
  let pageWriteSeq = M.pageWriteSeq;
  if (write) {
    let hostTags = M.hostTags;
    let expectTags = M.expectTags;
    // The page contents: a tag per page the host can check on read-back.
    for (let k: u32 = 0; k < pages; k++) {
      let tag = writeTag(page + k);
      store<u32>(hostTags + ((<usize>(bufPage + k)) << 2), tag);
      let w = writesInFlight + <usize>(page + k);
      bitmapSet(M.hostWritten, page + k);
      // Two writes to a page in flight at once may reach the media in either order: its content is then unknown.
      store<u32>(expectTags + ((<usize>(page + k)) << 2), load<u8>(w) != 0 ? TAG_UNKNOWN : tag);
      store<u8>(w, load<u8>(w) + 1);
      if (pageWriteSeq != 0) store<u32>(pageWriteSeq + ((<usize>(page + k)) << 2), M.writeSeq);
    }
  } else if (pageWriteSeq != 0) {
    let seq = M.writeSeq;
    for (let k: u32 = 0; k < pages; k++) if (writeInFlight(page + k)) seq = READ_UNSURE;
    rec.readSeq = seq;
  }
  let dptr0 = iod.dptr0;
  if (!sgl && cfg.errPrpPpm != 0 && prngNext(M.hostRng) % 1_000_000 < cfg.errPrpPpm) {
    dptr0 |= 2; // the controller must answer PRP Offset Invalid with DNR
    st.injectedErrors++;
  }
  let cdw12 = nvmeRwCdw12((bytes >> LBA_SHIFT) - 1, false, false, false, 0);
  nvmeSqeWriteRw(
    sqe,
    write ? NVME_OPC_WRITE : NVME_OPC_READ,
    sgl ? NVME_PSDT_SGL_MPTR_CONTIG : NVME_PSDT_PRP,
    <u16>cid,
    NSID,
    dptr0,
    iod.dptr1,
    page << (unitShift - LBA_SHIFT),
    cdw12,
    0,
  );
  hostSqAdvance(q);
  // A write kblockd dispatches had its submitter's part charged when it was queued.
  let queued = M.dispatchStart != NO_TIME;
  let cost: u64 = write ? cfg.costDispatchWrite : cfg.costSubmitRead;
  if (!write) st.nSubmitRead++;
  else {
    st.nDispatchWrite++;
    if (!queued) {
      st.nSubmitWrite++;
      cost += cfg.costSubmitWrite;
    }
  }
  if (cfg.batchDoorbell == 0) cost += cfg.costSubmitBatch;
  let end = cpuRun(cpu, now, cost);
  let start = queued ? M.dispatchStart : now;
  rec.lbaPage = page;
  rec.pages = <u16>pages;
  if (retries == 0) {
    rec.submitNs = start;
    rec.slatNs = <u32>(end - start); // slat: until the driver is done with it
    diskStart(start);
  }
  rec.thread = t;
  rec.write = write ? 1 : 0;
  rec.retries = <u8>retries;
  let th = threadRec(t);
  th.inFlight++;
  st.submitted++;
  if (cfg.batchDoorbell == 0) ringSq(cpu, end);
  // 3.19's nvme_queue_rq (and nvme_rw_page) end with nvme_process_cq under the queue lock: CQEs posted by then
  // are reaped by the submitter. Only worth an event when a CQE is waiting or on its way (an interrupt is due).
  if (cfg.reapOnSubmit != 0 && (hostCqePending(q) != 0 || load<u64>(M.irqAt + ((<usize>cpu) << 3)) != NO_TIME)) {
    post(end, evWord(EV_SQREAP, cpu, 0));
  }
  return end;
}

/** The SQ tail doorbell written at `when`; the controller reacts after its fetch latency. */
export function ringSq(cpu: u32, when: u64): void {
  let q = hq(cpu);
  if (q.sqTail == q.lastSqTail) return;
  q.lastSqTail = q.sqTail;
  st.nSubmitBatch++;
  post(when + cfg.fetchNs, evWord(EV_FETCH, cpu, q.sqTail));
}

/** Submits a plug's batch doorbell (batchDoorbell), one CPU charge for the batch; returns when it is written. */
export function plugFinish(cpu: u32, now: u64): u64 {
  if (cfg.batchDoorbell == 0) return now;
  let end = cpuRun(cpu, now, cfg.costSubmitBatch);
  ringSq(cpu, end);
  return end;
}

/** What runs a pass over a CQ (hostReapBegin). */
export const PASS_IRQ: u32 = 0; // the queue's interrupt handler
export const PASS_POLL: u32 = 1; // a poller (hipri)
export const PASS_SUBMIT: u32 = 2; // the submission path (3.19 reaps after every command it queues)
export const PASS_MORE: u32 = 3; // CQEs posted while a pass runs: its loop goes on to them

/**
 * A pass over `cpu`'s CQ (nvme_process_cq) at `now`, or when the pass before it ends: it takes every posted CQE,
 * then writes the CQ head doorbell; it runs ahead of the CPU's queued task work (an interrupt preempts it; a
 * pass on the submission path sits inside it). An interrupt pays its entry and handler whether or not CQEs
 * are left to take. Returns when the pass ends. The entries taken are those from the CQ head before the call
 * to the head after it; the engine hands each to hostIoFinish and then to the workload, in order.
 */
export function hostReapBegin(cpu: u32, now: u64, kind: u32): u64 {
  let q = hq(cpu);
  let passEnd = M.passEnd + ((<usize>cpu) << 3);
  let busyUntil = load<u64>(passEnd);
  let start = busyUntil > now ? busyUntil : now;
  let cost: u64 = 0;
  let taken: u32 = 0;
  for (let cqe = hostCqePending(q); cqe != 0; cqe = hostCqePending(q)) {
    let rec = ioRec(cpu, changetype<Cqe>(cqe).cid);
    cost += rec.write != 0 ? cfg.costCompleteWrite + (<u64>rec.pages - 1) * cfg.costCompleteWriteBio : cfg.costCompleteRead;
    hostCqConsume(q);
    taken++;
  }
  if (kind == PASS_IRQ) {
    cost += cfg.costInterrupt;
    st.nInterrupt++;
    if (taken == 0) st.nEmptyInterrupt++;
  }
  if (kind == PASS_POLL || (taken != 0 && kind != PASS_MORE)) {
    cost += cfg.costCompleteBatch;
    st.nCompleteBatch++;
    if (kind == PASS_SUBMIT) st.nSubmitReap++;
  }
  let end = cpuInsert(cpu, start, cost);
  store<u64>(passEnd, end);
  if (taken != 0) {
    ctrlCqHeadWrite(M.ctrl, ctrlQueue(M.ctrl, cpu + 1), q.cqHead); // queue cpu + 1's CQ head doorbell
    if (kind != PASS_MORE) st.cqDoorbells++;
  }
  return end;
}

/**
 * One command's completion as the host handles it at `now`: frees its cid and lists, retries or fails an
 * error by DNR, checks read data (fio verify). Returns its record for the workload, or null when the I/O was
 * resubmitted (a retry: nothing for the workload yet).
 */
export function hostIoFinish(cpu: u32, cid: u32, statusWord: u16, now: u64): IoRec | null {
  let rec = ioRec(cpu, cid);
  let page = rec.lbaPage;
  let t = rec.thread;
  let write = rec.write != 0;
  let retries = <u32>rec.retries;
  let status = statusWord & 0xfffe;
  let pages = <u32>rec.pages;
  // An iod with no room for list pages has none to give back: its line is left alone (at thousands of CPUs it is
  // out of the caches by the time the command completes).
  if (iodStrideHoldsLists(M.iodStride)) iodFreeLists(iodOf(cpu, cid), M.listPool);
  if (!hostCidFree(hq(cpu), cid)) st.engineErrors++;
  threadRec(t).inFlight--;
  if (write) {
    for (let k: u32 = 0; k < pages; k++) {
      let w = M.writesInFlight + <usize>(page + k);
      store<u8>(w, load<u8>(w) - 1);
    }
  }
  if (status != 0) {
    st.detectedErrors++;
    if ((status & NVME_STATUS_DNR) == 0 && retries < cfg.maxRetries) {
      st.retries++;
      st.submitted--; // the retry is the same I/O
      plugFinish(cpu, ioSubmit(cpu, t, page, write, retries + 1, now, pages));
      return null;
    }
    st.failedIos++;
    // A write that never happened leaves the page's content unknown to the host.
    if (write) for (let k: u32 = 0; k < pages; k++) store<u32>(M.expectTags + ((<usize>(page + k)) << 2), TAG_UNKNOWN);
  } else if (!write && cfg.verify != 0 && !isSwap()) {
    let buf = bufferPage(cpu, cid);
    let seq = rec.readSeq;
    for (let k: u32 = 0; seq != READ_UNSURE && k < pages; k++) {
      let want: u32 = 0; // a page the host never wrote holds what nobody wrote
      if (bitmapTest(M.hostWritten, page + k)) {
        if (load<u8>(M.writesInFlight + <usize>(page + k)) != 0) continue; // a racing write: nothing to expect
        if (load<u32>(M.pageWriteSeq + ((<usize>(page + k)) << 2)) > seq) continue; // written while the read was out
        want = load<u32>(M.expectTags + ((<usize>(page + k)) << 2));
      }
      if (want != TAG_UNKNOWN && load<u32>(M.hostTags + ((<usize>(buf + k)) << 2)) != want) st.integrityErrors++;
    }
  }
  diskEnd(now);
  // Its stages, as the waterfall shows them: to the doorbell (the fetch less the doorbell's way), at the device,
  // then the CQE to the host's completion (interrupt delivery and handler, or the polling pass).
  let fetched = <u64>rec.fetchedAt;
  let doorbell = fetched > cfg.fetchNs ? fetched - cfg.fetchNs : 0;
  let cqe = <u64>rec.deviceDoneAt;
  let finished = now - rec.submitNs;
  st.stageN++;
  st.stageToDoorbellNs += doorbell;
  st.stageDeviceNs += cqe > fetched ? cqe - fetched : 0;
  st.stageHostNs += finished > cqe ? finished - cqe : 0;
  return rec;
}

/** A completed I/O counted as its thread saw it at `seen` (fio's lat, slat and clat). */
export function hostIoRecord(rec: IoRec, seen: u64): void {
  hostIoSeen(rec.write != 0, rec.submitNs, <u64>rec.slatNs, seen, (<u32>rec.pages) << M.unitShift);
}

/** A completed I/O, submitted at `submitNs` with `slatNs` of submission latency, seen by its thread at `seen`. */
export function hostIoSeen(write: bool, submitNs: u64, slatNs: u64, seen: u64, bytes: u32 = 0): void {
  st.completed++;
  dirRecord(write, bytes != 0 ? bytes : cfg.bs, seen - submitNs, slatNs);
}

/** The content tag the first page of `cid`'s buffer holds (what a read brought in). */
export function bufferTag(cpu: u32, cid: u32): u32 {
  return load<u32>(M.hostTags + ((<usize>bufferPage(cpu, cid)) << 2));
}
