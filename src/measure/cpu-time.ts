// CPU time of a measured job that adds up, from the scheduler's own
// accounting (sum_exec_runtime): the job's processes and threads through a
// cgroup of their own (v1 cpuacct.usage, or v2 cpu.stat's usage_usec), which
// counts threads that have exited too, and the kernel threads' schedstat
// (/proc/PID/task/TID/schedstat) before and after, which holds the work the
// I/O causes outside the job (a loop device's worker, kblockd, ksoftirqd).
// Interrupt time is its own part only where the kernel accounts it apart
// (CONFIG_IRQ_TIME_ACCOUNTING, seen as /proc/pressure/irq); elsewhere it is
// inside the time of the task it interrupted. `perf stat -e task-clock` over
// the same tasks, when perf is there, is the independent check.
import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ownCgroupName, removeCgroup } from "./leftovers";
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
 * `argv` run by a shell that writes its pid to `pidFile` (the root of the job's tasks), joins each of `cgroups`,
 * then execs it.
 */
export function inCgroups(cgroups: string[], argv: string[], pidFile: string): string[] {
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
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if ((Number(fields[6]) & PF_KTHREAD) === 0) continue;
      const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const ns = Number(readFileSync(`/proc/${name}/schedstat`, "utf8").split(" ")[0]);
      out.set(Number(name), { tid: Number(name), comm, ns });
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

/** Interrupt time so far, all CPUs (/proc/stat's irq and softirq, in USER_HZ ticks of 10 ms), ns. */
export function interruptNs(): number {
  const cpu = readFileSync("/proc/stat", "utf8").split("\n")[0].split(/\s+/);
  return (Number(cpu[6]) + Number(cpu[7])) * 1e7;
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
