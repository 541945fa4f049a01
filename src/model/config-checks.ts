// The checks that relate a validated configuration's fields to each other: the swap program's sizes, a fio
// job's block size, size, engine and depth, and what the chosen kernel cannot do. Each throws one ConfigError
// naming the field.
import type { FioWorkload, RunConfig, SwapWorkload } from "./config";
import { ConfigError } from "./config-error";
import { engineRefusal } from "./engines";
import { KERNELS } from "./kernels";
import { needsThreadTables, threadTables, workloadJobs } from "./fio-jobs";
import { parseCpuList } from "./fio-jobs-syntax";

/** The swap program's sizes against each other and the queues. */
export function checkSwap(c: RunConfig, w: SwapWorkload): void {
  const cluster = 2 ** w.pageCluster;
  if (w.workingSet <= w.memory)
    throw new ConfigError(
      "workload.workingSet",
      `${w.workingSet} must be more than workload.memory (${w.memory}) for the program to swap`,
    );
  if (w.workingSet > 64 * 1024 ** 3)
    throw new ConfigError("workload.workingSet", `${w.workingSet} is more than 64 GiB`);
  if (w.memory < w.threads * cluster * 4096 * 2) {
    throw new ConfigError(
      "workload.memory",
      `${w.memory} is too little: each thread needs room for two readahead clusters (${2 * cluster * 4096} bytes)`,
    );
  }
  if (w.workingSet / 4096 / w.threads < cluster)
    throw new ConfigError("workload.threads", `${w.threads} threads leave less than one readahead cluster each`);
  // A fault submits up to a cluster of reads and as many write-outs; writes from earlier faults may still be in flight.
  const perCpu = Math.ceil(w.threads / c.cpus) * cluster * 4;
  if (perCpu > c.qDepth - 1)
    throw new ConfigError(
      "qDepth",
      `${c.qDepth} is too shallow for ${w.threads} swap threads on ${c.cpus} CPUs (needs ${perCpu + 1})`,
    );
  if (w.faults === 0 && w.runtime === 0)
    throw new ConfigError("workload.faults", "0 with runtime 0: the run would never end (set one of them)");
}

/** A fio job's block size, size, engine and depth. */
export function checkFio(c: RunConfig, w: FioWorkload): void {
  const small = [512, 1024, 2048].includes(w.bs);
  if (!small && (w.bs < 4096 || w.bs % 4096 !== 0 || w.bs > 8 << 20)) {
    throw new ConfigError(
      "workload.bs",
      `${w.bs} is not 512, 1024, 2048 or a multiple of 4096 up to 8 MiB (the namespace has 512 B blocks; content is tracked per 512 B below 4 KiB, per 4 KiB page above)`,
    );
  }
  if (w.size < w.bs) throw new ConfigError("workload.size", `${w.size} is smaller than one block of ${w.bs} bytes`);
  const maxSize = small ? 8 * 1024 ** 3 : 64 * 1024 ** 3;
  if (w.size > maxSize)
    throw new ConfigError(
      "workload.size",
      `${w.size} is more than ${maxSize / 1024 ** 3} GiB (the namespace keeps a tag per ${small ? "512 B sector" : "4 KiB page"} in memory)`,
    );
  const refusal = engineRefusal({ ...w, program: "fio" }, KERNELS[c.host.kernel]);
  if (refusal) throw new ConfigError(...refusal);
  // With sqthread_poll every job's I/O goes through the SQ thread's one queue; otherwise thread t runs on CPU
  // t mod cpus, with its job's depth.
  const depths = workloadJobs(w).flatMap((j) => Array<number>(j.numjobs).fill(j.iodepth));
  const perCpu = new Map<number, number[]>();
  depths.forEach((d, t) => {
    const cpu = w.sqthread_poll ? 0 : t % c.cpus;
    perCpu.set(cpu, [...(perCpu.get(cpu) ?? []), d]);
  });
  for (const list of perCpu.values()) {
    const sum = list.reduce((a, b) => a + b, 0);
    if (sum > c.qDepth - 1) {
      const same = list.every((d) => d === list[0]);
      throw new ConfigError(
        "workload.iodepth",
        `${same ? `${list[0]} x ${list.length} jobs` : `${list.join(" + ")} (the jobs' depths)`} on a CPU is more than a ${c.qDepth}-entry queue holds (at most ${c.qDepth - 1} in flight per CPU)`,
      );
    }
  }
  if (needsThreadTables(w)) threadTables(w); // its sizes and offsets, checked
  workloadJobs(w).forEach((j, i) => {
    const over = j.cpus_allowed === "" ? [] : parseCpuList(j.cpus_allowed).filter((cpu) => cpu >= c.cpus);
    if (over.length)
      throw new ConfigError(
        w.jobs.length ? `workload.jobs[${i}].cpus_allowed` : "workload.cpus_allowed",
        `${JSON.stringify(j.cpus_allowed)} names CPU ${over[0]}, and the run has CPUs 0..${c.cpus - 1} (cpus)`,
      );
  });
  if (w.number_ios === 0 && w.runtime === 0 && workloadJobs(w).some((j) => j.io_size === 0))
    throw new ConfigError("workload.number_ios", "0 with runtime 0: the run would never end (set one of them)");
}

/** What the chosen kernel cannot do: rw_page after 6.3 (unless a what-if), a switch its step names lack. */
export function checkKernel(c: RunConfig): void {
  const k = KERNELS[c.host.kernel];
  if (c.path === "rw_page" && !k.rwPage && !c.whatIf)
    throw new ConfigError(
      "path",
      `rw_page on Linux ${k.name}: ->rw_page was removed in 6.3 (commit 3222d8c2a7f8 'block: remove ->rw_page'); set whatIf: true to run it anyway as a what-if`,
    );
  if (k.vocabulary === "today") {
    for (const s of ["iodInPdu", "noSubmitReap"] as const)
      if (!c.switches[s])
        throw new ConfigError(
          `switches.${s}`,
          `false on Linux ${k.name}: today's driver has no 3.19 step to put back (the switch applies to host.kernel 3.19)`,
        );
    if (c.switches.mergeWrites)
      throw new ConfigError(
        "switches.mergeWrites",
        `true on Linux ${k.name}: 3.19's software-queue merge of swap writes is modelled on host.kernel 3.19 only`,
      );
  }
}
