// Goal: the step lists are the 3.19 and 2014 call chains, and each switch removes or merges exactly
// the steps the later kernel removed.
import { describe, expect, it } from "vitest";
import { pathSteps, SWITCHES_OFF, type Switches } from "../../src/model/paths";

const all = (path: "blk-mq" | "rw_page", dir: "read" | "write", sw: Partial<Switches> = {}) =>
  Object.values(pathSteps(path, dir, { ...SWITCHES_OFF, ...sw })).flat();

describe("host paths", () => {
  it("rw_page lacks what the seed's rw_page profile lacks, and blk-mq lacks nvme_rw_page", () => {
    const rw = all("rw_page", "read");
    for (const gone of [
      "nvme_alloc_iod",
      "sg_init_table",
      "__blk_bios_map_sg",
      "swiotlb_map_sg_attrs",
      "blk_mq_start_request",
      "nvme_queue_rq",
      "bio_alloc_bioset",
    ]) {
      expect(rw).not.toContain(gone);
    }
    expect(rw).toEqual(
      expect.arrayContaining([
        "nvme_rw_page",
        "__bt_get",
        "__blk_mq_alloc_request",
        "tag_get",
        "swiotlb_map_page",
        "page_endio",
      ]),
    );
    expect(all("blk-mq", "read")).not.toContain("nvme_rw_page");
  });

  it("reads and writes end in their own swap completion", () => {
    expect(all("blk-mq", "read")).toContain("end_swap_bio_read");
    expect(all("blk-mq", "write")).toContain("end_swap_bio_write");
    expect(all("rw_page", "write")).toContain("bdev_write_page");
  });

  const table: [Partial<Switches>, string[], string[]][] = [
    [{ iodInPdu: true }, ["nvme_alloc_iod", "____cache_alloc", "nvme_free_iod", "kfree"], []],
    [
      { singleSegmentMap: true },
      ["sg_init_table", "blk_rq_map_sg", "__blk_bios_map_sg", "swiotlb_map_sg_attrs", "swiotlb_unmap_sg_attrs"],
      ["swiotlb_map_page", "swiotlb_unmap_page"],
    ],
    [{ onStackBio: true }, ["bio_alloc_bioset", "mempool_alloc", "kmem_cache_alloc", "bio_put", "mempool_free"], []],
    [
      { batchedCompletion: true },
      ["blk_mq_complete_request", "blk_mq_end_request", "blk_account_io_completion"],
      ["blk_mq_end_request_batch"],
    ],
    [{ polled: true }, ["do_IRQ", "nvme_irq", "nvme_process_cq"], ["nvme_poll"]],
  ];
  for (const [sw, removed, added] of table) {
    it(`${Object.keys(sw)[0]} removes ${removed.join(", ")}`, () => {
      const before = all("blk-mq", "read");
      const after = all("blk-mq", "read", sw);
      for (const s of removed) {
        expect(before).toContain(s);
        expect(after).not.toContain(s);
      }
      for (const s of added) expect(after).toContain(s);
      expect(after.length).toBeLessThan(before.length + added.length);
    });
  }

  it("3.19 queues writeback writes for kblockd; reads, O_DIRECT writes, rw_page and 5.0 (commit_rqs) issue directly", () => {
    const on = (path: "blk-mq" | "rw_page", dir: "read" | "write", sw: Partial<Switches> = {}, writeback = true) =>
      pathSteps(path, dir, { ...SWITCHES_OFF, ...sw }, writeback);
    const wb = on("blk-mq", "write");
    expect(wb.kblockdRun).toEqual(expect.arrayContaining(["__blk_mq_run_hw_queue", "[kworker context switch]"]));
    expect(wb.submitIo).toContain("blk_mq_insert_request");
    expect(wb.dispatchIo).toContain("nvme_queue_rq");
    expect(wb.submitIo).not.toContain("nvme_queue_rq");
    for (const p of [
      on("blk-mq", "read"),
      on("blk-mq", "write", {}, false),
      on("rw_page", "write"),
      on("blk-mq", "write", { batchDoorbell: true }),
    ]) {
      expect(p.kblockdRun).toEqual([]);
      expect(p.submitIo).not.toContain("blk_mq_insert_request");
    }
  });

  it("the on-stack bio is a swap-in change: writes still allocate", () => {
    expect(all("blk-mq", "write", { onStackBio: true })).toContain("bio_alloc_bioset");
  });
});
