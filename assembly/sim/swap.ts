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
//  per thread: wait u32 (a page, or NO_PAGE) | waitingForTag u32 | cursor u32
//  resident FIFO: ring of page numbers, capacity memPages

import { arenaAlloc } from "../runtime/arena";
import { cfg, cpuRun, threadCpu, threadRng, threadYield } from "./engine";
import { hostCidsFree, ioSubmit, ringSq } from "./host-io";
import { st } from "./stats";
import { namespacePreload } from "./engine-device";
import { kblockdQueueWrite } from "./kblockd";
import { prngNext } from "../runtime/prng";

const UNTOUCHED: u8 = 0; // (no page starts untouched: see swapInit)
const RESIDENT: u8 = 1; // mapped
const SWAPPED: u8 = 2;
const READING: u8 = 3;
const WRITING: u8 = 4;
const CACHED: u8 = 5; // read in by readahead, in the swap cache, not yet mapped
const NO_PAGE: u32 = 0xffff_ffff;
const THREAD_BYTES: usize = 12;

let pageState: usize = 0;
let pageTag: usize = 0;
let fifo: usize = 0;
let fifoHead: u32 = 0;
let fifoCount: u32 = 0;
let framesUsed: u32 = 0; // pages in memory plus pages being read in
let threadState: usize = 0;
let slicePages: u32 = 0;
let tagSeq: u32 = 0;

/** Allocates the workload's state; false when memory runs out. */
export function swapInit(pages: u32): bool {
  pageState = arenaAlloc(<usize>pages, 1);
  pageTag = arenaAlloc((<usize>pages) << 2, 4);
  fifo = arenaAlloc((<usize>cfg.memPages) << 2, 4);
  threadState = arenaAlloc(<usize>cfg.threads * THREAD_BYTES, 4);
  if (pageState == 0 || pageTag == 0 || fifo == 0 || threadState == 0) return false;
  let cluster: u32 = 1 << cfg.pageCluster;
  slicePages = (pages / cfg.threads / cluster) * cluster; // slices aligned to readahead clusters
  fifoHead = 0;
  fifoCount = 0;
  framesUsed = 0;
  tagSeq = 0;
  for (let t: u32 = 0; t < cfg.threads; t++) store<u32>(thread(t), NO_PAGE);
  // The program has filled its working set before the run: every page starts
  // out in its swap slot, so the run measures the steady state from time 0.
  for (let page: u32 = 0; page < pages; page++) {
    write(page);
    setState(page, SWAPPED);
    namespacePreload(page, swapTag(page));
  }
  return true;
}

function thread(t: u32): usize {
  return threadState + <usize>t * THREAD_BYTES;
}

export function swapTag(page: u64): u32 {
  return load<u32>(pageTag + ((<usize>page) << 2));
}

function state(page: u32): u8 {
  return load<u8>(pageState + <usize>page);
}

function setState(page: u32, s: u8): void {
  store<u8>(pageState + <usize>page, s);
}

// The program writes the page: new content.
function write(page: u32): void {
  tagSeq++;
  store<u32>(pageTag + ((<usize>page) << 2), ((page * 0x9e3779b1) ^ tagSeq) | 1);
}

function residentPush(page: u32): void {
  store<u32>(fifo + ((<usize>((fifoHead + fifoCount) % cfg.memPages)) << 2), page);
  fifoCount++;
}

// Evicts the oldest pages until `incoming` more frames fit, writing dirty ones;
// stops early (returning false in `roomMade`) when no command id is free.
let roomMade: bool = false;

function makeRoom(cpu: u32, t: u32, incoming: u32, now: u64): u64 {
  roomMade = true;
  while (framesUsed + incoming > cfg.memPages && fifoCount > 0) {
    let page = load<u32>(fifo + ((<usize>fifoHead) << 2));
    if (state(page) != CACHED && hostCidsFree(cpu) == 0) {
      roomMade = false;
      return now;
    }
    fifoHead = fifoHead + 1 == cfg.memPages ? 0 : fifoHead + 1;
    fifoCount--;
    framesUsed--;
    if (state(page) == CACHED) {
      setState(page, SWAPPED); // clean: its swap slot already holds it
      continue;
    }
    setState(page, WRITING);
    now = cfg.kblockdWrites != 0 ? kblockdQueueWrite(cpu, t, <u64>page, now) : ioSubmit(cpu, t, <u64>page, true, 0, now);
  }
  roomMade = framesUsed + incoming <= cfg.memPages;
  return now;
}

const FAULT_DONE: u32 = 0; // the page is mapped
const FAULT_WAIT_PAGE: u32 = 1; // sleeping until the page's I/O completes
const FAULT_WAIT_TAG: u32 = 2; // sleeping until a command id frees

// The I/O part of a fault on `page` (re-entered after a tag wait without charging the fault again).
function faultIo(cpu: u32, t: u32, page: u32, now: u64): u32 {
  let s = state(page);
  let at = thread(t);
  if (s == UNTOUCHED) {
    now = makeRoom(cpu, t, 1, now);
    if (!roomMade) return waitTag(at, page, cpu, now);
    framesUsed++;
    setState(page, RESIDENT);
    residentPush(page);
    write(page);
    lastNow = now;
    return FAULT_DONE;
  }
  if (s == SWAPPED) {
    // Readahead: the swapped pages of the aligned cluster, under one plug.
    let cluster: u32 = 1 << cfg.pageCluster;
    let first = page & ~(cluster - 1);
    let wanted: u32 = 0;
    for (let p = first; p < first + cluster; p++) if (state(p) == SWAPPED) wanted++;
    now = makeRoom(cpu, t, wanted, now);
    if (!roomMade || hostCidsFree(cpu) < wanted) return waitTag(at, page, cpu, now);
    for (let p = first; p < first + cluster; p++) {
      if (state(p) != SWAPPED) continue;
      setState(p, READING);
      framesUsed++;
      now = ioSubmit(cpu, t, <u64>p, false, 0, now);
    }
  }
  if (cfg.batchDoorbell != 0) ringSq(cpu, cpuRun(cpu, now, cfg.costSubmitBatch));
  store<u32>(at, page); // sleeps until the page is read in (or, if being written out, written)
  store<u32>(at, 0, 4);
  return FAULT_WAIT_PAGE;
}

let lastNow: u64 = 0;

function waitTag(at: usize, page: u32, cpu: u32, now: u64): u32 {
  if (cfg.batchDoorbell != 0) ringSq(cpu, cpuRun(cpu, now, cfg.costSubmitBatch));
  store<u32>(at, page);
  store<u32>(at, 1, 4);
  return FAULT_WAIT_TAG;
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
  let cpu = threadCpu(t);
  let base = t * slicePages;
  let cursorAt = thread(t) + 8;
  let hits: u32 = 0;
  while (cfg.iosTotal == 0 || st.faults < cfg.iosTotal) {
    if (hits == HITS_PER_SLICE) {
      threadYield(t, now);
      return;
    }
    // Sequential: walk the slice in order; random: any page of it.
    let offset = load<u32>(cursorAt);
    if (cfg.random != 0) offset = prngNext(threadRng(t)) % slicePages;
    store<u32>(cursorAt, offset + 1 == slicePages ? 0 : offset + 1);
    let page = base + offset;
    now = cpuRun(cpu, now, cfg.userNsPerAccess);
    st.userNs += cfg.userNsPerAccess;
    let s = state(page);
    if (s == RESIDENT) {
      write(page);
      hits++;
      continue;
    }
    hits = 0;
    st.faults++;
    now = cpuRun(cpu, now, cfg.costFault);
    if (s == CACHED) {
      setState(page, RESIDENT); // minor fault: map the swap cache page
      write(page);
      continue;
    }
    if (s == SWAPPED) st.majorFaults++;
    if (s == READING || s == WRITING) {
      store<u32>(thread(t), page); // its I/O is in flight: sleep until it ends
      store<u32>(thread(t), 0, 4);
      return;
    }
    if (faultIo(cpu, t, page, now) != FAULT_DONE) return;
    now = lastNow;
  }
  if (cfg.batchDoorbell != 0) ringSq(cpu, cpuRun(cpu, now, cfg.costSubmitBatch));
}

// Wakes thread `t` at `now` (a context switch pair) and lets it go on.
function wake(t: u32, now: u64): u64 {
  st.nSleep++;
  return cpuRun(threadCpu(t), now, cfg.costSleep);
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
  for (let t: u32 = 0; t < cfg.threads; t++) {
    let at = thread(t);
    let waited = load<u32>(at);
    if (waited == NO_PAGE) continue;
    if (load<u32>(at, 4) != 0) {
      // Waiting for a command id on this CPU's queue: one just freed.
      if (threadCpu(t) != cpu) continue;
      store<u32>(at, NO_PAGE);
      let woke = wake(t, now);
      let r = faultIo(cpu, t, waited, woke);
      if (r == FAULT_DONE) swapRun(t, lastNow);
      continue;
    }
    if (waited != page) continue;
    store<u32>(at, NO_PAGE);
    let woke = wake(t, now);
    if (!isWrite) {
      setState(page, RESIDENT); // the fault that waited maps the page; the program writes it
      write(page);
      swapRun(t, woke);
    } else if (faultIo(cpu, t, page, woke) == FAULT_DONE) {
      swapRun(t, lastNow); // it was being written out: fault it straight back in
    }
  }
}
