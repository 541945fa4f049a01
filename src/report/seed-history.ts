// What each change to the model did to the seed prediction: `nvmesim run --scenario seed-2014 --json` measured
// at each commit of the host-model work (a worktree per commit, its own Wasm build). A record, not a
// computation; a test holds the last row to the model as it is.

export interface SeedHistoryRow {
  commit: string;
  change: string;
  cpuRatio: number;
  faultRatio: number;
  /** Spearman's rho against the seed's rw_page listing, and over how many functions. */
  spearmanRwPage: number;
  common: number;
}

export const SEED_HISTORY: readonly SeedHistoryRow[] = [
  {
    commit: "6a3c50e",
    change: "before: one interrupt and one context switch per I/O, perf's PMU save in every run",
    cpuRatio: 0.862,
    faultRatio: 0.997,
    spearmanRwPage: 0.951,
    common: 34,
  },
  {
    commit: "5fab131",
    change:
      "completion passes (a pass reaps every CQE; interrupts merge; 3.19's reap on submit), idle exit and interrupt delivery as latency, profiler only in the seed replay",
    cpuRatio: 0.869,
    faultRatio: 1.004,
    spearmanRwPage: 0.956,
    common: 35,
  },
  {
    commit: "369b62b",
    change:
      "step lists corrected against 3.19 (per request, per interrupt, per page in and out, per major fault; inlined statics dropped), recalibrated",
    cpuRatio: 0.87,
    faultRatio: 1.004,
    spearmanRwPage: 0.96,
    common: 36,
  },
  {
    commit: "d1665f3",
    change: "the device link as PCIe hardware, transfers overlapping the media read",
    cpuRatio: 0.87,
    faultRatio: 1.004,
    spearmanRwPage: 0.96,
    common: 36,
  },
  {
    commit: "84fe7e3",
    change: "3.19's adaptive swap readahead (swapin_nr_pages)",
    cpuRatio: 0.871,
    faultRatio: 1.004,
    spearmanRwPage: 0.96,
    common: 36,
  },
  {
    commit: "73363fc",
    change: "fio threads submit one I/O at a time; polled swap spins instead of sleeping",
    cpuRatio: 0.871,
    faultRatio: 1.004,
    spearmanRwPage: 0.96,
    common: 36,
  },
  {
    commit: "567907b",
    change: "the ram device as 3.19's null_blk timer mode; each step's kernel file",
    cpuRatio: 0.871,
    faultRatio: 1.004,
    spearmanRwPage: 0.96,
    common: 36,
  },
  {
    commit: "d7af04f",
    change:
      "swap-out bio merging in the software queue as switches.mergeWrites, off (A8); the fixed point averages the rounds that circle it",
    cpuRatio: 0.871,
    faultRatio: 1.004,
    spearmanRwPage: 0.96,
    common: 36,
  },
  {
    commit: "c4f43ab",
    change:
      "the device's rated write ceilings bound writes (the P3700's 175 K random writes a second, 2000 MB/s sequential): swap-out clusters take the write path",
    cpuRatio: 0.868,
    faultRatio: 1.0,
    spearmanRwPage: 0.958,
    common: 36,
  },
];
