// The engine's device side: the controller takes doorbells, fetches and
// decodes commands, walks their data pointers, moves per-page content tags
// between host buffers and the namespace, times each command on its die and
// the link, and posts the completion with the phase tag.

import { ctrlCqPost, ctrlDoorbellWrite, ctrlQueue, ctrlSqFetch } from "../device/controller";
import { DMA_ENTRY_BYTES, DMA_LIST_HEADER_BYTES, dmaListCount, dmaListCreate } from "../device/dma-list";
import { mediaLatencyNs, mediaLatencyTable } from "../device/media";
import { nvmeMapPrp } from "../device/prp";
import { nvmeMapSgl } from "../device/sgl";
import { nvmeStatus } from "../nvme/cqe";
import { nvmeSqTailDoorbell } from "../nvme/doorbell";
import { NVME_OPC_WRITE, NVME_PSDT_PRP, Sqe } from "../nvme/sqe";
import { NVME_SCT_MEDIA, NVME_SC_READ_ERROR, NVME_SC_WRITE_FAULT } from "../nvme/status";
import { arenaAlloc } from "../runtime/arena";
import { EV_DONE, EV_IRQ, LBA_SHIFT, NO_TIME, PAGE_SHIFT, cfg, ctrl, events, ioRec, irqAt, pagesPerIo } from "./engine";
import { DATA_PHYS_BASE, hostReap, hostTags } from "./host-io";
import { st } from "./stats";
import { eventPush } from "../runtime/event-queue";
import { Prng, prngNext, prngSeed } from "../runtime/prng";

let devRng: Prng = changetype<Prng>(0);
let nsTags: usize = 0; // u32 per region page: what the namespace holds
let dieFree: usize = 0; // u64 per die
let readLat: usize = 0; // latency tables
let writeLat: usize = 0;
let xferNs: u64 = 0; // link time of one I/O
let dma: usize = 0;
let ctrlBusy: u64 = 0;
let linkFree: u64 = 0;

/** Allocates the device's state for a run of `regionPages` pages; false when memory runs out. */
export function deviceInit(regionPages: u64, ioPages: u32): bool {
  devRng = changetype<Prng>(arenaAlloc(16, 8));
  nsTags = arenaAlloc(<usize>regionPages << 2, 4);
  dieFree = arenaAlloc(<usize>cfg.dies << 3, 8);
  dma = dmaListCreate(ioPages + 1);
  readLat = mediaLatencyTable(cfg.readLatKind, cfg.readLatA, cfg.readLatB);
  writeLat = mediaLatencyTable(cfg.writeLatKind, cfg.writeLatA, cfg.writeLatB);
  if (changetype<usize>(devRng) == 0 || nsTags == 0 || dieFree == 0 || dma == 0 || readLat == 0 || writeLat == 0) return false;
  prngSeed(devRng, cfg.seed, 1);
  xferNs = cfg.linkBytesPerSec != 0 ? (<u64>cfg.bs * 1_000_000_000) / cfg.linkBytesPerSec : 0;
  ctrlBusy = 0;
  linkFree = 0;
  return true;
}

/** Puts `tag` into the namespace page `page` (a swap slot filled before the run). */
export function namespacePreload(page: u32, tag: u32): void {
  store<u32>(nsTags + (<usize>page << 2), tag);
}

// Controller: takes the doorbell, fetches and starts every command up to it.
export function ctrlFetch(cpu: u32, tail: u32, now: u64): void {
  if (!ctrlDoorbellWrite(ctrl, nvmeSqTailDoorbell(cpu + 1, 0), tail)) st.engineErrors++;
  let cq = ctrlQueue(ctrl, cpu + 1);
  for (let sqe = ctrlSqFetch(cq); sqe != 0; sqe = ctrlSqFetch(cq)) {
    let s = changetype<Sqe>(sqe);
    let cid = <u32>s.cid;
    let rec = ioRec(cpu, cid);
    let start = (ctrlBusy > now ? ctrlBusy : now) + cfg.processNs;
    ctrlBusy = start;
    let write = s.opc == NVME_OPC_WRITE;
    let lenBytes = <u64>((s.cdw12 & 0xffff) + 1) << LBA_SHIFT;
    // DPTR: PRP1/PRP2, or SGL descriptor 1 in the same 16 bytes (PSDT says which); kept for the read's data phase.
    store<u64>(rec, s.prp1, 16);
    store<u64>(rec, s.prp2, 24);
    let psdt = s.flags >> 6;
    store<u8>(rec, psdt, 42);
    let status = mapDptr(rec, psdt, lenBytes);
    let page = ((<u64>s.cdw11 << 32) | s.cdw10) >> (PAGE_SHIFT - LBA_SHIFT);
    let done = start;
    if (status == 0) {
      if (write) dmaMove(page, true);
      let ppm = write ? cfg.errWritePpm : cfg.errReadPpm;
      if (ppm != 0 && prngNext(devRng) % 1_000_000 < ppm) {
        status = nvmeStatus(NVME_SCT_MEDIA, write ? NVME_SC_WRITE_FAULT : NVME_SC_READ_ERROR, 0, false, false);
        st.injectedErrors++;
      }
      let die = <usize>((<u32>page / pagesPerIo) % cfg.dies);
      let free = load<u64>(dieFree + (die << 3));
      let begin = free > start ? free : start;
      let lat = mediaLatencyNs(devRng, write ? writeLat : readLat);
      store<u64>(dieFree + (die << 3), begin + lat);
      st.deviceBusyNs += lat;
      done = begin + lat;
      if (xferNs != 0) {
        let linkStart = linkFree > done ? linkFree : done;
        linkFree = linkStart + xferNs;
        done = linkFree;
      }
    }
    store<u16>(rec, <u16>status, 40);
    if (!eventPush(events, done, (EV_DONE << 28) | (cpu << 16) | cid)) st.engineErrors++;
  }
}

// Resolves a command's data pointer (kept in its record) into the DMA list; 0 or a status.
function mapDptr(rec: usize, psdt: u32, lenBytes: u64): u32 {
  if (psdt == NVME_PSDT_PRP) return <u32>nvmeMapPrp(load<u64>(rec, 16), load<u64>(rec, 24), lenBytes, PAGE_SHIFT, <u64>cfg.bs, dma);
  return <u32>nvmeMapSgl(rec + 16, lenBytes, <u64>cfg.bs, dma);
}

// Moves the per-page tags of a transfer: each DMA piece covers whole 4 KiB host
// pages (buffers are page aligned), taken in transfer order against `page`.
function dmaMove(page: u64, toNamespace: bool): void {
  let n = dmaListCount(dma);
  let at = page;
  for (let i: u32 = 0; i < n; i++) {
    let entry = dma + DMA_LIST_HEADER_BYTES + <usize>i * DMA_ENTRY_BYTES;
    let buf = (load<u64>(entry) - DATA_PHYS_BASE) >> PAGE_SHIFT;
    let pages = (load<u32>(entry, 8) + (1 << PAGE_SHIFT) - 1) >> PAGE_SHIFT;
    for (let k: u32 = 0; k < pages; k++) {
      let host = hostTags + (<usize>(buf + k) << 2);
      let ns = nsTags + (<usize>(at + k) << 2);
      if (toNamespace) store<u32>(ns, load<u32>(host));
      else store<u32>(host, load<u32>(ns));
    }
    at += pages;
  }
}

// Read data: the namespace's tags go to the host pages the data pointer names.
function dmaFromNamespace(cpu: u32, cid: u32): void {
  let rec = ioRec(cpu, cid);
  if (mapDptr(rec, load<u8>(rec, 42), <u64>cfg.bs) != 0) {
    st.engineErrors++;
    return;
  }
  dmaMove(load<u64>(rec), false);
}

// Media work ended: move read data, post the CQE, then interrupt or let the poller see it.
export function ctrlComplete(cpu: u32, cid: u32, now: u64): void {
  let rec = ioRec(cpu, cid);
  let status = load<u16>(rec, 40);
  if (status == 0 && load<u8>(rec, 38) == 0) dmaFromNamespace(cpu, cid);
  if (!ctrlCqPost(ctrlQueue(ctrl, cpu + 1), <u16>cid, status, 0)) st.engineErrors++;
  if (cfg.polled != 0) {
    hostReap(cpu, now, false);
    return;
  }
  let at = irqAt + (<usize>cpu << 3);
  let threshold = cfg.irqCoalesceThreshold;
  let when = now;
  if (threshold > 1) {
    let posted = ctrlQueue(ctrl, cpu + 1);
    let pending = posted.cqTail >= posted.cqHead ? posted.cqTail - posted.cqHead : posted.cqTail + cfg.qDepth - posted.cqHead;
    if (pending < threshold) when = now + cfg.irqCoalesceTimeNs;
  }
  if (when == now && load<u64>(at) == NO_TIME) {
    hostReap(cpu, now, true); // the interrupt is due now: take it without a trip through the event queue
  } else if (when < load<u64>(at)) {
    store<u64>(at, when);
    if (!eventPush(events, when, (EV_IRQ << 28) | (cpu << 16))) st.engineErrors++;
  }
}

