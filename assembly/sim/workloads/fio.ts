// The fio-like jobs: each thread keeps `iodepth` I/Os in flight, picking its
// next page in order or at random and reading or writing as rwmixread says.
// A sleeping thread sees its completions once it is woken (a context switch
// pair, charged at its first completion of a reap pass; a poller sees them at
// once), and refills its depth in one plug after the pass.
//
//  per thread: refill u32 | wokeAt u64 (separate arrays) ; touched: stack of threads with refills

import { arenaAlloc } from "../../runtime/arena";
import { prngNext } from "../../runtime/prng";
import { M, cpuRun, threadRec, cfg } from "../machine";
import { ioSubmit, plugFinish } from "../host-io";
import { st } from "../stats";

@unmanaged
class FioState {
  refill: usize; // u32 per thread: I/Os to submit after the reap pass
  wokeAt: usize; // u64 per thread: when it woke in the current reap pass
  touched: usize; // u32 stack of threads with refills
  touchedCount: u32;
}
const F = changetype<FioState>(memory.data(64, 8));
if (offsetof<FioState>() > 64) ERROR("FioState outgrew its static copy");

/** Allocates the jobs' per-thread state; false when memory runs out. */
export function fioInit(): bool {
  let threads = <usize>cfg.threads;
  F.refill = arenaAlloc(threads << 2, 4);
  F.wokeAt = arenaAlloc(threads << 3, 8);
  F.touched = arenaAlloc(threads << 2, 4);
  F.touchedCount = 0;
  return F.refill != 0 && F.wokeAt != 0 && F.touched != 0;
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

/** Thread `t` submits `count` I/Os (one plug) starting at `now`. */
export function fioSubmit(t: u32, count: u32, now: u64): void {
  if (count == 0) return;
  let cpu = threadRec(t).cpu;
  let issued: u32 = 0;
  for (; issued < count; issued++) {
    if (cfg.iosTotal != 0 && st.submitted >= cfg.iosTotal) break;
    let pick = threadPick(t);
    now = ioSubmit(cpu, t, pick >> 1, (pick & 1) != 0, 0, now);
  }
  if (issued != 0) plugFinish(cpu, now);
}

/** Every thread fills its depth at time 0. */
export function fioStart(): void {
  for (let t: u32 = 0; t < cfg.threads; t++) fioSubmit(t, cfg.iodepth, 0);
}

/** When thread `t` sees a completion that reached the host at `now`: a sleeper is woken once per reap pass. */
export function fioSeen(t: u32, cpu: u32, now: u64): u64 {
  if (cfg.polled != 0) return now;
  let wokeSlot = F.wokeAt + (<usize>t << 3);
  if (load<u32>(F.refill + (<usize>t << 2)) == 0) {
    store<u64>(wokeSlot, cpuRun(cpu, now, cfg.costSleep));
    st.nSleep++;
  }
  return load<u64>(wokeSlot);
}

/** An I/O of thread `t` is done: the thread keeps its depth, one more I/O after this reap pass. */
export function fioDone(t: u32): void {
  let slot = F.refill + (<usize>t << 2);
  let n = load<u32>(slot);
  if (n == 0) {
    store<u32>(F.touched + (<usize>F.touchedCount << 2), t);
    F.touchedCount++;
  }
  store<u32>(slot, n + 1);
}

/** After a reap pass: each thread with completions refills in one plug, from when it woke (or now, polling). */
export function fioReapDone(cpu: u32, end: u64): void {
  for (let i: u32 = 0; i < F.touchedCount; i++) {
    let t = load<u32>(F.touched + (<usize>i << 2));
    let n = load<u32>(F.refill + (<usize>t << 2));
    store<u32>(F.refill + (<usize>t << 2), 0);
    fioSubmit(t, n, cfg.polled == 0 ? load<u64>(F.wokeAt + (<usize>t << 3)) : end);
  }
  F.touchedCount = 0;
}
