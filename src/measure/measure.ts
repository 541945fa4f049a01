// `nvmesim measure`: the job `nvmesim run` would simulate, run for real with
// fio on a target (target.ts), optionally under a whole-machine `perf record`
// of which only the job's work is kept (profile-scope.ts), and returned in
// the shape of a simulated result: fio's own JSON, plus an `nvmesim` section
// with the same keys as a simulation's (what a real machine cannot tell,
// such as doorbells per I/O, is null), the CPU per I/O in parts that add up
// (cpu-time.ts), whether reads reached storage, and what this machine's
// profile can and cannot tell. With `repeat`, the job runs that many times
// and the result reports medians, the spread and each run's load average.
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { RunConfig } from "../model/config";
import { configJson, fnv1a64 } from "../run/result";
import {
  cpuAccount,
  fioJobsNs,
  inCgroups,
  kernelThreadDeltas,
  kernelThreadTimes,
  machineCpuNs,
  makeCpuCgroup,
  type CpuAccount,
} from "./cpu-time";
import { fioArgs, fioJob, jobWrites, type FioJob } from "./fio-job";
import { makeOwnDir, removeCgroup } from "./leftovers";
import { layerShares, parsePerfReport, type PerfReport } from "./perf-report";
import { perfRecordArgv, scopedProfile, scopeSummary, type ScopedProfile } from "./profile-scope";
import { isStopping, MeasureRefused, tied, withCleanups, type System } from "./system";
import { diskIos, openTarget, otherIos, readsCompleted, type Target } from "./target";

export interface MeasureOptions {
  target: string;
  perf: boolean;
  allowWrite: boolean;
  /** A missing file target may be created. */
  create?: boolean;
  /** Runs of the job (1). */
  repeat?: number;
  /** perf's sampling rate per CPU, Hz (DEFAULT_PERF_HZ). */
  perfHz?: number;
  /** Record the job's I/O as fio's iolog (write_iolog, version 3) in this file: replay it with nvmesim fio
   * --read_iolog, nvmesim run --read_iolog or a notebook's simulate(). fio appends to a file already there. */
  writeIolog?: string;
}

/** perf's default rate (4 kHz) gives too few samples per function on a job of seconds; 10 kHz per CPU costs about 2%. */
export const DEFAULT_PERF_HZ = 10_000;

type FioDirection = { total_ios: number; iops: number; runtime: number };
type FioJobEntry = {
  read: FioDirection;
  write: FioDirection;
  usr_cpu: number;
  sys_cpu: number;
  ctx: number;
  error: number;
  job_runtime?: number;
};
type FioJson = { "fio version": string; jobs: FioJobEntry[] };

/** One run of the job, measured. */
interface Run {
  fio: FioJson;
  ios: number;
  loadAverage: number[];
  cpu: CpuAccount;
  readsReachedStorage: number | null;
  profile?: ScopedProfile;
}

/** Whether this CPU has hardware counters for perf (a VM often has none: `perf stat -e cycles` says not supported). */
async function hardwareCounters(sys: System): Promise<boolean | null> {
  if (!sys.has("perf")) return null;
  const r = await sys.run("perf", ["stat", "-x", ",", "-e", "cycles", "--", "true"]);
  return r.status === 0 && !/not supported|not counted/.test(r.stderr);
}

/** The most telling line of a failed fio: its own "error=" line, or its first "fio:" line. */
export function fioFailure(out: string): string {
  const lines = out.split("\n").filter((l) => l.startsWith("fio: "));
  const err = lines.map((l) => /func=([^,]+), error=(.+)$/.exec(l)).find((m) => m);
  if (err) return `${err[1]}: ${err[2]}`;
  return lines[0]?.slice(5) ?? out.trim().split("\n")[0] ?? "";
}

/** perf's own reason for refusing, from its stderr ("Error:" followed by the reason on the next lines). */
export function perfRefusal(stderr: string): string | undefined {
  if (!/perf_event_paranoid|Access to performance monitoring|No permission to enable/i.test(stderr)) return undefined;
  const lines = stderr
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && l !== "Error:");
  return lines.find((l) => /perf_event_paranoid|Access to performance monitoring|permission/i.test(l)) ?? lines[0];
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Below this, fio's own start-up and exit are a visible part of its CPU per I/O. */
const SHORT_RUN_MS = 2000;

const readIfThere = (file: string) => (existsSync(file) ? readFileSync(file, "utf8") : undefined);

/** The job run once, with its CPU accounted and, with perf, its profile scoped to its own work. */
async function runOnce(
  job: FioJob,
  target: Target,
  o: MeasureOptions,
  sys: System,
  cleanups: (() => void)[],
): Promise<Run> {
  const dir = makeOwnDir("measure");
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const cgroup = sys.isRoot() ? makeCpuCgroup("fio", sys, cleanups) : undefined;
  const withPerf = sys.has("perf");
  const rootPidFile = join(dir, "root.pid");
  const fioStat = join(dir, "fio-task-clock.csv");
  const kthreadStat = join(dir, "kthread-task-clock.csv");
  const perfData = join(dir, "perf.data");
  const hz = o.perfHz ?? DEFAULT_PERF_HZ;
  const kthreads0 = kernelThreadTimes();
  // Innermost first, each program tied to the one that starts it: fio; the shell that says its pid and joins
  // the cgroup (so the cgroup and perf stat count the same tasks); perf stat over it; perf record of the
  // machine; perf stat over the kernel threads.
  let argv = tied(inCgroups(cgroup ? [cgroup.path] : [], tied(["fio", ...fioArgs(job)]), rootPidFile));
  if (withPerf) argv = tied(["perf", "stat", "-e", "task-clock", "-x", ",", "-o", fioStat, "--", ...argv]);
  // perf record in a cgroup of its own: the profiler's CPU is neither the job's nor the rest of the machine's.
  const perfCgroup = o.perf && cgroup ? makeCpuCgroup("perf", sys, cleanups) : undefined;
  if (o.perf) argv = tied(inCgroups(perfCgroup ? [perfCgroup.path] : [], perfRecordArgv(perfData, hz, argv)));
  if (withPerf)
    argv = [
      "perf",
      ...["stat", "-e", "task-clock", "-x", ",", "--per-thread", "-t", [...kthreads0.keys()].join(",")],
      ...["-o", kthreadStat, "--", ...argv],
    ];
  const loadAverage = readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).map(Number);
  const reads0 = target.storage ? readsCompleted(target.storage) : NaN;
  const disks0 = diskIos();
  const machine0 = machineCpuNs();
  const ran = await sys.run(argv[0], argv.slice(1));
  const machine1 = machineCpuNs();
  const irqNs = machine1.interruptNs - machine0.interruptNs;
  const reads = target.storage ? readsCompleted(target.storage) - reads0 : null;
  const ours = [target.filename.replace(/^\/dev\//, ""), target.storage?.name].filter((n) => n !== undefined);
  const otherDiskIos = otherIos(disks0, diskIos(), ours);
  const kthreads = kernelThreadDeltas(kthreads0, kernelThreadTimes());
  if (ran.status !== 0 && isStopping()) await new Promise(() => {}); // the signal handler ends the process
  const refusal = perfRefusal(ran.stderr);
  if (ran.status !== 0 && refusal && !ran.stdout.includes('"fio version"'))
    throw new MeasureRefused(`--perf: perf is not permitted here (${refusal})`);
  if (ran.status !== 0)
    throw new MeasureRefused(`--target ${o.target}: fio failed: ${fioFailure(ran.stdout + "\n" + ran.stderr)}`);
  const fio = JSON.parse(ran.stdout.slice(ran.stdout.indexOf("{"))) as FioJson;
  const ios = fio.jobs.reduce((s, j) => s + j.read.total_ios + j.write.total_ios, 0);
  if (ios === 0)
    throw new MeasureRefused(
      `--target ${o.target}: fio did no I/O: ${fioFailure(ran.stdout + "\n" + ran.stderr) || "it gave no reason"}`,
    );
  let profile: ScopedProfile | undefined;
  if (o.perf) profile = await scopedProfile(perfData, Number(readFileSync(rootPidFile, "utf8")), hz, sys);
  const fioSchedulerNs = cgroup?.usageNs();
  if (cgroup) removeCgroup(cgroup.path, sys);
  const cpu = cpuAccount({
    fio,
    ios,
    fioSchedulerNs,
    kthreads,
    irqNs,
    profile,
    fioTaskClock: readIfThere(fioStat),
    kthreadTaskClock: readIfThere(kthreadStat),
  });
  const runtimeMs = Math.max(...fio.jobs.map((j) => Math.max(j.read.runtime, j.write.runtime)));
  if (runtimeMs < SHORT_RUN_MS)
    cpu.notes.push(
      `a short run (${runtimeMs} ms): fio's start-up and exit are in the fio part; a run of seconds says more`,
    );
  // What else the machine did meanwhile: CPU time nobody above (nor perf) accounts for, and I/O on other disks.
  const perfNs = perfCgroup ? perfCgroup.usageNs() : null;
  if (perfCgroup) removeCgroup(perfCgroup.path, sys);
  const accountedNs = cpu.parts.reduce((s, p) => s + p.ns, 0) + (perfNs ?? 0);
  const otherCpuNs = Math.max(0, machine1.busyNs - machine0.busyNs - accountedNs);
  cpu.otherWork = { cpuNs: otherCpuNs, perfNs, diskIos: otherDiskIos };
  if (otherCpuNs > Math.max(0.1 * cpu.nsPerIo * ios, 5e7) || otherDiskIos > 100 + 0.01 * ios)
    cpu.notes.push(
      `other work ran meanwhile (${(otherCpuNs / 1e6).toFixed(0)} ms of CPU and ${otherDiskIos} I/Os on other disks): the kernel threads' part and the profile's I/O work may hold some of it; a quiet machine or --repeat tells`,
    );
  rmSync(dir, { recursive: true, force: true });
  return { fio, ios, loadAverage, cpu, readsReachedStorage: reads, profile };
}

/** The measured section: a simulation's keys, with what a real machine cannot tell as null. */
function measuredSection(
  config: RunConfig,
  fio: FioJson,
  profile: { entries: { symbol: string; layer: string; percent: number; ns: number | null }[]; layers: unknown[] },
  cpuNsPerIo: number | null,
  extra: Record<string, unknown>,
) {
  const job = fio.jobs[0];
  const ios = job.read.total_ios + job.write.total_ios;
  const c = configJson(config);
  return {
    path: "measured",
    device: String(extra.target),
    seed: String(config.seed),
    configHash: fnv1a64(JSON.stringify(c)),
    config: c,
    simulatedNs: null,
    wallTimeMs: Math.max(job.read.runtime, job.write.runtime),
    profile: profile.entries,
    layers: profile.layers,
    cpuNsPerIo,
    cpuUtilization: null,
    deviceUtilization: null,
    meanInFlight: null,
    doorbellsPerIo: null,
    interruptsPerIo: null,
    contextSwitchesPerIo: ios ? job.ctx / ios : null,
    kblockdRunsPerIo: null,
    integrityErrors: null,
    statusCounts: null,
    engineErrors: job.error,
    machine: extra,
  };
}

const SOFTWARE_SAMPLED =
  "software (cpu-clock, hrtimer): time with interrupts off is charged where they are turned back on (_raw_spin_unlock_irq*), so interrupt handlers and the system-call entry (entry_SYSCALL_64) get few or no samples";

/** What the machine and the runs tell beside fio's JSON: the target, its storage, the CPU, the profile's scope. */
async function machineSection(target: Target, runs: Run[], mid: Run, sys: System) {
  const iops = (r: Run) => r.fio.jobs.reduce((s, j) => s + j.read.iops + j.write.iops, 0);
  const spread = (f: (r: Run) => number) => {
    const xs = runs.map(f);
    return { median: median(xs), min: Math.min(...xs), max: Math.max(...xs) };
  };
  const hw = await hardwareCounters(sys);
  const reads = mid.readsReachedStorage;
  return {
    measured: true,
    kernel: (await sys.run("uname", ["-r"])).stdout.trim() || "unknown",
    target: target.describe,
    targetNotes: target.notes,
    fioVersion: mid.fio["fio version"],
    storage: target.storage
      ? {
          device: target.storage.name,
          readsReachedStorage: reads,
          readsPerIo: reads !== null && mid.ios ? reads / mid.ios : null,
        }
      : { device: null, note: "no block device under the target (RAM)" },
    loopDirectIo: target.loopDirectIo ?? null,
    hardwareCounters: hw,
    profileSampling: hw === false ? SOFTWARE_SAMPLED : "cpu-clock",
    perfEvent: mid.profile?.event ?? null,
    perfSamples: mid.profile?.samplesRecorded ?? null,
    profileScope: mid.profile ? scopeSummary(mid.profile, mid.ios) : null,
    cpu: mid.cpu,
    /** The run whose fio JSON, CPU parts and profile the result shows (the median CPU per I/O), 1-based. */
    shownRun: runs.indexOf(mid) + 1,
    repeats: runs.map((r, i) => ({
      run: i + 1,
      loadAverage: r.loadAverage,
      iops: iops(r),
      cpuNsPerIo: r.cpu.nsPerIo,
      readsReachedStorage: r.readsReachedStorage,
    })),
    summary: { iops: spread(iops), cpuNsPerIo: spread((r) => r.cpu.nsPerIo) },
  };
}

/** Runs `config`'s fio job for real; resolves with fio's JSON and the measured nvmesim section. */
export async function measure(config: RunConfig, o: MeasureOptions, sys: System): Promise<Record<string, unknown>> {
  if (!sys.has("fio")) throw new MeasureRefused("nvmesim measure needs fio (apt-get install fio)");
  if (o.perf && !sys.has("perf")) throw new MeasureRefused("--perf needs perf (apt-get install linux-perf)");
  const repeat = o.repeat ?? 1;
  const placeholder = { readIolog: "-", writeIolog: o.writeIolog };
  const job0 = fioJob(config, "-", undefined, placeholder); // refuses the swap program before anything is created
  const w = config.workload.kind === "fio" ? config.workload : undefined;
  return withCleanups(sys, async (cleanups) => {
    // a replayed log's text, as the file fio reads
    let readIolog: string | undefined;
    if (w && w.iolog !== "") {
      const dir = makeOwnDir("measure");
      cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
      readIolog = join(dir, "replay.log");
      writeFileSync(readIolog, w.iolog);
    }
    const target = await openTarget(
      o.target,
      {
        writes: jobWrites(job0),
        allowWrite: o.allowWrite,
        create: o.create ?? false,
        sizeBytes: w?.size ?? 0,
        bs: w?.bs ?? 4096,
      },
      sys,
      cleanups,
    );
    const job = fioJob(config, target.filename, target, { readIolog, writeIolog: o.writeIolog });
    const runs: Run[] = [];
    for (let i = 0; i < repeat; i++) runs.push(await runOnce(job, target, o, sys, cleanups));
    // The run with the median CPU per I/O stands for all (its fio JSON and profile); each run is listed.
    const mid = [...runs].sort((a, b) => a.cpu.nsPerIo - b.cpu.nsPerIo)[(runs.length - 1) >> 1];
    const machine = await machineSection(target, runs, mid, sys);
    const profile = mid.profile ?? { entries: [], layers: [] };
    return {
      ...mid.fio,
      nvmesim: measuredSection(config, mid.fio, profile, median(runs.map((r) => r.cpu.nsPerIo)), machine),
    };
  });
}

/** A committed fio JSON and perf report read as a measurement (tests, and results saved from another machine). */
export function measuredFromFiles(config: RunConfig, fioJsonPath: string, perfReportPath: string | undefined) {
  const fio = JSON.parse(readFileSync(fioJsonPath, "utf8")) as FioJson;
  const report: PerfReport | undefined = perfReportPath
    ? parsePerfReport(readFileSync(perfReportPath, "utf8"))
    : undefined;
  const total = report?.eventCount;
  const profile = {
    entries: (report?.entries ?? []).map((e) => ({
      symbol: e.symbol,
      layer: e.layer,
      ns: total === undefined ? null : Math.round((e.percent / 100) * total),
      percent: e.percent,
    })),
    layers: report ? layerShares(report) : [],
  };
  const ios = fio.jobs.reduce((s, j) => s + j.read.total_ios + j.write.total_ios, 0);
  return measuredSection(config, fio, profile, ios ? fioJobsNs(fio) / ios : null, {
    measured: true,
    target: fioJsonPath,
  });
}
