// A run's configuration as the engine reads it: one flat record that
// TypeScript fills (src/wasm/engine.ts, at the offsets index.ts exports) and
// engineInit copies before anything else is laid out.

/** The workload kinds (SimConfig.workload). */
export const WORKLOAD_FIO: u32 = 0;
export const WORKLOAD_SWAP: u32 = 1;

/** Everything a run depends on; TypeScript writes it (offsets exported from index.ts). */
@unmanaged
export class SimConfig {
  seed: u64;
  iosTotal: u64; // stop after this many completions (0: no limit)
  runtimeNs: u64; // stop at this simulated time (0: no limit)
  regionBytes: u64; // the LBA range threads use (fio size)
  linkBytesPerSec: u64; // the data pipe: the link each way, or (one pipe) the slower of it and the rated read
  deviceReadBytesPerSec: u64; // the device's own time per byte read and written, shared (0: none)
  deviceWriteBytesPerSec: u64;
  cpus: u32;
  qDepth: u32;
  threads: u32;
  iodepth: u32; // in flight per thread
  readPercent: u32; // fio rwmixread
  random: u32; // 1: random offsets, 0: sequential per thread
  bs: u32; // bytes: a multiple of 4096, or 512, 1024 or 2048 (tracked per 512 B sector)
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
  costMajorFault: u32; // a major fault's own steps (the readahead)
  costPageIn: u32; // per page read into the swap cache (allocated, inserted)
  costPageOut: u32; // per page reclaim writes out (leaves the swap cache, freed)
  costDispatchWrite: u32; // the driver's part of a write (->queue_rq), wherever it runs
  costKblockdRun: u32; // one kblockd run: wake, context switch pair, hardware queue run
  // Completions (host-io, device): 3.19's driver reaps the CQ at the end of every submission (nvme_queue_rq,
  // nvme_rw_page); an interrupt reaches its handler irqDeliveryNs after the CQE is posted (latency, not CPU).
  reapOnSubmit: u32;
  irqDeliveryNs: u32;
  // The CPU's idle states (intel_idle's table for the era's CPU): exit latency and target residency, ns,
  // shallowest first; idleStates of them are used.
  idleStates: u32;
  idleExitNs0: u32;
  idleExitNs1: u32;
  idleExitNs2: u32;
  idleExitNs3: u32;
  idleResidencyNs0: u32;
  idleResidencyNs1: u32;
  idleResidencyNs2: u32;
  idleResidencyNs3: u32;
  // 1: the device completes like null_blk's timer mode in Linux 3.19 (null_cmd_end_timer): a command put on
  // its CPU's empty completion list arms one timer for readLat; every command listed before it fires
  // completes with it.
  completionBatch: u32;
  // 3.19's software queue merges a queued write with an adjacent bio (blk_mq_merge_queue_io, BLK_MQ_F_SHOULD_MERGE),
  // up to maxMergePages pages a request (the controller's MDTS); a merged bio costs costMergeWrite in place of
  // costSubmitWrite, and each bio past a request's first costs costCompleteWriteBio when it completes.
  maxMergePages: u32;
  costMergeWrite: u32;
  costCompleteWriteBio: u32;
  laneEachWay: u32; // 1: reads and writes each have the link's lanes one way (device.dataPipe "each-way")
  jobHistograms: u32; // 1: keep a clat histogram per fio job (fio's per-job percentiles), not only the run's
  // The program's system calls (fio's ioengine; 0 costs: the block path alone, no interface priced). A plug of
  // new I/Os is submitted in calls of at most submitBatch I/Os (0: one plug, no limit), each costSubmitCall and
  // its own doorbell batch. A look for completions waits for completeMin of them (or all in flight, if fewer)
  // and takes at most completeMax (0: all ready); it enters the kernel for costReapCall on every look
  // (reapCallAlways, as io_getevents) or only when it must wait (a completion ring read in user space).
  submitBatch: u32;
  completeMin: u32;
  completeMax: u32;
  reapCallAlways: u32;
  costSubmitCall: u32;
  costReapCall: u32;
  // io_uring's SQ polling thread (sqthread_poll): 1, the last of cfg.cpus is its CPU. The threads run on the
  // others and pay costSubmitUser per I/O (their own work); the SQ thread takes each I/O's submission and its
  // queue, and its completions are the threads' without a sleep (they spin on the CQ ring in user space).
  sqPoll: u32;
  costSubmitUser: u32;
  // 1: a synchronous engine (psync, pvsync2, sync): fio times the whole call as the completion latency (no slat).
  syncEngine: u32;
  // The fio threads' jobs (workloads/thread-job.ts): maxBs is the largest I/O in bytes (0: bs, then the smallest);
  // splitEntries and traceEntries size the block-size and replay tables TypeScript writes; logRecords keeps that
  // many completed I/Os for fio's logs (0: none); deferStart 1: TypeScript writes the tables, then engineStart.
  maxBs: u32;
  splitEntries: u32;
  traceEntries: u32;
  logRecords: u32;
  deferStart: u32;
  // fio's ramp_time: completions seen before rampNs are not counted (every job's statistics start over then).
  rampNs: u64;
  zoneEntries: u32; // the random_distribution=zoned table TypeScript writes
  // The device's rated write ceilings (0: none published): its write path takes a random write in at most
  // 1 / writeIops s or its bytes at writeBytesPerSec, whichever is longer, and a sequential one (starting where a
  // recent write ended) in its bytes at writeBytesPerSec; one write at a time.
  writeIops: u32;
  writeBytesPerSec: u64;
}
