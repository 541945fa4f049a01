// Goal: a measurement's CPU per I/O adds up. perf stat's task-clock lines are read per thread and in total;
// the kernel threads' schedstat deltas count only what ran; the shell that starts a job says its pid and
// joins its cgroups before it execs. On this machine, a 4-job run (where fio's group mean once gave a
// quarter of the truth) is the scheduler's account of fio's tasks plus the kernel threads, within 10% of
// perf stat -e task-clock over the same tasks, and --repeat reports each run with its load average.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { inCgroups, kernelThreadDeltas, parseTaskClock, type ThreadTime } from "../../src/measure/cpu-time";
import { spawnCli } from "../cli/run-cli";
import { canMeasure, whyNot, alone } from "./machine";

describe("the pieces of the account", () => {
  it("reads perf stat's task-clock, alone and per thread (what perf 6.1 printed here)", () => {
    expect(
      parseTaskClock(
        "# started on Sun Dec  6 03:23:41 2026\n\n394.43,msec,task-clock,394428812,100.00,0.399,CPUs utilized\n",
      ),
    ).toEqual({
      totalNs: 394428812,
      threads: [],
    });
    const perThread = [
      "# started on Sun Dec  6 03:26:23 2026",
      "",
      "kdamond.0-107,0.87,msec,task-clock,872676,100.00,0.010,CPUs utilized",
      "kworker/u8:0-loop0-12,<not counted>,msec,task-clock,0,100.00,,",
      "migration/1-23,0.04,msec,task-clock,41001,100.00,0.000,CPUs utilized",
    ].join("\n");
    expect(parseTaskClock(perThread)).toEqual({
      totalNs: 872676 + 41001,
      threads: [
        { tid: 107, comm: "kdamond.0", ns: 872676 },
        { tid: 12, comm: "kworker/u8:0-loop0", ns: 0 },
        { tid: 23, comm: "migration/1", ns: 41001 },
      ],
    });
  });

  it("counts each kernel thread's time between two readings, a new one from zero, largest first", () => {
    const at = (entries: [number, string, number][]) =>
      new Map<number, ThreadTime>(entries.map(([tid, comm, ns]) => [tid, { tid, comm, ns }]));
    const before = at([
      [35, "kworker/u8:1", 1000],
      [24, "ksoftirqd/1", 500],
    ]);
    const after = at([
      [35, "kworker/u8:1", 4000],
      [24, "ksoftirqd/1", 500],
      [90, "kworker/u8:3", 7000],
    ]);
    expect(kernelThreadDeltas(before, after)).toEqual([
      { tid: 90, comm: "kworker/u8:3", ns: 7000 },
      { tid: 35, comm: "kworker/u8:1", ns: 3000 },
    ]);
  });

  it("starts a job from a shell that says its pid, then becomes the job", () => {
    const pidFile = join(mkdtempSync(join(tmpdir(), "nvmesim-cpu-test-")), "root.pid");
    const [program, ...args] = inCgroups([], ["sh", "-c", "echo $$"], pidFile);
    const r = spawnSync(program, args, { encoding: "utf8" });
    expect(r.status).toBe(0);
    expect(readFileSync(pidFile, "utf8").trim()).toBe(r.stdout.trim()); // the same process, exec'd
  });
});

describe("on this machine", () => {
  it.skipIf(!canMeasure)(
    `4 jobs: the scheduler's account of every task, within 10% of perf stat's task-clock, and each run with its load${whyNot}`,
    () =>
      alone(async () => {
        const r = spawnCli(
          ...["measure", "--target", "loop", "--json", "--number-ios", "80000", "--size", "64m", "--numjobs", "4"],
          ...["--repeat", "2"],
        );
        expect(r.code, r.stderr).toBe(0);
        const result = JSON.parse(r.stdout);
        const n = result.nvmesim;
        const cpu = n.machine.cpu;
        const ios = result.jobs[0].read.total_ios;
        // The parts add up to the CPU per I/O.
        const parts = cpu.parts as { part: string; ns: number; nsPerIo: number }[];
        expect(parts.map((p) => p.part).slice(0, 2)).toEqual(["fio's processes and threads", "kernel threads"]);
        for (const p of parts) expect(p.nsPerIo).toBeCloseTo(p.ns / ios, 6);
        expect(cpu.nsPerIo).toBeCloseTo(
          parts.reduce((s, p) => s + p.nsPerIo, 0),
          6,
        );
        // perf stat over the same tasks agrees within 10%.
        expect(cpu.check.ratio).toBeGreaterThan(0.9);
        expect(cpu.check.ratio).toBeLessThan(1.1);
        // fio's job entries, summed over the jobs, are fio's part less its main process: never the group mean.
        const job = result.jobs[0];
        const groupMeanNs = ((job.usr_cpu + job.sys_cpu) / 100) * job.read.runtime * 1e6;
        expect(cpu.fioJobEntries.ns).toBeGreaterThan(groupMeanNs * 3); // 4 jobs' worth, not one
        expect(cpu.fioJobEntries.ns).toBeLessThan(parts[0].ns * 1.05);
        // --repeat 2: each run with its load average; the CPU per I/O is their median.
        const runs = n.machine.repeats as { loadAverage: number[]; cpuNsPerIo: number }[];
        expect(runs).toHaveLength(2);
        for (const x of runs) expect(x.loadAverage).toHaveLength(3);
        expect(n.cpuNsPerIo).toBeCloseTo((runs[0].cpuNsPerIo + runs[1].cpuNsPerIo) / 2, 6);
        const s = n.machine.summary.cpuNsPerIo;
        expect([s.min, s.max]).toEqual([
          Math.min(...runs.map((x) => x.cpuNsPerIo)),
          Math.max(...runs.map((x) => x.cpuNsPerIo)),
        ]);
      }),
    180_000,
  );
});
