// Goal: the step lists are the 3.19 and 2014 call chains, and each switch removes or merges exactly
// the steps the later kernel removed.
import { describe, expect, it } from "vitest";
import {
  pathSteps,
  sleepSteps,
  SWAP_FAULT_STEPS,
  SWAP_PAGE_OUT_STEPS,
  SWITCHES_OFF,
  type PathContext,
  type Switches,
} from "../../src/model/paths";
import { STEPS } from "../../src/model/steps";

const SWAP_FROM_RAM: PathContext = { swap: true, synchronousDevice: true };

const all = (
  path: "blk-mq" | "rw_page",
  dir: "read" | "write",
  sw: Partial<Switches> = {},
  context: PathContext = { swap: true, synchronousDevice: false },
) => Object.values(pathSteps(path, dir, { ...SWITCHES_OFF, ...sw }, context)).flat();

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
      expect.arrayContaining(["nvme_rw_page", "__bt_get", "__blk_mq_alloc_request", "swiotlb_map_page", "page_endio"]),
    );
    expect(all("blk-mq", "read")).not.toContain("nvme_rw_page");
  });

  it("corrects the 3.19 step lists as the source has them", () => {
    const read = pathSteps("blk-mq", "read", SWITCHES_OFF);
    // The request timer's jiffies rounding is block work per request (blk_add_timer), not per fault.
    expect(read.dispatchIo).toEqual(expect.arrayContaining(["blk_add_timer", "round_jiffies_common"]));
    expect(SWAP_FAULT_STEPS).not.toContain("round_jiffies_common");
    expect(all("rw_page", "read")).not.toContain("round_jiffies_common");
    // tag_get is lib/radix-tree.c's (the swap cache), not a blk-mq tag function.
    expect(STEPS.tag_get.layer).toBe("mm");
    expect(SWAP_PAGE_OUT_STEPS).toContain("tag_get");
    for (const p of ["blk-mq", "rw_page"] as const) expect(all(p, "read")).not.toContain("tag_get");
    // Static and called once: inlined into nvme_queue_rq, not charged again.
    for (const inlined of ["nvme_set_info", "nvme_submit_iod"]) expect(all("blk-mq", "read")).not.toContain(inlined);
    // Missing per request before: queue usage, the tag's request and its clearing, I/O accounting's end.
    for (const step of [
      "blk_mq_queue_enter",
      "blk_mq_queue_exit",
      "blk_mq_tag_to_rq",
      "bt_clear_tag",
      "blk_account_io_done",
      "part_round_stats",
    ]) {
      expect(all("blk-mq", "read"), step).toContain(step);
    }
    // An interrupt's entry and exit around nvme_irq.
    expect(read.interrupt).toEqual([
      "do_IRQ",
      "irq_enter",
      "handle_edge_irq",
      "handle_irq_event_percpu",
      "nvme_irq",
      "irq_exit",
    ]);
    // A write's page end is end_page_writeback on both paths.
    expect(all("blk-mq", "write")).toContain("end_page_writeback");
    expect(all("rw_page", "write")).toEqual(expect.arrayContaining(["page_endio", "end_page_writeback"]));
    expect(all("rw_page", "read")).not.toContain("end_page_writeback");
  });

  it("charges perf's PMU save only when perf records", () => {
    expect(sleepSteps(true, true)).toContain("intel_pmu_disable_all");
    expect(sleepSteps(true, false)).not.toContain("intel_pmu_disable_all");
    expect(sleepSteps(false, false)).not.toContain("__wait_on_bit");
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

  it("onStackBio takes the bio out of swap-in from a synchronous (RAM-backed) device only", () => {
    const bio = ["bio_alloc_bioset", "mempool_alloc", "kmem_cache_alloc", "bio_put", "mempool_free"];
    const fromRam = all("blk-mq", "read", { onStackBio: true }, SWAP_FROM_RAM);
    for (const s of bio) {
      expect(all("blk-mq", "read", {}, SWAP_FROM_RAM)).toContain(s);
      expect(fromRam).not.toContain(s);
      // NVMe swap-in stays on bio_alloc; fio's O_DIRECT never takes swap_readpage.
      expect(all("blk-mq", "read", { onStackBio: true })).toContain(s);
      expect(all("blk-mq", "read", { onStackBio: true }, { swap: false, synchronousDevice: true })).toContain(s);
    }
  });

  it("3.19 queues writeback writes for kblockd; reads, O_DIRECT writes, rw_page and 5.0 (commit_rqs) issue directly", () => {
    const on = (path: "blk-mq" | "rw_page", dir: "read" | "write", sw: Partial<Switches> = {}, swap = true) =>
      pathSteps(path, dir, { ...SWITCHES_OFF, ...sw }, { swap, synchronousDevice: false });
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
    expect(all("blk-mq", "write", { onStackBio: true }, SWAP_FROM_RAM)).toContain("bio_alloc_bioset");
  });
});

describe("step sources", () => {
  it("every step a path can charge names the kernel file it is in", () => {
    const charged = new Set<string>();
    for (const path of ["blk-mq", "rw_page"] as const)
      for (const dir of ["read", "write"] as const)
        for (const sw of [
          {},
          { iodInPdu: true, batchDoorbell: true, singleSegmentMap: true, batchedCompletion: true },
          { polled: true },
        ])
          for (const s of all(path, dir, sw)) charged.add(s);
    for (const s of [...SWAP_FAULT_STEPS, ...SWAP_PAGE_OUT_STEPS, ...sleepSteps(true, true)]) charged.add(s);
    expect(charged.size).toBeGreaterThan(60);
    for (const s of charged) {
      expect(STEPS[s], s).toBeDefined();
      expect(STEPS[s].file, s).toMatch(/^(arch|block|drivers|fs|include|kernel|lib|mm)\/[\w/.-]+\.[chS]\b/);
    }
  });
});
