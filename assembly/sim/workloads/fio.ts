// The fio-like jobs: each thread keeps `iodepth` I/Os in flight, picking its
// next page in order or at random and reading or writing as rwmixread says.
// A thread runs a loop as fio's does: it takes the completions that are ready
// (io_getevents, or the return of a sync read), counts them as seen then,
// submits as many new I/Os in one plug, one after the other as its CPU gets
// to them (an interrupt that preempts it delays the rest), and looks again
// when that work ends.
// Only a thread that finds fewer ready than it waits for waits: asleep, woken
// by the completion that makes up the number (a context switch pair), or
// spinning on the CQ when it polls. A thread that keeps finding completions
// ready never sleeps.
// The system calls are fio's: new I/Os go out in calls of at most
// iodepth_batch_submit (each its own plug, so its own doorbell batch); a look
// waits for iodepth_batch_complete_min completions and takes at most
// iodepth_batch_complete_max; it enters the kernel on every look (libaio's
// io_getevents) or only to wait (io_uring's completion ring is read in user
// space). Without an engine's costs (ioengine sync or async) none is priced.
//
//  per thread: FioThread (ready, waiting, inCall, toSubmit, plugged, issued: one 32-byte record, so a step touches
//  one cache line of it) | done list of iodepth DoneRec, oldest first
//  per CPU: waiters u32 (threads spinning or asleep there)

import { arenaAlloc } from "../../runtime/arena";
import { prngNext } from "../../runtime/prng";
import { EV_RUN, IoRec, M, cpuRun, evWord, post, threadRec, cfg } from "../machine";
import { ioSubmit, plugFinish } from "../host-io";
import { st } from "../stats";
import { jobReaped, jobRecord, jobSlept, jobStatsInit, jobSubmitted } from "../job-stats";

@unmanaged
class FioState {
  threads: usize; // a FioThread per thread
  done: usize; // per thread: iodepth DoneRecs, the first `ready` of them filled
  waiters: usize; // u32 per CPU: its threads that wait
}

/** A thread's place in fio's loop. */
@unmanaged
class FioThread {
  ready: u32; // completions handed to it and not yet seen
  waiting: u16; // 1 while it waits for completions
  inCall: u16; // 1 while it waits inside a reaping system call (its return is not another call)
  toSubmit: u32; // I/Os left to submit in its current plug
  plugged: u32; // I/Os submitted in its current plug (its current system call)
  issued: u64; // I/Os it has submitted
  spare: u64;
}
if (offsetof<FioThread>() != 32) ERROR("FioThread is 32 bytes");
const F = changetype<FioState>(memory.data(64, 8));
if (offsetof<FioState>() > 64) ERROR("FioState outgrew its static copy");

/** A completion the thread has not seen yet: what fio's latencies need of it. */
@unmanaged
class DoneRec {
  submitNs: u64;
  slatNs: u32;
  write: u32;
}
if (offsetof<DoneRec>() != 16) ERROR("DoneRec is 16 bytes");

/** Allocates the jobs' per-thread state; false when memory runs out. */
export function fioInit(): bool {
  let threads = <usize>cfg.threads;
  F.threads = arenaAlloc(threads * offsetof<FioThread>(), 16);
  F.done = arenaAlloc(threads * cfg.iodepth * offsetof<DoneRec>(), 8);
  F.waiters = arenaAlloc((<usize>cfg.cpus) << 2, 4);
  if (!jobStatsInit(cfg.threads, cfg.jobHistograms != 0)) return false;
  return F.threads != 0 && F.done != 0 && F.waiters != 0;
}

function doneRec(t: u32, i: u32): DoneRec {
  return changetype<DoneRec>(F.done + (<usize>t * cfg.iodepth + i) * offsetof<DoneRec>());
}

function mix(h: u32, v: u32): u32 {
  return (h ^ v) * 0x01000193;
}

/** The content a job writes to `page`: a new odd tag per write (fio's verify pattern, in one word). */
export function fioWriteTag(page: u64): u32 {
  M.writeSeq++;
  return mix(mix(0x811c9dc5, <u32>page), M.writeSeq) | 1;
}

/** Thread `t`'s next I/O: the first region page, shifted left one, with the write bit in bit 0. */
function threadPick(t: u32): u64 {
  let th = threadRec(t);
  let rng = th.rng();
  let pagesPerIo = M.pagesPerIo;
  let slots = M.regionPages / <u64>pagesPerIo;
  let page: u64;
  if (cfg.random != 0) {
    page = <u64>(prngNext(rng) % <u32>slots) * pagesPerIo; // the region is below 2^32 pages
  } else {
    page = th.seqPage;
    let next = page + pagesPerIo;
    th.seqPage = next + <u64>pagesPerIo > M.regionPages ? 0 : next;
  }
  let write = cfg.readPercent < 100 && (cfg.readPercent == 0 || prngNext(rng) % 100 >= cfg.readPercent);
  return (page << 1) | (write ? 1 : 0);
}

function fioThread(t: u32): FioThread {
  return changetype<FioThread>(F.threads + (<usize>t) * offsetof<FioThread>());
}

/** Thread `t`'s share of the run's I/Os (fio's number_ios is each job's): the total split evenly, the first
 * threads taking one more each when it does not divide; 0 when the run has no limit. */
function quota(t: u32): u64 {
  let n = <u64>cfg.threads;
  let share = cfg.iosTotal / n;
  return share + (<u64>t < cfg.iosTotal % n ? 1 : 0);
}

/** Every thread fills its depth from time 0, then looks for completions. */
export function fioStart(): void {
  for (let t: u32 = 0; t < cfg.threads; t++) {
    fioThread(t).toSubmit = cfg.iodepth;
    post(0, evWord(EV_RUN, 0, t));
  }
}

/** The CPU whose queue pair thread `t`'s I/Os go through: its own, or the SQ polling thread's. */
export function fioQueueCpu(t: u32): u32 {
  return cfg.sqPoll != 0 ? cfg.cpus - 1 : threadRec(t).cpu;
}

/** Whether thread `t` is in the middle of a plug (its next step is a submission or the plug's end, not a look). */
export function fioSubmitting(t: u32): bool {
  let f = fioThread(t);
  return f.toSubmit != 0 || f.plugged != 0;
}

/**
 * Thread `t` goes on with its plug at `now`: the next I/O (its CPU work charged from when the CPU gets to it,
 * after the system call's entry when it starts one), or, with none left or the call's batch full, the plug's end
 * (one doorbell for a batch); it goes on when that work ends.
 */
export function fioSubmitNext(t: u32, now: u64): void {
  let cpu = threadRec(t).cpu;
  let f = fioThread(t);
  let more = f.toSubmit != 0 && (cfg.iosTotal == 0 || f.issued < quota(t));
  if (more && (cfg.submitBatch == 0 || f.plugged < cfg.submitBatch)) {
    f.toSubmit--;
    f.issued++;
    let at = now;
    if (f.plugged == 0 && cfg.costSubmitCall != 0) {
      st.nSubmitCall++;
      at = cpuRun(cpu, now, cfg.costSubmitCall);
    }
    f.plugged++;
    let pick = threadPick(t);
    if (cfg.sqPoll != 0) {
      // The thread writes the SQE and goes on; the SQ thread submits it on its own CPU when that is free.
      let mine = cpuRun(cpu, at, cfg.costSubmitUser);
      ioSubmit(fioQueueCpu(t), t, pick >> 1, (pick & 1) != 0, 0, mine);
      post(mine, evWord(EV_RUN, 0, t));
      return;
    }
    post(ioSubmit(cpu, t, pick >> 1, (pick & 1) != 0, 0, at), evWord(EV_RUN, 0, t));
    return;
  }
  if (!more) f.toSubmit = 0;
  let n = f.plugged;
  let issued = n != 0;
  if (issued) jobSubmitted(t, n);
  f.plugged = 0;
  if (issued && cfg.sqPoll != 0) {
    plugFinish(fioQueueCpu(t), now); // the SQ thread's pass ends with its doorbell, after its submissions
    post(now, evWord(EV_RUN, 0, t));
    return;
  }
  post(issued ? plugFinish(cpu, now) : now, evWord(EV_RUN, 0, t));
}

/** Threads that wait on `cpu` (asleep, or spinning on the CQ when they poll). */
export function fioWaiters(cpu: u32): u32 {
  return load<u32>(F.waiters + ((<usize>cpu) << 2));
}

// How many completions thread `t`, with `ready` of them ready, waits for: iodepth_batch_complete_min, or all it
// has in flight if fewer, and at least one.
function completeNeed(t: u32, ready: u32): u32 {
  let need = cfg.completeMin > 1 ? cfg.completeMin : 1;
  let out = ready + threadRec(t).inFlight;
  return need < out ? need : out > 0 ? out : 1;
}

// A reaping system call of thread `t` on its CPU from `now` (io_getevents, io_uring_enter to wait); returns when
// its work ends.
function reapCall(t: u32, now: u64): u64 {
  if (cfg.costReapCall == 0) return now;
  st.nReapCall++;
  return cpuRun(threadRec(t).cpu, now, cfg.costReapCall);
}

/**
 * Thread `t` looks for completions at `now`: it takes the ready ones (oldest first, at most
 * iodepth_batch_complete_max), submits as many new I/Os, and looks again when that work ends; with fewer ready
 * than it waits for, it waits.
 */
export function fioCheck(t: u32, now: u64): void {
  let f = fioThread(t);
  let n = f.ready;
  let inCall = f.inCall != 0;
  f.inCall = 0;
  if (n < completeNeed(t, n)) {
    if (!inCall) reapCall(t, now);
    f.waiting = 1;
    f.inCall = cfg.costReapCall != 0 ? 1 : 0;
    let w = F.waiters + ((<usize>threadRec(t).cpu) << 2);
    store<u32>(w, load<u32>(w) + 1);
    return;
  }
  if (cfg.reapCallAlways != 0 && !inCall) now = reapCall(t, now);
  let take = cfg.completeMax != 0 && n > cfg.completeMax ? cfg.completeMax : n;
  jobReaped(t, take);
  // Counted per job only: the run's direction totals are the jobs' summed (TypeScript adds them up).
  st.completed += take;
  for (let i: u32 = 0; i < take; i++) {
    let d = doneRec(t, i);
    jobRecord(t, d.write != 0, cfg.bs, now - d.submitNs, <u64>d.slatNs, now, cfg.syncEngine != 0);
  }
  if (take < n) {
    let size = <usize>offsetof<DoneRec>();
    memory.copy(changetype<usize>(doneRec(t, 0)), changetype<usize>(doneRec(t, take)), <usize>(n - take) * size);
  }
  f.ready = n - take;
  f.toSubmit = take;
  fioSubmitNext(t, now);
}

/** An I/O of thread `t` completed on the host at `now`: it is ready for the thread, which is woken if it waits. */
export function fioDone(rec: IoRec, now: u64): void {
  let t = rec.thread;
  let f = fioThread(t);
  let n = f.ready;
  let d = doneRec(t, n);
  d.submitNs = rec.submitNs;
  d.slatNs = rec.slatNs;
  d.write = <u32>rec.write;
  f.ready = n + 1;
  if (f.waiting == 0 || n + 1 < completeNeed(t, n + 1)) return;
  f.waiting = 0;
  let cpu = threadRec(t).cpu;
  let w = F.waiters + ((<usize>cpu) << 2);
  store<u32>(w, load<u32>(w) - 1);
  if (cfg.polled != 0 || cfg.sqPoll != 0) {
    post(now, evWord(EV_RUN, 0, t)); // spinning (on the CQ, or with sqthread_poll on the CQ ring): no sleep
    return;
  }
  st.nSleep++;
  jobSlept(t);
  post(cpuRun(cpu, now, cfg.costSleep), evWord(EV_RUN, 0, t)); // woken: the switch to it, then it runs
}
