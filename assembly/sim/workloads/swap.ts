// The swap workload, the seed's kind of program: threads touch a working set
// larger than memory. Touching a page that is not mapped is a page fault (its
// memory-management steps charged); a swapped page comes back with a
// readahead cluster of 2^pageCluster pages submitted under one plug (the
// other pages wait in the swap cache and cost a minor fault when touched);
// making room evicts the oldest pages in memory, writing dirty ones to their
// swap slots. The program writes every page it touches, and every page
// swapped in is checked against what was swapped out. A thread that finds no
// free command id sleeps until one frees, as blk-mq's tag allocation does.
//
//  per page: state u8 | tag u32
//  per thread: a SwapThread (what it waits for, and where it is in its slice)
//  resident FIFO: ring of page numbers, capacity memPages
//
// It reaches the machine through host-io (submissions), kblockd (3.19's
// queued write-back) and the device (the swap slots filled before the run);
// completions come back through the machine's hooks, bound by the engine.

import { arenaAlloc } from "../../runtime/arena";
import { prngNext } from "../../runtime/prng";
import { namespacePreload } from "../device";
import { ioSubmit, plugFinish } from "../host-io";
import { cidsFree, kblockdQueueWrite } from "../kblockd";
import { M, cpuRun, threadRec, threadYield, cfg } from "../machine";
import { st } from "../stats";

// Every page starts SWAPPED: the program filled its working set before the run (swapInit).
const RESIDENT: u8 = 1; // mapped
const SWAPPED: u8 = 2;
const READING: u8 = 3;
const WRITING: u8 = 4;
const CACHED: u8 = 5; // read in by readahead, in the swap cache, not yet mapped
const READAHEAD: u8 = 0x80; // flag beside the state: brought in by readahead, not yet looked up (PG_readahead)
const NO_PAGE: u32 = 0xffff_ffff;

/** A program thread: the page it sleeps on (or NO_PAGE), whether it waits for a command id instead, its place. */
@unmanaged
class SwapThread {
  waitPage: u32;
  waitingForTag: u32;
  cursor: u32; // the next offset in its slice (sequential pattern)
  raPages: u32; // the readahead window of its major fault (kept across a wait for a command id)
}

@unmanaged
class SwapState {
  pageState: usize; // u8 per page
  pageTag: usize; // u32 per page: what the program last wrote there
  fifo: usize; // resident pages, oldest first
  threadState: usize;
  fifoHead: u32;
  fifoCount: u32;
  framesUsed: u32; // pages in memory plus pages being read in
  slicePages: u32;
  tagSeq: u32;
  // swapin_nr_pages' state (mm/swap_state.c, shared by every thread as the kernel's statics are)
  raHits: u32;
  raPrevOffset: u32;
  raLastPages: u32;
}
const S = changetype<SwapState>(memory.data(64, 8));
if (offsetof<SwapState>() > 64) ERROR("SwapState outgrew its static copy");

/** Allocates the workload's state; false when memory runs out. */
export function swapInit(pages: u32): bool {
  S.pageState = arenaAlloc(<usize>pages, 1);
  S.pageTag = arenaAlloc((<usize>pages) << 2, 4);
  S.fifo = arenaAlloc((<usize>cfg.memPages) << 2, 4);
  S.threadState = arenaAlloc(<usize>cfg.threads * offsetof<SwapThread>(), 4);
  if (S.pageState == 0 || S.pageTag == 0 || S.fifo == 0 || S.threadState == 0) return false;
  let cluster: u32 = 1 << cfg.pageCluster;
  S.slicePages = (pages / cfg.threads / cluster) * cluster; // slices aligned to readahead clusters
  S.fifoHead = 0;
  S.fifoCount = 0;
  S.framesUsed = 0;
  S.tagSeq = 0;
  S.raHits = 4; // swapin_readahead_hits = ATOMIC_INIT(4)
  S.raPrevOffset = 0;
  S.raLastPages = 0;
  for (let t: u32 = 0; t < cfg.threads; t++) thread(t).waitPage = NO_PAGE;
  // The program has filled its working set before the run: every page starts
  // out in its swap slot, so the run measures the steady state from time 0.
  for (let page: u32 = 0; page < pages; page++) {
    programWrite(page);
    setState(page, SWAPPED);
    namespacePreload(page, swapTag(page));
  }
  return true;
}

function thread(t: u32): SwapThread {
  return changetype<SwapThread>(S.threadState + <usize>t * offsetof<SwapThread>());
}

/** What the program last wrote to `page` (the content a swap-out carries). */
export function swapTag(page: u64): u32 {
  return load<u32>(S.pageTag + ((<usize>page) << 2));
}

function state(page: u32): u8 {
  return load<u8>(S.pageState + <usize>page) & ~READAHEAD;
}

// A page's new state; it keeps its readahead mark only while it stays in the swap cache unlooked-at.
function setState(page: u32, s: u8): void {
  let keep = s == CACHED ? load<u8>(S.pageState + <usize>page) & READAHEAD : 0;
  store<u8>(S.pageState + <usize>page, s | keep);
}

// lookup_swap_cache: a page found in the swap cache that readahead brought in counts a readahead hit.
function swapCacheHit(page: u32): void {
  let at = S.pageState + <usize>page;
  let v = load<u8>(at);
  if ((v & READAHEAD) == 0) return;
  store<u8>(at, v & ~READAHEAD);
  S.raHits++;
}

// swapin_nr_pages (3.19 mm/swap_state.c): the readahead window for a major fault at `offset`. It grows with
// readahead hits (rounded up to a power of two from 4), drops to 1 on a non-adjacent fault without hits, never
// beyond 2^page_cluster, and shrinks at most by half each time.
function swapinNrPages(offset: u32): u32 {
  let maxPages: u32 = 1 << cfg.pageCluster;
  if (maxPages <= 1) return 1;
  let pages = S.raHits + 2;
  S.raHits = 0;
  if (pages == 2) {
    if (offset != S.raPrevOffset + 1 && offset != S.raPrevOffset - 1) pages = 1;
    S.raPrevOffset = offset;
  } else {
    let roundup: u32 = 4;
    while (roundup < pages) roundup <<= 1;
    pages = roundup;
  }
  if (pages > maxPages) pages = maxPages;
  let lastRa = S.raLastPages / 2;
  if (pages < lastRa) pages = lastRa;
  S.raLastPages = pages;
  return pages;
}

// The program writes the page: new content.
function programWrite(page: u32): void {
  S.tagSeq++;
  store<u32>(S.pageTag + ((<usize>page) << 2), ((page * 0x9e3779b1) ^ S.tagSeq) | 1);
}

function residentPush(page: u32): void {
  store<u32>(S.fifo + ((<usize>((S.fifoHead + S.fifoCount) % cfg.memPages)) << 2), page);
  S.fifoCount++;
}

/** Whether `incoming` more pages fit in memory. */
function roomFor(incoming: u32): bool {
  return S.framesUsed + incoming <= cfg.memPages;
}

// Evicts the oldest pages until `incoming` more frames fit (roomFor), writing
// dirty ones; stops early when no command id is free. Returns when the CPU is done.
function makeRoom(cpu: u32, t: u32, incoming: u32, now: u64): u64 {
  while (!roomFor(incoming) && S.fifoCount > 0) {
    let page = load<u32>(S.fifo + ((<usize>S.fifoHead) << 2));
    if (state(page) != CACHED && cidsFree(cpu) == 0) return now;
    S.fifoHead = S.fifoHead + 1 == cfg.memPages ? 0 : S.fifoHead + 1;
    S.fifoCount--;
    S.framesUsed--;
    if (state(page) == CACHED) {
      setState(page, SWAPPED); // clean: its swap slot already holds it
      continue;
    }
    setState(page, WRITING);
    now = cpuRun(cpu, now, cfg.costPageOut); // it leaves the swap cache once written; the frame is freed
    now =
      cfg.kblockdWrites != 0 ? kblockdQueueWrite(cpu, t, <u64>page, now) : ioSubmit(cpu, t, <u64>page, true, 0, now);
  }
  return now;
}

// The I/O part of a fault on `page` (re-entered after a tag wait without charging the fault again):
// the thread then sleeps, until the page is read in (or written out), or until a command id frees.
function faultIo(cpu: u32, t: u32, page: u32, now: u64): void {
  let at = thread(t);
  if (state(page) == SWAPPED) {
    // Readahead: the swapped pages of the aligned window, under one plug.
    let cluster = at.raPages;
    let first = page & ~(cluster - 1);
    let wanted: u32 = 0;
    for (let p = first; p < first + cluster; p++) if (state(p) == SWAPPED) wanted++;
    now = makeRoom(cpu, t, wanted, now);
    if (!roomFor(wanted) || cidsFree(cpu) < wanted) {
      plugFinish(cpu, now);
      at.waitPage = page;
      at.waitingForTag = 1;
      return;
    }
    for (let p = first; p < first + cluster; p++) {
      if (state(p) != SWAPPED) continue;
      setState(p, READING);
      if (p != page) store<u8>(S.pageState + <usize>p, READING | READAHEAD);
      S.framesUsed++;
      now = cpuRun(cpu, now, cfg.costPageIn); // read_swap_cache_async: a page allocated and put in the swap cache
      now = ioSubmit(cpu, t, <u64>p, false, 0, now);
    }
  }
  plugFinish(cpu, now);
  at.waitPage = page; // sleeps until the page is read in (or, if being written out, written)
  at.waitingForTag = 0;
}

/** Starts every thread at time 0. */
export function swapStart(): void {
  for (let t: u32 = 0; t < cfg.threads; t++) swapRun(t, 0);
}

// Touches in a row without a fault before a thread yields to the event queue,
// so a thread whose pages all sit in memory cannot run ahead of everything else.
const HITS_PER_SLICE: u32 = 1024;

/** Runs thread `t` from `now` until it sleeps on I/O, yields, or reaches the run's fault limit. */
export function swapRun(t: u32, now: u64): void {
  let th = threadRec(t);
  let cpu = th.cpu;
  let base = t * S.slicePages;
  let me = thread(t);
  let hits: u32 = 0;
  while (cfg.iosTotal == 0 || st.faults < cfg.iosTotal) {
    if (hits == HITS_PER_SLICE) {
      threadYield(t, now);
      return;
    }
    // Sequential: walk the slice in order; random: any page of it.
    let offset = me.cursor;
    if (cfg.random != 0) offset = prngNext(th.rng()) % S.slicePages;
    me.cursor = offset + 1 == S.slicePages ? 0 : offset + 1;
    let page = base + offset;
    now = cpuRun(cpu, now, cfg.userNsPerAccess);
    st.userNs += cfg.userNsPerAccess;
    let s = state(page);
    if (s == RESIDENT) {
      programWrite(page);
      hits++;
      continue;
    }
    hits = 0;
    st.faults++;
    now = cpuRun(cpu, now, cfg.costFault);
    if (s == CACHED || s == READING) swapCacheHit(page);
    if (s == CACHED) {
      setState(page, RESIDENT); // minor fault: map the swap cache page
      programWrite(page);
      continue;
    }
    if (s == SWAPPED) {
      st.majorFaults++;
      me.raPages = swapinNrPages(page);
      now = cpuRun(cpu, now, cfg.costMajorFault);
    }
    if (s == READING || s == WRITING) {
      me.waitPage = page; // its I/O is in flight: sleep until it ends
      me.waitingForTag = 0;
      return;
    }
    faultIo(cpu, t, page, now);
    return;
  }
  plugFinish(cpu, now);
}

// Wakes thread `t` at `now` (a context switch pair) and lets it go on. A polling kernel's faulting task
// spins in blk_poll instead of sleeping (swap_readpage with polling, Linux 4.13+): it goes on at once.
function wake(t: u32, now: u64): u64 {
  if (cfg.polled != 0) return now;
  st.nSleep++;
  return cpuRun(threadRec(t).cpu, now, cfg.costSleep);
}

/** A swap I/O of `page` completed on `cpu` at `now`; `dataTag` is what a read brought into the host buffer. */
export function swapIoDone(cpu: u32, page: u32, isWrite: bool, dataTag: u32, now: u64): void {
  if (isWrite) {
    st.swapOuts++;
    if (state(page) == WRITING) setState(page, SWAPPED);
  } else {
    st.swapIns++;
    if (dataTag != swapTag(page)) st.integrityErrors++;
    setState(page, CACHED);
    residentPush(page);
  }
  for (let w: u32 = 0; w < cfg.threads; w++) {
    let at = thread(w);
    let waited = at.waitPage;
    if (waited == NO_PAGE) continue;
    if (at.waitingForTag != 0) {
      // Waiting for a command id on this CPU's queue: one just freed.
      if (threadRec(w).cpu != cpu) continue;
      at.waitPage = NO_PAGE;
      faultIo(cpu, w, waited, wake(w, now));
      continue;
    }
    if (waited != page) continue;
    at.waitPage = NO_PAGE;
    let woke = wake(w, now);
    if (!isWrite) {
      setState(page, RESIDENT); // the fault that waited maps the page; the program writes it
      programWrite(page);
      swapRun(w, woke);
    } else faultIo(cpu, w, page, woke); // it was being written out: fault it straight back in
  }
}
