// A sharded sweep's plan: how many shards, which points each owns, and which
// scheduler task id runs each. Written once into the sweep directory (by
// `nvmesim sweep --plan`, `--emit`, or the first task that finds none), never
// overwritten, and read by every later task, so a task resubmitted alone or
// in a list finds its shard by its id instead of guessing from its array.
import { createHash } from "node:crypto";
import { existsSync, linkSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { SweepError } from "./errors";
import { gridSize, specJson, type SweepSpec } from "./spec";

export interface SweepPlan {
  /** The format's version. */
  nvmesimPlan: 1;
  /** sha256 of the directory's spec.json. */
  spec: string;
  points: number;
  shards: number;
  /** The scheduler task id that runs each shard (a Slurm array's ids; 0 to shards-1 elsewhere). */
  arrayIds: number[];
  /** Who wrote the plan, for status. */
  plannedBy: string;
  /** The points each shard owns, in point order. */
  owned: number[][];
}

export const PLAN_FILE = "plan.json";

/** The points of shard `index` of `count`: every count-th point from index. */
export function shardPoints(total: number, index: number, count: number): number[] {
  const points: number[] = [];
  for (let i = index; i < total; i += count) points.push(i);
  return points;
}

export function specHash(spec: SweepSpec): string {
  return "sha256:" + createHash("sha256").update(specJson(spec)).digest("hex");
}

export function makePlan(spec: SweepSpec, shards: number, arrayIds: readonly number[], plannedBy: string): SweepPlan {
  const points = gridSize(spec);
  if (shards > points) throw new SweepError(`${shards} shards for ${points} points: some shards would own no point`);
  if (arrayIds.length !== shards) throw new SweepError(`${arrayIds.length} array ids for ${shards} shards`);
  return {
    nvmesimPlan: 1,
    spec: specHash(spec),
    points,
    shards,
    arrayIds: [...arrayIds],
    plannedBy,
    owned: Array.from({ length: shards }, (_, i) => shardPoints(points, i, shards)),
  };
}

/** The plan as a file: one line per shard, so it reads in a terminal. */
function planText(plan: SweepPlan): string {
  const head = { ...plan, arrayIds: "IDS", owned: undefined };
  const lines = JSON.stringify(head, null, 1).replace('"IDS"', JSON.stringify(plan.arrayIds)).replace(/\n}$/, "");
  const owned = plan.owned.map((o) => "  " + JSON.stringify(o)).join(",\n");
  return `${lines},\n "owned": [\n${owned}\n ]\n}\n`;
}

function isPlan(v: unknown): v is SweepPlan {
  const p = v as SweepPlan;
  return (
    typeof p === "object" &&
    p !== null &&
    p.nvmesimPlan === 1 &&
    typeof p.spec === "string" &&
    Number.isInteger(p.points) &&
    Number.isInteger(p.shards) &&
    p.shards >= 1 &&
    Array.isArray(p.arrayIds) &&
    p.arrayIds.length === p.shards &&
    p.arrayIds.every((id) => Number.isInteger(id) && id >= 0) &&
    Array.isArray(p.owned) &&
    p.owned.length === p.shards &&
    p.owned.every((o) => Array.isArray(o) && o.every((i) => Number.isInteger(i) && i >= 0 && i < p.points))
  );
}

/** The directory's plan, or undefined when it has none; a plan that is not one is refused. */
export function readPlan(dir: string): SweepPlan | undefined {
  const file = join(dir, PLAN_FILE);
  if (!existsSync(file)) return undefined;
  let plan: unknown;
  try {
    plan = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new SweepError(`${file} is not JSON (${(err as Error).message}): remove it to plan again`);
  }
  if (!isPlan(plan)) throw new SweepError(`${file} is not an nvmesim shard plan: remove it to plan again`);
  return plan;
}

/** A plan that does not hold this spec, or differs from `plan`, in one line; undefined when they agree. */
function disagreement(found: SweepPlan, spec: SweepSpec, plan?: SweepPlan): string | undefined {
  if (found.spec !== specHash(spec) || found.points !== gridSize(spec)) return "it plans another spec";
  if (plan && found.shards !== plan.shards) return `it plans ${found.shards} shards, not ${plan.shards}`;
  if (plan && found.arrayIds.join() !== plan.arrayIds.join())
    return `its array ids are ${arrayText(found.arrayIds)}, not ${arrayText(plan.arrayIds)}`;
  return undefined;
}

/** The directory's plan checked against the spec. */
export function planOf(dir: string, spec: SweepSpec): SweepPlan | undefined {
  const found = readPlan(dir);
  const why = found && disagreement(found, spec);
  if (why) throw new SweepError(`${join(dir, PLAN_FILE)} does not match this sweep: ${why}`);
  return found;
}

/**
 * Writes `plan` unless the directory has one: created whole or not at all (a hard link of a finished file, which
 * fails when another task got there first). Returns the plan in force, which must agree with `plan`.
 */
export function ensurePlan(dir: string, spec: SweepSpec, plan: SweepPlan): SweepPlan {
  const file = join(dir, PLAN_FILE);
  const tmp = `${file}.tmp-${hostname()}-${process.pid}`; // tasks on several nodes may share the folder
  writeFileSync(tmp, planText(plan));
  try {
    linkSync(tmp, file);
    return plan;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
  } finally {
    unlinkSync(tmp);
  }
  const found = readPlan(dir)!;
  const why = disagreement(found, spec, plan);
  if (why)
    throw new SweepError(
      `${file} exists and ${why}: this task's shards (${plan.plannedBy}) do not fit it; use another --out, or give --shard-index/--shard-count of the plan`,
    );
  return found;
}

/** More ids than any sweep has shards (a grid holds at most 10,000 points without --yes). */
const ARRAY_IDS_MAX = 1_000_000;

/** Slurm's --array syntax ("0-7", "0-14:2", "1,3,5-6", with or without a %limit) as the ids it names, in order. */
export function parseArrayIds(text: string): number[] {
  const bad = (why: string) =>
    new SweepError(`--array '${text}': ${why} (write ids as Slurm does: 0-7, 0-14:2, 1,3,5 or 0-7%2)`);
  const ids: number[] = [];
  for (const part of text.replace(/%\d+$/, "").split(",")) {
    const m = /^(\d+)(?:-(\d+)(?::(\d+))?)?$/.exec(part.trim());
    if (!m) throw bad(`'${part}' is not an id, a range or a range by a step`);
    const [from, to, step] = [Number(m[1]), m[2] === undefined ? Number(m[1]) : Number(m[2]), Number(m[3] ?? 1)];
    if (to < from || step < 1) throw bad(`'${part}' is an empty range`);
    if (ids.length + (to - from) / step > ARRAY_IDS_MAX) throw bad(`more than ${ARRAY_IDS_MAX} ids`);
    for (let id = from; id <= to; id += step) ids.push(id);
  }
  if (new Set(ids).size !== ids.length) throw bad("an id is named twice");
  return ids.sort((a, b) => a - b);
}

/** Ids in Slurm's --array syntax, runs joined: [0,1,2,5] is "0-2,5". */
export function arrayText(ids: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < ids.length;) {
    let j = i;
    while (j + 1 < ids.length && ids[j + 1] === ids[j] + 1) j++;
    parts.push(j > i ? `${ids[i]}-${ids[j]}` : String(ids[i]));
    i = j + 1;
  }
  return parts.join(",");
}
