// Goal: a sharded sweep on Slurm itself (Debian's slurm-wlm, one node in a temporary directory) survives
// what goes wrong on a real cluster. A generated array (nvmesim sweep --emit slurm), plain and stepped, has
// one task killed mid-run: the merge job still runs after it (afterany) and reports the shard missing;
// the task resubmitted alone, with the command nvmesim sweep status prints, resumes its shard; the merge
// then equals the unsharded run byte for byte, and no point ran twice. Without a plan, a task resubmitted
// alone and a list array are refused in one line and write nothing; a list planned first runs.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scanLog } from "../../src/sweep/log";
import { runSweep } from "../../src/sweep/run";
import { parseSpec } from "../../src/sweep/spec";
import { ROOT } from "../../src/wasm/build";
import { slurmMissing, startSlurm, type SlurmCluster } from "./slurm-cluster";

const why = slurmMissing();
if (why) console.warn(`Slurm tests skipped: ${why}`);

const BIN = [process.execPath, join(ROOT, "src/cli/bin.js")];
// 12 points of about a second each: long enough to kill a task between two of its points.
const specDoc = {
  name: "slurm-e2e",
  base: { workload: { number_ios: 1_500_000 } },
  axes: { iodepth: "1..32 x2", path: ["blk-mq", "rw_page"] },
};
const tmp = mkdtempSync(join(tmpdir(), "nvmesim-slurm-sweep-"));
const specFile = join(tmp, "spec.json");
writeFileSync(specFile, JSON.stringify(specDoc));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(why)(`sweeps on a one-node Slurm${why ? ` (skipped: ${why})` : ""}`, () => {
  let slurm: SlurmCluster;
  let referenceCsv: string;
  const nvmesim = (args: string[]) =>
    execFileSync(BIN[0], [BIN[1], ...args], { env: slurm.env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

  beforeAll(async () => {
    slurm = await startSlurm();
    const reference = join(tmp, "whole");
    await runSweep({
      dir: reference,
      spec: parseSpec(specDoc),
      shard: { index: 0, count: 1, source: "test" },
      threads: 2,
    });
    referenceCsv = readFileSync(join(reference, "results.csv"), "utf8");
  }, 180_000);
  afterAll(() => {
    slurm?.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  /** Waits for a shard's partial file to hold at least one point and fewer than its four. */
  async function midRun(dir: string, index: number): Promise<void> {
    const file = join(dir, `part-${index}-of-3.jsonl.partial`);
    for (let i = 0; i < 600; i++) {
      const n = scanLog(file).records.size;
      if (n >= 1 && n < 4) return;
      if (existsSync(join(dir, `part-${index}-of-3.jsonl`))) throw new Error(`shard ${index} finished before the kill`);
      await sleep(100);
    }
    const logs = readdirSync(join(dir, "logs")).map((f) => `${f}: ${readFileSync(join(dir, "logs", f), "utf8")}`);
    throw new Error(`shard ${index} never started\n${slurm.run("/usr/bin/squeue", [])}\n${logs.join("\n")}`);
  }

  /** "N points (R run now)" of every finished sweep task's log in DIR/logs. */
  function ranNow(dir: string): number {
    let sum = 0;
    for (const f of readdirSync(join(dir, "logs")).filter((n) => n.startsWith("sweep-"))) {
      const m = /sweep: \d+ points \((\d+) run now\)/.exec(readFileSync(join(dir, "logs", f), "utf8"));
      if (m) sum += Number(m[1]);
    }
    return sum;
  }

  async function killOneAndResubmit(name: string, array: string[], killId: number, killIndex: number) {
    const dir = join(tmp, name);
    nvmesim(["sweep", specFile, "--out", dir, "--emit", "slurm", "--threads", "1", ...array]);
    const submitted = execFileSync("bash", [join(dir, "slurm", "submit.sh")], { env: slurm.env, encoding: "utf8" });
    const job = /array job (\d+), merge job (\d+)/.exec(submitted)!;
    expect(job, submitted).not.toBeNull();
    await midRun(dir, killIndex);
    slurm.run("/usr/bin/scancel", [`${job[1]}_${killId}`]);
    await slurm.drain(120_000);
    const killedAt = scanLog(join(dir, `part-${killIndex}-of-3.jsonl.partial`)).records.size;

    // The merge job ran after the array although a task failed (afterany), merged nothing, and said why.
    const mergeLog = readFileSync(join(dir, "logs", `merge-${job[2]}.out`), "utf8");
    expect(mergeLog).toMatch(/2 done, 1 partial, 0 missing; not merged/);
    expect(mergeLog).toContain(`--array=${killId}`);
    expect(existsSync(join(dir, "results.csv"))).toBe(false);

    // nvmesim sweep status names the shard and the command; that command, run as printed, completes it.
    const status = spawnSync(BIN[0], [BIN[1], "sweep", "status", dir], { env: slurm.env, encoding: "utf8" }).stdout;
    const slurmLine = /^ {2}Slurm: (.*)$/m.exec(status);
    expect(slurmLine?.[1], status).toBe(`bash ${dir}/slurm/submit.sh --array=${killId}`);
    execFileSync("bash", ["-c", slurmLine![1]], { env: slurm.env });
    await slurm.drain(120_000);

    expect(readFileSync(join(dir, "results.csv"), "utf8")).toBe(referenceCsv);
    const after = JSON.parse(nvmesim(["sweep", "status", dir, "--json"]));
    expect(after).toMatchObject({ complete: true, merged: true, shards: 3 });
    // Nothing ran twice: the points the finished tasks ran now, and those the killed task had kept, are the 12.
    expect(killedAt).toBeGreaterThanOrEqual(1);
    expect(ranNow(dir) + killedAt).toBe(12);
    const resumed = readdirSync(join(dir, "logs"))
      .filter((n) => n.startsWith("sweep-"))
      .map((n) => readFileSync(join(dir, "logs", n), "utf8"))
      .filter((t) => t.includes("resuming:"));
    expect(resumed).toHaveLength(1);
    expect(resumed[0]).toContain(`resuming: ${killedAt} of 4 points already done`);
  }

  it("a generated 3-task array, one task killed mid-run and resubmitted alone, merges to the unsharded run", async () => {
    await killOneAndResubmit("plain", ["--tasks", "3"], 1, 1);
  }, 300_000);

  it("the same for a stepped array (--array 0-4:2, task 2 is shard 1)", async () => {
    await killOneAndResubmit("stepped", ["--array", "0-4:2"], 2, 1);
  }, 300_000);

  it("without a plan, a lone task and a list are refused and write nothing; a planned list runs", async () => {
    // A hand-written array script, as a user would write before --emit: every task runs the same command.
    const script = join(tmp, "by-hand.sbatch");
    const run = (dir: string) =>
      writeFileSync(
        script,
        `#!/bin/bash\n#SBATCH --output=${tmp}/by-hand-%A_%a.out\n${BIN.join(" ")} sweep ${specFile} --out ${dir} --threads 1\n`,
      );
    const submit = (array: string) => slurm.run("/usr/bin/sbatch", ["--parsable", `--array=${array}`, script]).trim();
    const log = (job: string, id: number) => readFileSync(join(tmp, `by-hand-${job}_${id}.out`), "utf8");

    const lone = join(tmp, "lone");
    run(lone);
    const loneJob = submit("3");
    await slurm.drain(60_000);
    expect(log(loneJob, 3)).toMatch(/SLURM_ARRAY_TASK_ID 3 is an array of one task .* plan the sweep first/);
    expect(existsSync(lone)).toBe(false); // refused before anything is written

    const listed = join(tmp, "listed");
    run(listed);
    const listJob = submit("1,3,5");
    await slurm.drain(60_000);
    for (const id of [1, 3, 5]) expect(log(listJob, id)).toMatch(/is not one range by a step .* task \d has no shard/);
    expect(existsSync(listed)).toBe(false);

    nvmesim(["sweep", specFile, "--out", listed, "--plan", "--array", "1,3,5"]);
    const planned = submit("1,3,5");
    await slurm.drain(120_000);
    for (const [index, id] of [1, 3, 5].entries()) {
      expect(log(planned, id)).toContain(`shard ${index} of 3 (Slurm SLURM_ARRAY_TASK_ID ${id}, plan.json)`);
      expect(existsSync(join(listed, `part-${index}-of-3.jsonl`))).toBe(true);
    }
    nvmesim(["merge", listed, "--out", listed]);
    expect(readFileSync(join(listed, "results.csv"), "utf8")).toBe(referenceCsv);
  }, 300_000);
});
