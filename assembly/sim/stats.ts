// The engine's counters and latency statistics: what TypeScript reads after
// a run (field offsets exported from index.ts as SIMSTAT_*), kept the way fio
// reports them: lat (submission start to completion seen), slat (the
// submitter's CPU and queueing) and clat = lat - slat, with clat histograms
// in fio's bucket layout.

import { arenaAlloc } from "../runtime/arena";
import { PLAT_NR, histAdd } from "../runtime/histogram";

const NO_TIME: u64 = 0xffff_ffff_ffff_ffff;

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
  nMergeWrite: u64; // writes merged into a queued request (3.19's software queue)
  nKblockdRun: u64;
  nSubmitReap: u64; // CQ passes on the submission path (3.19 reaps at the end of every submission) that found CQEs
  nEmptyInterrupt: u64; // interrupts whose CQEs were already reaped (on submission, or by the pass before)
  nIdleExit: u64; // interrupts that woke an idle CPU
  idleExitNs: u64; // their exit latency, summed
  diskInFlight: u64; // commands out at the device now
  diskBusySince: u64; // when the device last went from none out to one (or, with none out, when it did)
  diskBusyNs: u64; // time with at least one command out (the block layer's io_ticks)
  nSubmitCall: u64; // system calls that submitted I/Os (cfg.costSubmitCall each)
  nReapCall: u64; // system calls that reaped or waited for completions (cfg.costReapCall each)
  // One I/O's life in stages, summed over the I/Os the host completed (the waterfall): submission start to the
  // doorbell that carried it, to the CQE, to the host's completion. (The fetch is cfg.fetchNs after the doorbell.)
  stageN: u64;
  stageToDoorbellNs: u64;
  stageDeviceNs: u64;
  stageHostNs: u64;
}

/** One direction's completions: count, bytes, and the moments of total latency
 * (lat: submission start to completion seen), submission latency (slat: the
 * submitter's CPU time and queueing) and completion latency (clat = lat - slat), ns. */
@unmanaged
export class DirStats {
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

if (offsetof<SimStats>("clatSqRead") - offsetof<SimStats>("iosRead") != offsetof<DirStats>("clatSq"))
  ERROR("SimStats read block must match DirStats");
if (offsetof<SimStats>("clatSqWrite") - offsetof<SimStats>("iosWrite") != offsetof<DirStats>("clatSq"))
  ERROR("SimStats write block must match DirStats");

function dirStats(write: bool): DirStats {
  return changetype<DirStats>(
    changetype<usize>(st) + (write ? offsetof<SimStats>("iosWrite") : offsetof<SimStats>("iosRead")),
  );
}

export function dirRecord(write: bool, bytes: u32, lat: u64, slat: u64): void {
  dirAdd(dirStats(write), bytes, lat, slat);
  histRecord(write, lat - slat);
}

/** Adds a completion latency to the run's histogram of its direction (fio's percentiles are of clat). */
@inline export function histRecord(write: bool, clat: u64): void {
  histAdd(write ? histWrite : histRead, clat);
}

/** Adds one completion to a direction's counts and moments. */
export function dirAdd(d: DirStats, bytes: u32, lat: u64, slat: u64): void {
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
}

/** A direction's counts with no completion yet (the minima above any time). */
export function dirClear(d: DirStats): void {
  d.latMin = NO_TIME;
  d.slatMin = NO_TIME;
  d.clatMin = NO_TIME;
}

export let st: SimStats = changetype<SimStats>(0);
let histRead: usize = 0;
let histWrite: usize = 0;
/** u64 per CPU: the CPU work charged on it (st.cpuBusyNs is their sum). */
export let cpuNs: usize = 0;

/** Charges `ns` of CPU work to `cpu`'s count and the run's. */
@inline export function cpuCharge(cpu: u32, ns: u64): void {
  st.cpuBusyNs += ns;
  let at = cpuNs + ((<usize>cpu) << 3);
  store<u64>(at, load<u64>(at) + ns);
}

/** Commands at the device (from submission to the host's completion): the time any is out is the disk's busy time. */
export function diskStart(at: u64): void {
  if (st.diskInFlight++ == 0 && at > st.diskBusySince) st.diskBusySince = at; // not before the last busy time ended
}

export function diskEnd(now: u64): void {
  if (--st.diskInFlight != 0) return;
  st.diskBusyNs += now - st.diskBusySince;
  st.diskBusySince = now;
}

/** Allocates zeroed counters and histograms for a run; false when memory runs out. */
export function statsInit(cpus: u32): bool {
  st = changetype<SimStats>(arenaAlloc(offsetof<SimStats>(), 8));
  histRead = arenaAlloc((<usize>PLAT_NR) << 3, 8);
  histWrite = arenaAlloc((<usize>PLAT_NR) << 3, 8);
  if (changetype<usize>(st) == 0 || histRead == 0 || histWrite == 0) return false;
  cpuNs = arenaAlloc((<usize>cpus) << 3, 8);
  if (cpuNs == 0) return false;
  dirClear(dirStats(false));
  dirClear(dirStats(true));
  return true;
}

/** The run's latency histograms start over (the end of fio's ramp_time). */
export function histReset(): void {
  memory.fill(histRead, 0, (<usize>PLAT_NR) << 3);
  memory.fill(histWrite, 0, (<usize>PLAT_NR) << 3);
}

export function engineStats(): usize {
  return changetype<usize>(st);
}

export function engineHistogram(write: bool): usize {
  return write ? histWrite : histRead;
}

export function engineCpuNs(): usize {
  return cpuNs;
}
