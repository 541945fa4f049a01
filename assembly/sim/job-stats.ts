// What fio keeps per job (thread_stat in fio's stat.h), for the fio-like
// jobs: each direction's completions and latency moments, the clat
// histograms when asked for (fio's per-job percentiles), the I/O depth,
// submit and complete distributions (io_u_map, io_u_submit, io_u_complete),
// the clat latency buckets (io_u_lat_n/u/m), and the bandwidth and IOPS
// samples fio takes every bw_avg_time (500 ms) of the job's run, here of
// simulated time. TypeScript turns them into fio's JSON and text.
//
//  per job: JobStats | maps: JOB_MAP_WORDS u64 | (jobHistograms) read and write clat histograms, PLAT_NR u64 each

import { arenaAlloc } from "../runtime/arena";
import { PLAT_NR, histAdd } from "../runtime/histogram";
import { DirStats, dirAdd, dirClear, histRecord } from "./stats";

/** fio's bw_avg_time and iops_avg_time default: 500 ms. */
export const JOB_SAMPLE_NS: u64 = 500_000_000;

// The per-job maps, u64 counts (fio's FIO_IO_U_MAP_NR 7, FIO_IO_U_LAT_N_NR 10, _U_NR 10, _M_NR 12).
export const JOB_MAP_DEPTH: u32 = 0;
export const JOB_MAP_SUBMIT: u32 = 7;
export const JOB_MAP_COMPLETE: u32 = 14;
export const JOB_MAP_LAT_N: u32 = 21;
export const JOB_MAP_LAT_U: u32 = 31;
export const JOB_MAP_LAT_M: u32 = 41;
export const JOB_MAP_WORDS: u32 = 53;

/** One job's counters; the read and write blocks are laid out as DirStats. */
@unmanaged
export class JobStats {
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
  outstanding: u64; // submitted and not yet seen (fio's cur_depth)
  totalSubmit: u64; // submissions (fio's total_submit: one per commit)
  totalComplete: u64; // looks that took completions (fio's total_complete: one per getevents)
  sleeps: u64; // waits that put the thread to sleep: a context switch each
  lastSeenNs: u64; // when it saw its last completion (a job that ends before the run: its runtime)
  sampleAtNs: u64; // the last sample's time (fio's bw_sample_time)
  sampledBytesRead: u64; // bytes and I/Os at the last sample (fio's stat_io_bytes, stat_io_blocks)
  sampledBytesWrite: u64;
  sampledIosRead: u64;
  sampledIosWrite: u64;
  bwSamplesRead: u64; // bandwidth samples, KiB/s, as fio's io_stat: count, min, max, mean and S (Welford)
  bwMinRead: u64;
  bwMaxRead: u64;
  bwMeanRead: f64;
  bwSRead: f64;
  bwSamplesWrite: u64;
  bwMinWrite: u64;
  bwMaxWrite: u64;
  bwMeanWrite: f64;
  bwSWrite: f64;
  iopsSamplesRead: u64;
  iopsMinRead: u64;
  iopsMaxRead: u64;
  iopsMeanRead: f64;
  iopsSRead: f64;
  iopsSamplesWrite: u64;
  iopsMinWrite: u64;
  iopsMaxWrite: u64;
  iopsMeanWrite: f64;
  iopsSWrite: f64;
}

if (offsetof<JobStats>("clatSqRead") - offsetof<JobStats>("iosRead") != offsetof<DirStats>("clatSq"))
  ERROR("JobStats read block must match DirStats");
if (offsetof<JobStats>("clatSqWrite") - offsetof<JobStats>("iosWrite") != offsetof<DirStats>("clatSq"))
  ERROR("JobStats write block must match DirStats");
if (offsetof<JobStats>("iopsSamplesRead") - offsetof<JobStats>("bwSamplesRead") != 80)
  ERROR("a sample statistic is 5 words (SampleStat)");

const NO_VALUE: u64 = 0xffff_ffff_ffff_ffff;

let jobs: usize = 0;
let maps: usize = 0;
let hists: usize = 0;
let jobCount: u32 = 0;

/** Allocates `n` jobs' counters (and clat histograms when `histograms`); false when memory runs out. */
export function jobStatsInit(n: u32, histograms: bool): bool {
  jobCount = n;
  jobs = arenaAlloc(<usize>n * offsetof<JobStats>(), 8);
  maps = arenaAlloc(<usize>n * JOB_MAP_WORDS * 8, 8);
  hists = histograms ? arenaAlloc(<usize>n * 2 * PLAT_NR * 8, 8) : 0;
  if (jobs == 0 || maps == 0 || (histograms && hists == 0)) return false;
  for (let t: u32 = 0; t < n; t++) {
    let j = jobStats(t);
    dirClear(dir(j, false));
    dirClear(dir(j, true));
    for (let s: u32 = 0; s < 4; s++) sampleStat(j, s).min = NO_VALUE;
  }
  return true;
}

export function jobStats(t: u32): JobStats {
  return changetype<JobStats>(jobs + <usize>t * offsetof<JobStats>());
}

function dir(j: JobStats, write: bool): DirStats {
  return changetype<DirStats>(
    changetype<usize>(j) + (write ? offsetof<JobStats>("iosWrite") : offsetof<JobStats>("iosRead")),
  );
}

/** fio's io_stat of samples: count, min, max, mean, S. */
@unmanaged
class SampleStat {
  samples: u64;
  min: u64;
  max: u64;
  mean: f64;
  S: f64;
}
if (offsetof<SampleStat>() != 40) ERROR("SampleStat is 5 words");

// 0: bw read, 1: bw write, 2: iops read, 3: iops write.
function sampleStat(j: JobStats, which: u32): SampleStat {
  return changetype<SampleStat>(changetype<usize>(j) + offsetof<JobStats>("bwSamplesRead") + <usize>which * 40);
}

/** fio's add_stat_sample. */
function addSample(s: SampleStat, value: u64): void {
  let v = <f64>value;
  if (value > s.max) s.max = value;
  if (value < s.min) s.min = value;
  let delta = v - s.mean;
  if (delta != 0) {
    s.mean += delta / (<f64>s.samples + 1.0);
    s.S += delta * (v - s.mean);
  }
  s.samples++;
}

function mapAdd(t: u32, index: u32, n: u64): void {
  let at = maps + (<usize>t * JOB_MAP_WORDS + index) * 8;
  store<u64>(at, load<u64>(at) + n);
}

/** fio's __io_u_mark_map bucket of a batch of `n`: 0, 1-4, 5-8, 9-16, 17-32, 33-64, more. */
function batchBucket(n: u32): u32 {
  if (n == 0) return 0;
  if (n <= 4) return 1;
  if (n <= 8) return 2;
  if (n <= 16) return 3;
  if (n <= 32) return 4;
  return n <= 64 ? 5 : 6;
}

/** fio's io_u_mark_depth bucket of a depth: 1, 2-3, 4-7, 8-15, 16-31, 32-63, more. */
function depthBucket(depth: u64): u32 {
  if (depth >= 64) return 6;
  let b: u32 = 0;
  while (depth >= 2) {
    depth >>= 1;
    b++;
  }
  return b;
}

/** fio's io_u_mark_lat_* bucket of a value (ns below 1 us, us below 1 ms, else ms): below 2, 4, 10, ... 750, 1000, 2000. */
function latBucket(v: u64, last: u32): u32 {
  let b: u32 = 0;
  if (v >= 2) b = 1;
  if (v >= 4) b = 2;
  if (v >= 10) b = 3;
  if (v >= 20) b = 4;
  if (v >= 50) b = 5;
  if (v >= 100) b = 6;
  if (v >= 250) b = 7;
  if (v >= 500) b = 8;
  if (v >= 750) b = 9;
  if (v >= 1000) b = 10;
  if (v >= 2000) b = 11;
  return b < last ? b : last;
}

/** Job `t` queued `n` I/Os in one submission (one commit): the depth they were queued at, and the submit batch. */
export function jobSubmitted(t: u32, n: u32): void {
  let j = jobStats(t);
  j.outstanding += n;
  j.totalSubmit++;
  mapAdd(t, JOB_MAP_DEPTH + depthBucket(j.outstanding), n);
  mapAdd(t, JOB_MAP_SUBMIT + batchBucket(n), 1);
}

/** Job `t` looked for completions and took `n`. */
export function jobReaped(t: u32, n: u32): void {
  let j = jobStats(t);
  j.totalComplete++;
  mapAdd(t, JOB_MAP_COMPLETE + batchBucket(n), 1);
}

export function jobSlept(t: u32): void {
  jobStats(t).sleeps++;
}

// The samples due by `now`: one per 500 ms boundary passed, of what completed since the last (a direction with
// nothing is skipped, as fio's __add_samples does).
function jobSample(j: JobStats, now: u64): void {
  while (now >= j.sampleAtNs + JOB_SAMPLE_NS) {
    let spentMs = JOB_SAMPLE_NS / 1_000_000;
    let bytesR = j.bytesRead - j.sampledBytesRead;
    let bytesW = j.bytesWrite - j.sampledBytesWrite;
    if (bytesR != 0) addSample(sampleStat(j, 0), (bytesR * 1000) / spentMs / 1024);
    if (bytesW != 0) addSample(sampleStat(j, 1), (bytesW * 1000) / spentMs / 1024);
    let iosR = j.iosRead - j.sampledIosRead;
    let iosW = j.iosWrite - j.sampledIosWrite;
    if (iosR != 0) addSample(sampleStat(j, 2), (iosR * 1000) / spentMs);
    if (iosW != 0) addSample(sampleStat(j, 3), (iosW * 1000) / spentMs);
    j.sampledBytesRead = j.bytesRead;
    j.sampledBytesWrite = j.bytesWrite;
    j.sampledIosRead = j.iosRead;
    j.sampledIosWrite = j.iosWrite;
    j.sampleAtNs += JOB_SAMPLE_NS;
  }
}

/** Job `t` saw a completion at `now`: `lat` from its submission, `slat` of it in submission. */
export function jobRecord(t: u32, write: bool, bytes: u32, lat: u64, slat: u64, now: u64, syncCall: bool): void {
  let j = jobStats(t);
  jobSample(j, now);
  j.outstanding--;
  j.lastSeenNs = now;
  dirAdd(dir(j, write), bytes, lat, slat);
  // fio's clat of a synchronous engine (`syncCall`) starts before the call: it is the whole latency.
  let clat = syncCall ? lat : lat - slat;
  if (clat < 1000) mapAdd(t, JOB_MAP_LAT_N + latBucket(clat, 9), 1);
  else if (clat < 1_000_000) mapAdd(t, JOB_MAP_LAT_U + latBucket(clat / 1000, 9), 1);
  else mapAdd(t, JOB_MAP_LAT_M + latBucket(clat / 1_000_000, 11), 1);
  histRecord(write, clat);
  if (hists != 0) histAdd(hists + (<usize>t * 2 + (write ? 1 : 0)) * PLAT_NR * 8, clat);
}

/**
 * The ramp ended at `now` (fio's ramp_time): every job's statistics start over, as fio's reset_io_stats does,
 * keeping only what it has in flight.
 */
export function jobStatsRamp(now: u64): void {
  for (let t: u32 = 0; t < jobCount; t++) {
    let j = jobStats(t);
    let outstanding = j.outstanding;
    memory.fill(changetype<usize>(j), 0, offsetof<JobStats>());
    dirClear(dir(j, false));
    dirClear(dir(j, true));
    for (let s: u32 = 0; s < 4; s++) sampleStat(j, s).min = NO_VALUE;
    j.outstanding = outstanding;
    j.sampleAtNs = now;
  }
  memory.fill(maps, 0, <usize>jobCount * JOB_MAP_WORDS * 8);
  if (hists != 0) memory.fill(hists, 0, <usize>jobCount * 2 * PLAT_NR * 8);
}

/** The run ended at `now`: the samples of the boundaries passed since each job's last completion. */
export function jobStatsFinish(now: u64): void {
  for (let t: u32 = 0; t < jobCount; t++) jobSample(jobStats(t), now);
}

export function engineJobStats(): usize {
  return jobs;
}

export function engineJobMaps(): usize {
  return maps;
}

/** Job `t`'s read or write clat histogram, or 0 when the run keeps none per job. */
export function engineJobHistogram(t: u32, write: bool): usize {
  return hists == 0 ? 0 : hists + (<usize>t * 2 + (write ? 1 : 0)) * PLAT_NR * 8;
}
