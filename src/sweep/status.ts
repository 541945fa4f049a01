// nvmesim sweep status DIR: which shards of a sweep are done, partial (how
// many of the points they own are in) or missing, whether the parts are
// merged, and the exact commands that run what is missing on Slurm,
// Kubernetes, AWS Batch or by hand. Reads only; a sweep may be running.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { SweepError } from "./errors";
import { jobName, nvmesimCommand, shellWord } from "./emit";
import { scanLog } from "./log";
import { arrayText, planOf, shardPoints, type SweepPlan } from "./plan";
import { gridSize, parseSpec, type SweepSpec } from "./spec";

export interface ShardState {
  index: number;
  /** The scheduler task id that runs it (the plan's; the index without a plan). */
  arrayId: number;
  owned: number;
  done: number;
  state: "done" | "partial" | "missing";
}

export interface SweepStatus {
  dir: string;
  name: string;
  points: number;
  shards: number;
  /** Where the shard count came from: plan.json, the part files' names, or an unsharded run. */
  from: "plan.json" | "part files" | "unsharded";
  states: ShardState[];
  /** Every point of every shard is in. */
  complete: boolean;
  /** results.csv and a results.jsonl with every point are written (an unsharded run's end, or nvmesim merge's). */
  merged: boolean;
  /** Commands that run what is not done, one per line (empty when complete). */
  rerun: string[];
}

const PART = /^part-(\d+)-of-(\d+)\.jsonl(\.partial)?$/;

function readSpec(dir: string): SweepSpec {
  const file = join(dir, "spec.json");
  if (!existsSync(file)) throw new SweepError(`${dir} is not a sweep directory (it has no spec.json)`);
  return parseSpec(JSON.parse(readFileSync(file, "utf8")));
}

/** The shard count of a directory without a plan: from its part files' names (all must agree), else unsharded. */
function countFromParts(dir: string): number | undefined {
  const counts = new Set(
    readdirSync(dir)
      .map((n) => PART.exec(n))
      .filter((m) => m !== null)
      .map((m) => Number(m[2])),
  );
  if (counts.size > 1)
    throw new SweepError(`${dir} holds parts of ${[...counts].join(" and ")} shards: two partitions of one sweep`);
  return counts.size ? [...counts][0] : undefined;
}

export function sweepStatus(where: string): SweepStatus {
  const dir = resolve(where);
  const spec = readSpec(dir);
  const points = gridSize(spec);
  const plan = planOf(dir, spec);
  const parts = plan ? plan.shards : countFromParts(dir);
  const shards = parts ?? 1;
  const states: ShardState[] = [];
  for (let index = 0; index < shards; index++) {
    const owned = plan?.owned[index] ?? shardPoints(points, index, shards);
    // A shard's finished part, or the log it appends to while it runs (an unsharded run's is results.jsonl).
    const finished = join(dir, `part-${index}-of-${shards}.jsonl`);
    const running = parts ? `${finished}.partial` : join(dir, "results.jsonl");
    let done = owned.length;
    if (!parts || !existsSync(finished)) {
      const scan = scanLog(running).records;
      done = owned.filter((p) => scan.has(p)).length;
    }
    const state = done === owned.length ? "done" : done > 0 || (parts && existsSync(running)) ? "partial" : "missing";
    states.push({ index, arrayId: plan?.arrayIds[index] ?? index, owned: owned.length, done, state });
  }
  const complete = states.every((s) => s.state === "done");
  const merged =
    existsSync(join(dir, "results.csv")) && scanLog(join(dir, "results.jsonl")).records.size === points && complete;
  const from = plan ? "plan.json" : parts ? "part files" : "unsharded";
  const status = { dir, name: spec.name, points, shards, from, states, complete, merged } as const;
  return { ...status, rerun: complete ? [] : rerunCommands(status, plan) };
}

function rerunCommands(s: Omit<SweepStatus, "rerun">, plan: SweepPlan | undefined): string[] {
  const d = shellWord(s.dir);
  const [node, bin] = nvmesimCommand().map(shellWord);
  const spec = shellWord(join(s.dir, "spec.json"));
  const left = s.states.filter((x) => x.state !== "done");
  const lines: string[] = [];
  if (s.from === "unsharded") return [`${node} ${bin} sweep ${spec} --out ${d}`];
  if (plan) {
    const ids = arrayText(left.map((x) => x.arrayId));
    lines.push(
      existsSync(join(s.dir, "slurm", "submit.sh"))
        ? `Slurm: bash ${shellWord(join(s.dir, "slurm", "submit.sh"))} --array=${ids}`
        : `Slurm: sbatch --array=${ids} YOUR_ARRAY_SCRIPT (its tasks find their shards by id in plan.json)`,
    );
  }
  if (existsSync(join(s.dir, "k8s", "sweep-job.yaml"))) {
    const job = jobName(s.name);
    lines.push(
      `Kubernetes (the whole Indexed Job again; a done shard exits at once): kubectl delete job ${job} --ignore-not-found && kubectl apply -f ${shellWord(join(s.dir, "k8s", "sweep-job.yaml"))}`,
    );
  }
  if (existsSync(join(s.dir, "aws-batch", "submit.sh")))
    lines.push(
      `AWS Batch (the whole array again; a done shard exits at once): bash ${shellWord(join(s.dir, "aws-batch", "submit.sh"))}`,
    );
  for (const x of left.slice(0, 8))
    lines.push(`by hand: ${node} ${bin} sweep ${spec} --out ${d} --shard-index ${x.index} --shard-count ${s.shards}`);
  if (left.length > 8) lines.push(`by hand: ... and ${left.length - 8} more shards (--shard-index as listed above)`);
  return lines;
}

export function statusText(s: SweepStatus): string {
  const count = (state: ShardState["state"]) => s.states.filter((x) => x.state === state).length;
  const lines = [
    `${s.name}: ${s.points} points in ${s.shards} shard${s.shards > 1 ? "s" : ""} (${s.from}): ${count("done")} done, ${count("partial")} partial, ${count("missing")} missing; ${s.merged ? "merged" : "not merged"}`,
    "shard  array id  points  done  state",
  ];
  for (const x of s.states)
    lines.push(
      `${String(x.index).padStart(5)}  ${String(x.arrayId).padStart(8)}  ${String(x.owned).padStart(6)}  ${String(x.done).padStart(4)}  ${x.state}`,
    );
  if (s.rerun.length) {
    lines.push("To run what is not done (a partial shard resumes where it stopped):");
    for (const r of s.rerun) lines.push(`  ${r}`);
  } else if (!s.merged) lines.push(`Every shard is done: nvmesim merge ${shellWord(s.dir)} --out ${shellWord(s.dir)}`);
  return lines.join("\n") + "\n";
}
