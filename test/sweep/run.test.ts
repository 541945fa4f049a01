// Goal: a sweep writes every output, records failed points and goes on, refuses another spec's directory,
// resumes after a kill without losing or repeating a point, and 4 shards run as separate processes and
// merged give the unsharded run's files byte for byte.
import { spawn } from "node:child_process";
import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { mergeSweeps } from "../../src/sweep/merge";
import { runSweep } from "../../src/sweep/run";
import { parseSpec } from "../../src/sweep/spec";
import { ROOT } from "../../src/wasm/build";

const tmp = mkdtempSync(join(tmpdir(), "nvmesim-sweep-"));
const WHOLE = { index: 0, count: 1, source: "test" };
const specDoc = {
  name: "e2e",
  base: { cpus: 2, workload: { number_ios: 20_000, numjobs: 2, size: "64m" } },
  axes: { path: ["blk-mq", "rw_page"], iodepth: "1..32 x2", "switches.batchDoorbell": [false, true] },
};
const spec = parseSpec(specDoc);
const read = (dir: string, file: string) => readFileSync(join(dir, file), "utf8");

/** The bin as a child process; resolves with its exit code and stderr. */
function bin(args: string[], onSpawn?: (kill: () => void) => void): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, "src/cli/bin.js"), "sweep", ...args], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => resolve({ code, stderr }));
    onSpawn?.(() => child.kill("SIGKILL"));
  });
}

const reference = join(tmp, "whole");
const whole = await runSweep({ dir: reference, spec, shard: WHOLE, threads: 2 });

describe("a sweep run", () => {
  it("writes results.csv, results.jsonl in point order, plots and the report", () => {
    expect(whole).toMatchObject({ points: 24, ran: 24, complete: true, failed: [] });
    const csv = read(reference, "results.csv").trim().split("\n");
    expect(csv[0]).toMatch(/^point,path,iodepth,switches\.batchDoorbell,read_iops,/);
    expect(csv).toHaveLength(25);
    expect(csv[1]).toMatch(/^0,blk-mq,1,false,\d/);
    // What limited each point, in its own column: queue depth 1 fills neither the CPUs nor the device.
    expect(csv[0]).toMatch(/,integrity_errors,limit,error$/);
    expect(csv[1]).toMatch(/,latency,$/);
    expect(whole.limits).toEqual(expect.arrayContaining([expect.stringMatching(/^blk-mq · false: latency-bound \d+/)]));
    const points = read(reference, "results.jsonl")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l).point);
    expect(points).toEqual([...Array(24).keys()]);
    expect(readdirSync(join(reference, "plots")).sort()).toEqual([
      "cpu-vs-iodepth.svg",
      "iops-vs-iodepth.svg",
      "latency-vs-iodepth.svg",
      "ratio-vs-iodepth.svg",
    ]);
    const html = read(reference, "report.html");
    expect(html).toContain('<table class="points">');
    expect(html).toContain("What limited the points");
    expect(html).toContain("<h2>One I/O's life</h2>"); // each series' last point as a waterfall
    expect(JSON.parse(read(reference, "results.jsonl").split("\n")[0]).result.nvmesim.breakdown.stages).toHaveLength(6);
    expect(html.match(/<tr>/g)).toHaveLength(25);
  });

  it("records a point that cannot run and goes on; the summary names it", async () => {
    const s = parseSpec({
      base: { workload: { number_ios: 5000 } },
      axes: { ioengine: ["sync", "async"], iodepth: [1, 8] },
    });
    const r = await runSweep({ dir: join(tmp, "failing"), spec: s, shard: WHOLE, threads: 1 });
    expect(r.complete).toBe(true);
    expect(r.failed).toEqual([{ point: 1, error: expect.stringMatching(/ioengine sync/) }]);
    expect(read(join(tmp, "failing"), "results.csv").split("\n")[2]).toMatch(/^1,sync,8,.*ioengine sync/);
  });

  it("refuses a directory that holds another spec", async () => {
    const other = parseSpec({ ...specDoc, axes: { ...specDoc.axes, iodepth: [1, 2] } });
    await expect(runSweep({ dir: reference, spec: other, shard: WHOLE, threads: 1 })).rejects.toThrow(
      /holds a different sweep/,
    );
  });

  it("rerunning a finished sweep runs nothing and rewrites the same files", async () => {
    const before = read(reference, "results.csv");
    const again = await runSweep({ dir: reference, spec, shard: WHOLE, threads: 2 });
    expect(again.ran).toBe(0);
    expect(read(reference, "results.csv")).toBe(before);
  });
});

describe("sharded and resumed", () => {
  const specFile = join(tmp, "spec.json");
  writeFileSync(specFile, JSON.stringify(specDoc));

  it("4 shards in separate processes, merged, equal the unsharded run byte for byte", async () => {
    const shards = join(tmp, "shards");
    const runs = await Promise.all(
      [0, 1, 2, 3].map((i) =>
        bin([specFile, "--out", shards, "--shard-index", String(i), "--shard-count", "4", "--threads", "1"]),
      ),
    );
    expect(
      runs.map((r) => r.code),
      runs.map((r) => r.stderr).join(""),
    ).toEqual([0, 0, 0, 0]);
    expect(
      readdirSync(shards)
        .filter((n) => n.startsWith("part-"))
        .sort(),
    ).toEqual([0, 1, 2, 3].map((i) => `part-${i}-of-4.jsonl`));
    const merged = join(tmp, "merged");
    mergeSweeps([shards], merged);
    for (const f of ["results.csv", "results.jsonl", "report.html", "plots/iops-vs-iodepth.svg"])
      expect(read(merged, f)).toBe(read(reference, f));
  });

  it("merge refuses a missing part, a point twice, and parts of another spec", async () => {
    const three = join(tmp, "three");
    for (const i of [0, 1, 2])
      await runSweep({ dir: three, spec, shard: { index: i, count: 4, source: "test" }, threads: 1 });
    expect(() => mergeSweeps([three], join(tmp, "m1"))).toThrow(/6 of 24 points are missing \(first: 3, 7, 11/);
    expect(() => mergeSweeps([three, join(tmp, "shards")], join(tmp, "m2"))).toThrow(/point 0 is in both/);
    expect(() => mergeSweeps([three, join(tmp, "failing")], join(tmp, "m3"))).toThrow(/hold different sweeps/);
  });

  it("a sweep killed mid-run and run again loses and repeats nothing", async () => {
    const dir = join(tmp, "killed");
    const log = join(dir, "results.jsonl");
    const lines = () => (existsSync(log) ? readFileSync(log, "utf8").split("\n").length - 1 : 0);
    const killed = await bin([specFile, "--out", dir, "--threads", "1"], (kill) => {
      const poll = setInterval(() => {
        if (lines() >= 3) {
          clearInterval(poll);
          kill();
        }
      }, 5);
    });
    expect(killed.code).toBe(null); // killed by the signal
    const done = lines();
    expect(done).toBeGreaterThanOrEqual(3);
    expect(done).toBeLessThan(24);
    appendFileSync(log, '{"point":23,"values":{"path":"rw_page"'); // and torn mid-write
    const resumed = await bin([specFile, "--out", dir, "--threads", "2"]);
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toMatch(/torn record/);
    expect(resumed.stderr).toMatch(new RegExp(`resuming: ${done} of 24 points already done`));
    for (const f of ["results.csv", "results.jsonl"]) expect(read(dir, f)).toBe(read(reference, f));
  });
});
