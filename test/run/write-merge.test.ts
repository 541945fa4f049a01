// Goal: 3.19's software queue merges swap-out bios as blk_mq_merge_queue_io does (switches.mergeWrites): a
// bio adjacent to a request still queued joins it, up to the largest transfer; merged writes carry every page's
// data (what is swapped back in is what was swapped out); rw_page never merges; off, nothing merges.
import { describe, expect, it } from "vitest";
import { MAX_MERGE_PAGES, simulate } from "../../src/run/simulate";
import { loadNvmesim } from "../../src/wasm/node";

describe("swap-out merging in the software queue", async () => {
  const m = await loadNvmesim();
  const swap = (path: string, mergeWrites: boolean) =>
    simulate(m, {
      cpus: 2,
      path,
      switches: { mergeWrites },
      workload: { kind: "swap", threads: 4, memory: "8m", workingSet: "24m", pattern: "sequential", faults: 20_000 },
    });

  it("merges adjacent writes into fewer, larger requests, and every page comes back as written", async () => {
    const r = await swap("blk-mq", true);
    const n = r.nvmesim;
    const pages = n.swap!.swapOuts;
    const requests = r.jobs[0].write.total_ios;
    expect(pages).toBeGreaterThan(5000);
    expect(requests).toBeLessThan(pages / 2);
    expect(r.jobs[0].write.io_bytes).toBe(pages * 4096);
    expect(r.jobs[0].write.io_bytes / requests).toBeLessThanOrEqual(MAX_MERGE_PAGES * 4096);
    expect(n.integrityErrors).toBe(0);
    expect(n.engineErrors).toBe(0);
    // The merge steps are charged, the per-bio end of each merged page too.
    const symbols = new Set(n.profile.map((p) => p.symbol));
    expect(symbols.has("blk_mq_attempt_merge")).toBe(true);
    expect(symbols.has("bio_attempt_back_merge")).toBe(true);
  });

  it("does not merge when off, nor on rw_page", async () => {
    for (const r of [await swap("blk-mq", false), await swap("rw_page", true)]) {
      expect(r.jobs[0].write.total_ios).toBe(r.nvmesim.swap!.swapOuts);
      expect(r.nvmesim.profile.some((p) => p.symbol === "blk_mq_attempt_merge")).toBe(false);
      expect(r.nvmesim.integrityErrors).toBe(0);
    }
  });
});
