// The simulation engine: N CPUs, one NVMe queue pair per CPU, fio-style
// threads, a controller with dies and a link, all on one event queue.
// Every I/O goes through the machinery: cid, PRPs from the queue's list pool,
// SQE in the ring, SQ doorbell, controller fetch and PRP walk, per-page
// content tags moved between host buffers and the namespace, CQE with phase,
// interrupt (or poll), reap by phase, CQ doorbell. CPU time is charged per
// step group; TypeScript expands group counts into the per-function profile.
// This file is the host side and the event loop; the controller and media are
// in engine-device.ts, the swap program in swap.ts.
//
//  Engine memory (arena):  config | stats | hist[2] | per-CPU arrays |
//  queues (HostQueue, iods, io records) | list pool | threads | host tags |
//  device state (namespace tags, dies, latency tables)

import { Iod, iodFreeLists, iodSizeBytes } from "../host/iod";
import { PagePool, pagePoolCreate } from "../host/page-pool";
import { nvmeSetupPrps } from "../host/prp";
import { nvmeSetupSgls } from "../host/sgl";
import { HostQueue, hostCidAlloc, hostCidFree, hostCqConsume, hostCqePending, hostQueueCreate, hostSqAdvance, hostSqNextSlot } from "../host/queue";
import { segSet } from "../host/segments";
import { Ctrl, ctrlCreate, ctrlDoorbellWrite, ctrlQueueCreate } from "../device/controller";
import { Cqe, NVME_STATUS_DNR } from "../nvme/cqe";
import { nvmeCqHeadDoorbell } from "../nvme/doorbell";
import { NVME_OPC_READ, NVME_OPC_WRITE, NVME_PSDT_PRP, NVME_PSDT_SGL_MPTR_CONTIG, Sqe, nvmeRwCdw12, nvmeSqeClear, nvmeSqeSetHeader, nvmeSqeSetRw } from "../nvme/sqe";
import { arenaAlloc, arenaReset } from "./arena";
import { EventQueue, eventPop, eventPush, eventQueueCreate, eventTopData, eventTopTimeNs } from "./event-queue";
import { PLAT_NR, histAdd } from "./histogram";
import { physmemReset } from "./physmem";
import { Prng, prngNext, prngSeed } from "./prng";
import { ctrlComplete, ctrlFetch, deviceInit } from "./engine-device";
import { swapInit, swapIoDone, swapRun, swapStart, swapTag } from "./swap";
import { kblockdInit, kblockdQueued, kblockdRun } from "./kblockd";

/** Everything a run depends on; TypeScript writes it (offsets exported from index.ts). */
@unmanaged
export class SimConfig {
  seed: u64;
  iosTotal: u64; // stop after this many completions (0: no limit)
  runtimeNs: u64; // stop at this simulated time (0: no limit)
  regionBytes: u64; // the LBA range threads use (fio size)
  linkBytesPerSec: u64; // device bandwidth ceiling (0: none)
  cpus: u32;
  qDepth: u32;
  threads: u32;
  iodepth: u32; // in flight per thread
  readPercent: u32; // fio rwmixread
  random: u32; // 1: random offsets, 0: sequential per thread
  bs: u32; // bytes, a multiple of 4096
  polled: u32;
  batchDoorbell: u32;
  irqCoalesceThreshold: u32;
  irqCoalesceTimeNs: u32;
  verify: u32;
  fetchNs: u32;
  processNs: u32;
  dies: u32;
  readLatKind: u32;
  readLatA: u32;
  readLatB: u32;
  writeLatKind: u32;
  writeLatA: u32;
  writeLatB: u32;
  errReadPpm: u32;
  errWritePpm: u32;
  maxRetries: u32;
  // CPU ns of each step group (sums of the steps' costs).
  costSubmitRead: u32;
  costSubmitWrite: u32;
  costSubmitBatch: u32;
  costCompleteRead: u32;
  costCompleteWrite: u32;
  costCompleteBatch: u32;
  costInterrupt: u32;
  costSleep: u32;
  costPollPass: u32;
  // The swap workload (workload 1); fio-like jobs are workload 0.
  workload: u32;
  memPages: u32; // page frames the working set may hold
  pageCluster: u32; // swap readahead of 2^pageCluster pages
  userNsPerAccess: u32; // the program's own time per page touched
  costFault: u32; // kernel time of one page fault before any I/O
  errPrpPpm: u32; // host mistakes: a PRP1 that is not dword aligned
  sglThresholdBytes: u32; // I/Os of at least this size use an SGL (0: never), as Linux's sgl_threshold
  kblockdWrites: u32; // 1: writes are queued and a kblockd run dispatches them (3.19 async writes)
  costDispatchWrite: u32; // the driver's part of a write (->queue_rq), wherever it runs
  costKblockdRun: u32; // one kblockd run: wake, context switch pair, hardware queue run
}

/** Counters TypeScript reads after a run. */
@unmanaged
export class SimStats {
  nowNs: u64;
  completed: u64;
  submitted: u64;
  // Per direction, each block laid out as DirStats.
  iosRead: u64;
  bytesRead: u64;
  latSumRead: u64;
  latMinRead: u64;
  latMaxRead: u64;
  latSqRead: f64;
  slatSumRead: u64;
  slatMinRead: u64;
  slatMaxRead: u64;
  slatSqRead: f64;
  clatMinRead: u64;
  clatMaxRead: u64;
  clatSqRead: f64;
  iosWrite: u64;
  bytesWrite: u64;
  latSumWrite: u64;
  latMinWrite: u64;
  latMaxWrite: u64;
  latSqWrite: f64;
  slatSumWrite: u64;
  slatMinWrite: u64;
  slatMaxWrite: u64;
  slatSqWrite: f64;
  clatMinWrite: u64;
  clatMaxWrite: u64;
  clatSqWrite: f64;
  // step-group charges
  nSubmitRead: u64;
  nSubmitWrite: u64;
  nSubmitBatch: u64;
  nCompleteBatch: u64;
  nInterrupt: u64;
  nSleep: u64;
  nPollPass: u64;
  cpuBusyNs: u64;
  pollSpinNs: u64;
  deviceBusyNs: u64;
  integrityErrors: u64;
  injectedErrors: u64;
  detectedErrors: u64;
  retries: u64;
  failedIos: u64;
  engineErrors: u64; // broken invariants (full rings, bad doorbells, lost cids): 0 in a correct run
  cqDoorbells: u64;
  faults: u64;
  majorFaults: u64;
  swapIns: u64;
  swapOuts: u64;
  userNs: u64;
  nDispatchWrite: u64;
  nKblockdRun: u64;
}

/** One direction's completions: count, bytes, and the moments of total latency
 * (lat: submission start to completion seen), submission latency (slat: the
 * submitter's CPU time and queueing) and completion latency (clat = lat - slat), ns. */
@unmanaged
class DirStats {
  ios: u64;
  bytes: u64;
  latSum: u64;
  latMin: u64;
  latMax: u64;
  latSq: f64;
  slatSum: u64;
  slatMin: u64;
  slatMax: u64;
  slatSq: f64;
  clatMin: u64;
  clatMax: u64;
  clatSq: f64;
}

if (offsetof<SimStats>("clatSqRead") - offsetof<SimStats>("iosRead") != offsetof<DirStats>("clatSq")) ERROR("SimStats read block must match DirStats");
if (offsetof<SimStats>("clatSqWrite") - offsetof<SimStats>("iosWrite") != offsetof<DirStats>("clatSq")) ERROR("SimStats write block must match DirStats");

function dirStats(write: bool): DirStats {
  return changetype<DirStats>(changetype<usize>(st) + (write ? offsetof<SimStats>("iosWrite") : offsetof<SimStats>("iosRead")));
}

function dirRecord(write: bool, bytes: u32, lat: u64, slat: u64): void {
  let d = dirStats(write);
  let clat = lat - slat;
  d.ios++;
  d.bytes += bytes;
  d.latSum += lat;
  d.latSq += <f64>lat * <f64>lat;
  if (lat < d.latMin) d.latMin = lat;
  if (lat > d.latMax) d.latMax = lat;
  d.slatSum += slat;
  d.slatSq += <f64>slat * <f64>slat;
  if (slat < d.slatMin) d.slatMin = slat;
  if (slat > d.slatMax) d.slatMax = slat;
  d.clatSq += <f64>clat * <f64>clat;
  if (clat < d.clatMin) d.clatMin = clat;
  if (clat > d.clatMax) d.clatMax = clat;
  histAdd(write ? histWrite : histRead, clat); // fio's percentiles are of clat
}

const EV_FETCH: u32 = 1; // value: SQ tail the doorbell carried
export const EV_DONE: u32 = 2; // value: cid whose media work ended
export const EV_IRQ: u32 = 3;
const EV_RUN: u32 = 4; // value: a thread that yielded and goes on
export const EV_KBLOCKD: u32 = 5; // a kworker run on the event's CPU

export const DATA_PHYS_BASE: u64 = 0x1_0000_0000;
const LIST_PHYS_BASE: u64 = 0x1000_0000;
export const PAGE_SHIFT: u32 = 12;
export const LBA_SHIFT: u32 = 9;
const NSID: u32 = 1;
export const NO_TIME: u64 = 0xffff_ffff_ffff_ffff;
const TAG_UNKNOWN: u32 = 2; // written tags are odd, never-written pages read 0

// Per-command records, per queue, indexed by cid.
//  IoRec: lbaPage u64 | submitNs u64 | prp1 u64 | prp2 u64 | thread u32 | pad u16 | write u8 | retries u8
//         | status u16 | psdt u8 | pad u8 | slatNs u32
const IOREC_BYTES: usize = 48;

const configCopy = memory.data(256, 8);
if (offsetof<SimConfig>() > 256) ERROR("SimConfig outgrew its static copy");
export let cfg: SimConfig = changetype<SimConfig>(0);
export let st: SimStats = changetype<SimStats>(0);
let histRead: usize = 0;
let histWrite: usize = 0;
export let ctrl: Ctrl = changetype<Ctrl>(0);
export let events: EventQueue = changetype<EventQueue>(0);
let hostRng: Prng = changetype<Prng>(0); // the host's injected mistakes
let hostQueues: usize = 0; // HostQueue ptr per CPU
let listPool: PagePool = changetype<PagePool>(0);
let iods: usize = 0; // per CPU: qDepth iods
let ioRecs: usize = 0; // per CPU: qDepth records
let cpuBusy: usize = 0; // u64 per CPU
export let irqAt: usize = 0; // u64 per CPU: time of the scheduled interrupt, or NO_TIME
let threads: usize = 0;
let refill: usize = 0; // u32 per thread: I/Os to submit after a reap pass
let wokeAt: usize = 0; // u64 per thread: when it woke in the current reap pass
let touched: usize = 0; // u32 stack of threads with refills
let touchedCount: u32 = 0;
export let hostTags: usize = 0; // u32 per host data page (buffer shadow)
let expectTags: usize = 0; // u32 per region page: what the host last wrote
let writesInFlight: usize = 0; // u8 per region page
let segs: usize = 0;
let iodStride: usize = 0;
export let pagesPerIo: u32 = 0;
let regionPages: u64 = 0;
let writeSeq: u32 = 0;

// Per thread: cpu u32 | inFlight u32 | pad (8) | seqPage u64 | rng (16) = 40 bytes
const THREAD_BYTES: usize = 40;

function threadPtr(t: u32): usize {
  return threads + <usize>t * THREAD_BYTES;
}

export function threadCpu(t: u32): u32 {
  return load<u32>(threadPtr(t));
}

/** Thread `t` goes on at `now` through the event queue. */
export function threadYield(t: u32, now: u64): void {
  if (!eventPush(events, now, (EV_RUN << 28) | t)) st.engineErrors++;
}

/** Command ids free on `cpu`'s queue (requests waiting for kblockd hold theirs). */
export function hostCidsFree(cpu: u32): u32 {
  return hq(cpu).cidFree - kblockdQueued(cpu);
}

// When kblockd dispatches a queued write: the time it was queued (its submission start).
let dispatchStart: u64 = NO_TIME;

export function setDispatchStart(ns: u64): void {
  dispatchStart = ns;
}

export function threadRng(t: u32): Prng {
  return changetype<Prng>(threadPtr(t) + 24);
}

// The run's limit: completions for fio jobs, page faults for the swap program.
function limitReached(): bool {
  if (cfg.iosTotal == 0) return false;
  return cfg.workload == 1 ? st.faults >= cfg.iosTotal : st.completed >= cfg.iosTotal;
}

export function ioRec(cpu: u32, cid: u32): usize {
  return ioRecs + (<usize>cpu * cfg.qDepth + cid) * IOREC_BYTES;
}

function hq(cpu: u32): HostQueue {
  return changetype<HostQueue>(load<usize>(hostQueues + (<usize>cpu << 2)));
}


function iodOf(cpu: u32, cid: u32): Iod {
  return changetype<Iod>(iods + (<usize>cpu * cfg.qDepth + cid) * iodStride);
}

function mix(h: u32, v: u32): u32 {
  return (h ^ v) * 0x01000193;
}

/** Charges `ns` of CPU work on `cpu` starting no earlier than `now`; returns when it ends. */
export function cpuRun(cpu: u32, now: u64, ns: u64): u64 {
  let at = cpuBusy + (<usize>cpu << 3);
  let busy = load<u64>(at);
  let start = busy > now ? busy : now;
  if (cfg.polled != 0 && start == now && busy < now && hq(cpu).cidFree < cfg.qDepth - 1) {
    // A polling CPU with I/O outstanding spins until now.
    let spin = now - busy;
    st.pollSpinNs += spin;
    st.cpuBusyNs += spin;
    st.nPollPass += (spin + <u64>cfg.costPollPass - 1) / <u64>cfg.costPollPass;
  }
  let end = start + ns;
  store<u64>(at, end);
  st.cpuBusyNs += ns;
  return end;
}

/** Allocates and lays out everything for `config` (already written at `configPtr`); 0, or -1 when memory runs out. */
export function engineInit(configPtr: usize): i32 {
  // The config is copied first: arenaReset below may hand its memory out again.
  let copy = configCopy;
  memory.copy(copy, configPtr, offsetof<SimConfig>());
  arenaReset();
  physmemReset();
  cfg = changetype<SimConfig>(copy);
  st = changetype<SimStats>(arenaAlloc(offsetof<SimStats>(), 8));
  histRead = arenaAlloc(<usize>PLAT_NR << 3, 8);
  histWrite = arenaAlloc(<usize>PLAT_NR << 3, 8);
  let cpus = cfg.cpus;
  let qDepth = cfg.qDepth;
  pagesPerIo = cfg.bs >> PAGE_SHIFT;
  regionPages = cfg.regionBytes >> PAGE_SHIFT;
  let dataSlots = (<u32>1 << (PAGE_SHIFT - 3)) - 1;
  let listsPerIo = pagesPerIo > 2 ? (pagesPerIo - 2) / dataSlots + 1 : 0;
  iodStride = iodSizeBytes(listsPerIo);
  ctrl = changetype<Ctrl>(ctrlCreate(cpus + 1, 0));
  events = changetype<EventQueue>(eventQueueCreate(cpus * (qDepth * 2 + 3) + 16));
  hostRng = changetype<Prng>(arenaAlloc(16, 8));
  hostQueues = arenaAlloc(<usize>cpus << 2, 4);
  iods = arenaAlloc(<usize>cpus * qDepth * iodStride, 8);
  ioRecs = arenaAlloc(<usize>cpus * qDepth * IOREC_BYTES, 8);
  cpuBusy = arenaAlloc(<usize>cpus << 3, 8);
  irqAt = arenaAlloc(<usize>cpus << 3, 8);
  threads = arenaAlloc(<usize>cfg.threads * THREAD_BYTES, 8);
  refill = arenaAlloc(<usize>cfg.threads << 2, 4);
  wokeAt = arenaAlloc(<usize>cfg.threads << 3, 8);
  touched = arenaAlloc(<usize>cfg.threads << 2, 4);
  touchedCount = 0;
  expectTags = arenaAlloc(<usize>regionPages << 2, 4);
  writesInFlight = arenaAlloc(<usize>regionPages, 1);
  hostTags = arenaAlloc(<usize>cpus * qDepth * pagesPerIo << 2, 4);
  if (!deviceInit(regionPages, pagesPerIo)) return -1;
  if (cfg.kblockdWrites != 0 && !kblockdInit()) return -1;
  dispatchStart = NO_TIME;
  segs = arenaAlloc(16, 8);
  if (changetype<usize>(ctrl) == 0 || changetype<usize>(events) == 0 || segs == 0) return -1;
  if (iods == 0 || ioRecs == 0 || threads == 0 || hostTags == 0) return -1;
  prngSeed(hostRng, cfg.seed, 2);
  // One PRP list pool for the device, as the driver's dma_pool (dev->prp_page_pool).
  listPool = changetype<PagePool>(pagePoolCreate(LIST_PHYS_BASE, 4096, cpus * qDepth * listsPerIo + 1));
  if (changetype<usize>(listPool) == 0) return -1;
  for (let c: u32 = 0; c < cpus; c++) {
    let q = hostQueueCreate(c + 1, qDepth);
    if (q == 0) return -1;
    store<usize>(hostQueues + (<usize>c << 2), q);
    ctrlQueueCreate(ctrl, c + 1, changetype<HostQueue>(q).sqCmds, changetype<HostQueue>(q).cqes, qDepth);
    for (let cid: u32 = 0; cid < qDepth; cid++) iodOf(c, cid).listCap = listsPerIo;
    store<u64>(irqAt + (<usize>c << 3), NO_TIME);
  }
  for (let w = 0; w < 2; w++) {
    let d = dirStats(w == 1);
    d.latMin = NO_TIME;
    d.slatMin = NO_TIME;
    d.clatMin = NO_TIME;
  }
  writeSeq = 0;
  for (let t: u32 = 0; t < cfg.threads; t++) {
    let tp = threadPtr(t);
    store<u32>(tp, t % cpus);
    let share = regionPages / <u64>cfg.threads / <u64>pagesPerIo;
    store<u64>(tp, share * pagesPerIo * t, 16);
    prngSeed(changetype<Prng>(tp + 24), cfg.seed, 16 + t);
  }
  if (cfg.workload == 1) {
    if (!swapInit(<u32>regionPages)) return -1;
    swapStart();
  } else {
    for (let t: u32 = 0; t < cfg.threads; t++) threadSubmit(t, cfg.iodepth, 0);
  }
  return 0;
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
function threadSubmit(t: u32, count: u32, now: u64): void {
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
      store<u32>(expectTags + (<usize>(page + k) << 2), tag);
      let w = writesInFlight + <usize>(page + k);
      store<u8>(w, load<u8>(w) + 1);
    }
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
    for (let k: u32 = 0; k < pagesPerIo; k++) {
      if (load<u8>(writesInFlight + <usize>(page + k)) != 0) continue; // a racing write: nothing to expect
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

/** Runs events until `batch` more I/Os completed, the run's limit, or no events; returns completions in this call. */
export function engineRun(batch: u32): u32 {
  let before = st.completed;
  let target = before + <u64>batch;
  // Also bounded in events, so TypeScript regains control even when nothing completes.
  for (let steps: u32 = 0; st.completed < target && events.count > 0 && steps < batch * 16; steps++) {
    let now = eventTopTimeNs(events);
    if (cfg.runtimeNs != 0 && now > cfg.runtimeNs) break;
    if (limitReached()) break;
    let data = eventTopData(events);
    eventPop(events);
    st.nowNs = now;
    let type = data >> 28;
    let cpu = (data >> 16) & 0xfff;
    if (type == EV_FETCH) ctrlFetch(cpu, data & 0xffff, now);
    else if (type == EV_DONE) ctrlComplete(cpu, data & 0xffff, now);
    else if (type == EV_RUN) swapRun(data & 0xffff, now);
    else if (type == EV_KBLOCKD) kblockdRun(cpu, now);
    else if (type == EV_IRQ) {
      let at = irqAt + (<usize>cpu << 3);
      if (load<u64>(at) == now) {
        store<u64>(at, NO_TIME);
        hostReap(cpu, now, true);
      }
    }
  }
  return <u32>(st.completed - before);
}

/** True when the run reached its I/O count or runtime, or ran out of events. */
export function engineDone(): bool {
  if (events.count == 0 || limitReached()) return true;
  return cfg.runtimeNs != 0 && eventTopTimeNs(events) > cfg.runtimeNs;
}

export function engineStats(): usize {
  return changetype<usize>(st);
}

export function engineHistogram(write: bool): usize {
  return write ? histWrite : histRead;
}

