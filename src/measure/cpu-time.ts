// CPU time of a measured job that adds up, from the scheduler's own
// accounting (sum_exec_runtime): the job's processes and threads through a
// cgroup of their own (v1 cpuacct.usage, or v2 cpu.stat's usage_usec), which
// counts threads that have exited too, and the kernel threads' schedstat
// (/proc/PID/schedstat: a kernel thread is one task) before and after, which
// holds the work the I/O causes outside the job (a loop device's worker,
// kblockd, ksoftirqd). Interrupt time is its own part only where the kernel
// accounts it apart (CONFIG_IRQ_TIME_ACCOUNTING, seen as /proc/pressure/irq);
// elsewhere it is inside the time of the task it interrupted. `cpuAccount`
// lists the parts beside fio's own job entries, and `perf stat -e task-clock`
// over the same tasks, when perf is there, is the independent check.
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ownCgroupName, removeCgroup } from "./leftovers";
import { listDir, procStat } from "./procfs";
import type { ScopedProfile } from "./profile-scope";
import type { System } from "./system";

/** A cgroup the job runs in, for the scheduler's account of all its tasks. */
export interface CpuCgroup {
  path: string;
  /** What the account is read from, for the result. */
  source: string;
  /** The tasks' CPU time so far, ns. */
  usageNs(): number;
}

const V1_CPUACCT = "/sys/fs/cgroup/cpuacct";

/** The cgroup2 mount point, from /proc/self/mounts; undefined without one. */
function cgroup2Root(): string | undefined {
  const line = readFileSync("/proc/self/mounts", "utf8")
    .split("\n")
    .find((l) => l.split(" ")[2] === "cgroup2");
  return line?.split(" ")[1];
}

/** A new cgroup of this nvmesim's for CPU accounting (removed by the cleanup pushed); undefined where none can be made. */
export function makeCpuCgroup(what: string, sys: System, cleanups: (() => void)[]): CpuCgroup | undefined {
  const v1 = existsSync(join(V1_CPUACCT, "cpuacct.usage"));
  const root = v1 ? V1_CPUACCT : cgroup2Root();
  if (!root) return undefined;
  const path = join(root, ownCgroupName(what));
  try {
    mkdirSync(path);
  } catch {
    return undefined;
  }
  cleanups.push(() => removeCgroup(path, sys));
  return v1
    ? { path, source: "cpuacct.usage", usageNs: () => Number(readFileSync(join(path, "cpuacct.usage"), "utf8")) }
    : {
        path,
        source: "cpu.stat usage_usec",
        usageNs: () => Number(/usage_usec (\d+)/.exec(readFileSync(join(path, "cpu.stat"), "utf8"))?.[1]) * 1000,
      };
}

/**
 * `argv` run by a shell that writes its pid to `pidFile` (the root of the job's tasks; none by default), joins
 * each of `cgroups`, then execs it.
 */
export function inCgroups(cgroups: string[], argv: string[], pidFile = "/dev/null"): string[] {
  return [
    "sh",
    "-c",
    'echo $$ > "$1" || exit 126; n=$2; shift 2; while [ "$n" -gt 0 ]; do echo $$ > "$1/cgroup.procs" || exit 126; shift; n=$((n - 1)); done; exec "$@"',
    "sh",
    pidFile,
    String(cgroups.length),
    ...cgroups,
    ...argv,
  ];
}

export interface ThreadTime {
  tid: number;
  comm: string;
  ns: number;
}

const PF_KTHREAD = 0x00200000;

/** Every kernel thread's CPU time so far (schedstat's first field: sum_exec_runtime, ns). */
export function kernelThreadTimes(): Map<number, ThreadTime> {
  const out = new Map<number, ThreadTime>();
  for (const name of listDir("/proc")) {
    const stat = /^\d+$/.test(name) ? procStat(name) : undefined;
    if (!stat || (Number(stat.fields[6]) & PF_KTHREAD) === 0) continue;
    try {
      const ns = Number(readFileSync(`/proc/${name}/schedstat`, "utf8").split(" ")[0]);
      out.set(Number(name), { tid: Number(name), comm: stat.comm, ns });
    } catch {
      // it ended meanwhile
    }
  }
  return out;
}

/** What each kernel thread ran between two readings, largest first, those that ran at all. */
export function kernelThreadDeltas(before: Map<number, ThreadTime>, after: Map<number, ThreadTime>): ThreadTime[] {
  return [...after.values()]
    .map((t) => ({ ...t, ns: t.ns - (before.get(t.tid)?.ns ?? 0) }))
    .filter((t) => t.ns > 0)
    .sort((a, b) => b.ns - a.ns || a.tid - b.tid);
}

/** Whether the kernel accounts interrupt time apart from the tasks it interrupts (CONFIG_IRQ_TIME_ACCOUNTING). */
export const irqTimeAccounted = () => existsSync("/proc/pressure/irq");

/** The machine's CPU time so far, all CPUs (/proc/stat, in USER_HZ ticks of 10 ms), ns: busy, and interrupts. */
export function machineCpuNs(): { busyNs: number; interruptNs: number } {
  // cpu  user nice system idle iowait irq softirq steal ...
  const [, user, nice, system, , , irq, softirq] = readFileSync("/proc/stat", "utf8").split("\n")[0].split(/\s+/);
  const ticks = (...xs: string[]) => xs.reduce((s, x) => s + Number(x), 0) * 1e7;
  return { busyNs: ticks(user, nice, system, irq, softirq), interruptNs: ticks(irq, softirq) };
}

/** `perf stat -e task-clock -x,` output: the total, and per thread with --per-thread ("comm-tid,msec,...,ns,..."). */
export function parseTaskClock(text: string): { totalNs: number; threads: ThreadTime[] } {
  const threads: ThreadTime[] = [];
  let totalNs = 0;
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    // "value,msec,task-clock,ns,..." alone, "comm-tid,value,msec,task-clock,ns,..." per thread.
    const f = line.split(",");
    const at = f.indexOf("task-clock");
    const ns = Number(f[at + 1]);
    if (at < 0 || !Number.isFinite(ns)) continue; // "<not counted>": the thread did not run
    totalNs += ns;
    const thread = at === 3 ? /^(.*)-(\d+)$/.exec(f[0]) : null;
    if (thread) threads.push({ tid: Number(thread[2]), comm: thread[1], ns });
  }
  return { totalNs, threads };
}

/** What the account reads of a fio job entry. */
interface FioJobCpu {
  usr_cpu: number;
  sys_cpu: number;
  job_runtime?: number;
  read: { runtime: number };
  write: { runtime: number };
}

export interface CpuPart {
  part: string;
  ns: number;
  nsPerIo: number;
  source: string;
}

export interface CpuAccount {
  nsPerIo: number;
  parts: CpuPart[];
  kernelThreads: { comm: string; tid: number; ns: number }[];
  /** fio's own usr+sys of its jobs (from its job entries): what fio reports, without its main process. */
  fioJobEntries: { ns: number; nsPerIo: number };
  /** perf stat -e task-clock over the same tasks (fio's, inherited; the kernel threads, per thread). */
  check: { perfTaskClockNs: number; accountedNs: number; ratio: number } | null;
  /** The rest of the machine meanwhile: busy CPU time (/proc/stat) no part and not perf holds; I/Os on other disks. */
  otherWork?: { cpuNs: number; perfNs: number | null; diskIos: number };
  notes: string[];
}

/**
 * fio's own CPU for its jobs, ns, from its job entries. Each entry's usr+sys share is of its job_runtime; under
 * group_reporting both are sums over the jobs, so the product is every job's own CPU (the share alone is a
 * per-job mean). fio's main process is in no entry.
 */
export function fioJobsNs(fio: { jobs: FioJobCpu[] }): number {
  return fio.jobs.reduce(
    (s, j) => s + ((j.usr_cpu + j.sys_cpu) / 100) * (j.job_runtime ?? Math.max(j.read.runtime, j.write.runtime)) * 1e6,
    0,
  );
}

/** The job's CPU in parts: fio's tasks (the scheduler's account), the kernel threads, interrupts. */
export function cpuAccount(m: {
  fio: { jobs: FioJobCpu[] };
  ios: number;
  fioSchedulerNs: number | undefined;
  kthreads: ThreadTime[];
  irqNs: number;
  profile: ScopedProfile | undefined;
  fioTaskClock: string | undefined;
  kthreadTaskClock: string | undefined;
}): CpuAccount {
  const per = (ns: number) => (m.ios ? ns / m.ios : 0);
  const jobsNs = fioJobsNs(m.fio);
  const notes: string[] = [];
  const parts: CpuPart[] = [];
  if (m.fioSchedulerNs !== undefined)
    parts.push({
      part: "fio's processes and threads",
      ns: m.fioSchedulerNs,
      nsPerIo: per(m.fioSchedulerNs),
      source: "the scheduler: the job's cgroup (every task, exited ones too)",
    });
  else {
    parts.push({ part: "fio's jobs", ns: jobsNs, nsPerIo: per(jobsNs), source: "fio's job entries (usr+sys)" });
    notes.push("no cgroup could be made (not root): fio's main process is not counted");
  }
  const kNs = m.kthreads.reduce((s, t) => s + t.ns, 0);
  parts.push({
    part: "kernel threads",
    ns: kNs,
    nsPerIo: per(kNs),
    source: "schedstat of every kernel thread, before and after (the loop worker, kblockd, ksoftirqd, ...)",
  });
  if (irqTimeAccounted())
    parts.push({ part: "interrupts", ns: m.irqNs, nsPerIo: per(m.irqNs), source: "/proc/stat irq+softirq, all CPUs" });
  else {
    notes.push("this kernel accounts interrupt time inside the task it interrupted (no /proc/pressure/irq)");
    const idle = m.profile?.contexts.find((c) => c.context === "interrupts on idle CPUs");
    if (idle)
      parts.push({
        part: "interrupts on idle CPUs",
        ns: idle.ns,
        nsPerIo: per(idle.ns),
        source: "the profile: idle CPUs' samples in the job's I/O work",
      });
  }
  const accountedNs = parts.reduce((s, p) => s + p.ns, 0);
  let check: CpuAccount["check"] = null;
  if (m.fioTaskClock !== undefined && m.kthreadTaskClock !== undefined) {
    const perfNs = parseTaskClock(m.fioTaskClock).totalNs + parseTaskClock(m.kthreadTaskClock).totalNs;
    const tasksNs = (m.fioSchedulerNs ?? jobsNs) + kNs;
    check = { perfTaskClockNs: perfNs, accountedNs: tasksNs, ratio: perfNs ? tasksNs / perfNs : NaN };
  }
  return {
    nsPerIo: per(accountedNs),
    parts,
    kernelThreads: m.kthreads.slice(0, 10).map(({ comm, tid, ns }) => ({ comm, tid, ns })),
    fioJobEntries: { ns: jobsNs, nsPerIo: per(jobsNs) },
    check,
    notes,
  };
}
