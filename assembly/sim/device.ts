// The engine's device side: the controller takes doorbells, fetches and
// decodes commands, walks their data pointers, moves per-page content tags
// between host buffers and the namespace, times each command on its die and
// the link, and posts the completion with the phase tag; it tells the engine
// whether the host reaps now (its poller, or an interrupt due at once).

import { ctrlCqPost, ctrlQueue, ctrlSqFetch, ctrlSqTailWrite } from "../device/controller";
import { DMA_ENTRY_BYTES, DMA_LIST_HEADER_BYTES, dmaListCount, dmaListCreate } from "../device/dma-list";
import { mediaLatencyNs, mediaLatencyTable } from "../device/media";
import { nvmeMapPrp } from "../device/prp";
import { nvmeMapSgl } from "../device/sgl";
import { nvmeStatus } from "../nvme/cqe";
import { NVME_OPC_WRITE, NVME_PSDT_PRP, Sqe } from "../nvme/sqe";
import { NVME_SCT_MEDIA, NVME_SC_READ_ERROR, NVME_SC_WRITE_FAULT } from "../nvme/status";
import { arenaAlloc } from "../runtime/arena";
import { bitmapBytes, bitmapSet, bitmapTest } from "../runtime/bitmap";
import { Prng, prngNext, prngSeed } from "../runtime/prng";
import {
  DATA_PHYS_BASE,
  EV_DONE,
  EV_IRQ,
  IoRec,
  LBA_SHIFT,
  M,
  NO_TIME,
  PAGE_SHIFT,
  cpuFreeAt,
  evWord,
  idleExitNs,
  ioRec,
  post,
  cfg,
} from "./machine";
import { st } from "./stats";

/** Allocates the device's state for a run of `regionPages` pages; false when memory runs out. */
export function deviceInit(regionPages: u64, ioPages: u32): bool {
  M.devRng = changetype<Prng>(arenaAlloc(16, 8));
  M.nsTags = arenaAlloc((<usize>regionPages) << 2, 4);
  M.nsWritten = arenaAlloc(bitmapBytes(regionPages), 4);
  M.dieFree = arenaAlloc((<usize>cfg.dies) << 3, 8);
  M.batchDue = arenaAlloc((<usize>cfg.cpus) << 3, 8);
  M.dma = dmaListCreate(ioPages + 1);
  M.readLat = mediaLatencyTable(cfg.readLatKind, cfg.readLatA, cfg.readLatB);
  M.writeLat = mediaLatencyTable(cfg.writeLatKind, cfg.writeLatA, cfg.writeLatB);
  if (
    changetype<usize>(M.devRng) == 0 ||
    M.nsTags == 0 ||
    M.nsWritten == 0 ||
    M.dieFree == 0 ||
    M.batchDue == 0 ||
    M.dma == 0 ||
    M.readLat == 0 ||
    M.writeLat == 0
  )
    return false;
  prngSeed(M.devRng, cfg.seed, 1);
  for (let cpu: u32 = 0; cpu < cfg.cpus; cpu++) store<u64>(M.batchDue + ((<usize>cpu) << 3), NO_TIME);
  M.ctrlBusy = 0;
  let bs = <u64>cfg.bs;
  M.linkNs = pipeNs(bs, cfg.linkBytesPerSec);
  M.readDataNs = pipeNs(bs, cfg.deviceReadBytesPerSec);
  M.writeDataNs = pipeNs(bs, cfg.deviceWriteBytesPerSec);
  M.linkFree = 0;
  M.linkFreeWrite = 0;
  M.dataFree = 0;
  M.writeFree = 0;
  M.writeEndNext = 0;
  M.writeEnds = arenaAlloc(WRITE_STREAMS << 3, 8);
  if (M.writeEnds == 0) return false;
  for (let i: u32 = 0; i < WRITE_STREAMS; i++) store<u64>(M.writeEnds + ((<usize>i) << 3), NO_TIME);
  return true;
}

/** Recent writes' ends kept to tell a sequential write (one that starts where one of them ended). */
const WRITE_STREAMS: u32 = 16;

// When the write path takes a write of `pages` at `page` that is ready at `start`: a sequential one (it starts
// where a recent write ended) costs its bytes at the rated sequential write; a random one at least one rated
// random write (writeIops: the sustained 4 KiB random-write figure, garbage collection included), or its bytes.
function writeCeiling(page: u64, pages: u32, start: u64): u64 {
  let bytes = (<u64>pages) << M.unitShift;
  let sequential = false;
  for (let i: u32 = 0; i < WRITE_STREAMS; i++) {
    let at = M.writeEnds + ((<usize>i) << 3);
    if (load<u64>(at) == page) {
      sequential = true;
      store<u64>(at, page + pages);
      break;
    }
  }
  if (!sequential) {
    store<u64>(M.writeEnds + ((<usize>M.writeEndNext) << 3), page + pages);
    M.writeEndNext = (M.writeEndNext + 1) % WRITE_STREAMS;
  }
  let cost = pipeNs(bytes, cfg.writeBytesPerSec);
  if (!sequential && cfg.writeIops != 0) {
    let one = <u64>1_000_000_000 / <u64>cfg.writeIops;
    if (one > cost) cost = one;
  }
  let begin = M.writeFree > start ? M.writeFree : start;
  M.writeFree = begin + cost;
  return begin;
}

// Time `bytes` take at `rate` bytes a second (0: no ceiling).
function pipeNs(bytes: u64, rate: u64): u64 {
  return rate != 0 ? (bytes * 1_000_000_000) / rate : 0;
}

/** Puts `tag` into the namespace page `page` (a swap slot filled before the run). */
export function namespacePreload(page: u32, tag: u32): void {
  nsPut(page, tag);
}

// Controller: takes the doorbell, fetches and starts every command up to it.
export function ctrlFetch(cpu: u32, tail: u32, now: u64): void {
  let cq = ctrlQueue(M.ctrl, cpu + 1);
  if (!ctrlSqTailWrite(M.ctrl, cq, tail)) st.engineErrors++; // queue cpu + 1's SQ tail doorbell
  for (let sqe = ctrlSqFetch(cq); sqe != 0; sqe = ctrlSqFetch(cq)) {
    let s = changetype<Sqe>(sqe);
    let cid = <u32>s.cid;
    let rec = ioRec(cpu, cid);
    rec.fetchedAt = sinceSubmit(rec, now);
    let start = (M.ctrlBusy > now ? M.ctrlBusy : now) + cfg.processNs;
    M.ctrlBusy = start;
    let write = s.opc == NVME_OPC_WRITE;
    let lenBytes = (<u64>((s.cdw12 & 0xffff) + 1)) << LBA_SHIFT;
    // DPTR: PRP1/PRP2, or SGL descriptor 1 in the same 16 bytes (PSDT says which); kept for the read's data phase.
    rec.dptr0 = s.prp1;
    rec.dptr1 = s.prp2;
    let psdt = <u8>(s.flags >> 6);
    rec.psdt = psdt;
    let status = mapDptr(rec, psdt, lenBytes, (<u64>M.bufPages) << M.unitShift); // the run's largest transfer
    let page = (((<u64>s.cdw11) << 32) | s.cdw10) >> (M.unitShift - LBA_SHIFT);
    let done = start;
    if (status == 0) {
      if (write) dmaMove(page, true);
      let ppm = write ? cfg.errWritePpm : cfg.errReadPpm;
      if (ppm != 0 && prngNext(M.devRng) % 1_000_000 < ppm) {
        status = nvmeStatus(NVME_SCT_MEDIA, write ? NVME_SC_WRITE_FAULT : NVME_SC_READ_ERROR, 0, false, false);
        st.injectedErrors++;
      }
      let pages = <u32>(lenBytes >> M.unitShift);
      // the rated write ceilings: the write path takes one write at a time (writeCeiling)
      if (write && (cfg.writeIops != 0 || cfg.writeBytesPerSec != 0)) start = writeCeiling(page, pages, start);
      let die = <usize>((<u32>page / M.pagesPerIo) % cfg.dies);
      let free = load<u64>(M.dieFree + (die << 3));
      let begin = free > start ? free : start;
      let lat = mediaLatencyNs(M.devRng, write ? M.writeLat : M.readLat);
      store<u64>(M.dieFree + (die << 3), begin + lat);
      st.deviceBusyNs += lat;
      done = begin + lat;
      if (cfg.completionBatch != 0) done = batchJoin(cpu, done, begin);
      // The data pipe: the link (one pipe for both directions, or its lanes each way) and, each way, the
      // device's own data path, which reads and writes share at their rated rates. A transfer streams while
      // the media works and its last page follows the media; a busy pipe queues it. A merged write moves more
      // than the run's size.
      let runSize = pages == M.pagesPerIo;
      let linkNs = runSize ? M.linkNs : pipeNs(lenBytes, cfg.linkBytesPerSec);
      let dataNs = runSize
        ? write
          ? M.writeDataNs
          : M.readDataNs
        : pipeNs(lenBytes, write ? cfg.deviceWriteBytesPerSec : cfg.deviceReadBytesPerSec);
      let xfer = linkNs > dataNs ? linkNs : dataNs;
      if (xfer != 0) {
        let outbound = write && cfg.laneEachWay != 0;
        let overlap = xfer - xfer / <u64>pages;
        let start = done - (overlap < lat ? overlap : lat);
        let lanes = outbound ? M.linkFreeWrite : M.linkFree;
        if (lanes > start) start = lanes;
        if (M.dataFree > start) start = M.dataFree;
        if (outbound) M.linkFreeWrite = start + linkNs;
        else M.linkFree = start + linkNs;
        M.dataFree = start + dataNs;
        done = start + xfer;
      }
    }
    rec.status = <u16>status;
    post(done, evWord(EV_DONE, cpu, cid));
  }
}

/** ns from `rec`'s submission to `now`, held in 32 bits (an I/O out for over 4 s keeps the most). */
@inline function sinceSubmit(rec: IoRec, now: u64): u32 {
  let d = now - rec.submitNs;
  return d > 0xffffffff ? 0xffffffff : <u32>d;
}

// null_blk's timer mode (3.19): the first command on the CPU's empty list arms the timer for its own
// completion time; a command arriving before the timer fires joins the list and completes with it.
function batchJoin(cpu: u32, done: u64, now: u64): u64 {
  let at = M.batchDue + ((<usize>cpu) << 3);
  let due = load<u64>(at);
  if (due != NO_TIME && due > now) return due;
  store<u64>(at, done);
  return done;
}

// Resolves a command's data pointer (kept in its record) into the DMA list; 0 or a status.
function mapDptr(rec: IoRec, psdt: u32, lenBytes: u64, maxBytes: u64): u32 {
  if (psdt == NVME_PSDT_PRP) return <u32>nvmeMapPrp(rec.dptr0, rec.dptr1, lenBytes, PAGE_SHIFT, maxBytes, M.dma);
  return <u32>nvmeMapSgl(changetype<usize>(rec) + offsetof<IoRec>("dptr0"), lenBytes, maxBytes, M.dma);
}

// The namespace's pages: a page never written reads 0 from its bit alone, so a read of a large region that was
// never written touches a bitmap (a thirty-second of the tags) and not the tags themselves.
@inline function nsPut(page: u64, tag: u32): void {
  store<u32>(M.nsTags + ((<usize>page) << 2), tag);
  bitmapSet(M.nsWritten, page);
}

@inline function nsGet(page: u64): u32 {
  return bitmapTest(M.nsWritten, page) ? load<u32>(M.nsTags + ((<usize>page) << 2)) : 0;
}

// Moves the per-page tags of a transfer: each DMA piece covers whole host pages (buffers are aligned to the
// tracking unit, M.unitShift), taken in transfer order against `page`.
function dmaMove(page: u64, toNamespace: bool): void {
  let dma = M.dma;
  let n = dmaListCount(dma);
  let at = page;
  for (let i: u32 = 0; i < n; i++) {
    let entry = dma + DMA_LIST_HEADER_BYTES + <usize>i * DMA_ENTRY_BYTES;
    let unitShift = M.unitShift;
    let buf = (load<u64>(entry) - DATA_PHYS_BASE) >> unitShift;
    let pages = (load<u32>(entry, 8) + (1 << unitShift) - 1) >> unitShift;
    for (let k: u32 = 0; k < pages; k++) {
      let host = M.hostTags + ((<usize>(buf + k)) << 2);
      if (toNamespace) nsPut(at + k, load<u32>(host));
      else store<u32>(host, nsGet(at + k));
    }
    at += pages;
  }
}

// Read data: the namespace's tags go to the host pages the data pointer names.
function dmaFromNamespace(rec: IoRec): void {
  let bytes = (<u64>rec.pages) << M.unitShift; // reads are never merged
  if (mapDptr(rec, rec.psdt, bytes, bytes) != 0) {
    st.engineErrors++;
    return;
  }
  dmaMove(rec.lbaPage, false);
}

/** What the host does after a CQE is posted: nothing yet, go on with the pass that is running, reap it polling, or reap it on an interrupt now. */
export const REAP_LATER: u32 = 0;
export const REAP_POLLED: u32 = 1;
export const REAP_INTERRUPT: u32 = 2;
export const REAP_MORE: u32 = 3;

/**
 * Media work ended: move read data, post the CQE, then tell the host. A pass over the CQ that is still running
 * takes it (nvme_process_cq loops until the phase tag stops matching). Otherwise the controller signals its
 * MSI-X vector: the message reaches the handler irqDeliveryNs later, plus the exit latency of the idle state
 * an idle CPU is in; a message for a vector whose interrupt is still pending merges with it (the local APIC
 * holds one per vector). Coalescing holds the interrupt until enough CQEs or the time limit.
 */
export function ctrlComplete(cpu: u32, cid: u32, now: u64): u32 {
  let rec = ioRec(cpu, cid);
  rec.deviceDoneAt = sinceSubmit(rec, now);
  let status = rec.status;
  if (status == 0 && rec.write == 0) dmaFromNamespace(rec);
  if (!ctrlCqPost(ctrlQueue(M.ctrl, cpu + 1), <u16>cid, status, 0)) st.engineErrors++;
  let passEnd = load<u64>(M.passEnd + ((<usize>cpu) << 3));
  if (now < passEnd) return REAP_MORE;
  if (cfg.polled != 0) return REAP_POLLED;
  let at = M.irqAt + ((<usize>cpu) << 3);
  let pendingAt = load<u64>(at);
  let threshold = cfg.irqCoalesceThreshold;
  if (pendingAt != NO_TIME && threshold <= 1) return REAP_LATER;
  let when = now + cfg.irqDeliveryNs;
  if (threshold > 1) {
    let posted = ctrlQueue(M.ctrl, cpu + 1);
    let pending =
      posted.cqTail >= posted.cqHead ? posted.cqTail - posted.cqHead : posted.cqTail + cfg.qDepth - posted.cqHead;
    if (pending < threshold) when = now + cfg.irqCoalesceTimeNs;
  }
  if (pendingAt == NO_TIME) {
    let free = cpuFreeAt(cpu);
    if (passEnd > free) free = passEnd;
    if (free < when) {
      let exit = idleExitNs(cpu, when - free);
      if (exit != 0) {
        st.nIdleExit++;
        st.idleExitNs += exit;
        when += exit;
      }
    }
  }
  if (when >= pendingAt) return REAP_LATER;
  if (when == now) return REAP_INTERRUPT; // due now: no trip through the event queue
  store<u64>(at, when);
  post(when, evWord(EV_IRQ, cpu, 0));
  return REAP_LATER;
}
