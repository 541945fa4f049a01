// What each fio thread does, one ThreadJob per thread: its region of the
// namespace, its pattern, its depth, its block sizes (fio's bssplit), its pace
// (rate, thinktime) and, when it replays a recorded workload (fio's
// read_iolog), the I/Os it issues, in order. engineInit fills every thread's
// record from the run's config (one job: what the config says); TypeScript may
// then write them over (jobs side by side that differ, a replayed log) before
// engineStart. With a log capacity, every completed I/O is kept as a LogRec
// (fio's bw, lat and iops logs, write_iolog), in the order its thread saw it.
//
//  per thread: ThreadJob | split table: SplitRec | trace: TraceRec | log: LogRec

import { arenaAlloc } from "../../runtime/arena";
import { cfg } from "../machine";

/** One thread's job (TypeScript writes it through THRJOB_* offsets). Regions and sizes are in the run's units. */
@unmanaged
export class ThreadJob {
  regionStart: u64; // its region's first unit
  regionUnits: u64; // its region's length
  startUnit: u64; // where a sequential job begins, inside its region
  quota: u64; // I/Os it issues (0: no limit)
  rateBytesPerSec: u64; // each direction's ceiling (fio's rate; 0: none)
  thinkNs: u64; // after thinkBlocks I/Os it waits for all in flight, then pauses this long (fio's thinktime)
  thinkBlocks: u32;
  iodepth: u32;
  readPercent: u32; // 100: reads only, 0: writes only
  random: u32;
  splitAt: u32; // its read block sizes: splitCount SplitRecs from splitAt
  splitCount: u32;
  splitWriteAt: u32; // its write block sizes
  splitWriteCount: u32;
  traceAt: u32; // the I/Os it replays: traceCount TraceRecs from traceAt (0 count: it picks its own)
  traceCount: u32;
  iodepthLow: u32; // once full, it lets its depth fall to this before it refills (fio's iodepth_low)
  cpu: u32; // the CPU it runs on (fio's cpus_allowed), or ANY_CPU: the engine's spread
  alignUnits: u32; // a random offset is a multiple of this (fio's blockalign; 0: the I/O's size)
  zoneAt: u32; // its random offsets' zones: zoneCount ZoneRecs from zoneAt (0 count: the whole region)
  zoneCount: u32;
  readback: u32; // 1: once its writes are done, it reads back what it wrote (fio's verify on a writing job)
  seqSkip: u64; // units a sequential job skips after each I/O, two's complement (fio's rw=read:-8k)
  randomMap: u32; // 1: a random job takes each slot of its region once per pass (fio's random map)
  pad: u32;
  quotaBytes: u64; // bytes it issues (fio's size or io_size with several block sizes; 0: quota counts I/Os)
}

/** ThreadJob.cpu of a thread the engine places (thread t on CPU t mod cpus). */
export const ANY_CPU: u32 = 0xffff_ffff;

/** A block size and the running total of the weights up to it (fio's bssplit: 4k/10:64k/90). */
@unmanaged
export class SplitRec {
  units: u32;
  upTo: u32;
}
if (offsetof<SplitRec>() != 8) ERROR("SplitRec is 8 bytes");

/** A zone of a job's region (fio's random_distribution=zoned): its start and length, and the running total of
 * the accesses' shares up to it. */
@unmanaged
export class ZoneRec {
  startUnit: u32;
  units: u32;
  upTo: u32;
  pad: u32;
}
if (offsetof<ZoneRec>() != 16) ERROR("ZoneRec is 16 bytes");

/**
 * One replayed I/O: not before atNs of the run (a version 2 log's wait) nor delayNs after its thread's previous
 * submission (a version 3 log's gap), its first unit, its length and direction (bit 31: write).
 */
@unmanaged
export class TraceRec {
  atNs: u64;
  delayNs: u64;
  unit: u32;
  unitsWrite: u32;
}
if (offsetof<TraceRec>() != 24) ERROR("TraceRec is 24 bytes");

/** One completed I/O as its thread saw it (fio's logs). */
@unmanaged
export class LogRec {
  submitNs: u64;
  seenNs: u64;
  unit: u32;
  unitsWrite: u32; // bit 31: write
  slatNs: u32;
  thread: u32;
}
if (offsetof<LogRec>() != 32) ERROR("LogRec is 32 bytes");

export const TRACE_WRITE: u32 = 0x8000_0000;

@unmanaged
class Tables {
  jobs: usize;
  splits: usize;
  trace: usize;
  log: usize;
  logCount: u32;
  logOverflow: u32;
  zones: usize;
}
const T = changetype<Tables>(memory.data(32, 8));
if (offsetof<Tables>() > 32) ERROR("Tables outgrew its static copy");

export function threadJob(t: u32): ThreadJob {
  return changetype<ThreadJob>(T.jobs + (<usize>t) * offsetof<ThreadJob>());
}

export function splitRec(i: u32): SplitRec {
  return changetype<SplitRec>(T.splits + (<usize>i) * offsetof<SplitRec>());
}

export function zoneRec(i: u32): ZoneRec {
  return changetype<ZoneRec>(T.zones + (<usize>i) * offsetof<ZoneRec>());
}

export function traceRec(i: u32): TraceRec {
  return changetype<TraceRec>(T.trace + (<usize>i) * offsetof<TraceRec>());
}

/**
 * Lays out the tables and fills every thread's job from the config: the whole region, each thread starting a
 * sequential job at its share of it, the config's depth, pattern and size. False when memory runs out.
 */
export function threadJobsInit(regionUnits: u64, unitsPerIo: u32): bool {
  let threads = cfg.threads;
  let splits = cfg.splitEntries > 2 * threads ? cfg.splitEntries : 2 * threads;
  T.jobs = arenaAlloc(<usize>threads * offsetof<ThreadJob>(), 8);
  T.splits = arenaAlloc(<usize>splits * offsetof<SplitRec>(), 8);
  T.trace = cfg.traceEntries != 0 ? arenaAlloc(<usize>cfg.traceEntries * offsetof<TraceRec>(), 8) : 0;
  T.log = cfg.logRecords != 0 ? arenaAlloc(<usize>cfg.logRecords * offsetof<LogRec>(), 8) : 0;
  T.zones = cfg.zoneEntries != 0 ? arenaAlloc(<usize>cfg.zoneEntries * offsetof<ZoneRec>(), 8) : 0;
  if (cfg.zoneEntries != 0 && T.zones == 0) return false;
  T.logCount = 0;
  T.logOverflow = 0;
  if (T.jobs == 0 || T.splits == 0 || (cfg.traceEntries != 0 && T.trace == 0)) return false;
  if (cfg.logRecords != 0 && T.log == 0) return false;
  let share = regionUnits / <u64>threads / <u64>unitsPerIo;
  let n = <u64>threads;
  for (let t: u32 = 0; t < threads; t++) {
    let j = threadJob(t);
    j.regionStart = 0;
    j.regionUnits = regionUnits;
    j.startUnit = share * unitsPerIo * t;
    j.quota = cfg.iosTotal / n + (<u64>t < cfg.iosTotal % n ? 1 : 0);
    j.iodepth = cfg.iodepth;
    j.iodepthLow = cfg.iodepth;
    j.cpu = ANY_CPU;
    j.readPercent = cfg.readPercent;
    j.random = cfg.random;
    j.splitAt = 2 * t;
    j.splitCount = 1;
    j.splitWriteAt = 2 * t + 1;
    j.splitWriteCount = 1;
    for (let k: u32 = 0; k < 2; k++) {
      let s = splitRec(2 * t + k);
      s.units = unitsPerIo;
      s.upTo = 1;
    }
  }
  return true;
}

/** Whether the run keeps completed I/Os for the logs. */
@inline export function logKept(): bool {
  return T.log != 0;
}

/** Keeps one completed I/O for the logs, when the run keeps them; past the capacity it counts the overflow. */
export function logKeep(t: u32, submitNs: u64, seenNs: u64, unit: u64, units: u32, write: bool, slatNs: u64): void {
  if (T.log == 0) return;
  if (T.logCount >= cfg.logRecords) {
    T.logOverflow = 1;
    return;
  }
  let r = changetype<LogRec>(T.log + (<usize>T.logCount) * offsetof<LogRec>());
  r.submitNs = submitNs;
  r.seenNs = seenNs;
  r.unit = <u32>unit;
  r.unitsWrite = units | (write ? TRACE_WRITE : 0);
  r.slatNs = <u32>slatNs;
  r.thread = t;
  T.logCount++;
}

/** The thread job table, the split table and the trace, for TypeScript to write before engineStart. */
export function engineThreadJobs(): usize {
  return T.jobs;
}
export function engineSplits(): usize {
  return T.splits;
}
export function engineTrace(): usize {
  return T.trace;
}
export function engineZones(): usize {
  return T.zones;
}

/** The kept log: its records, how many, and 1 when some did not fit. */
export function engineLog(): usize {
  return T.log;
}
export function engineLogCount(): u32 {
  return T.logCount;
}
export function engineLogOverflow(): u32 {
  return T.logOverflow;
}
