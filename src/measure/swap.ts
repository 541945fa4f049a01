// `nvmesim measure swap`: the seed's experiment on this machine. A small C
// program, built with the system compiler, touches a working set larger than
// a memory cgroup's limit, so that it and only it swaps, to a zram device
// nvmesim adds for the run (or a loop device over a temporary file), for a
// fixed time, optionally under perf. It reports what the seed's scenario
// does: major faults per second, swap-ins and swap-outs (from /proc/vmstat),
// CPU per fault and the profile. Only what it creates is touched (its own
// zram device, cgroup and files), and all of it is removed on every way out.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { inCgroups } from "./cpu-time";
import { makeOwnDir, ownCgroupName, ownSwapLabel, removeCgroup } from "./leftovers";
import { DEFAULT_PERF_HZ, perfRefusal } from "./measure";
import { meminfoBytes } from "./procfs";
import { perfRecordArgv, scopedProfile, scopeSummary } from "./profile-scope";
import { isStopping, MeasureRefused, tied, withCleanups, type System } from "./system";

export interface SwapOptions {
  seconds: number;
  memoryBytes: number;
  workingSetBytes: number;
  pattern: "sequential" | "random";
  perf: boolean;
  /** perf's sampling rate per CPU, Hz. */
  perfHz?: number;
}

/** Below this limit the program itself (its code, stack and page tables) does not fit, and is OOM-killed. */
export const MEMORY_MIN_BYTES = 16 << 20;

const MEMORY_CGROUP_V1 = "/sys/fs/cgroup/memory";
const ZRAM_CONTROL = "/sys/class/zram-control";

/** The program: fill the working set, then touch its pages for `seconds`; its own counts, as JSON. */
const TOUCHER = String.raw`#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <sys/mman.h>
#include <sys/resource.h>
static long vmstat(const char *key) {
  char name[64]; long v, found = -1; FILE *f = fopen("/proc/vmstat", "r");
  if (!f) return -1;
  while (fscanf(f, "%63s %ld", name, &v) == 2) if (!strcmp(name, key)) { found = v; break; }
  fclose(f); return found;
}
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec / 1e9; }
int main(int argc, char **argv) {
  size_t bytes = strtoull(argv[1], 0, 10), pages = bytes / 4096, i = 0;
  double seconds = atof(argv[2]); int random = atoi(argv[3]);
  volatile char *p = mmap(0, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) return 1;
  for (size_t k = 0; k < pages; k++) p[k * 4096] = 1;
  struct rusage r0, r1; getrusage(RUSAGE_SELF, &r0);
  long in0 = vmstat("pswpin"), out0 = vmstat("pswpout");
  uint64_t x = 88172645463325252ULL, touches = 0; double t0 = now(), t;
  do {
    for (int k = 0; k < 1024; k++) {
      size_t pg; if (random) { x ^= x << 13; x ^= x >> 7; x ^= x << 17; pg = x % pages; } else { pg = i++; if (i == pages) i = 0; }
      p[pg * 4096]++; touches++;
    }
  } while ((t = now()) - t0 < seconds);
  getrusage(RUSAGE_SELF, &r1);
  long cpu_us = (r1.ru_utime.tv_sec - r0.ru_utime.tv_sec) * 1000000L + (r1.ru_utime.tv_usec - r0.ru_utime.tv_usec)
    + (r1.ru_stime.tv_sec - r0.ru_stime.tv_sec) * 1000000L + (r1.ru_stime.tv_usec - r0.ru_stime.tv_usec);
  printf("{\"touches\":%llu,\"seconds\":%.6f,\"majorFaults\":%ld,\"minorFaults\":%ld,\"cpuUs\":%ld,\"swapIns\":%ld,\"swapOuts\":%ld}\n",
    (unsigned long long)touches, t - t0, r1.ru_majflt - r0.ru_majflt, r1.ru_minflt - r0.ru_minflt, cpu_us,
    vmstat("pswpin") - in0, vmstat("pswpout") - out0);
  return 0;
}
`;

interface Counts {
  touches: number;
  seconds: number;
  majorFaults: number;
  minorFaults: number;
  cpuUs: number;
  swapIns: number;
  swapOuts: number;
}

/** Refuses, naming what is missing, before anything is created. */
function requireMachine(o: SwapOptions, sys: System): void {
  if (o.memoryBytes < MEMORY_MIN_BYTES)
    throw new MeasureRefused(
      `--memory ${o.memoryBytes}: at least ${MEMORY_MIN_BYTES} bytes (16m): below it the program itself does not fit`,
    );
  if (o.workingSetBytes <= o.memoryBytes)
    throw new MeasureRefused(`--working-set must be more than --memory (${o.workingSetBytes} <= ${o.memoryBytes})`);
  const available = meminfoBytes("MemAvailable");
  if (o.memoryBytes > available / 2)
    throw new MeasureRefused(
      `--memory ${o.memoryBytes}: at most half the memory available (${available} bytes), so the rest of the machine keeps room`,
    );
  if (o.workingSetBytes > meminfoBytes("MemTotal"))
    throw new MeasureRefused(
      `--working-set ${o.workingSetBytes}: at most this machine's memory (${meminfoBytes("MemTotal")} bytes): its pages swap to a zram device in RAM, and filling it is not bounded by --seconds`,
    );
  if (!sys.isRoot()) throw new MeasureRefused("measure swap needs root (a zram device, swapon and a memory cgroup)");
  if (!existsSync(MEMORY_CGROUP_V1))
    throw new MeasureRefused(`measure swap needs a memory cgroup (cgroup v1 at ${MEMORY_CGROUP_V1})`);
  if (!existsSync(ZRAM_CONTROL)) throw new MeasureRefused(`measure swap needs zram (${ZRAM_CONTROL}: modprobe zram)`);
  for (const p of ["cc", "mkswap", "swapon", "swapoff"])
    if (!sys.has(p)) throw new MeasureRefused(`measure swap needs ${p}`);
  if (o.perf && !sys.has("perf")) throw new MeasureRefused("--perf needs perf (apt-get install linux-perf)");
}

async function must(sys: System, program: string, args: string[]): Promise<string> {
  const r = await sys.run(program, args);
  if (r.status !== 0) throw new Error(`${program} ${args.join(" ")}: ${r.stderr.trim() || `exit ${r.status}`}`);
  return r.stdout;
}

/** The seed's experiment on this machine; see the file header. */
export async function measureSwap(o: SwapOptions, sys: System): Promise<Record<string, unknown>> {
  requireMachine(o, sys);
  return withCleanups(sys, async (cleanups) => {
    const dir = makeOwnDir("swap");
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, "toucher.c"), TOUCHER);
    await must(sys, "cc", ["-O2", "-o", join(dir, "toucher"), join(dir, "toucher.c")]);
    // A zram device of our own (hot_add): existing ones, and any swap already on, are never touched.
    const id = readFileSync(join(ZRAM_CONTROL, "hot_add"), "utf8").trim();
    const zram = `zram${id}`;
    cleanups.push(() => writeFileSync(join(ZRAM_CONTROL, "hot_remove"), id));
    cleanups.push(() => writeFileSync(`/sys/block/${zram}/reset`, "1"));
    try {
      writeFileSync(`/sys/block/${zram}/disksize`, String(2 * o.workingSetBytes));
    } catch (err) {
      throw new Error(
        `cannot give /dev/${zram} ${2 * o.workingSetBytes} bytes (twice the working set): ${(err as Error).message}`,
      );
    }
    await must(sys, "mkswap", ["-L", ownSwapLabel(), `/dev/${zram}`]); // the label names this nvmesim
    await must(sys, "swapon", ["--priority", "32767", `/dev/${zram}`]);
    cleanups.push(() => {
      // swapoff can be refused for a moment while the program's pages are still being freed: a few tries.
      let r = sys.runSync("swapoff", [`/dev/${zram}`]);
      for (let tries = 1; r.status !== 0 && tries < 10; tries++) {
        sys.runSync("sleep", ["0.3"]);
        r = sys.runSync("swapoff", [`/dev/${zram}`]);
      }
      if (r.status !== 0) throw new Error(`swapoff /dev/${zram}: ${r.stderr.trim()}`);
    });
    const cgroup = join(MEMORY_CGROUP_V1, ownCgroupName(`swap${id}`));
    mkdirSync(cgroup);
    cleanups.push(() => removeCgroup(cgroup, sys));
    writeFileSync(join(cgroup, "memory.limit_in_bytes"), String(o.memoryBytes));
    const program = [
      join(dir, "toucher"),
      String(o.workingSetBytes),
      String(o.seconds),
      o.pattern === "random" ? "1" : "0",
    ];
    const rootPidFile = join(dir, "root.pid");
    const inCgroup = tied(inCgroups([cgroup], tied(program), rootPidFile));
    const data = join(dir, "perf.data");
    const hz = o.perfHz ?? DEFAULT_PERF_HZ;
    const run = o.perf
      ? await sys.run("perf", perfRecordArgv(data, hz, inCgroup).slice(1))
      : await sys.run(inCgroup[0], inCgroup.slice(1));
    if (run.status !== 0 && isStopping()) await new Promise(() => {}); // the signal handler ends the process
    const refusal = perfRefusal(run.stderr);
    if (run.status !== 0 && refusal) throw new MeasureRefused(`--perf: perf is not permitted here (${refusal})`);
    if (run.status !== 0) {
      const oom = Number(/oom_kill (\d+)/.exec(readFileSync(join(cgroup, "memory.oom_control"), "utf8"))?.[1]) > 0;
      if (oom)
        throw new MeasureRefused(
          `the kernel's OOM killer stopped the program in its cgroup (--memory ${o.memoryBytes}, --working-set ${o.workingSetBytes}): its swap could not take the working set`,
        );
      throw new Error(`the swap program failed (exit ${run.status}): ${run.stderr.trim()}`);
    }
    const counts = JSON.parse(run.stdout.slice(run.stdout.indexOf("{"))) as Counts;
    const report = o.perf ? await scopedProfile(data, Number(readFileSync(rootPidFile, "utf8")), hz, sys) : undefined;
    const kernel = (await sys.run("uname", ["-r"])).stdout.trim();
    return {
      machine: {
        measured: true,
        kernel,
        swap: `/dev/${zram} (zram, added for this run)`,
        cgroupLimitBytes: o.memoryBytes,
      },
      workload: {
        workingSetBytes: o.workingSetBytes,
        memoryBytes: o.memoryBytes,
        pattern: o.pattern,
        seconds: counts.seconds,
      },
      ...counts,
      faultsPerSec: counts.majorFaults / counts.seconds,
      cpuNsPerFault: counts.majorFaults ? (counts.cpuUs * 1000) / counts.majorFaults : null,
      profile: report?.entries ?? [],
      layers: report?.layers ?? [],
      profileScope: report ? scopeSummary(report) : null,
    };
  });
}
