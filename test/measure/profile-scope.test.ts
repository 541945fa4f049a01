// Goal: a measured profile holds only the measured job's work. On a whole-machine recording made here (fio on
// a loop device while a shell busy-looped on the other CPU) the job's tasks are the descendants of the shell
// that exec'd fio, the loop worker, kblockd and block completion are kept by their call chains, and the
// busy loop, idle time and other programs are left out and counted; every listed function has at least
// MIN_LISTED_SAMPLES samples and its 95% interval. On this machine, the same with a busy loop running
// beside a real `measure --perf`.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  jobTids,
  MIN_LISTED_SAMPLES,
  parseScopedRows,
  parseTasks,
  scopeProfile,
} from "../../src/measure/profile-scope";
import { ROOT } from "../../src/wasm/build";
import { spawnCli } from "../cli/run-cli";
import { canMeasure, whyNot, alone } from "./machine";

const FIXTURE = join(ROOT, "test/fixtures/perf/scoped");
const read = (name: string) => readFileSync(join(FIXTURE, name), "utf8");

describe("the job's part of a whole-machine profile", () => {
  const tasks = parseTasks(read("tasks.txt"));
  const root = Number(read("root.pid"));
  const tids = jobTids(tasks, root);
  const report = parseScopedRows(read("report.txt"));
  const p = scopeProfile(report, tids, 10_000);

  it("takes the job's tasks from perf's task tree: fio's processes and threads, not perf's, not the busy loop", () => {
    expect([...tids].sort()).toEqual([8074, 8076, 8077, 8078, 8079, 8080]); // fio, its threads and its 2 jobs
    expect(tids.has(8075)).toBe(false); // perf's own thread
    expect(tids.has(8072)).toBe(false); // the busy loop
  });

  it("keeps the job's tasks and the I/O work they cause, and counts what it leaves out", () => {
    expect(report.samples).toBe(report.rows.reduce((s, r) => s + r.samples, 0));
    const hog = report.rows.filter((r) => r.tid === 8072).reduce((s, r) => s + r.samples, 0);
    const idle = report.rows.filter((r) => r.tid === 0 && r.parent === "[other]").reduce((s, r) => s + r.samples, 0);
    expect(hog).toBeGreaterThan(report.samples * 0.2); // the busy loop was a large part of the machine
    expect(p.samplesRecorded - p.samplesMeasured).toBeGreaterThanOrEqual(hog + idle);
    expect(p.leftOutPercent).toBeCloseTo((100 * (p.samplesRecorded - p.samplesMeasured)) / p.samplesRecorded, 1);
    // Nothing of the busy loop (dash's string functions) and no idle loop in the listing.
    const symbols = p.entries.map((e) => e.symbol);
    expect(symbols).not.toContain("__strpbrk_sse42");
    expect(symbols).not.toContain("pv_native_safe_halt");
    const contexts = p.contexts.map((c) => c.context);
    expect(contexts[0]).toBe("the job's processes and threads");
    expect(contexts).toEqual(expect.arrayContaining(["kworker/uN:N-ev (loop_process_work)"]));
    expect(contexts.some((c) => /^sh\b/.test(c))).toBe(false);
    expect(p.contexts.reduce((s, c) => s + c.samples, 0)).toBe(p.samplesMeasured);
  });

  it("lists a function only with enough samples, each with its interval, and layers over all of them", () => {
    expect(p.entries.length).toBeGreaterThanOrEqual(3);
    for (const e of p.entries) {
      expect(e.samples, e.symbol).toBeGreaterThanOrEqual(MIN_LISTED_SAMPLES);
      const share = e.samples / p.samplesMeasured;
      expect(e.percent).toBeCloseTo(100 * share, 2);
      expect(e.ci95).toBeCloseTo(196 * Math.sqrt((share * (1 - share)) / p.samplesMeasured), 2);
      expect(e.ns).toBe(Math.round(e.samples * p.periodNs));
    }
    const listed = p.entries.reduce((s, e) => s + e.samples, 0);
    expect(listed + p.unlisted.samples).toBe(p.samplesMeasured);
    expect(p.layers.reduce((s, l) => s + l.percent, 0)).toBeCloseTo(100, 0);
    expect(p.periodNs).toBe(100_000); // 10 kHz of cpu-clock
  });
});

describe("on this machine", () => {
  it.skipIf(!canMeasure)(
    `a busy loop beside measure --perf is left out of its profile${whyNot}`,
    () =>
      alone(async () => {
        const hog = spawn("sh", ["-c", "while :; do :; done"], { stdio: "ignore" });
        try {
          const r = spawnCli(
            ...["measure", "--target", "loop", "--perf", "--json", "--number-ios", "60000", "--size", "32m"],
            ...["--numjobs", "2", "--perf-freq", "5000"],
          );
          expect(r.code, r.stderr).toBe(0);
          const n = JSON.parse(r.stdout).nvmesim;
          const scope = n.machine.profileScope;
          expect(scope.frequencyHz).toBe(5000);
          expect(scope.leftOutPercent).toBeGreaterThan(25); // the loop had a CPU to itself much of the time
          expect(scope.contexts[0].context).toBe("the job's processes and threads");
          for (const e of n.profile) expect(e.samples).toBeGreaterThanOrEqual(MIN_LISTED_SAMPLES);
          // The job's samples agree with the scheduler's account of its tasks (perf's overhead aside).
          const jobNs = scope.contexts[0].ns;
          const fioPart = n.machine.cpu.parts.find((x: { part: string }) => x.part === "fio's processes and threads");
          expect(jobNs / fioPart.ns).toBeGreaterThan(0.7);
          expect(jobNs / fioPart.ns).toBeLessThan(1.15);
          // The busy loop is other work, and the result says so (neither the job's nor perf's CPU).
          expect(n.machine.cpu.otherWork.cpuNs).toBeGreaterThan(0.3e9);
          expect(n.machine.cpu.otherWork.perfNs).toBeGreaterThan(0);
          expect(n.machine.cpu.notes.join("\n")).toMatch(/other work ran meanwhile \(\d+ ms of CPU/);
        } finally {
          hog.kill("SIGKILL");
        }
      }),
    120_000,
  );
});
