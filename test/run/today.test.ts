// Goal: today's model does what its sources say it does: the anchor run comes back near its 13.04 M IOPS,
// the committed fitted prices (C8, C9) give the gains they were fitted to, fio's calls are counted as fio
// makes them, and I/Os of 512 B move and verify their data per sector.
import { describe, expect, it } from "vitest";
import { FIGURES } from "../../src/model/figures";
import { simulate } from "../../src/run/simulate";
import { fittedGains } from "../../src/run/today-calibration";
import { anchorConfig } from "../../src/run/uring-runs";
import { loadNvmesim } from "../../src/wasm/node";

const m = await loadNvmesim();

describe("today's host", () => {
  it("runs the anchor's t/io_uring command near the IOPS its profile was taken at", async () => {
    const r = await simulate(m, anchorConfig(), { program: "t/io_uring" });
    // A consistency check of the derivation, not a validation: the figure set the table.
    expect(r.jobs[0].read.iops / FIGURES["axboe-13m-profile"].value).toBeGreaterThan(0.9);
    expect(r.jobs[0].read.iops / FIGURES["axboe-13m-profile"].value).toBeLessThan(1.1);
    expect(r.nvmesim.engineErrors).toBe(0);
  });

  it("keeps the fitted prices the fit finds: the committed ones give the gains they were fitted to", async () => {
    const g = await fittedGains(m);
    expect(g.poll / FIGURES["joshi-2022-block-poll"].value).toBeCloseTo(1, 1);
    expect(g.fixed / FIGURES["joshi-2022-block-fixedbufs"].value).toBeCloseTo(1, 1);
    expect(g.qd1Iops / FIGURES["ren-2023-io_uring"].value).toBeCloseTo(1, 1);
  });

  it("counts fio's system calls: libaio one io_submit and one io_getevents per I/O by default", async () => {
    const run = (workload: object, program?: "fio" | "t/io_uring") =>
      simulate(
        m,
        {
          cpus: 1,
          host: { kernel: "6.8" },
          device: { preset: "p5800x" },
          workload: { number_ios: 20_000, ...workload },
        },
        { program },
      );
    const calls = (r: Awaited<ReturnType<typeof run>>) => {
      const p = new Map(r.nvmesim.profile.map((e) => [e.symbol, e.ns]));
      return { submit: p.get("__x64_sys_io_submit") ?? 0, reap: p.get("__x64_sys_io_getevents") ?? 0 };
    };
    const libaio = await run({ ioengine: "libaio", iodepth: 16 });
    const per = calls(libaio);
    // Each call's price times its count: the same price per call, so the counts stand in the same ratio.
    expect(per.submit / per.reap).toBeCloseTo(1, 1);
    const batched = await run({
      ioengine: "libaio",
      iodepth: 16,
      iodepth_batch_submit: 8,
      iodepth_batch_complete_min: 8,
    });
    expect(calls(batched).submit / per.submit).toBeLessThan(0.3);
    const uring = await run(
      { ioengine: "io_uring", iodepth: 64, iodepth_batch_submit: 32, iodepth_batch_complete_min: 32 },
      "t/io_uring",
    );
    const enter = uring.nvmesim.profile.find((e) => e.symbol === "__x64_sys_io_uring_enter")!;
    const io = uring.nvmesim.profile.find((e) => e.symbol === "io_submit_sqes")!;
    // io_uring_enter's price is 30x its per-I/O share (C6): at ~32 I/Os per call its time is near io_submit_sqes'.
    expect(enter.ns / io.ns).toBeLessThan(0.6);
  });

  it("gives sqthread_poll's SQ thread a CPU of its own, and the program no system call", async () => {
    const job = (sqthread_poll: boolean) =>
      simulate(m, {
        cpus: 1,
        host: { kernel: "6.8", cpu: "core-i9-12900k" },
        device: { preset: "p5800x", count: 16 },
        workload: {
          bs: 512,
          iodepth: 64,
          numjobs: 2,
          ioengine: "io_uring",
          fixedbufs: true,
          registerfiles: true,
          iodepth_batch_submit: 16,
          sqthread_poll,
          number_ios: 50_000,
          verify: true,
        },
      });
    const [plain, sq] = [await job(false), await job(true)];
    const symbols = (r: typeof sq) => new Set(r.nvmesim.profile.map((p) => p.symbol));
    expect(symbols(plain).has("entry_SYSCALL_64")).toBe(true);
    expect(symbols(sq).has("entry_SYSCALL_64")).toBe(false);
    expect(symbols(sq).has("io_submit_sqes")).toBe(true); // the SQ thread's work is still charged
    expect(sq.nvmesim.integrityErrors + sq.nvmesim.engineErrors).toBe(0);
    // The jobs' own CPU (fio's sys and usr) leaves the SQ thread's submissions out.
    expect(sq.jobs[0].sys_cpu).toBeLessThan(plain.jobs[0].sys_cpu);
    expect(sq.jobs[0].read.iops).toBeGreaterThan(plain.jobs[0].read.iops);
  });

  it("moves and verifies 512 B I/Os per sector", async () => {
    const r = await simulate(m, {
      cpus: 2,
      host: { kernel: "6.8" },
      workload: {
        rw: "randrw",
        bs: 512,
        iodepth: 8,
        numjobs: 2,
        ioengine: "io_uring",
        size: 64 * 1024,
        number_ios: 20_000,
        verify: true,
      },
    });
    expect(r.jobs[0].read.io_bytes + r.jobs[0].write.io_bytes).toBe(20_000 * 512);
    expect(r.nvmesim.integrityErrors).toBe(0);
    expect(r.nvmesim.engineErrors).toBe(0);
  });
});
