// The fio options a configuration's job stands for, in fio's spelling: what
// nvmesim writes under "job options" when no job file gave them.
import type { FioWorkload, RunConfig } from "../model/config";

/** fio's spelling of a byte count: the largest of k, m, g that divides it (fio's default kb_base 1024). */
export function fioSize(bytes: number): string {
  for (const [unit, n] of [
    ["g", 1 << 30],
    ["m", 1 << 20],
    ["k", 1 << 10],
  ] as const)
    if (bytes >= n && bytes % n === 0) return `${bytes / n}${unit}`;
  return String(bytes);
}

/** The fio options a configuration's job stands for, in fio's spelling. */
export function jobOptionsOf(c: RunConfig, name: string, groupReporting: boolean): Record<string, string> {
  const w = c.workload as FioWorkload;
  return {
    name,
    rw: w.rw,
    bs: fioSize(w.bs),
    size: fioSize(w.size),
    // sync and async price the block path alone; fio names them by the engines they stand for.
    ioengine: w.ioengine === "sync" ? "psync" : w.ioengine === "async" ? "libaio" : w.ioengine,
    ...(w.ioengine === "io_uring_cmd" ? { cmd_type: w.cmd_type } : {}),
    iodepth: String(w.iodepth),
    numjobs: String(w.numjobs),
    direct: "1",
    ...(w.rw === "rw" || w.rw === "randrw" ? { rwmixread: String(w.rwmixread) } : {}),
    ...(w.hipri ? { hipri: "1" } : {}),
    ...(w.fixedbufs ? { fixedbufs: "1" } : {}),
    ...(w.registerfiles ? { registerfiles: "1" } : {}),
    ...(w.sqthread_poll ? { sqthread_poll: "1" } : {}),
    // The batch options where they differ from fio's defaults (1, 1 and 0).
    ...(w.iodepth_batch_submit !== 1 ? { iodepth_batch_submit: String(w.iodepth_batch_submit) } : {}),
    ...(w.iodepth_batch_complete_min !== 1 ? { iodepth_batch_complete_min: String(w.iodepth_batch_complete_min) } : {}),
    ...(w.iodepth_batch_complete_max !== 0 ? { iodepth_batch_complete_max: String(w.iodepth_batch_complete_max) } : {}),
    // fio's number_ios is each job's; the configuration's is all jobs'.
    ...(w.number_ios > 0 ? { number_ios: String(Math.ceil(w.number_ios / w.numjobs)) } : {}),
    ...(w.runtime > 0 ? { runtime: `${w.runtime}s` } : {}),
    ...(groupReporting ? { group_reporting: "1" } : {}),
  };
}
