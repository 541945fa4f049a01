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
// Each thread does its own job (thread-job.ts): its region, depth, pattern, block sizes, pace, or a replayed
// log. An I/O whose time has not come (its rate, its log's time, a thinktime pause) ends the plug; the thread
// goes on when it is due.
//
//  per thread: FioThread (ready, waiting, inCall, toSubmit, plugged, issued, its picked I/O and its pace: the
//  loop's fields in the record's first 32 bytes, one cache line) | done list of iodepth DoneRec, oldest first
//  per CPU: waiters u32 (threads spinning or asleep there)

import { arenaAlloc } from "../../runtime/arena";
import { bitmapBytes, bitmapNextClear, bitmapSet } from "../../runtime/bitmap";
import { Prng, prngNext } from "../../runtime/prng";
import { EV_RUN, IoRec, M, cpuRun, evWord, post, threadRec, cfg } from "../machine";
import { ioSubmit, plugFinish } from "../host-io";
import { st } from "../stats";
import { jobReaped, jobRecord, jobSlept, jobStatsInit, jobSubmitted } from "../job-stats";
import { ANY_CPU, TRACE_WRITE, ThreadJob, logKeep, logKept, splitRec, threadJob, traceRec, zoneRec } from "./thread-job";

@unmanaged
class FioState {
  threads: usize; // a FioThread per thread
  done: usize; // per thread: iodepth DoneRecs, the first `ready` of them filled
  waiters: usize; // u32 per CPU: its threads that wait
}

/** A thread's place in fio's loop, and its pace (rate, thinktime, a replayed log's times). */
@unmanaged
class FioThread {
  ready: u32; // completions handed to it and not yet seen
  waiting: u8; // 1 while it waits for completions
  draining: u8; // 1 while it lets all in flight complete before a pause (fio's io_u_quiesce)
  inCall: u16; // 1 while it waits inside a reaping system call (its return is not another call)
  toSubmit: u32; // I/Os left to submit in its current plug
  plugged: u32; // I/Os submitted in its current plug (its current system call)
  issued: u64; // I/Os it has submitted
  next: u64; // its next I/O, picked and not yet submitted (NO_PICK: none): unit << 1 | write
  nextUnits: u32;
  owed: u32; // I/Os it may submit once its pause ends
  bytesRead: u64; // bytes it has issued each way (fio's rate)
  bytesWrite: u64;
  resumeAt: u64; // once drained, it pauses until then (its rate)
  pauseNs: u64; // or this long (its thinktime)
  lastIssueNs: u64; // when it last submitted (a replayed log's gaps)
  written: usize; // readback: what it wrote, a u64 each (unit << 16 | units), then what it reads back
  writtenCount: u32;
  phase: u32; // readback: 0 writing, 1 draining to read back, 2 reading back
  map: usize; // randomMap: a bit per slot of its region, set once taken this pass
  mapTaken: u32; // slots taken this pass
  readbackFrom: u32; // readback: its I/Os before it read back
  readbackEnd: u64; // and its I/Os once it read everything back
  lowWait: u32; // iodepth_low: 1 from when its depth was full until it fell to the low mark
  plain: u32; // 1: its job is one block size over its whole region, with no pace, replay or readback (the fast path)
}
if (offsetof<FioThread>() != 120) ERROR("FioThread is 120 bytes");
const NO_PICK: u64 = 0xffff_ffff_ffff_ffff;
const F = changetype<FioState>(memory.data(64, 8));
if (offsetof<FioState>() > 64) ERROR("FioState outgrew its static copy");

/** A completion the thread has not seen yet: what fio's latencies and logs need of it. */
@unmanaged
class DoneRec {
  submitNs: u64;
  slatNs: u32;
  unit: u32; // its first unit (the region is below 2^32 units)
  units: u16;
  write: u16;
  pad: u32;
}
if (offsetof<DoneRec>() != 24) ERROR("DoneRec is 24 bytes");

/** Allocates the jobs' per-thread state (their ThreadJobs are laid out already); false when memory runs out. */
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

// A block size from a split table of `count` entries from `at` (one entry: that size, no draw).
function splitPick(rng: Prng, at: u32, count: u32): u32 {
  if (count == 1) return splitRec(at).units;
  let draw = prngNext(rng) % splitRec(at + count - 1).upTo;
  for (let i: u32 = 0; i < count - 1; i++) if (draw < splitRec(at + i).upTo) return splitRec(at + i).units;
  return splitRec(at + count - 1).units;
}

/** Thread `t`'s next I/O (its first unit shifted left one, the write bit in bit 0), its size in f.nextUnits. */
// Thread `t`'s next I/O on the fast path (a plain job: one block size over the whole region): the draws of
// threadPick, the offset then the direction.
function plainPick(t: u32, j: ThreadJob): u64 {
  let th = threadRec(t);
  let rng = th.rng();
  let units = <u64>M.pagesPerIo;
  let unit: u64;
  if (j.random != 0) {
    unit = j.regionStart + <u64>(prngNext(rng) % <u32>(j.regionUnits / units)) * units;
  } else {
    unit = th.seqPage;
    if (unit + units > j.regionStart + j.regionUnits) unit = j.regionStart;
    th.seqPage = unit + units;
  }
  return (unit << 1) | (drawWrite(rng, j.readPercent) ? 1 : 0);
}

function threadPick(t: u32, f: FioThread): u64 {
  let j = threadJob(t);
  if (f.phase == 2) {
    // reading back what it wrote, one of its writes after the other
    let e = load<u64>(f.written + (<usize>(<u32>f.issued - f.readbackFrom)) * 8);
    f.nextUnits = <u32>(e & 0xffff);
    return (e >> 16) << 1;
  }
  if (j.traceCount != 0) {
    let r = traceRec(j.traceAt + <u32>f.issued);
    f.nextUnits = r.unitsWrite & ~TRACE_WRITE;
    return ((<u64>r.unit) << 1) | ((r.unitsWrite & TRACE_WRITE) != 0 ? 1 : 0);
  }
  let th = threadRec(t);
  let rng = th.rng();
  // The draws: the size, the offset, then the direction; a job whose reads and writes differ in size draws its
  // direction first.
  let oneSplit = j.splitAt == j.splitWriteAt && j.splitCount == j.splitWriteCount;
  let both = oneSplit || (j.splitCount == 1 && j.splitWriteCount == 1 && splitRec(j.splitAt).units == splitRec(j.splitWriteAt).units);
  let write = false;
  if (!both) write = drawWrite(rng, j.readPercent);
  let units = write ? splitPick(rng, j.splitWriteAt, j.splitWriteCount) : splitPick(rng, j.splitAt, j.splitCount);
  f.nextUnits = units;
  let unit: u64;
  if (j.random != 0) {
    // a zone by the accesses' shares (fio's random_distribution=zoned), then a slot in it
    let start = j.regionStart;
    let span = j.regionUnits;
    if (j.zoneCount != 0) {
      let draw = prngNext(rng) % zoneRec(j.zoneAt + j.zoneCount - 1).upTo;
      let z = zoneRec(j.zoneAt);
      for (let i: u32 = 1; i < j.zoneCount && draw >= z.upTo; i++) z = zoneRec(j.zoneAt + i);
      start += z.startUnit;
      span = z.units;
    }
    let align = j.alignUnits != 0 ? <u64>j.alignUnits : <u64>units;
    let slots = span >= units ? (span - units) / align + 1 : 1;
    let slot = <u64>(prngNext(rng) % <u32>slots); // the region is below 2^32 units
    if (f.map != 0) {
      // fio's random map: a slot taken this pass gives way to the next free one; a full map starts a new pass
      if (<u64>f.mapTaken >= slots) {
        memory.fill(f.map, 0, bitmapBytes(slots));
        f.mapTaken = 0;
      }
      slot = bitmapNextClear(f.map, slot, slots);
      bitmapSet(f.map, slot);
      f.mapTaken++;
    }
    unit = start + slot * align;
  } else {
    unit = th.seqPage;
    let end = j.regionStart + j.regionUnits;
    // past the region's end (or, going backwards, before its start) a sequential job starts over at the far side
    if (unit + <u64>units > end || unit < j.regionStart) unit = <i64>j.seqSkip < 0 ? end - units : j.regionStart;
    th.seqPage = unit + units + j.seqSkip;
  }
  if (both) write = drawWrite(rng, j.readPercent);
  return (unit << 1) | (write ? 1 : 0);
}

function drawWrite(rng: Prng, readPercent: u32): bool {
  return readPercent < 100 && (readPercent == 0 || prngNext(rng) % 100 >= readPercent);
}

/** When thread `t` may submit its picked I/O as its replayed log says: its gap after the last, its wait (0: now). */
function traceDue(t: u32, f: FioThread): u64 {
  let j = threadJob(t);
  if (j.traceCount == 0) return 0;
  let r = traceRec(j.traceAt + <u32>f.issued);
  let gap = r.delayNs != 0 ? f.lastIssueNs + r.delayNs : 0;
  return gap > r.atNs ? gap : r.atNs;
}

/** When thread `t`'s direction's rate lets its picked I/O go (0: no rate): its bytes so far at the rate. */
function rateDue(t: u32, f: FioThread): u64 {
  let rate = threadJob(t).rateBytesPerSec;
  if (rate == 0) return 0;
  let bytes = (f.next & 1) != 0 ? f.bytesWrite : f.bytesRead;
  return (bytes * 1_000_000_000) / rate;
}

function fioThread(t: u32): FioThread {
  return changetype<FioThread>(F.threads + (<usize>t) * offsetof<FioThread>());
}

@inline function keyAt(at: usize, i: u32): u64 {
  return load<u64>(at + (<usize>i) * 8);
}

// The heap below `size` of the keys at `at`, restored from `i` down.
function siftDown(at: usize, i: u32, size: u32): void {
  while (true) {
    let top = i;
    let l: u32 = 2 * i + 1;
    let r: u32 = l + 1;
    if (l < size && keyAt(at, l) > keyAt(at, top)) top = l;
    if (r < size && keyAt(at, r) > keyAt(at, top)) top = r;
    if (top == i) return;
    let x = keyAt(at, i);
    store<u64>(at + (<usize>i) * 8, keyAt(at, top));
    store<u64>(at + (<usize>top) * 8, x);
    i = top;
  }
}

// Sorts `n` u64 keys at `at` ascending (a heap sort: no allocation).
function sortKeys(at: usize, n: u32): void {
  for (let i = <i32>(n / 2) - 1; i >= 0; i--) siftDown(at, <u32>i, n);
  for (let end = n; end > 1; end--) {
    let x = keyAt(at, 0);
    store<u64>(at, keyAt(at, end - 1));
    store<u64>(at + (<usize>(end - 1)) * 8, x);
    siftDown(at, 0, end - 1);
  }
}

// Whether a thread has issued all its job asks of it (before a readback): its I/Os, or its bytes.
@inline function writesDone(j: ThreadJob, f: FioThread): bool {
  if (j.quotaBytes != 0) return f.bytesRead + f.bytesWrite >= j.quotaBytes;
  return j.quota != 0 && f.issued >= j.quota;
}

// Thread `t`'s writes are done and seen: what it reads back, as fio's do_verify takes its writes: in offset order,
// each place once (a random job), or in the order it wrote them (a sequential one).
function readbackStart(t: u32, f: FioThread): void {
  let j = threadJob(t);
  let n = f.writtenCount;
  if (j.random != 0 && n > 1) {
    sortKeys(f.written, n);
    let kept: u32 = 1;
    for (let i: u32 = 1; i < n; i++) {
      let e = load<u64>(f.written + (<usize>i) * 8);
      if (e == keyAt(f.written, kept - 1)) continue;
      store<u64>(f.written + (<usize>kept) * 8, e);
      kept++;
    }
    f.writtenCount = kept;
  }
  f.phase = 2;
  f.readbackFrom = <u32>f.issued;
  f.readbackEnd = f.issued + n;
}

// The smallest I/O of a job's block sizes, in units.
function smallestUnits(j: ThreadJob): u32 {
  let least: u32 = 0xffff_ffff;
  for (let i: u32 = 0; i < j.splitCount; i++) if (splitRec(j.splitAt + i).units < least) least = splitRec(j.splitAt + i).units;
  for (let i: u32 = 0; i < j.splitWriteCount; i++)
    if (splitRec(j.splitWriteAt + i).units < least) least = splitRec(j.splitWriteAt + i).units;
  return least;
}

/** Every thread fills its depth from time 0 (a sequential one from its start), then looks for completions. */
export function fioStart(): void {
  for (let t: u32 = 0; t < cfg.threads; t++) {
    let j = threadJob(t);
    let f = fioThread(t);
    // a random map: a bit per slot of its region (one block size, the whole region)
    if (j.randomMap != 0 && j.random != 0) {
      f.map = arenaAlloc(bitmapBytes(j.regionUnits / <u64>splitRec(j.splitAt).units), 4);
      if (f.map == 0) st.engineErrors++;
    }
    // readback: room for every write it will make
    if (j.readback != 0 && (j.quota != 0 || j.quotaBytes != 0)) {
      let most = j.quotaBytes != 0 ? j.quotaBytes / ((<u64>smallestUnits(j)) << M.unitShift) + 1 : j.quota;
      f.written = arenaAlloc(<usize>most * 8, 8);
      if (f.written == 0) st.engineErrors++;
    }
    let th = threadRec(t);
    th.seqPage = j.regionStart + j.startUnit;
    if (j.cpu != ANY_CPU) th.cpu = j.cpu;
    // the fast path: one block size (the run's) over its whole region, drawn with repeats, at its own pace
    let one =
      j.splitCount == 1 &&
      j.splitWriteCount == 1 &&
      splitRec(j.splitAt).units == M.pagesPerIo &&
      splitRec(j.splitWriteAt).units == M.pagesPerIo;
    let paced = j.traceCount != 0 || j.rateBytesPerSec != 0 || j.thinkNs != 0 || j.readback != 0;
    let placed = j.zoneCount != 0 || j.alignUnits != 0 || j.seqSkip != 0 || j.randomMap != 0;
    f.plain = one && !paced && !placed && j.quotaBytes == 0 && j.iodepthLow >= j.iodepth ? 1 : 0;
    f.toSubmit = j.iodepth;
    f.next = NO_PICK;
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

// Thread `t` ends its plug at `now` (one doorbell for the batch, its submissions counted) and goes on at `next`
// or when the plug's end is written, whichever is later.
function plugEnd(t: u32, f: FioThread, now: u64, next: u64): void {
  let n = f.plugged;
  f.plugged = 0;
  if (n != 0) jobSubmitted(t, n);
  let end = now;
  if (n != 0) {
    if (cfg.sqPoll != 0) plugFinish(fioQueueCpu(t), now); // the SQ thread's pass ends with its doorbell
    else end = plugFinish(threadRec(t).cpu, now);
  }
  post(next > end ? next : end, evWord(EV_RUN, 0, t));
}

// Thread `t` stops submitting until all it has in flight completed (fio's io_u_quiesce), then pauses until
// `resumeAt` or for `pauseNs`; its plug ends now.
function drainThenPause(t: u32, f: FioThread, now: u64, resumeAt: u64, pauseNs: u64): void {
  f.draining = 1;
  f.resumeAt = resumeAt;
  f.pauseNs = pauseNs;
  f.owed += f.toSubmit;
  f.toSubmit = 0;
  plugEnd(t, f, now, now);
}

// What a paced thread keeps of an I/O it issues at `now`: when (a replayed log's gaps), its bytes each way (its
// rate, a byte quota), and, for a readback, the place it wrote. A plain thread keeps none of it.
function paceIssued(f: FioThread, pick: u64, units: u32, now: u64): void {
  f.lastIssueNs = now;
  let bytes = (<u64>units) << M.unitShift;
  let write = (pick & 1) != 0;
  if (write) f.bytesWrite += bytes;
  else f.bytesRead += bytes;
  if (write && f.written != 0 && f.phase == 0) {
    store<u64>(f.written + (<usize>f.writtenCount) * 8, ((pick >> 1) << 16) | <u64>units);
    f.writtenCount++;
  }
}

/**
 * Thread `t` goes on with its plug at `now`: the next I/O (its CPU work charged from when the CPU gets to it,
 * after the system call's entry when it starts one), or, with none left or the call's batch full, the plug's end
 * (one doorbell for a batch); it goes on when that work ends. An I/O whose time has not come ends the plug: a
 * replayed log's, until it is due (fio sleeps in iolog_delay, reaping nothing); its rate's, once all in flight
 * completed, as fio quiesces before it sleeps for its rate.
 */
export function fioSubmitNext(t: u32, now: u64): void {
  let cpu = threadRec(t).cpu;
  let f = fioThread(t);
  let j = threadJob(t);
  if (f.phase == 0 && j.readback != 0 && writesDone(j, f) && f.toSubmit != 0) {
    // its writes are out: once they completed, it reads them back (fio's do_verify)
    f.phase = 1;
    drainThenPause(t, f, now, 0, 0);
    return;
  }
  let plain = f.plain != 0;
  let more = f.toSubmit != 0 && (f.phase == 2 ? f.issued < f.readbackEnd : !writesDone(j, f));
  if (more && (cfg.submitBatch == 0 || f.plugged < cfg.submitBatch)) {
    let pick: u64;
    let units: u32;
    if (plain) {
      pick = plainPick(t, j);
      units = M.pagesPerIo;
    } else {
      if (f.next == NO_PICK) f.next = threadPick(t, f);
      let due = traceDue(t, f);
      if (due > now) {
        plugEnd(t, f, now, due);
        return;
      }
      due = rateDue(t, f);
      if (due > now) {
        drainThenPause(t, f, now, due, 0);
        return;
      }
      pick = f.next;
      units = f.nextUnits;
      f.next = NO_PICK;
      paceIssued(f, pick, units, now);
    }
    f.toSubmit--;
    f.issued++;
    let at = now;
    if (f.plugged == 0 && cfg.costSubmitCall != 0) {
      st.nSubmitCall++;
      at = cpuRun(cpu, now, cfg.costSubmitCall);
    }
    f.plugged++;
    let done: u64;
    if (cfg.sqPoll != 0) {
      // The thread writes the SQE and goes on; the SQ thread submits it on its own CPU when that is free.
      done = cpuRun(cpu, at, cfg.costSubmitUser);
      ioSubmit(fioQueueCpu(t), t, pick >> 1, (pick & 1) != 0, 0, done, units);
    } else done = ioSubmit(cpu, t, pick >> 1, (pick & 1) != 0, 0, at, units);
    if (!plain) {
      if (j.iodepthLow < j.iodepth && threadRec(t).inFlight + f.ready >= j.iodepth) f.lowWait = 1;
      // thinktime: after every thinktime_blocks I/Os, all in flight complete, then it pauses
      if (j.thinkNs != 0 && f.issued % <u64>j.thinkBlocks == 0 && f.issued != j.quota) {
        drainThenPause(t, f, done, 0, j.thinkNs);
        return;
      }
    }
    post(done, evWord(EV_RUN, 0, t));
    return;
  }
  if (!more) f.toSubmit = 0;
  plugEnd(t, f, now, now);
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
 * than it waits for, it waits. A thread that quiesces for its thinktime and has nothing left in flight starts its
 * pause.
 */
export function fioCheck(t: u32, now: u64): void {
  let f = fioThread(t);
  let n = f.ready;
  let inCall = f.inCall != 0;
  f.inCall = 0;
  if (n == 0 && f.draining != 0 && threadRec(t).inFlight == 0) {
    // drained: it pauses, then submits what it held back
    f.draining = 0;
    if (f.phase == 1) readbackStart(t, f);
    let resume = now + f.pauseNs;
    if (f.resumeAt > resume) resume = f.resumeAt;
    f.toSubmit = f.owed;
    f.owed = 0;
    post(resume, evWord(EV_RUN, 0, t));
    return;
  }
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
  let unitShift = M.unitShift;
  let sync = cfg.syncEngine != 0;
  let keep = logKept();
  for (let i: u32 = 0; i < take; i++) {
    let d = doneRec(t, i);
    let write = d.write != 0;
    let units = <u32>d.units;
    jobRecord(t, write, units << unitShift, now - d.submitNs, <u64>d.slatNs, now, sync);
    if (keep) logKeep(t, d.submitNs, now, <u64>d.unit, units, write, <u64>d.slatNs);
  }
  if (take < n) {
    let size = <usize>offsetof<DoneRec>();
    memory.copy(changetype<usize>(doneRec(t, 0)), changetype<usize>(doneRec(t, take)), <usize>(n - take) * size);
  }
  f.ready = n - take;
  // As many new I/Os as it took; a thread that drains holds them back until its pause ends, and one whose depth
  // was full until it fell to its iodepth_low (fio reaps until cur_depth <= iodepth_low, then refills).
  if (f.lowWait != 0 && threadRec(t).inFlight + f.ready <= threadJob(t).iodepthLow) f.lowWait = 0;
  if (f.draining != 0 || f.lowWait != 0) f.owed += take;
  else {
    f.toSubmit = take + f.owed;
    f.owed = 0;
  }
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
  d.unit = <u32>rec.lbaPage;
  d.units = rec.pages;
  d.write = <u16>rec.write;
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
