// Goal: the simulator is deterministic, keeps its invariants (every I/O completes once, no lost
// cid, no corrupted data), and each path and switch changes what it should.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PATH_NAMES } from "../../src/model/paths";
import { PRESET_NAMES } from "../../src/model/presets";
import { simulate } from "../../src/run/simulate";
import { loadNvmesim } from "../../src/wasm/node";

const m = await loadNvmesim();
const small = (extra: Record<string, unknown> = {}, workload: Record<string, unknown> = {}) => ({
  cpus: 2,
  ...extra,
  workload: { number_ios: 20_000, numjobs: 2, iodepth: 8, size: "64m", ...workload },
});

describe("simulate", () => {
  it("same config and seed give byte-identical JSON; another seed other latencies", async () => {
    const a = JSON.stringify(await simulate(m, small({ seed: 7 })));
    const b = JSON.stringify(await simulate(m, small({ seed: 7 })));
    const c = await simulate(m, small({ seed: 8 }));
    expect(b).toBe(a);
    expect(c.jobs[0].read.lat_ns.mean).not.toBe(JSON.parse(a).jobs[0].read.lat_ns.mean);
  });

  it("completes every I/O exactly once without engine or integrity errors, reads checking writes", async () => {
    for (const path of ["blk-mq", "rw_page"]) {
      const r = await simulate(m, small({ path }, { rw: "randrw", rwmixread: 50, bs: "16k", verify: true }));
      const j = r.jobs[0];
      expect(j.read.total_ios + j.write.total_ios).toBe(20_000);
      expect(j.read.total_ios).toBeGreaterThan(8000);
      expect(r.nvmesim.engineErrors).toBe(0);
      expect(r.nvmesim.integrityErrors).toBe(0);
    }
  });

  it("splits latency like fio: lat = slat + clat, percentiles on clat", async () => {
    const d = (await simulate(m, small())).jobs[0].read;
    expect(d.slat_ns.mean).toBeGreaterThan(0);
    expect(d.slat_ns.mean + d.clat_ns.mean).toBeCloseTo(d.lat_ns.mean, 3);
    expect(d.clat_ns.min).toBeLessThanOrEqual(d.clat_ns.percentile!["50.000000"]);
    expect(d.lat_ns.min).toBeGreaterThanOrEqual(d.clat_ns.min);
  });

  it("rw_page spends less CPU per I/O than blk-mq, on the same device time", async () => {
    const blk = await simulate(m, small({ path: "blk-mq" }));
    const rw = await simulate(m, small({ path: "rw_page" }));
    expect(rw.nvmesim.cpuNsPerIo).toBeLessThan(blk.nvmesim.cpuNsPerIo * 0.8);
    const symbols = (r: typeof blk) => r.nvmesim.profile.map((p) => p.symbol);
    expect(symbols(rw)).not.toContain("nvme_queue_rq");
    expect(symbols(rw)).toContain("nvme_rw_page");
    expect(symbols(blk)).not.toContain("nvme_rw_page");
    expect(symbols(blk)).toEqual(expect.arrayContaining(["nvme_alloc_iod", "sg_init_table", "blk_mq_start_request"]));
  });

  it("polling takes no interrupts; coalescing with batched doorbells rings less than once per I/O", async () => {
    const polled = await simulate(m, small({ device: { preset: "p5800x" } }, { hipri: true }));
    expect(polled.nvmesim.interruptsPerIo).toBe(0);
    expect(polled.nvmesim.profile.map((p) => p.symbol)).toContain("nvme_poll");
    const plain = await simulate(m, small());
    const batched = await simulate(
      m,
      small({ switches: { batchDoorbell: true, irqCoalesceThreshold: 8, irqCoalesceTimeNs: 50_000 } }),
    );
    expect(plain.nvmesim.doorbellsPerIo).toBeCloseTo(2, 1);
    expect(batched.nvmesim.doorbellsPerIo).toBeLessThan(1);
    expect(batched.nvmesim.interruptsPerIo).toBeLessThan(0.5);
  });

  it("reports device utilisation as a fraction of the dies' time", async () => {
    const r = await simulate(m, small());
    expect(r.nvmesim.deviceUtilization).toBeGreaterThan(0);
    expect(r.nvmesim.deviceUtilization).toBeLessThanOrEqual(1);
    // 2 jobs x iodepth 8 keep 16 I/Os in flight, a little less while they refill.
    expect(r.nvmesim.meanInFlight).toBeGreaterThan(14);
    expect(r.nvmesim.meanInFlight).toBeLessThanOrEqual(16);
  });

  it("a faster device gives more IOPS at the same queue depth", async () => {
    const nand = await simulate(m, small({ device: { preset: "p3700-2014" } }));
    const optane = await simulate(m, small({ device: { preset: "p4800x" } }));
    expect(optane.jobs[0].read.iops).toBeGreaterThan(nand.jobs[0].read.iops * 3);
  });

  it("detects every injected fault: media errors are retried, PRP mistakes (DNR) fail", async () => {
    const errors = { unrecoveredReadPpm: 20_000, writeFaultPpm: 20_000, prpErrorPpm: 5_000 };
    const r = await simulate(m, small({ device: { preset: "p3700-2014", errors } }, { rw: "randrw", verify: true }));
    const s = r.nvmesim.statusCounts;
    expect(s.injected).toBeGreaterThan(500);
    expect(s.detected).toBe(s.injected);
    expect(s.failed).toBeGreaterThan(50); // the PRP errors, not retried
    expect(s.retried).toBe(s.detected - s.failed);
    expect(r.nvmesim.integrityErrors).toBe(0);
    expect(r.nvmesim.engineErrors).toBe(0);
    const clean = await simulate(m, small());
    expect(clean.nvmesim.statusCounts).toEqual({ injected: 0, detected: 0, retried: 0, failed: 0 });
  });

  it("uses SGLs at and above sglThreshold: the controller walks them and the data still checks", async () => {
    const r = await simulate(
      m,
      small({ switches: { sglThresholdBytes: 8192 } }, { rw: "randrw", bs: "16k", verify: true }),
    );
    const symbols = r.nvmesim.profile.map((p) => p.symbol);
    expect(symbols).toContain("nvme_pci_setup_sgls");
    expect(symbols).not.toContain("nvme_setup_prps");
    expect(r.nvmesim.integrityErrors).toBe(0);
    expect(r.nvmesim.engineErrors).toBe(0);
    const below = await simulate(m, small({ switches: { sglThresholdBytes: 32768 } }, { bs: "16k" }));
    expect(below.nvmesim.profile.map((p) => p.symbol)).toContain("nvme_setup_prps");
  });

  it("64 CPUs with 1024-deep queues fit in 64 MiB of Wasm memory", async () => {
    const big = await loadNvmesim();
    const r = await simulate(big, {
      cpus: 64,
      qDepth: 1024,
      workload: { numjobs: 64, iodepth: 16, number_ios: 50_000 },
    });
    expect(r.nvmesim.engineErrors).toBe(0);
    expect(big.exports.memory.buffer.byteLength).toBeLessThanOrEqual(64 * 2 ** 20);
  });

  it("runs 4096 CPUs, one job each", async () => {
    const wide = await loadNvmesim();
    const r = await simulate(wide, {
      path: "blk-mq",
      device: { preset: "ram" },
      cpus: 4096,
      workload: { numjobs: 4096, iodepth: 4, number_ios: 20_000 },
    });
    expect(r.nvmesim.engineErrors).toBe(0);
    expect(r.nvmesim.integrityErrors).toBe(0);
    expect(r.jobs[0].read.total_ios).toBeGreaterThanOrEqual(20_000);
  });

  it("stops at the runtime when one is given", async () => {
    const r = await simulate(m, small({}, { number_ios: 0, runtime: 0.01 }));
    expect(r.nvmesim.simulatedNs).toBeLessThanOrEqual(10_000_000);
    expect(r.jobs[0].read.total_ios).toBeGreaterThan(1000);
  });

  it("reports progress between batches and can be cancelled", async () => {
    const seen: number[] = [];
    await simulate(m, small(), { batchIos: 5000, onProgress: (done) => seen.push(done) });
    expect(seen.length).toBeGreaterThanOrEqual(4);
    const controller = new AbortController();
    const run = simulate(m, small({}, { number_ios: 200_000 }), {
      batchIos: 1000,
      signal: controller.signal,
      onProgress: (done) => done >= 3000 && controller.abort(),
    });
    await expect(run).rejects.toThrow(/cancelled/);
  });
});

describe("simulate any combination", () => {
  const coalescing = fc.oneof(
    fc.constant({ irqCoalesceThreshold: 0, irqCoalesceTimeNs: 0 }),
    fc.record({ irqCoalesceThreshold: fc.constantFrom(1, 4, 16), irqCoalesceTimeNs: fc.constantFrom(2000, 50_000) }),
  );
  const switches = fc
    .tuple(
      fc.record({
        iodInPdu: fc.boolean(),
        batchDoorbell: fc.boolean(),
        singleSegmentMap: fc.boolean(),
        batchedCompletion: fc.boolean(),
        onStackBio: fc.boolean(),
        polled: fc.boolean(),
        sglThresholdBytes: fc.constantFrom(0, 4096, 32768),
      }),
      coalescing,
    )
    .map(([on, irq]) => ({ ...on, ...irq }));
  const fio = fc
    .record({
      kind: fc.constant("fio"),
      rw: fc.constantFrom("read", "write", "randread", "randwrite", "rw", "randrw"),
      bs: fc.constantFrom("4k", "8k", "12k", "128k"),
      iodepth: fc.integer({ min: 1, max: 32 }),
      numjobs: fc.integer({ min: 1, max: 3 }),
      ioengine: fc.constantFrom("sync", "async"),
      size: fc.constant("16m"),
      number_ios: fc.integer({ min: 1, max: 3000 }),
      verify: fc.constant(true),
    })
    .map((w) => (w.ioengine === "sync" ? { ...w, iodepth: 1 } : w)); // a sync job has one I/O in flight
  const swap = fc.record({
    kind: fc.constant("swap"),
    threads: fc.integer({ min: 1, max: 3 }),
    memory: fc.constant("2m"),
    workingSet: fc.constantFrom("3m", "6m"),
    pageCluster: fc.integer({ min: 0, max: 4 }),
    pattern: fc.constantFrom("sequential", "random"),
    faults: fc.integer({ min: 1, max: 3000 }),
  });
  const config = fc.record({
    seed: fc.integer({ min: 0, max: 1000 }),
    path: fc.constantFrom(...PATH_NAMES),
    cpus: fc.integer({ min: 1, max: 3 }),
    qDepth: fc.constantFrom(256, 1024),
    device: fc.record({ preset: fc.constantFrom(...PRESET_NAMES) }),
    switches,
    workload: fc.oneof(fio, swap),
  });

  it("every path, switch, preset and workload runs to its limit with no engine or integrity error", async () => {
    await fc.assert(
      fc.asyncProperty(config, async (c) => {
        const r = await simulate(m, c);
        expect(r.nvmesim.engineErrors).toBe(0);
        expect(r.nvmesim.integrityErrors).toBe(0);
        expect(r.nvmesim.statusCounts.failed).toBe(0);
        const j = r.jobs[0];
        if (c.workload.kind === "swap") expect(r.nvmesim.swap!.faults).toBe(c.workload.faults);
        else expect(j.read.total_ios + j.write.total_ios).toBe(c.workload.number_ios);
        if (c.path === "rw_page") expect(r.nvmesim.kblockdRunsPerIo).toBe(0);
      }),
      { numRuns: 60 },
    );
  });
});

describe("simulate the swap program", () => {
  const swap = (extra: Record<string, unknown> = {}, workload: Record<string, unknown> = {}) => ({
    cpus: 2,
    ...extra,
    workload: { kind: "swap", memory: "8m", workingSet: "12m", faults: 30_000, ...workload },
  });

  it("swaps pages out and back in, every page checked, on both paths", async () => {
    for (const path of ["blk-mq", "rw_page"]) {
      const r = await simulate(m, swap({ path }));
      const s = r.nvmesim.swap!;
      expect(s.faults).toBe(30_000);
      expect(s.majorFaults).toBeGreaterThan(1000);
      expect(s.swapIns).toBeGreaterThan(s.majorFaults); // readahead brings clusters
      expect(s.swapOuts).toBeGreaterThan(1000);
      expect(r.nvmesim.integrityErrors).toBe(0);
      expect(r.nvmesim.engineErrors).toBe(0);
      expect(r.nvmesim.profile.map((p) => p.symbol)).toContain("page_fault");
    }
  });

  it("blk-mq (3.19) writes swap-out through kblockd, several requests per run; rw_page and 5.0 issue directly", async () => {
    const kworker = (r: Awaited<ReturnType<typeof simulate>>) =>
      r.nvmesim.profile.some((p) => p.symbol === "__blk_mq_run_hw_queue");
    const blk = await simulate(m, swap({ path: "blk-mq" }));
    const writesPerIo = blk.jobs[0].write.total_ios / (blk.jobs[0].read.total_ios + blk.jobs[0].write.total_ios);
    expect(kworker(blk)).toBe(true);
    expect(blk.nvmesim.kblockdRunsPerIo).toBeGreaterThan(0);
    expect(blk.nvmesim.kblockdRunsPerIo).toBeLessThan(writesPerIo / 2); // readahead evicts several pages per fault
    expect(blk.nvmesim.integrityErrors).toBe(0);
    expect(blk.nvmesim.engineErrors).toBe(0);
    for (const r of [
      await simulate(m, swap({ path: "rw_page" })),
      await simulate(m, swap({ path: "blk-mq", switches: { batchDoorbell: true } })),
      await simulate(m, { ...small({ path: "blk-mq" }, { rw: "randwrite" }) }),
    ]) {
      expect(kworker(r)).toBe(false);
      expect(r.nvmesim.kblockdRunsPerIo).toBe(0);
    }
  });

  it("waits for command ids instead of losing I/O when the queue is shallow", async () => {
    const r = await simulate(m, swap({ qDepth: 64 }, { threads: 2, pattern: "random", runtime: 5 }));
    expect(r.nvmesim.engineErrors).toBe(0);
    expect(r.nvmesim.integrityErrors).toBe(0);
    expect(r.nvmesim.swap!.faults).toBe(30_000);
  });

  it("rejects a working set that fits in memory", async () => {
    await expect(simulate(m, swap({}, { workingSet: "4m" }))).rejects.toThrow(
      /workload\.workingSet: .* must be more than workload\.memory/,
    );
  });
});
