// How a program submits: fio's ioengines (and fio's t/io_uring benchmark) as
// the system calls they make and the steps each call and each I/O takes in
// the kernel and in the program itself. The block path below them is
// paths-today.ts's (or 2014's, for the engines without an interface: sync and
// async price the block path alone, as nvmesim did before it had engines).
import type { FioWorkload } from "./config";
import type { KernelPreset } from "./kernels";
import type { Switches } from "./paths";
import type { TodayCaller } from "./paths-today";

export const IO_ENGINES = ["sync", "async", "psync", "pvsync2", "libaio", "io_uring", "io_uring_cmd"] as const;
export type IoEngine = (typeof IO_ENGINES)[number];

/** The engines that price no system call: the block path alone (nvmesim's model before it had engines). */
export const BLOCK_PATH_ONLY: readonly IoEngine[] = ["sync", "async"];

/** The engines that issue one I/O per call and wait in it (iodepth 1). */
export const SYNC_ENGINES: readonly IoEngine[] = ["sync", "psync", "pvsync2"];

/** The fio options an engine's shape depends on (fio's names), and the program that runs it: fio itself, or
 * fio's t/io_uring benchmark (one io_uring_enter submits and waits). */
export type EngineOptions = Pick<
  FioWorkload,
  | "ioengine"
  | "iodepth"
  | "hipri"
  | "fixedbufs"
  | "registerfiles"
  | "sqthread_poll"
  | "iodepth_batch_submit"
  | "iodepth_batch_complete_min"
  | "iodepth_batch_complete_max"
> & { program: "fio" | "t/io_uring" };

/** The steps an engine adds to the block path, and the batching of its calls (SimConfig's fields). */
export interface EngineSteps {
  /** Per system call that submits. */
  submitCall: string[];
  /** Per I/O, before the block layer: the program's own work and the call's work for it. */
  submitIo: string[];
  /** Of submitIo, the program's own work in user space (with sqthread_poll the rest runs on the SQ thread). */
  userIo: string[];
  /** Per I/O, after the block layer ends it: the program's completion. */
  completeIo: string[];
  /** Per pass over the CQ that took completions (task_work run for them). */
  completeBatch: string[];
  /** Per system call that reaps or waits. */
  reapCall: string[];
  /** Per spin of a polling loop (in io_uring_enter's iopoll, or in the pread with RWF_HIPRI). */
  pollPass: string[];
  /** Per sleep of the program in a reaping call (the wait and its wake-up beyond the scheduler's own). */
  sleep: string[];
  /** I/Os per submitting call (0: the whole plug, no call). */
  submitBatch: number;
  completeMin: number;
  /** 0: all that are ready. */
  completeMax: number;
  /** 1: every look is a reaping call (io_getevents, or io_uring_enter to poll); 0: only a look that waits. */
  reapCallAlways: number;
  /** How the block path is reached. */
  caller: TodayCaller;
}

const CALL = "entry_SYSCALL_64";

/** The engine's steps and call shape for `o` on `kernel` with `switches` (hipri already in switches.polled). */
export function engineSteps(o: EngineOptions, kernel: KernelPreset, switches: Switches): EngineSteps {
  const polled = switches.polled;
  const user = o.program === "t/io_uring" ? "submitter_uring_fn" : "[fio]";
  const direct: TodayCaller = { caller: "direct", bioCache: false, fixedBuffer: false, onStack: false };
  const none: EngineSteps = {
    submitCall: [],
    submitIo: [],
    userIo: [],
    completeIo: [],
    completeBatch: [],
    reapCall: [],
    pollPass: ["nvme_poll"],
    sleep: [],
    submitBatch: 0,
    completeMin: 0,
    completeMax: 0,
    reapCallAlways: 0,
    caller: direct,
  };
  // fio's fixup_options: a submit batch of 0 or above iodepth is iodepth; the most a look takes is at least
  // the least it waits for (so 1 by default: one completion per look, one new I/O per submit); fio/backend.c's
  // wait_for_completions waits for at least one.
  const depth = o.iodepth;
  const submitBatch = o.iodepth_batch_submit === 0 || o.iodepth_batch_submit > depth ? depth : o.iodepth_batch_submit;
  const completeMin = Math.max(1, Math.min(o.iodepth_batch_complete_min, depth));
  const completeMax = Math.min(Math.max(o.iodepth_batch_complete_max, completeMin), depth);
  const batches = { submitBatch, completeMin, completeMax };
  switch (o.ioengine) {
    case "sync":
    case "async":
      return none;
    case "psync":
    case "pvsync2":
      // One pread64 (preadv2) per I/O: issued and waited for in the call, on an on-stack bio.
      return {
        ...none,
        submitCall: [CALL, "__x64_sys_pread64", "blkdev_read_iter"],
        submitIo: [user],
        userIo: [user],
        completeIo: ["blkdev_bio_end_io_simple"],
        pollPass: ["nvme_poll"],
        submitBatch: 1,
        completeMin: 1,
        caller: { ...direct, onStack: true },
      };
    case "libaio":
      return {
        ...none,
        submitCall: [CALL, "__x64_sys_io_submit"],
        submitIo: [user, "io_submit_one", "blkdev_read_iter"],
        userIo: [user],
        completeIo: ["blkdev_bio_end_io_async", "aio_complete_rw"],
        reapCall: [CALL, "__x64_sys_io_getevents"],
        sleep: ["read_events"],
        ...batches,
        reapCallAlways: 1,
      };
    case "io_uring":
    case "io_uring_cmd": {
      const cmd = o.ioengine === "io_uring_cmd";
      const buffer = o.fixedbufs ? ["io_import_fixed"] : cmd ? [] : ["__io_import_iovec"];
      const file = o.registerfiles ? [] : ["io_file_get_normal"];
      // Passthrough (drivers/nvme/host/ioctl.c) maps the user buffer into a bio of its own: from the per-CPU
      // cache when polled (6.1), kmalloc'd otherwise; a registered buffer's bvec (io_uring_cmd_import_fixed), or
      // the user's range imported (blk_rq_map_user's import_single_range) and its pages pinned. Its
      // end undoes the mapping and frees that bio (blk_rq_unmap_user; the pages' unpinning is C9's).
      const ptCachedBio = polled && switches.passthroughBioCache;
      const issue = cmd
        ? [
            "io_uring_cmd",
            "nvme_uring_cmd_io",
            ptCachedBio ? "bio_alloc_kiocb" : "bio_kmalloc",
            ...(o.fixedbufs
              ? ["io_import_fixed", "blk_rq_map_user_bvec"]
              : ["import_single_range", "nvme_map_user_request"]),
          ]
        : ["io_prep_rw", ...buffer, "blkdev_read_iter"];
      const end = cmd
        ? ["nvme_uring_cmd_end_io", "blk_rq_unmap_user", ptCachedBio ? "bio_put" : "kfree"]
        : ["blkdev_bio_end_io_async"];
      const completeIo = polled
        ? [...end, "io_complete_rw_iopoll", "io_fill_cqe_req"]
        : [...end, ...(cmd ? [] : ["io_complete_rw"]), "io_req_task_work_add", "io_fill_cqe_req"];
      const bioCache = polled ? switches.bioCachePolled : switches.bioCacheIrq;
      // fio reaps the CQ ring in user space and enters only to wait for what it lacks (its submitting enter
      // passes GETEVENTS too: polled, that enter's pass finds what the next look takes). t/io_uring submits
      // and waits in one io_uring_enter, then takes every CQE there is.
      const tool = o.program === "t/io_uring";
      return {
        ...none,
        submitCall: o.sqthread_poll ? [] : [CALL, "__x64_sys_io_uring_enter"],
        submitIo: [user, ...file, "io_submit_sqes", "io_issue_sqe", ...issue],
        userIo: [user],
        completeIo,
        completeBatch: polled ? [] : ["tctx_task_work"],
        // With sqthread_poll fio never enters to wait: it spins on the completion ring in user space.
        reapCall: tool || o.sqthread_poll ? [] : [CALL, "__x64_sys_io_uring_enter"],
        pollPass: ["io_do_iopoll", "nvme_poll"],
        sleep: ["io_cqring_wait"],
        ...batches,
        completeMax: tool ? 0 : completeMax,
        reapCallAlways: 0,
        caller: {
          caller: cmd ? "passthrough" : "direct",
          bioCache: !cmd && bioCache,
          fixedBuffer: o.fixedbufs,
          onStack: false,
        },
      };
    }
  }
}

/** Why `o` cannot run on `kernel`, naming the field, or undefined when it can. */
export function engineRefusal(o: EngineOptions, kernel: KernelPreset): [string, string] | undefined {
  const e = o.ioengine;
  if ((e === "io_uring" || e === "io_uring_cmd") && !kernel.ioUring)
    return [
      "workload.ioengine",
      `${e} on Linux ${kernel.name}: io_uring arrived in 5.1 (set host.kernel 5.4 or later)`,
    ];
  if (e === "io_uring_cmd" && !kernel.passthrough)
    return [
      "workload.ioengine",
      `io_uring_cmd on Linux ${kernel.name}: NVMe passthrough over io_uring arrived in 5.19 (set host.kernel 6.1 or later)`,
    ];
  if (e === "io_uring_cmd" && (o.hipri || o.fixedbufs) && !kernel.passthroughFixedAndPolled)
    return [
      o.hipri ? "workload.hipri" : "workload.fixedbufs",
      `with io_uring_cmd on Linux ${kernel.name}: passthrough polling and fixed buffers arrived in 6.1`,
    ];
  if (e === "pvsync2" && !kernel.preadv2)
    return ["workload.ioengine", `pvsync2 on Linux ${kernel.name}: preadv2 arrived in 4.6`];
  if (o.hipri && (e === "psync" || e === "libaio"))
    return [
      "workload.hipri",
      `with ioengine ${e}: ${e === "libaio" ? "Linux aio has no polled completions" : "pread has no RWF_HIPRI"} (use pvsync2 or io_uring)`,
    ];
  const uring = e === "io_uring" || e === "io_uring_cmd";
  for (const k of ["fixedbufs", "registerfiles", "sqthread_poll"] as const)
    if (o[k] && !uring)
      return [`workload.${k}`, `with ioengine ${e}: an io_uring option (ioengine io_uring or io_uring_cmd)`];
  if (SYNC_ENGINES.includes(e) && o.iodepth !== 1)
    return [
      "workload.iodepth",
      `${o.iodepth} with ioengine ${e}: a sync job has 1 I/O in flight (set iodepth 1 or an async engine)`,
    ];
  return undefined;
}
