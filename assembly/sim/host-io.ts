// An I/O's life on the host, as drivers/nvme/host/pci.c and the block layer
// above it live it: a thread picks its next I/O, the driver takes a command
// id, builds PRPs (or SGLs) and the SQE in the ring and writes the SQ
// doorbell; on completion the host reaps CQEs by phase (nvme_process_cq),
// writes the CQ head doorbell, retries or fails errors by DNR, checks read
// data against what was written, and wakes the thread to refill its depth.

import { iodFreeLists } from "../host/iod";
import { nvmeSetupPrps } from "../host/prp";
import { nvmeSetupSgls } from "../host/sgl";
import { hostCidAlloc, hostCidFree, hostCqConsume, hostCqePending, hostSqAdvance, hostSqNextSlot } from "../host/queue";
import { segSet } from "../host/segments";
import { ctrlDoorbellWrite } from "../device/controller";
import { Cqe, NVME_STATUS_DNR } from "../nvme/cqe";
import { nvmeCqHeadDoorbell } from "../nvme/doorbell";
import { NVME_OPC_READ, NVME_OPC_WRITE, NVME_PSDT_PRP, NVME_PSDT_SGL_MPTR_CONTIG, Sqe, nvmeRwCdw12, nvmeSqeClear, nvmeSqeSetHeader, nvmeSqeSetRw } from "../nvme/sqe";
import { arenaAlloc } from "../runtime/arena";
import { eventPush } from "../runtime/event-queue";
import { Prng, prngNext } from "../runtime/prng";
import { EV_FETCH, LBA_SHIFT, NO_TIME, PAGE_SHIFT, cfg, cpuRun, ctrl, events, hostRng, hq, iodOf, ioRec, listPool, pagesPerIo, regionPages, threadPtr } from "./engine";
import { kblockdQueued } from "./kblockd";
import { dirRecord, st } from "./stats";
import { swapIoDone, swapTag } from "./swap";

export const DATA_PHYS_BASE: u64 = 0x1_0000_0000;
const NSID: u32 = 1;
const TAG_UNKNOWN: u32 = 2; // written tags are odd, never-written pages read 0

let refill: usize = 0; // u32 per thread: I/Os to submit after a reap pass
let wokeAt: usize = 0; // u64 per thread: when it woke in the current reap pass
let touched: usize = 0; // u32 stack of threads with refills
let touchedCount: u32 = 0;
export let hostTags: usize = 0; // u32 per host data page (buffer shadow)
let expectTags: usize = 0; // u32 per region page: what the host last wrote
let writesInFlight: usize = 0; // u8 per region page
// fio verify: writeSeq when a write to each region page was last submitted (u32 per page), so a read that
// overlapped a write, whose data NVMe leaves undefined (old or new), is not checked.
let pageWriteSeq: usize = 0;
const READ_UNSURE: u32 = 0xffff_ffff; // a write to the read's pages was in flight when it was submitted
let segs: usize = 0;
let writeSeq: u32 = 0;
// When kblockd dispatches a queued write: the time it was queued (its submission start).
let dispatchStart: u64 = 0xffff_ffff_ffff_ffff; // NO_TIME

/** Allocates the host's per-thread and per-page state; false when memory runs out. */
export function hostIoInit(): bool {
  let threads = <usize>cfg.threads;
  refill = arenaAlloc(threads << 2, 4);
  wokeAt = arenaAlloc(threads << 3, 8);
  touched = arenaAlloc(threads << 2, 4);
  touchedCount = 0;
  expectTags = arenaAlloc(<usize>regionPages << 2, 4);
  writesInFlight = arenaAlloc(<usize>regionPages, 1);
  hostTags = arenaAlloc((<usize>cfg.cpus * cfg.qDepth * pagesPerIo) << 2, 4);
  segs = arenaAlloc(16, 8);
  writeSeq = 0;
  pageWriteSeq = cfg.verify != 0 && cfg.workload == 0 ? arenaAlloc(<usize>regionPages << 2, 4) : 0;
  if (cfg.verify != 0 && cfg.workload == 0 && pageWriteSeq == 0) return false;
  dispatchStart = NO_TIME;
  return refill != 0 && wokeAt != 0 && touched != 0 && expectTags != 0 && writesInFlight != 0 && hostTags != 0 && segs != 0;
}

/** Command ids free on `cpu`'s queue (requests waiting for kblockd hold theirs). */
export function hostCidsFree(cpu: u32): u32 {
  return hq(cpu).cidFree - kblockdQueued(cpu);
}

export function setDispatchStart(ns: u64): void {
  dispatchStart = ns;
}

function mix(h: u32, v: u32): u32 {
  return (h ^ v) * 0x01000193;
}

// Picks the next I/O of thread `t`: returns the first region page; sets pickWrite.
let pickWrite: bool = false;

function threadPick(t: u32): u64 {
  let tp = threadPtr(t);
  let rng = changetype<Prng>(tp + 24);
  let slots = regionPages / <u64>pagesPerIo;
  let page: u64;
  if (cfg.random != 0) {
    page = <u64>(prngNext(rng) % <u32>slots) * pagesPerIo; // the region is below 2^32 pages
  } else {
    page = load<u64>(tp, 16);
    let next = page + pagesPerIo;
    store<u64>(tp, next + <u64>pagesPerIo > regionPages ? 0 : next, 16);
  }
  pickWrite = cfg.readPercent < 100 && (cfg.readPercent == 0 || prngNext(rng) % 100 >= cfg.readPercent);
  return page;
}

/** Thread `t` submits `count` I/Os (one plug) starting at `now`. */
export function threadSubmit(t: u32, count: u32, now: u64): void {
  if (count == 0) return;
  let cpu = load<u32>(threadPtr(t));
  let issued: u32 = 0;
  for (; issued < count; issued++) {
    if (cfg.iosTotal != 0 && st.submitted >= cfg.iosTotal) break;
    let page = threadPick(t);
    now = ioSubmit(cpu, t, page, pickWrite, 0, now);
  }
  if (issued != 0 && cfg.batchDoorbell != 0) ringSq(cpu, cpuRun(cpu, now, cfg.costSubmitBatch));
}

/** Builds and queues one I/O; returns when its CPU work ends. */
export function ioSubmit(cpu: u32, t: u32, page: u64, write: bool, retries: u32, now: u64): u64 {
  let q = hq(cpu);
  let sqe = hostSqNextSlot(q);
  let cid = sqe != 0 ? hostCidAlloc(q) : -1;
  if (cid < 0) {
    st.engineErrors++;
    return now;
  }
  let rec = ioRec(cpu, <u32>cid);
  let bufPage = (<u64>cpu * cfg.qDepth + <u32>cid) * pagesPerIo;
  let iod = iodOf(cpu, <u32>cid);
  segSet(segs, 0, DATA_PHYS_BASE + (bufPage << PAGE_SHIFT), cfg.bs);
  let sgl = cfg.sglThresholdBytes != 0 && cfg.bs >= cfg.sglThresholdBytes;
  let built = sgl ? nvmeSetupSgls(iod, segs, 1, 4096, <u64>cfg.bs, listPool) : nvmeSetupPrps(iod, segs, 1, PAGE_SHIFT, <u64>cfg.bs, listPool);
  if (built != 0) st.engineErrors++;
  if (write) {
    // The page contents: a tag per page the host can check on read-back.
    for (let k: u32 = 0; k < pagesPerIo; k++) {
      let tag = cfg.workload == 1 ? swapTag(page + k) : mix(mix(0x811c9dc5, <u32>(page + k)), ++writeSeq) | 1;
      store<u32>(hostTags + (<usize>(bufPage + k) << 2), tag);
      let w = writesInFlight + <usize>(page + k);
      // Two writes to a page in flight at once may reach the media in either order: its content is then unknown.
      store<u32>(expectTags + (<usize>(page + k) << 2), load<u8>(w) != 0 ? TAG_UNKNOWN : tag);
      store<u8>(w, load<u8>(w) + 1);
      if (pageWriteSeq != 0) store<u32>(pageWriteSeq + (<usize>(page + k) << 2), writeSeq);
    }
  } else if (pageWriteSeq != 0) {
    let seq = writeSeq;
    for (let k: u32 = 0; k < pagesPerIo; k++) if (load<u8>(writesInFlight + <usize>(page + k)) != 0) seq = READ_UNSURE;
    store<u32>(ioRec(cpu, <u32>cid), seq, 48);
  }
  nvmeSqeClear(sqe);
  nvmeSqeSetHeader(sqe, write ? NVME_OPC_WRITE : NVME_OPC_READ, 0, sgl ? NVME_PSDT_SGL_MPTR_CONTIG : NVME_PSDT_PRP, <u16>cid, NSID);
  let s = changetype<Sqe>(sqe);
  s.prp1 = iod.dptr0;
  s.prp2 = iod.dptr1;
  if (!sgl && cfg.errPrpPpm != 0 && prngNext(hostRng) % 1_000_000 < cfg.errPrpPpm) {
    s.prp1 |= 2; // the controller must answer PRP Offset Invalid with DNR
    st.injectedErrors++;
  }
  let lbas = cfg.bs >> LBA_SHIFT;
  nvmeSqeSetRw(sqe, page << (PAGE_SHIFT - LBA_SHIFT), nvmeRwCdw12(lbas - 1, false, false, false, 0), 0, 0, 0, 0, 0);
  hostSqAdvance(q);
  // A write kblockd dispatches had its submitter's part charged when it was queued.
  let queued = dispatchStart != NO_TIME;
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
  let start = queued ? dispatchStart : now;
  store<u64>(rec, page);
  store<u64>(rec, retries == 0 ? start : load<u64>(rec, 8), 8);
  if (retries == 0) store<u32>(rec, <u32>(end - start), 44); // slat: until the driver is done with it
  store<u32>(rec, t, 32);
  store<u8>(rec, write ? 1 : 0, 38);
  store<u8>(rec, <u8>retries, 39);
  let tp = threadPtr(t);
  store<u32>(tp, load<u32>(tp, 4) + 1, 4);
  st.submitted++;
  if (cfg.batchDoorbell == 0) ringSq(cpu, end);
  return end;
}

/** The SQ tail doorbell written at `when`; the controller reacts after its fetch latency. */
export function ringSq(cpu: u32, when: u64): void {
  let q = hq(cpu);
  if (q.sqTail == q.lastSqTail) return;
  q.lastSqTail = q.sqTail;
  st.nSubmitBatch++;
  if (!eventPush(events, when + cfg.fetchNs, (EV_FETCH << 28) | (cpu << 16) | q.sqTail)) st.engineErrors++;
}

/** The host reaps every posted CQE of `cpu`'s queue (nvme_process_cq), then threads refill. */
export function hostReap(cpu: u32, now: u64, interrupt: bool): void {
  let q = hq(cpu);
  let cost: u64 = cfg.costCompleteBatch;
  st.nCompleteBatch++;
  if (interrupt) {
    cost += cfg.costInterrupt;
    st.nInterrupt++;
  }
  let reaped: u32 = 0;
  let first = q.cqHead;
  for (let cqe = hostCqePending(q); cqe != 0; cqe = hostCqePending(q)) {
    let write = load<u8>(ioRec(cpu, changetype<Cqe>(cqe).cid), 38) != 0;
    cost += write ? cfg.costCompleteWrite : cfg.costCompleteRead;
    hostCqConsume(q);
    reaped++;
  }
  let end = cpuRun(cpu, now, cost);
  ctrlDoorbellWrite(ctrl, nvmeCqHeadDoorbell(cpu + 1, 0), q.cqHead);
  st.cqDoorbells++;
  // Walk the reaped entries again in order, now that the CPU time is known.
  let index = first;
  for (let i: u32 = 0; i < reaped; i++) {
    let cqe = changetype<Cqe>(q.cqes + (<usize>index << 4));
    ioFinish(cpu, <u32>cqe.cid, cqe.status, end);
    index = index + 1 == cfg.qDepth ? 0 : index + 1;
  }
  // Each thread with completions wakes once (unless it polls) and refills in one plug.
  for (let i: u32 = 0; i < touchedCount; i++) {
    let t = load<u32>(touched + (<usize>i << 2));
    let n = load<u32>(refill + (<usize>t << 2));
    store<u32>(refill + (<usize>t << 2), 0);
    threadSubmit(t, n, cfg.polled == 0 ? load<u64>(wokeAt + (<usize>t << 3)) : end);
  }
  touchedCount = 0;
}

// One command's completion as its thread sees it: retry, fail or count; verify; refill.
function ioFinish(cpu: u32, cid: u32, statusWord: u16, now: u64): void {
  let rec = ioRec(cpu, cid);
  let page = load<u64>(rec);
  let t = load<u32>(rec, 32);
  let write = load<u8>(rec, 38) != 0;
  let retries = <u32>load<u8>(rec, 39);
  let status = statusWord & 0xfffe;
  let q = hq(cpu);
  iodFreeLists(iodOf(cpu, cid), listPool);
  if (!hostCidFree(q, cid)) st.engineErrors++;
  let tp = threadPtr(t);
  store<u32>(tp, load<u32>(tp, 4) - 1, 4);
  if (write) {
    for (let k: u32 = 0; k < pagesPerIo; k++) {
      let w = writesInFlight + <usize>(page + k);
      store<u8>(w, load<u8>(w) - 1);
    }
  }
  if (status != 0) {
    st.detectedErrors++;
    if ((status & NVME_STATUS_DNR) == 0 && retries < cfg.maxRetries) {
      st.retries++;
      st.submitted--; // the retry is the same I/O
      let end = ioSubmit(cpu, t, page, write, retries + 1, now);
      if (cfg.batchDoorbell != 0) ringSq(cpu, cpuRun(cpu, end, cfg.costSubmitBatch));
      return;
    }
    st.failedIos++;
    // A write that never happened leaves the page's content unknown to the host.
    if (write) for (let k: u32 = 0; k < pagesPerIo; k++) store<u32>(expectTags + (<usize>(page + k) << 2), TAG_UNKNOWN);
  } else if (!write && cfg.verify != 0 && cfg.workload == 0) {
    let buf = (<u64>cpu * cfg.qDepth + cid) * pagesPerIo;
    let seq = load<u32>(rec, 48);
    for (let k: u32 = 0; seq != READ_UNSURE && k < pagesPerIo; k++) {
      if (load<u8>(writesInFlight + <usize>(page + k)) != 0) continue; // a racing write: nothing to expect
      if (load<u32>(pageWriteSeq + (<usize>(page + k) << 2)) > seq) continue; // written while the read was out
      let want = load<u32>(expectTags + (<usize>(page + k) << 2));
      if (want != TAG_UNKNOWN && load<u32>(hostTags + (<usize>(buf + k) << 2)) != want) st.integrityErrors++;
    }
  }
  // A sleeping thread sees its completions once it is woken (a context switch
  // pair, charged at its first completion of this reap pass); a poller at once.
  let seen = now;
  if (cfg.workload == 0 && cfg.polled == 0) {
    let wokeSlot = wokeAt + (<usize>t << 3);
    if (load<u32>(refill + (<usize>t << 2)) == 0) {
      store<u64>(wokeSlot, cpuRun(cpu, now, cfg.costSleep));
      st.nSleep++;
    }
    seen = load<u64>(wokeSlot);
  }
  let lat = seen - load<u64>(rec, 8);
  st.completed++;
  dirRecord(write, cfg.bs, lat, <u64>load<u32>(rec, 44));
  if (cfg.workload == 1) {
    let buf = (<u64>cpu * cfg.qDepth + cid) * pagesPerIo;
    swapIoDone(cpu, <u32>page, write, load<u32>(hostTags + (<usize>buf << 2)), now);
    return;
  }
  // The thread keeps its queue depth: one more I/O after this reap pass.
  let slot = refill + (<usize>t << 2);
  let n = load<u32>(slot);
  if (n == 0) {
    store<u32>(touched + (<usize>touchedCount << 2), t);
    touchedCount++;
  }
  store<u32>(slot, n + 1);
}

