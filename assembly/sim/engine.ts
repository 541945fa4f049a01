// The simulation engine: N CPUs, one NVMe queue pair per CPU, fio-style
// threads, a controller with dies and a link, all on one event queue.
// Every I/O goes through the machinery: cid, PRPs from the queue's list pool,
// SQE in the ring, SQ doorbell, controller fetch and PRP walk, per-page
// content tags moved between host buffers and the namespace, CQE with phase,
// interrupt (or poll), reap by phase, CQ doorbell. CPU time is charged per
// step group; TypeScript expands group counts into the per-function profile.
// This file holds the run's configuration, the CPUs, threads and queues, and
// the event loop; an I/O's life on the host is in host-io.ts, the controller
// and media in engine-device.ts, the counters in stats.ts, the swap program
// in swap.ts and 3.19's kblockd dispatch in kblockd.ts.
//
//  Engine memory (arena):  config | stats | hist[2] | per-CPU arrays |
//  queues (HostQueue, iods, io records) | list pool | threads | host tags |
//  device state (namespace tags, dies, latency tables)

import { Iod, iodSizeBytes } from "../host/iod";
import { PagePool, pagePoolCreate } from "../host/page-pool";
import { HostQueue, hostQueueCreate } from "../host/queue";
import { Ctrl, ctrlCreate, ctrlQueueCreate } from "../device/controller";
import { arenaAlloc, arenaReset } from "../runtime/arena";
import { EventQueue, eventPop, eventPush, eventQueueCreate, eventTopData, eventTopTimeNs } from "../runtime/event-queue";
import { physmemReset } from "../runtime/physmem";
import { Prng, prngSeed } from "../runtime/prng";
import { ctrlComplete, ctrlFetch, deviceInit } from "./engine-device";
import { hostIoInit, hostReap, threadSubmit } from "./host-io";
import { kblockdInit, kblockdRun } from "./kblockd";
import { st, statsInit } from "./stats";
import { swapInit, swapRun, swapStart } from "./swap";

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

export const EV_FETCH: u32 = 1; // value: SQ tail the doorbell carried
export const EV_DONE: u32 = 2; // value: cid whose media work ended
export const EV_IRQ: u32 = 3;
const EV_RUN: u32 = 4; // value: a thread that yielded and goes on
export const EV_KBLOCKD: u32 = 5; // a kworker run on the event's CPU

const LIST_PHYS_BASE: u64 = 0x1000_0000;
export const PAGE_SHIFT: u32 = 12;
export const LBA_SHIFT: u32 = 9;
export const NO_TIME: u64 = 0xffff_ffff_ffff_ffff;

// Per-command records, per queue, indexed by cid.
//  IoRec: lbaPage u64 | submitNs u64 | prp1 u64 | prp2 u64 | thread u32 | pad u16 | write u8 | retries u8
//         | status u16 | psdt u8 | pad u8 | slatNs u32 | readSeq u32 (fio verify) | pad u32
const IOREC_BYTES: usize = 56;

const configCopy = memory.data(256, 8);
if (offsetof<SimConfig>() > 256) ERROR("SimConfig outgrew its static copy");
export let cfg: SimConfig = changetype<SimConfig>(0);
export let ctrl: Ctrl = changetype<Ctrl>(0);
export let events: EventQueue = changetype<EventQueue>(0);
export let hostRng: Prng = changetype<Prng>(0); // the host's injected mistakes
let hostQueues: usize = 0; // HostQueue ptr per CPU
export let listPool: PagePool = changetype<PagePool>(0);
let iods: usize = 0; // per CPU: qDepth iods
let ioRecs: usize = 0; // per CPU: qDepth records
let cpuBusy: usize = 0; // u64 per CPU
export let irqAt: usize = 0; // u64 per CPU: time of the scheduled interrupt, or NO_TIME
let threads: usize = 0;
let iodStride: usize = 0;
export let pagesPerIo: u32 = 0;
export let regionPages: u64 = 0;

// Per thread: cpu u32 | inFlight u32 | pad (8) | seqPage u64 | rng (16) = 40 bytes
const THREAD_BYTES: usize = 40;

export function threadPtr(t: u32): usize {
  return threads + <usize>t * THREAD_BYTES;
}

export function threadCpu(t: u32): u32 {
  return load<u32>(threadPtr(t));
}

/** Thread `t` goes on at `now` through the event queue. */
export function threadYield(t: u32, now: u64): void {
  if (!eventPush(events, now, (EV_RUN << 28) | t)) st.engineErrors++;
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

export function hq(cpu: u32): HostQueue {
  return changetype<HostQueue>(load<usize>(hostQueues + (<usize>cpu << 2)));
}

export function iodOf(cpu: u32, cid: u32): Iod {
  return changetype<Iod>(iods + (<usize>cpu * cfg.qDepth + cid) * iodStride);
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
  if (!statsInit()) return -1;
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
  if (!hostIoInit()) return -1;
  if (!deviceInit(regionPages, pagesPerIo)) return -1;
  if (cfg.kblockdWrites != 0 && !kblockdInit()) return -1;
  if (changetype<usize>(ctrl) == 0 || changetype<usize>(events) == 0) return -1;
  if (iods == 0 || ioRecs == 0 || threads == 0) return -1;
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

