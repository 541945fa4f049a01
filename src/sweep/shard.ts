// Which part of a sweep this process runs: point indices with index % count
// == index of the shard. From --shard-index/--shard-count, or else from the
// environment the cluster's job engine sets: Kubernetes Indexed Jobs, Slurm
// job arrays, AWS Batch array jobs. Each names where it read the numbers.
// Once the sweep directory has a plan (plan.ts), the plan decides: a task is
// found by its id among the plan's, never by guessing from its own array.
import { arrayText, type SweepPlan } from "./plan";

export interface Shard {
  index: number;
  count: number;
  /** Where the numbers came from, for the log line. */
  source: string;
  /** The scheduler task id of each shard, when the environment tells (a Slurm array's range): what a plan records. */
  arrayIds?: number[];
}

export class ShardError extends Error {}

function int(name: string, text: string | undefined, min: number): number {
  if (text === undefined || !/^\d+$/.test(text.trim()) || Number(text) < min)
    throw new ShardError(`${name} is ${JSON.stringify(text)}: it must be an integer >= ${min}`);
  return Number(text);
}

function checked(index: number, count: number, source: string): Shard {
  if (index >= count) throw new ShardError(`shard index ${index} is not below the shard count ${count} (${source})`);
  return { index, count, source };
}

export interface ShardFlags {
  index?: string;
  count?: string;
  /** --no-shard: the whole sweep, whatever the environment says. */
  whole?: boolean;
}

/**
 * The shard from flags, else from the environment, else the whole sweep (0 of 1). With a plan (the sweep
 * directory's plan.json), a scheduler's task finds its shard by its id among the plan's array ids, and the
 * shard count is the plan's: a flag or a variable that says otherwise is refused.
 */
export function resolveShard(flags: ShardFlags, env: NodeJS.ProcessEnv, plan?: SweepPlan): Shard {
  const planned = plan !== undefined && plan.shards > 1;
  const inPlan = (shard: Shard) => {
    if (planned && shard.count !== plan.shards)
      throw new ShardError(
        `the sweep directory's plan.json has ${plan.shards} shards, not ${shard.count} (${shard.source}): give the plan's --shard-count, or use another --out`,
      );
    return shard;
  };
  if (flags.whole) {
    if (flags.index !== undefined || flags.count !== undefined)
      throw new ShardError("--no-shard runs the whole sweep: leave out --shard-index and --shard-count");
    if (planned)
      throw new ShardError(
        `--no-shard: the sweep directory is planned as ${plan.shards} shards (plan.json); run the whole sweep into another --out`,
      );
    return { index: 0, count: 1, source: "--no-shard" };
  }
  if (flags.index !== undefined || flags.count !== undefined) {
    if (flags.index === undefined || flags.count === undefined)
      throw new ShardError("--shard-index and --shard-count go together");
    return inPlan(checked(int("--shard-index", flags.index, 0), int("--shard-count", flags.count, 1), "flags"));
  }
  if (env.JOB_COMPLETION_INDEX !== undefined)
    // Kubernetes Indexed Job: the index is set per pod, the count is the Job's completions.
    return indexed(env, "JOB_COMPLETION_INDEX", "Kubernetes", "the Indexed Job's completions", plan);
  if (env.SLURM_ARRAY_TASK_ID !== undefined) return planned ? plannedSlurmShard(env, plan) : slurmShard(env);
  if (env.AWS_BATCH_JOB_ARRAY_INDEX !== undefined)
    // AWS Batch sets the index; the array size is the job's, passed on by the user or read from the plan.
    return indexed(env, "AWS_BATCH_JOB_ARRAY_INDEX", "AWS Batch", "the array job's size", plan);
  if (planned)
    throw new ShardError(
      `the sweep directory is planned as ${plan.shards} shards (plan.json): give --shard-index I --shard-count ${plan.shards}, or run the whole sweep into another --out`,
    );
  return { index: 0, count: 1, source: "the whole sweep" };
}

/** A job engine that numbers its tasks 0 to N-1 in one variable: the count from NVMESIM_SHARD_COUNT or the plan. */
function indexed(env: NodeJS.ProcessEnv, variable: string, engine: string, what: string, plan?: SweepPlan): Shard {
  const source = `${engine} ${variable}`;
  const index = int(variable, env[variable], 0);
  const planned = plan !== undefined && plan.shards > 1;
  if (env.NVMESIM_SHARD_COUNT === undefined && planned) return checked(index, plan.shards, `${source}, plan.json`);
  const count = int(`NVMESIM_SHARD_COUNT (${what})`, env.NVMESIM_SHARD_COUNT, 1);
  if (planned && count !== plan.shards)
    throw new ShardError(
      `NVMESIM_SHARD_COUNT is ${count} but the sweep directory's plan.json has ${plan.shards} shards: set it to ${plan.shards}, or use another --out`,
    );
  return checked(index, count, source);
}

/** A Slurm task in a planned directory: its shard is the place of its id among the plan's array ids. */
function plannedSlurmShard(env: NodeJS.ProcessEnv, plan: SweepPlan): Shard {
  const id = int("SLURM_ARRAY_TASK_ID", env.SLURM_ARRAY_TASK_ID, 0);
  const index = plan.arrayIds.indexOf(id);
  if (index < 0)
    throw new ShardError(
      `SLURM_ARRAY_TASK_ID ${id} is not one of the plan's array ids (${arrayText(plan.arrayIds)}, plan.json): submit the ids the plan names, or give --shard-index and --shard-count ${plan.shards}`,
    );
  return { index, count: plan.shards, source: `Slurm SLURM_ARRAY_TASK_ID ${id}, plan.json` };
}

/**
 * A Slurm array task's shard: its place among the array's ids, MIN to MAX by STEP (--array=0-7, 0-14:2), dense
 * from 0. An array that is no such range (a list such as 1,2,5) or a task resubmitted alone (sbatch --array=3:
 * an array of one task whose id is not 0) cannot say which shard of how many it is: refused, never taken for
 * the whole sweep.
 */
function slurmShard(env: NodeJS.ProcessEnv): Shard {
  const id = int("SLURM_ARRAY_TASK_ID", env.SLURM_ARRAY_TASK_ID, 0);
  const min = env.SLURM_ARRAY_TASK_MIN === undefined ? 0 : int("SLURM_ARRAY_TASK_MIN", env.SLURM_ARRAY_TASK_MIN, 0);
  const count = int("SLURM_ARRAY_TASK_COUNT", env.SLURM_ARRAY_TASK_COUNT, 1);
  const max =
    env.SLURM_ARRAY_TASK_MAX === undefined ? min + count - 1 : int("SLURM_ARRAY_TASK_MAX", env.SLURM_ARRAY_TASK_MAX, 0);
  const step = env.SLURM_ARRAY_TASK_STEP === undefined ? 1 : int("SLURM_ARRAY_TASK_STEP", env.SLURM_ARRAY_TASK_STEP, 1);
  const flags =
    "plan the sweep first (nvmesim sweep --plan, or --emit slurm), or give --shard-index and --shard-count (the sweep's own numbering)";
  if (count === 1 && id > 0)
    throw new ShardError(
      `SLURM_ARRAY_TASK_ID ${id} is an array of one task (a task resubmitted alone, as sbatch --array=${id}): it cannot say which shard of how many it is; ${flags}, or requeue the task in its array (scontrol requeue)`,
    );
  if ((max - min) % step !== 0 || (max - min) / step + 1 !== count || (id - min) % step !== 0)
    throw new ShardError(
      `Slurm array ${min}-${max}:${step} of ${count} tasks (SLURM_ARRAY_TASK_MIN, _MAX, _STEP, _COUNT) is not one range by a step (a list such as 1,2,5?): task ${id} has no shard number of its own; ${flags}`,
    );
  const shard = checked((id - min) / step, count, `Slurm SLURM_ARRAY_TASK_ID in ${min}-${max}:${step}`);
  return { ...shard, arrayIds: Array.from({ length: count }, (_, i) => min + i * step) };
}

/** The file name stem of a shard's records. */
export function partName(shard: Shard): string {
  return `part-${shard.index}-of-${shard.count}`;
}
