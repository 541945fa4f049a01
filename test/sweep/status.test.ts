// Goal: nvmesim sweep status says, shard by shard, what is done, what is partial (points done of owned)
// and what is missing, whether the parts are merged, and the commands that run what is not done; it exits
// 0 only when every shard is done.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { mergeSweeps } from "../../src/sweep/merge";
import { ensurePlan, makePlan } from "../../src/sweep/plan";
import { pinSpec, runSweep } from "../../src/sweep/run";
import { parseSpec } from "../../src/sweep/spec";
import { statusText, sweepStatus } from "../../src/sweep/status";
import { ROOT } from "../../src/wasm/build";

const tmp = mkdtempSync(join(tmpdir(), "nvmesim-status-"));
const spec = parseSpec({
  name: "status",
  base: { workload: { number_ios: 2000 } },
  axes: { iodepth: [1, 2, 4, 8, 16, 32], path: ["blk-mq", "rw_page"] },
});
const shard = (index: number) => ({ index, count: 3, source: "test" });

describe("nvmesim sweep status", () => {
  const dir = join(tmp, "planned");
  mkdirSync(dir);
  pinSpec(dir, spec);
  const plan = ensurePlan(dir, spec, makePlan(spec, 3, [0, 2, 4], "test"));

  it("reports done, partial and missing shards and the commands that finish them", async () => {
    await runSweep({ dir, spec, shard: shard(0), owned: plan.owned[0], threads: 1 });
    // shard 1 cut off after one of its four points
    await runSweep({ dir, spec, shard: shard(1), owned: plan.owned[1], threads: 1 });
    const part = join(dir, "part-1-of-3.jsonl");
    writeFileSync(`${part}.partial`, readFileSync(part, "utf8").split("\n")[0] + "\n");
    renameSync(part, join(tmp, "part-1-whole"));
    const s = sweepStatus(dir);
    expect(s).toMatchObject({ points: 12, shards: 3, from: "plan.json", complete: false, merged: false });
    expect(s.states).toEqual([
      { index: 0, arrayId: 0, owned: 4, done: 4, state: "done" },
      { index: 1, arrayId: 2, owned: 4, done: 1, state: "partial" },
      { index: 2, arrayId: 4, owned: 4, done: 0, state: "missing" },
    ]);
    const text = statusText(s);
    expect(text).toMatch(/^status: 12 points in 3 shards \(plan.json\): 1 done, 1 partial, 1 missing; not merged\n/);
    expect(text).toContain("Slurm: sbatch --array=2,4 YOUR_ARRAY_SCRIPT");
    expect(text).toMatch(/by hand: \S+ \S+bin.js sweep \S+spec.json --out \S+ --shard-index 1 --shard-count 3\n/);
    expect(text).toMatch(/by hand: .* --shard-index 2 --shard-count 3\n/);
    expect(text).not.toContain("--shard-index 0 ");

    // The by-hand command, run as printed, resumes shard 1 (its one point is not run again).
    const byHand = /by hand: (.*--shard-index 1 .*)$/m.exec(text)![1];
    const r = spawnSync("sh", ["-c", byHand], { encoding: "utf8" });
    expect(r.stderr).toContain("resuming: 1 of 4 points already done");
    expect(r.stderr).toContain("4 points (3 run now)");
  });

  it("exits 0 once every shard is done, and says merged after nvmesim merge", async () => {
    await runSweep({ dir, spec, shard: shard(2), owned: plan.owned[2], threads: 1 });
    const bin = (args: string[]) =>
      spawnSync(process.execPath, [join(ROOT, "src/cli/bin.js"), ...args], { encoding: "utf8" });
    const done = bin(["sweep", "status", dir]);
    expect(done.status).toBe(0);
    expect(done.stdout).toMatch(/3 done, 0 partial, 0 missing; not merged\n[\s\S]*Every shard is done: nvmesim merge/);
    mergeSweeps([dir], dir);
    const json = JSON.parse(bin(["sweep", "status", dir, "--json"]).stdout);
    expect(json).toMatchObject({ complete: true, merged: true, rerun: [] });
    const missing = bin(["sweep", "status", join(tmp, "nothing")]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/nothing is not a sweep directory \(it has no spec.json\)/);
  });

  it("reads a directory without a plan from its part files, or as an unsharded run", async () => {
    const parts = join(tmp, "parts");
    await runSweep({ dir: parts, spec, shard: { index: 1, count: 2, source: "test" }, threads: 1 });
    expect(sweepStatus(parts)).toMatchObject({
      from: "part files",
      shards: 2,
      states: [
        { index: 0, state: "missing", done: 0 },
        { index: 1, state: "done", done: 6 },
      ],
    });
    const whole = join(tmp, "whole");
    mkdirSync(whole);
    pinSpec(whole, spec);
    const s = sweepStatus(whole);
    expect(s).toMatchObject({ from: "unsharded", shards: 1, states: [{ state: "missing", owned: 12 }] });
    expect(s.rerun).toEqual([expect.stringMatching(/bin.js sweep \S+whole\/spec.json --out \S+whole$/)]);
  });
});
