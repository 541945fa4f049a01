// The simulation engine: N CPUs, one NVMe queue pair per CPU, workload
// threads, a controller with dies and a link, all on one event queue. Every
// I/O goes through the machinery: cid, PRPs from the queue's list pool, SQE in
// the ring, SQ doorbell, controller fetch and PRP walk, per-page content tags
// moved between host buffers and the namespace, CQE with phase, interrupt (or
// poll), reap by phase, CQ doorbell. CPU time is charged per step group;
// TypeScript expands group counts into the per-function profile.
//
// This file lays the machine out (machine.ts holds it), binds the hooks that
// carry completions up to the chosen workload, and runs the event loop, the
// dispatcher of every event to the floor it belongs to. Floors, bottom up:
// runtime/, nvme/, host/ and device/; sim/config, stats and machine; host-io
// and device; kblockd; workloads/fio and workloads/swap; this engine.
//
//  Engine memory (arena):  stats | hist[2] | per-CPU arrays | queues
//  (HostQueue, iods, io records) | list pool | threads | host tags | device
//  state (namespace tags, dies, latency tables) | workload state

import { iodSizeBytes } from "../host/iod";
import { PagePool, pagePoolCreate } from "../host/page-pool";
import { HostQueue, hostQueueCreate } from "../host/queue";
import { Ctrl, ctrlCreate, ctrlQueueCreate } from "../device/controller";
import { arenaAlloc, arenaReset } from "../runtime/arena";
import {
  EventQueue,
  eventPop,
  eventQueueCreate,
  eventQueueEmpty,
  eventTopData,
  eventTopTimeNs,
} from "../runtime/event-queue";
import {
  EVENT_OP_POP,
  EventRecording,
  eventRecord,
  eventRecordedOps,
  eventRecordingCreate,
  eventReplay,
} from "../runtime/event-record";
import { physmemReset } from "../runtime/physmem";
import { Prng, prngSeed } from "../runtime/prng";
import { REAP_INTERRUPT, REAP_LATER, REAP_MORE, REAP_POLLED, ctrlComplete, ctrlFetch, deviceInit } from "./device";
import {
  PASS_IRQ,
  PASS_MORE,
  PASS_POLL,
  PASS_SUBMIT,
  bufferTag,
  hostIoFinish,
  hostIoInit,
  hostIoRecord,
  hostReapBegin,
} from "./host-io";
import { kblockdInit, kblockdRun } from "./kblockd";
import {
  EV_DONE,
  EV_FETCH,
  EV_IRQ,
  EV_KBLOCKD,
  EV_RUN,
  EV_SQREAP,
  IDLE_HISTORY,
  IoRec,
  LBA_SHIFT,
  LIST_PHYS_BASE,
  M,
  NO_TIME,
  PAGE_SHIFT,
  ThreadRec,
  bindWriteTag,
  cfg,
  evCpu,
  evType,
  evValue,
  hq,
  iodOf,
  isSwap,
  machineReset,
  threadRec,
} from "./machine";
import { histReset, st, statsInit } from "./stats";
import { Cqe } from "../nvme/cqe";
import {
  fioCheck,
  fioDone,
  fioInit,
  fioQueueCpu,
  fioStart,
  fioSubmitNext,
  fioSubmitting,
  fioWaiters,
  fioWriteTag,
} from "./workloads/fio";
import { swapInit, swapIoDone, swapRun, swapStart, swapTag } from "./workloads/swap";
import { threadJobsInit } from "./workloads/thread-job";
import { jobStatsRamp } from "./job-stats";

/**
 * The dispatcher of completions: a pass over `cpu`'s CQ at `now` (`kind` says what runs it), then each finished
 * I/O, in CQ order, goes to its workload: a swap I/O as the pass ends, a fio job's when its thread sees it.
 */
function reap(cpu: u32, now: u64, kind: u32): void {
  let q = hq(cpu);
  let first = q.cqHead;
  let end = hostReapBegin(cpu, now, kind);
  let qDepth = cfg.qDepth;
  let reaped = q.cqHead >= first ? q.cqHead - first : q.cqHead + qDepth - first; // fewer than qDepth are ever out
  let swap = isSwap();
  let index = first;
  for (let i: u32 = 0; i < reaped; i++) {
    let cqe = changetype<Cqe>(q.cqes + ((<usize>index) << 4));
    index = index + 1 == qDepth ? 0 : index + 1;
    let cid = <u32>cqe.cid;
    let rec = hostIoFinish(cpu, cid, cqe.status, end);
    if (!rec) continue; // resubmitted: a retry
    if (swap) {
      hostIoRecord(rec, end);
      // A merged write ends each of its bios (end_swap_bio_write per page).
      for (let k: u32 = 0; k < <u32>rec.pages; k++)
        swapIoDone(cpu, <u32>rec.lbaPage + k, rec.write != 0, bufferTag(cpu, cid), end);
    } else fioDone(rec, end);
  }
}

/** A CQE was posted on `cpu` at `now`: the host reaps it now, in the pass that runs, or later. */
function completed(cpu: u32, cid: u32, now: u64): void {
  let action = ctrlComplete(cpu, cid, now);
  if (action == REAP_LATER) return;
  if (action == REAP_MORE) reap(cpu, now, PASS_MORE);
  else if (action == REAP_INTERRUPT) reap(cpu, now, PASS_IRQ);
  // The SQ thread of sqthread_poll with hipri polls its queue on its own CPU.
  else if (action == REAP_POLLED && (isSwap() || fioWaiters(cpu) != 0 || cfg.sqPoll != 0)) reap(cpu, now, PASS_POLL);
  // else a polling fio thread that is busy finds it when it next looks
}

// The run's limit: completions for fio jobs, page faults for the swap program.
function limitReached(): bool {
  let total = cfg.iosTotal;
  if (total == 0) return false;
  return isSwap() ? st.faults >= total : st.completed >= total;
}

// Events dispatched since engineInit: what the engine did, apart from what it simulated (bench's scaling cases).
let eventsRun: u64 = 0;
// fio's ramp_time has yet to end.
let rampPending = false;

/** Events dispatched since engineInit. */
export function engineEvents(): u64 {
  return eventsRun;
}

/**
 * Allocates and lays out everything for `config` (already written at `configPtr`); 0, or -1 when memory runs out.
 * With `recordOps`, the event queue's first `recordOps` pushes and pops are recorded (engineReplay).
 */
export function engineInit(configPtr: usize, recordOps: u32): i32 {
  // The config is copied first: arenaReset below may hand its memory out again.
  machineReset(configPtr);
  eventsRun = 0;
  rampPending = cfg.rampNs != 0 && !isSwap();
  arenaReset();
  physmemReset();
  if (!statsInit(cfg.cpus)) return -1;
  let cpus = cfg.cpus;
  let qDepth = cfg.qDepth;
  // I/Os below 4 KiB are tracked per 512 B sector (the swap program's are always whole pages).
  // bs is the run's smallest I/O, maxBs its largest (fio's bssplit, a replayed log); a command's buffer holds the
  // largest, or a merged write's.
  let unitShift = cfg.bs < (<u32>1) << PAGE_SHIFT ? LBA_SHIFT : PAGE_SHIFT;
  let pagesPerIo = cfg.bs >> unitShift;
  let largest = cfg.maxBs > cfg.bs ? cfg.maxBs >> unitShift : pagesPerIo;
  let regionPages = cfg.regionBytes >> unitShift;
  M.unitShift = unitShift;
  M.pagesPerIo = pagesPerIo;
  let merged = cfg.kblockdWrites != 0 ? cfg.maxMergePages : 0;
  M.bufPages = merged > largest ? merged : largest;
  M.regionPages = regionPages;
  let dataSlots = ((<u32>1) << (PAGE_SHIFT - 3)) - 1;
  let listsPerIo = M.bufPages > 2 ? (M.bufPages - 2) / dataSlots + 1 : 0;
  M.iodStride = iodSizeBytes(listsPerIo);
  M.ctrl = changetype<Ctrl>(ctrlCreate(cpus + 1, 0));
  M.events = changetype<EventQueue>(eventQueueCreate(cpus * (qDepth * 3 + 4) + cfg.threads + 16));
  M.hostRng = changetype<Prng>(arenaAlloc(16, 8));
  M.hostQueues = arenaAlloc((<usize>cpus) << 2, 4);
  M.iods = arenaAlloc(<usize>cpus * qDepth * M.iodStride, 8);
  M.ioRecs = arenaAlloc(<usize>cpus * qDepth * offsetof<IoRec>(), 8);
  M.cpuBusy = arenaAlloc((<usize>cpus) << 3, 8);
  M.irqAt = arenaAlloc((<usize>cpus) << 3, 8);
  M.passEnd = arenaAlloc((<usize>cpus) << 3, 8);
  M.idleHistory = arenaAlloc(<usize>cpus * ((IDLE_HISTORY + 1) << 2), 4);
  M.threads = arenaAlloc(<usize>cfg.threads * offsetof<ThreadRec>(), 8);
  if (!hostIoInit()) return -1;
  if (!deviceInit(regionPages, M.bufPages)) return -1;
  if (cfg.kblockdWrites != 0 && !kblockdInit()) return -1;
  if (changetype<usize>(M.ctrl) == 0 || changetype<usize>(M.events) == 0) return -1;
  if (recordOps != 0) {
    M.recording = changetype<EventRecording>(eventRecordingCreate(recordOps));
    if (changetype<usize>(M.recording) == 0) return -1;
  }
  if (M.iods == 0 || M.ioRecs == 0 || M.threads == 0 || M.irqAt == 0 || M.passEnd == 0 || M.idleHistory == 0) return -1;
  prngSeed(M.hostRng, cfg.seed, 2);
  // One PRP list pool for the device, as the driver's dma_pool (dev->prp_page_pool).
  M.listPool = changetype<PagePool>(pagePoolCreate(LIST_PHYS_BASE, 4096, cpus * qDepth * listsPerIo + 1));
  if (changetype<usize>(M.listPool) == 0) return -1;
  for (let c: u32 = 0; c < cpus; c++) {
    let q = hostQueueCreate(c + 1, qDepth);
    if (q == 0) return -1;
    store<usize>(M.hostQueues + ((<usize>c) << 2), q);
    ctrlQueueCreate(M.ctrl, c + 1, changetype<HostQueue>(q).sqCmds, changetype<HostQueue>(q).cqes, qDepth);
    if (listsPerIo != 0) for (let cid: u32 = 0; cid < qDepth; cid++) iodOf(c, cid).listCap = listsPerIo; // else 0 as allocated
    store<u64>(M.irqAt + ((<usize>c) << 3), NO_TIME);
  }
  for (let t: u32 = 0; t < cfg.threads; t++) {
    let th = threadRec(t);
    th.cpu = t % (cfg.sqPoll != 0 ? cpus - 1 : cpus); // the SQ thread's CPU runs no thread
    prngSeed(th.rng(), cfg.seed, 16 + t);
  }
  if (isSwap()) {
    bindWriteTag(swapTag);
    if (!swapInit(<u32>regionPages)) return -1;
    swapStart();
  } else {
    bindWriteTag(fioWriteTag);
    if (!threadJobsInit(regionPages, pagesPerIo) || !fioInit()) return -1;
    if (cfg.deferStart == 0) fioStart();
  }
  return 0;
}

/** Starts the fio threads of a run whose config deferred it (TypeScript wrote their jobs after engineInit). */
export function engineStart(): void {
  if (!isSwap() && cfg.deferStart != 0) fioStart();
}

// Thread `t` goes on at `now`: the swap program runs; a fio thread looks for completions (polling, it first
// takes what its CQ holds).
function threadRun(t: u32, now: u64): void {
  if (isSwap()) {
    swapRun(t, now);
    return;
  }
  if (fioSubmitting(t)) {
    fioSubmitNext(t, now);
    return;
  }
  if (cfg.polled != 0) reap(fioQueueCpu(t), now, PASS_POLL);
  fioCheck(t, now);
}

/** Runs events until `batch` more I/Os completed, the run's limit, or no events; returns completions in this call. */
export function engineRun(batch: u32): u32 {
  let before = st.completed;
  let target = before + <u64>batch;
  // Also bounded in events, so TypeScript regains control even when nothing completes.
  let events = M.events;
  let runtimeNs = cfg.runtimeNs;
  let steps: u32 = 0;
  for (; st.completed < target && !eventQueueEmpty(events) && steps < batch * 16; steps++) {
    let now = eventTopTimeNs(events);
    if (runtimeNs != 0 && now > runtimeNs) break;
    if (limitReached()) break;
    if (rampPending && now >= cfg.rampNs) {
      rampPending = false;
      jobStatsRamp(cfg.rampNs);
      histReset();
    }
    let word = eventTopData(events);
    eventPop(events);
    eventRecord(M.recording, EVENT_OP_POP, now, word);
    st.nowNs = now;
    let type = evType(word);
    let cpu = evCpu(word);
    if (type == EV_FETCH) ctrlFetch(cpu, evValue(word), now);
    else if (type == EV_DONE) completed(cpu, evValue(word), now);
    else if (type == EV_RUN) threadRun(evValue(word), now);
    else if (type == EV_SQREAP) reap(cpu, now, PASS_SUBMIT);
    else if (type == EV_KBLOCKD) kblockdRun(cpu, now);
    else if (type == EV_IRQ) {
      let at = M.irqAt + ((<usize>cpu) << 3);
      if (load<u64>(at) == now) {
        store<u64>(at, NO_TIME);
        reap(cpu, now, PASS_IRQ);
      }
    }
  }
  eventsRun += steps;
  return <u32>(st.completed - before);
}

/**
 * Operations engineInit's recording holds (0 when it made none). With `replay`, also makes a fresh queue like
 * the run's to replay them on from the first (0 when memory runs out for it).
 */
export function engineRecordedOps(replay: bool): u32 {
  return eventRecordedOps(M.recording, M.events, replay);
}

/** Replays recorded operations [from, to): the event queue's own work in the run; 0, or the ops that went otherwise. */
export function engineReplay(from: u32, to: u32): u32 {
  return eventReplay(M.recording, from, to);
}

/** True when the run reached its I/O count or runtime, or ran out of events. */
export function engineDone(): bool {
  if (eventQueueEmpty(M.events) || limitReached()) return true;
  return cfg.runtimeNs != 0 && eventTopTimeNs(M.events) > cfg.runtimeNs;
}
