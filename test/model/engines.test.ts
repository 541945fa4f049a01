// Goal: each engine makes the system calls fio makes (fio 3.33's backend.c, ioengines.c and engines/), with
// the batch options fixed up as fio fixes them up, and its steps reach the block path the way Linux's do.
import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG, type FioWorkload } from "../../src/model/config";
import { engineSteps, type EngineOptions } from "../../src/model/engines";
import { KERNELS } from "../../src/model/kernels";
import { todayPathSteps } from "../../src/model/paths-today";

const base: EngineOptions = {
  ...(DEFAULT_CONFIG.workload as FioWorkload),
  ioengine: "io_uring",
  iodepth: 32,
  program: "fio",
};
const k = KERNELS["6.8"];
const shape = (o: Partial<EngineOptions>) => {
  const e = engineSteps({ ...base, ...o }, k, { ...k.switches, polled: o.hipri ?? false });
  return [e.submitBatch, e.completeMin, e.completeMax, e.reapCallAlways];
};

describe("engines", () => {
  it("batch as fio's fixup_options does", () => {
    // fio's defaults: one I/O per submit, and a look takes one completion (max is raised to min).
    expect(shape({ ioengine: "libaio" })).toEqual([1, 1, 1, 1]);
    expect(shape({ ioengine: "libaio", iodepth_batch_submit: 0 })).toEqual([32, 1, 1, 1]);
    expect(shape({ ioengine: "libaio", iodepth_batch_submit: 64 })).toEqual([32, 1, 1, 1]);
    expect(shape({ iodepth_batch_complete_min: 8, iodepth_batch_complete_max: 4 })).toEqual([1, 8, 8, 0]);
    expect(shape({ iodepth_batch_complete_min: 0 })).toEqual([1, 1, 1, 0]);
    // t/io_uring takes every CQE there is after each io_uring_enter.
    expect(shape({ program: "t/io_uring", iodepth_batch_submit: 32, iodepth_batch_complete_min: 32 })).toEqual([
      32, 32, 0, 0,
    ]);
    expect(shape({ ioengine: "psync", iodepth: 1 })).toEqual([1, 1, 0, 0]);
  });

  it("take the steps of their system calls and options", () => {
    const e = (o: Partial<EngineOptions>) =>
      engineSteps({ ...base, ...o }, k, { ...k.switches, polled: o.hipri ?? false });
    expect(e({}).submitCall).toEqual(["entry_SYSCALL_64", "__x64_sys_io_uring_enter"]);
    expect(e({}).submitIo).toEqual(expect.arrayContaining(["io_file_get_normal", "__io_import_iovec"]));
    expect(e({ fixedbufs: true, registerfiles: true }).submitIo).not.toContain("io_file_get_normal");
    expect(e({ fixedbufs: true }).submitIo).toContain("io_import_fixed");
    expect(e({ sqthread_poll: true }).submitCall).toEqual([]);
    expect(e({ hipri: true }).completeIo).toContain("io_complete_rw_iopoll");
    expect(e({}).completeIo).toContain("io_req_task_work_add");
    expect(e({ ioengine: "io_uring_cmd" }).caller.caller).toBe("passthrough");
    expect(e({ ioengine: "io_uring_cmd" }).submitIo).toEqual(expect.arrayContaining(["nvme_uring_cmd_io"]));
    expect(e({ ioengine: "libaio" }).reapCall).toEqual(["entry_SYSCALL_64", "__x64_sys_io_getevents"]);
    expect(e({ ioengine: "psync", iodepth: 1 }).caller.onStack).toBe(true);
    expect(e({ ioengine: "async" }).submitCall).toEqual([]);
    // 6.8's bio cache serves polled and interrupt-driven io_uring alike; 6.1's only polled.
    expect(e({}).caller.bioCache).toBe(true);
    expect(engineSteps(base, KERNELS["6.1"], KERNELS["6.1"].switches).caller.bioCache).toBe(false);
  });

  it("map passthrough's buffer as drivers/nvme/host/ioctl.c does, and batch it from 6.1", () => {
    const k61 = KERNELS["6.1"];
    const pt = (hipri: boolean, fixedbufs: boolean, off: object = {}) =>
      engineSteps({ ...base, ioengine: "io_uring_cmd", hipri, fixedbufs }, k61, {
        ...k61.switches,
        ...off,
        polled: hipri,
      });
    // A polled command's bio comes from the per-CPU cache (6.1), any other's from kmalloc; its end undoes the
    // mapping and frees that bio whether the buffer was registered or not.
    expect(pt(true, false).submitIo).toContain("bio_alloc_kiocb");
    expect(pt(false, false).submitIo).toContain("bio_kmalloc");
    expect(pt(true, false, { passthroughBioCache: false }).submitIo).toContain("bio_kmalloc");
    expect(pt(false, false).submitIo).toEqual(expect.arrayContaining(["import_single_range", "nvme_map_user_request"]));
    expect(pt(false, true).submitIo).toEqual(expect.arrayContaining(["io_import_fixed", "blk_rq_map_user_bvec"]));
    expect(pt(false, true).completeIo).toEqual(expect.arrayContaining(["blk_rq_unmap_user", "kfree"]));
    expect(pt(true, true).completeIo).toEqual(expect.arrayContaining(["blk_rq_unmap_user", "bio_put"]));
    // Before 6.1's passthroughBatch a passthrough request takes one tag at a time and ends on its own.
    const path = (off: object) =>
      todayPathSteps(
        "read",
        { ...k61.switches, ...off },
        { swap: false, synchronousDevice: false },
        { caller: "passthrough", bioCache: false, fixedBuffer: false, onStack: false },
      );
    expect(path({}).submitIo).toEqual(["__blk_mq_alloc_requests"]);
    expect(path({}).completeIo).toContain("blk_mq_end_request_batch");
    expect(path({}).completeBatch).toContain("nvme_pci_complete_batch");
    const alone = path({ passthroughBatch: false });
    expect(alone.submitIo).toEqual(["blk_mq_alloc_request"]);
    expect(alone.completeIo).toEqual(expect.arrayContaining(["nvme_pci_complete_rq", "blk_mq_end_request"]));
    expect(alone.completeIo).not.toContain("blk_mq_end_request_batch");
    expect(alone.completeBatch).not.toContain("nvme_pci_complete_batch");
  });
});
