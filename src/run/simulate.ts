// simulate(config): one run of the engine, from a validated configuration to
// a result (fio's JSON for the run's jobs, with nvmesim's section). Runs in batches of completions so the caller gets
// progress and can cancel between them; the same code serves Node and the page.
import { breakdownOf, type Breakdown } from "./breakdown";
import { validateConfig, type RunConfig } from "../model/config";
import type { CostEntry } from "../model/calibration";
import { CPUS } from "../model/cpus";
import { SYNC_ENGINES } from "../model/engines";
import { stepCosts } from "../model/run-costs";
import { runSteps, type RunSteps } from "../model/run-steps";
import { dataBytesPerSec, linkBytesPerSec, PRESETS, type Latency } from "../model/presets";
import { buildResult, type Result } from "./result";
import { needsThreadTables, readPercentOf, threadTables, workloadJobs } from "../model/fio-jobs";
import {
  readCpuNs,
  readHistogram,
  readJobRecords,
  readSimStats,
  writeSimConfig,
  writeEngineTables,
  readLoggedIos,
  type LoggedIo,
  type JobRecord,
  type SimConfigValues,
  type SimStatsValues,
} from "../wasm/engine";
import type { Nvmesim } from "../wasm/module";
import { yieldToEventLoop } from "./yield";

export const SIMULATE_BATCH_IOS = 20_000;

export interface SimulateOptions {
  /** Called between batches with completed I/Os so far. */
  onProgress?: (completed: number, total: number, simulatedNs: number) => void;
  /** Checked between batches; an aborted signal ends the run with an AbortError. */
  signal?: AbortSignal;
  /** Include wall-clock time in the result (it then differs run to run). */
  wallTime?: boolean;
  batchIos?: number;
  /** Another cost table than the committed one (the calibration's fixed point runs candidates). */
  costTable?: readonly CostEntry[];
  /** "histograms": keep a clat histogram per fio job too (fio's per-job percentiles), not only the run's. */
  jobs?: "counts" | "histograms";
  /** Record the event queue's first N pushes and pops, for engineReplay (the bench's queue-alone case). */
  recordEventOps?: number;
  /** Today's table's entries replaced, ns on its CPU (today's calibration tries candidates). */
  todayCosts?: Readonly<Record<string, number>>;
  /** The program a fio workload is run as: fio, or fio's t/io_uring benchmark (its own loop and user time). */
  program?: "fio" | "t/io_uring";
  /** Keep one I/O's life by stage in the result (nvmesim.breakdown). */
  breakdown?: boolean;
  /** Keep every completed I/O (EngineRun.log), for fio's logs and write_iolog. */
  keepLog?: boolean;
}

/** The most completed I/Os a run keeps for fio's logs (32 bytes each). */
export const LOG_LIMIT = 16 << 20;

type CostNs = ReadonlyMap<string, number>;

function sumNs(steps: readonly string[], costNs: CostNs): number {
  return steps.reduce((s, step) => {
    const ns = costNs.get(step);
    if (ns === undefined) throw new Error(`no cost for step ${step}`);
    return s + ns;
  }, 0);
}

/** A latency's engine fields; `medianNs` > 0 moves it to that median (constant, lognormal) or scales it. */
function latencyFields(l: Latency, medianNs: number): [number, number, number] {
  const scale = medianNs > 0 && l.a > 0 ? medianNs / l.a : 1;
  const b = l.kind === "uniform" || l.kind === "exponential" ? Math.round(l.b * scale) : l.b;
  return [["constant", "uniform", "exponential", "lognormal"].indexOf(l.kind), medianNs > 0 ? medianNs : l.a, b];
}

/** A merged write's largest size in 4 KiB pages: 128 KiB, MDTS 5 (assumption: no preset publishes its MDTS). */
export const MAX_MERGE_PAGES = 32;

export { runSteps, type RunSteps } from "../model/run-steps";

/** The engine's config struct for a validated run configuration. */
export function engineConfig(c: RunConfig, steps: RunSteps, costNs: CostNs = stepCosts(c.host)): SimConfigValues {
  const sum = (list: readonly string[]) => sumNs(list, costNs);
  const w = c.workload;
  const p = PRESETS[c.device.preset];
  // device.count identical devices behind the run's queues: their parallel units and pipes add up.
  const n = c.device.count;
  const [rk, ra, rb] = latencyFields(p.readLatency, c.device.readLatencyNs);
  const [wk, wa, wb] = latencyFields(p.writeLatency, c.device.writeLatencyNs);
  const round = (x: number) => Math.max(0, Math.round(x));
  const swap = w.kind === "swap";
  const cpu = CPUS[c.host.cpu];
  if (cpu.idleStates.length > 4) throw new Error(`${cpu.name}: the engine takes at most 4 idle states`);
  const idle = Object.fromEntries(
    [0, 1, 2, 3].flatMap((i) => [
      [`idleExitNs${i}`, cpu.idleStates[i]?.exitNs ?? 0],
      [`idleResidencyNs${i}`, cpu.idleStates[i]?.residencyNs ?? 0],
    ]),
  ) as Record<`idle${"ExitNs" | "ResidencyNs"}${0 | 1 | 2 | 3}`, number>;
  const writes =
    swap || w.iolog !== "" || workloadJobs(w).some((j) => readPercentOf(j.rw, j.rwmixread) < 100 || j.readback);
  const readPercent = swap
    ? 100
    : w.rw === "read" || w.rw === "randread"
      ? 100
      : w.rw === "write" || w.rw === "randwrite"
        ? 0
        : w.rwmixread;
  return {
    seed: c.seed,
    iosTotal: BigInt(swap ? w.faults : w.number_ios),
    // fio's ramp_time comes before the runtime it reports
    runtimeNs: BigInt(Math.round((w.runtime > 0 ? w.runtime + (swap ? 0 : w.ramp_time) : 0) * 1e9)),
    regionBytes: BigInt(swap ? w.workingSet - (w.workingSet % 4096) : w.size),
    ...(c.device.dataPipe === "one"
      ? {
          linkBytesPerSec: BigInt(dataBytesPerSec(p) * n),
          deviceReadBytesPerSec: 0n,
          deviceWriteBytesPerSec: 0n,
          laneEachWay: 0,
        }
      : {
          linkBytesPerSec: BigInt(linkBytesPerSec(p) * n),
          deviceReadBytesPerSec: BigInt(p.seqBytesPerSec * n),
          deviceWriteBytesPerSec: BigInt(p.seqWriteBytesPerSec * n),
          laneEachWay: 1,
        }),
    // sqthread_poll: one more CPU, the SQ thread's, the last.
    cpus: c.cpus + (steps.submitUser.length ? 1 : 0),
    qDepth: c.qDepth,
    threads: swap ? w.threads : w.numjobs,
    iodepth: swap ? 0 : w.iodepth, // the swap program keeps no depth of its own: its faults decide
    readPercent,
    random: swap ? (w.pattern === "random" ? 1 : 0) : w.rw.startsWith("rand") ? 1 : 0,
    bs: swap ? 4096 : w.bs,
    polled: c.switches.polled ? 1 : 0,
    batchDoorbell: c.switches.batchDoorbell ? 1 : 0,
    irqCoalesceThreshold: c.switches.irqCoalesceThreshold,
    irqCoalesceTimeNs: c.switches.irqCoalesceTimeNs,
    verify: swap || w.verify ? 1 : 0,
    fetchNs: p.fetchNs,
    processNs: Math.round(p.processNs / n), // n controllers each take a command in processNs
    dies: p.dies * n,
    completionBatch: (c.device.completion === "preset" ? p.completion : c.device.completion) === "timer-batch" ? 1 : 0,
    readLatKind: rk,
    readLatA: ra,
    readLatB: rb,
    writeLatKind: wk,
    writeLatA: wa,
    writeLatB: wb,
    errReadPpm: c.device.errors.unrecoveredReadPpm,
    errWritePpm: c.device.errors.writeFaultPpm,
    maxRetries: c.device.maxRetries,
    costSubmitRead: round(sum(steps.read.submitIo) + sum(steps.read.dispatchIo)),
    costSubmitWrite: round(sum(steps.write.submitIo)),
    costSubmitBatch: round(sum(steps.read.submitBatch)),
    costCompleteRead: round(sum(steps.read.completeIo)),
    costCompleteWrite: round(sum(steps.write.completeIo)),
    costCompleteBatch: round(sum(steps.read.completeBatch)),
    costInterrupt: round(sum(steps.read.interrupt)),
    costSleep: round(sum(steps.sleep)),
    costPollPass: Math.max(1, round(sum(steps.pollPass))),
    workload: swap ? 1 : 0,
    memPages: swap ? Math.floor(w.memory / 4096) : 0,
    pageCluster: swap ? w.pageCluster : 0,
    userNsPerAccess: swap ? w.userNsPerAccess : 0,
    costFault: round(sum(steps.fault)),
    costMajorFault: round(sum(steps.majorFault)),
    costPageIn: round(sum(steps.pageIn)),
    costPageOut: round(sum(steps.pageOut)),
    errPrpPpm: c.device.errors.prpErrorPpm,
    sglThresholdBytes: c.switches.sglThresholdBytes,
    kblockdWrites: steps.write.kblockdRun.length > 0 ? 1 : 0,
    costDispatchWrite: round(sum(steps.write.dispatchIo)),
    costKblockdRun: round(sum(steps.write.kblockdRun)),
    // 3.19's largest transfer: MDTS 5 (128 KiB) with 4 KiB pages, as the era's controllers report it (assumption).
    maxMergePages: steps.write.mergeBio.length ? MAX_MERGE_PAGES : 1,
    costMergeWrite: round(sum(steps.write.mergeBio)),
    costCompleteWriteBio: round(sum(steps.write.completeBio)),
    reapOnSubmit: c.switches.noSubmitReap ? 0 : 1,
    irqDeliveryNs: cpu.irqDeliveryNs,
    idleStates: cpu.idleStates.length,
    ...idle,
    jobHistograms: 0,
    ...steps.calls,
    costSubmitCall: round(sum(steps.submitCall)),
    costReapCall: round(sum(steps.reapCall)),
    sqPoll: steps.submitUser.length ? 1 : 0,
    syncEngine: c.workload.kind === "fio" && SYNC_ENGINES.includes(c.workload.ioengine) ? 1 : 0,
    costSubmitUser: round(sum(steps.submitUser)),
    maxBs: 0,
    splitEntries: 0,
    traceEntries: 0,
    logRecords: 0,
    deferStart: 0,
    rampNs: BigInt(Math.round((swap ? 0 : w.ramp_time) * 1e9)),
    // the rated write ceilings (README, the device): with one data pipe the write path takes bytes at the rated
    // sequential write; with "each-way" the data path already does
    // (left 0 for a run that never writes: an older build without them, bench --baseline, runs it)
    writeIops: writes ? p.randWriteIops * n : 0,
    writeBytesPerSec: BigInt(writes && c.device.dataPipe === "one" ? p.seqWriteBytesPerSec * n : 0),
    zoneEntries: 0,
  };
}

/** The stage of an I/O's life a step group's work belongs to (the waterfall's rows, breakdown.ts). */
export type StageName = "submit" | "doorbell" | "completion" | "seen";

/** Each step group the engine charged: its steps, how many times, and the stage it belongs to. */
export function chargedGroups(
  stats: SimStatsValues,
  steps: RunSteps,
): { steps: readonly string[]; times: number; stage: StageName }[] {
  return [
    { steps: steps.read.submitIo, times: stats.nSubmitRead, stage: "submit" },
    { steps: steps.read.dispatchIo, times: stats.nSubmitRead, stage: "submit" },
    { steps: steps.write.submitIo, times: stats.nSubmitWrite - stats.nMergeWrite, stage: "submit" },
    { steps: steps.write.mergeBio, times: stats.nMergeWrite, stage: "submit" },
    { steps: steps.write.completeBio, times: stats.nMergeWrite, stage: "submit" },
    { steps: steps.write.dispatchIo, times: stats.nDispatchWrite, stage: "submit" },
    { steps: steps.write.kblockdRun, times: stats.nKblockdRun, stage: "doorbell" },
    { steps: steps.read.submitBatch, times: stats.nSubmitBatch, stage: "doorbell" },
    { steps: steps.read.completeIo, times: stats.iosRead, stage: "completion" },
    { steps: steps.write.completeIo, times: stats.iosWrite, stage: "completion" },
    { steps: steps.read.completeBatch, times: stats.nCompleteBatch, stage: "completion" },
    { steps: steps.read.interrupt, times: stats.nInterrupt, stage: "completion" },
    { steps: steps.sleep, times: stats.nSleep, stage: "seen" },
    { steps: steps.pollPass, times: stats.nPollPass, stage: "completion" },
    { steps: steps.fault, times: stats.faults, stage: "submit" },
    { steps: steps.majorFault, times: stats.majorFaults, stage: "submit" },
    { steps: steps.pageIn, times: stats.nSubmitRead, stage: "submit" },
    { steps: steps.pageOut, times: stats.nSubmitWrite, stage: "submit" },
    { steps: steps.submitCall, times: stats.nSubmitCall, stage: "submit" },
    { steps: steps.submitUser, times: stats.nSubmitRead + stats.nSubmitWrite, stage: "submit" },
    { steps: steps.reapCall, times: stats.nReapCall, stage: "seen" },
  ];
}

/** CPU ns per kernel function: each step group's count times its steps' costs. */
export function profileFromCounts(stats: SimStatsValues, steps: RunSteps, costNs: CostNs): Map<string, number> {
  const profile = new Map<string, number>();
  for (const g of chargedGroups(stats, steps)) {
    if (g.times === 0) continue;
    for (const s of g.steps) profile.set(s, (profile.get(s) ?? 0) + costNs.get(s)! * g.times);
  }
  return profile;
}

/** CPU ns per stage of an I/O's life: each step group's charge, summed by its stage. */
export function stageCpuFromCounts(stats: SimStatsValues, steps: RunSteps, costNs: CostNs): Record<StageName, number> {
  const out: Record<StageName, number> = { submit: 0, doorbell: 0, completion: 0, seen: 0 };
  for (const g of chargedGroups(stats, steps)) for (const s of g.steps) out[g.stage] += costNs.get(s)! * g.times;
  return out;
}

/** What one engine run left behind, before it becomes a Result. */
export interface EngineRun {
  stats: SimStatsValues;
  histRead: number[];
  histWrite: number[];
  profile: Map<string, number>;
  wallMs?: number;
  /** Per fio job (fio workloads). */
  jobs?: JobRecord[];
  /** CPU work charged on each CPU, ns (fio workloads). */
  cpuNs?: number[];
  /** Every completed I/O, as its thread saw it (keepLog), and the bytes of the unit its offsets count. */
  log?: LoggedIo[];
  unitBytes?: number;
  breakdown?: Breakdown;
}

const DIRECTION_FIELDS = ["ios", "bytes", "latSum", "latSq", "slatSum", "slatSq", "clatSq"] as const;
const DIRECTION_MINIMA = ["latMin", "slatMin", "clatMin"] as const;
const DIRECTION_MAXIMA = ["latMax", "slatMax", "clatMax"] as const;

/** The run's read and write counts and moments from its jobs' (sums, and the extremes of the jobs that had any). */
export function directionTotals(jobs: readonly JobRecord[]): Partial<SimStatsValues> {
  const out: Record<string, number> = {};
  for (const d of ["Read", "Write"]) {
    const ran = jobs.map((j) => j.stats as unknown as Record<string, number>).filter((s) => s[`ios${d}`] > 0);
    for (const f of DIRECTION_FIELDS) out[`${f}${d}`] = ran.reduce((sum, s) => sum + s[`${f}${d}`], 0);
    for (const f of DIRECTION_MINIMA)
      out[`${f}${d}`] = ran.length ? Math.min(...ran.map((s) => s[`${f}${d}`])) : 2 ** 64 - 1;
    for (const f of DIRECTION_MAXIMA) out[`${f}${d}`] = ran.length ? Math.max(...ran.map((s) => s[`${f}${d}`])) : 0;
  }
  return out as Partial<SimStatsValues>;
}

/** Runs a validated configuration in the module `m` to its end, in batches. */
export async function runEngine(m: Nvmesim, config: RunConfig, options: SimulateOptions = {}): Promise<EngineRun> {
  const costs = stepCosts(config.host, options.costTable, options.todayCosts);
  const steps = runSteps(config, options.program);
  const w = config.workload;
  // Threads that differ (jobs side by side, block-size splits, paces, regions, a replayed log) get their tables.
  const tables = w.kind === "fio" && needsThreadTables(w) ? threadTables(w) : undefined;
  const values = {
    ...engineConfig(config, steps, costs),
    jobHistograms: options.jobs === "histograms" ? 1 : 0,
    ...(tables
      ? {
          bs: tables.minBs,
          maxBs: tables.maxBs,
          iodepth: tables.iodepth,
          splitEntries: tables.splits.length,
          traceEntries: tables.trace.length,
          zoneEntries: tables.zones.length,
          deferStart: 1,
          // a thread that reads back its writes, or counts bytes, ends on its own
          ...(tables.threads.some((t) => t.readback || t.quotaBytes) ? { iosTotal: 0n } : {}),
        }
      : {}),
    ...(options.keepLog && w.kind === "fio"
      ? { logRecords: w.number_ios > 0 ? Math.min(w.number_ios, LOG_LIMIT) : Math.min(LOG_LIMIT, 4 << 20) }
      : {}),
  };
  const ptr = m.exports.scratchPtr();
  writeSimConfig(m, ptr, values);
  const started = options.wallTime ? performance.now() : 0;
  if (m.exports.engineInit(ptr, options.recordEventOps ?? 0) !== 0)
    throw new Error("the engine ran out of memory for this configuration");
  if (tables) {
    writeEngineTables(m, tables);
    m.exports.engineStart!();
  }
  const total = config.workload.kind === "swap" ? config.workload.faults : config.workload.number_ios;
  const batch = options.batchIos ?? SIMULATE_BATCH_IOS;
  let completed = 0;
  while (!m.exports.engineDone()) {
    if (options.signal?.aborted) throw new DOMException("simulation cancelled", "AbortError");
    completed += m.exports.engineRun(batch);
    if (options.onProgress) {
      options.onProgress(completed, total, readSimStats(m).nowNs);
      await yieldToEventLoop();
    }
  }
  const stats = readSimStats(m);
  const wallMs = options.wallTime ? performance.now() - started : undefined;
  let perJob = {};
  if (w.kind === "fio") {
    // The engine counts fio completions per job only: the run's direction totals are theirs summed.
    const jobs = readJobRecords(m, w.numjobs, stats.nowNs);
    Object.assign(stats, directionTotals(jobs));
    perJob = { jobs, cpuNs: readCpuNs(m, values.cpus) };
    if (options.keepLog) {
      if (m.exports.engineLogOverflow() !== 0)
        throw new Error(
          `fio's logs keep at most ${values.logRecords} I/Os of a run and this one completed more: shorten its runtime or set number_ios`,
        );
      Object.assign(perJob, { log: readLoggedIos(m), unitBytes: tables?.unitBytes ?? (w.bs < 4096 ? 512 : 4096) });
    }
  }
  return {
    stats,
    histRead: readHistogram(m, false),
    histWrite: readHistogram(m, true),
    profile: profileFromCounts(stats, steps, costs),
    wallMs,
    ...perJob,
    ...(options.breakdown ? { breakdown: breakdownOf(stats, stageCpuFromCounts(stats, steps, costs), config) } : {}),
  };
}

/** Runs one configuration (validated here) in the module `m`. */
export async function simulate(m: Nvmesim, input: unknown, options: SimulateOptions = {}): Promise<Result> {
  const config = validateConfig(input);
  // The result's job entry is fio's, merged from what each job kept.
  return buildResult({ config, ...(await runEngine(m, config, options)) });
}
