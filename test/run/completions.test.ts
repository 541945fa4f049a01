// Goal: completions are reaped as the kernel reaps them. A pass over the CQ takes every CQE posted, so when the
// CPU saturates, interrupts per I/O fall below one and a job that finds completions ready never sleeps; a slow
// device leaves the CPU idle and its idle-state exit adds latency, not CPU time; polling has neither; perf's
// own cost appears only when perf records.
import { describe, expect, it } from "vitest";
import { simulate } from "../../src/run/simulate";
import type { Result } from "../../src/run/result";
import { loadNvmesim } from "../../src/wasm/node";

describe("completion passes", async () => {
  const m = await loadNvmesim();
  const fio = (iodepth: number, extra: Record<string, unknown> = {}, preset = "ram", switches = {}) =>
    simulate(m, {
      cpus: 1,
      switches,
      device: { preset },
      workload: {
        numjobs: 1,
        iodepth,
        ioengine: iodepth === 1 ? "sync" : "async",
        number_ios: 60_000,
        size: "256m",
        ...extra,
      },
    });
  const has = (r: Result, symbol: string) => r.nvmesim.profile.some((p) => p.symbol === symbol);

  it("one saturated CPU at queue depth 128: a job that finds completions ready never sleeps", async () => {
    const deep = await fio(128);
    const n = deep.nvmesim;
    expect(n.cpuUtilization).toBeGreaterThan(0.99);
    expect(n.contextSwitchesPerIo).toBeLessThan(0.01);
    expect(has(deep, "intel_pmu_disable_all")).toBe(false);
    expect(n.engineErrors).toBe(0);
    expect(n.integrityErrors).toBe(0);
    // The RAM device is 3.19's null_blk in timer mode: commands listed before the timer fires complete together,
    // and one interrupt's pass reaps the lot.
    expect(n.interruptsPerIo).toBeLessThan(0.3);
    expect(n.cqPassesPerIo).toBeLessThan(0.3);
  });

  it("a device completing each command on its own time: 3.19's per-request doorbell gives each CQE its interrupt", async () => {
    // CQEs come back one by one, spaced by the submitter's CPU time per I/O, which is longer than an interrupt
    // takes to arrive.
    const n = (await fio(128, {}, "brd")).nvmesim;
    expect(n.cpuUtilization).toBeGreaterThan(0.99);
    expect(n.interruptsPerIo).toBeGreaterThan(0.9);
    // device.completion overrides the preset's: the same RAM device without its timer batches.
    const ram = { preset: "ram", completion: "per-command" };
    const perCommand = (await simulate(m, { cpus: 1, device: ram, workload: { iodepth: 128, number_ios: 60_000 } }))
      .nvmesim;
    expect(perCommand.interruptsPerIo).toBeGreaterThan(0.9);
  });

  it("a pass takes every CQE posted: interrupts fall below one when completions come together", async () => {
    // 5.0's batched doorbell hands the device a plug at once: its CQEs come back together.
    const batched = (await fio(128, {}, "brd", { batchDoorbell: true })).nvmesim;
    expect(batched.interruptsPerIo).toBeLessThan(0.1);
    expect(batched.cqPassesPerIo).toBeLessThan(0.1);
    // A device whose latency varies bunches its completions: some reach a pass that is running.
    const jitter = (await fio(128, {}, "p5800x")).nvmesim;
    expect(jitter.interruptsPerIo).toBeLessThan(0.95);
  });

  it("CPU per I/O falls with queue depth until the CPU saturates", async () => {
    const perIo = [];
    for (const qd of [1, 4, 16, 128]) perIo.push((await fio(qd)).nvmesim.cpuNsPerIo);
    expect(perIo[1]).toBeLessThan(perIo[0]);
    expect(perIo[2]).toBeLessThan(perIo[1]);
    expect(perIo[3]).toBeLessThanOrEqual(perIo[2] * 1.005);
  });

  it("queue depth 1: one interrupt and one sleep per I/O", async () => {
    const n = (await fio(1)).nvmesim;
    expect(n.interruptsPerIo).toBeCloseTo(1, 2);
    expect(n.contextSwitchesPerIo).toBeCloseTo(1, 2);
  });

  it("a slow device idles the CPU: its idle-state exit is latency, and polling has none", async () => {
    const irq = await fio(1, {}, "p3700-2014");
    const polled = await fio(1, { hipri: true }, "p3700-2014");
    expect(irq.nvmesim.idleExitNsPerIo).toBeGreaterThan(0);
    expect(polled.nvmesim.idleExitNsPerIo).toBe(0);
    expect(polled.nvmesim.interruptsPerIo).toBe(0);
    expect(polled.nvmesim.contextSwitchesPerIo).toBe(0);
    // The exit delays the I/O without charging the CPU: the CPU per I/O is the same with the idle states' exits.
    expect(irq.jobs[0].read.lat_ns.mean).toBeGreaterThan(polled.jobs[0].read.lat_ns.mean);
  });

  it("perf's PMU save is charged when perf records, and only then", async () => {
    const swap = { kind: "swap", threads: 2, memory: "4m", workingSet: "9m", faults: 5000 };
    const plain = await simulate(m, { cpus: 2, workload: swap });
    const recorded = await simulate(m, { cpus: 2, host: { profiler: true }, workload: swap });
    expect(has(plain, "intel_pmu_disable_all")).toBe(false);
    expect(has(recorded, "intel_pmu_disable_all")).toBe(true);
  });

  it("labels a fio job on rw_page as a what-if", async () => {
    const r = await simulate(m, { path: "rw_page", cpus: 1, workload: { number_ios: 2000, numjobs: 1 } });
    expect(r.nvmesim.whatIf).toMatch(/O_DIRECT I\/O never takes it/);
    const swap = await simulate(m, {
      path: "rw_page",
      cpus: 1,
      workload: { kind: "swap", threads: 1, memory: "4m", workingSet: "9m", faults: 2000 },
    });
    expect(swap.nvmesim.whatIf).toBeUndefined();
  });
});
