// Which part of a sweep this process runs: point indices with index % count
// == index of the shard. From --shard-index/--shard-count, or else from the
// environment the cluster's job engine sets: Kubernetes Indexed Jobs, Slurm
// job arrays, AWS Batch array jobs. Each names where it read the numbers.

export interface Shard {
  index: number;
  count: number;
  /** Where the numbers came from, for the log line. */
  source: string;
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

/** The shard from flags, else from the environment, else the whole sweep (0 of 1). */
export function resolveShard(flags: { index?: string; count?: string }, env: NodeJS.ProcessEnv): Shard {
  if (flags.index !== undefined || flags.count !== undefined) {
    if (flags.index === undefined || flags.count === undefined)
      throw new ShardError("--shard-index and --shard-count go together");
    return checked(int("--shard-index", flags.index, 0), int("--shard-count", flags.count, 1), "flags");
  }
  if (env.JOB_COMPLETION_INDEX !== undefined) {
    // Kubernetes Indexed Job: the index is set per pod, the count is the Job's completions.
    const count = int("NVMESIM_SHARD_COUNT (the Indexed Job's completions)", env.NVMESIM_SHARD_COUNT, 1);
    return checked(int("JOB_COMPLETION_INDEX", env.JOB_COMPLETION_INDEX, 0), count, "Kubernetes JOB_COMPLETION_INDEX");
  }
  if (env.SLURM_ARRAY_TASK_ID !== undefined) return slurmShard(env);
  if (env.AWS_BATCH_JOB_ARRAY_INDEX !== undefined) {
    // AWS Batch sets the index; the array size is the job's, passed on by the user.
    const count = int("NVMESIM_SHARD_COUNT (the array job's size)", env.NVMESIM_SHARD_COUNT, 1);
    return checked(
      int("AWS_BATCH_JOB_ARRAY_INDEX", env.AWS_BATCH_JOB_ARRAY_INDEX, 0),
      count,
      "AWS Batch AWS_BATCH_JOB_ARRAY_INDEX",
    );
  }
  return { index: 0, count: 1, source: "the whole sweep" };
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
  const flags = "give --shard-index and --shard-count (the sweep's own numbering)";
  if (count === 1 && id > 0)
    throw new ShardError(
      `SLURM_ARRAY_TASK_ID ${id} is an array of one task (a task resubmitted alone, as sbatch --array=${id}): it cannot say which shard of how many it is; ${flags}, or requeue the task in its array (scontrol requeue)`,
    );
  if ((max - min) % step !== 0 || (max - min) / step + 1 !== count || (id - min) % step !== 0)
    throw new ShardError(
      `Slurm array ${min}-${max}:${step} of ${count} tasks (SLURM_ARRAY_TASK_MIN, _MAX, _STEP, _COUNT) is not one range by a step (a list such as 1,2,5?): task ${id} has no shard number of its own; ${flags}`,
    );
  return checked((id - min) / step, count, "Slurm SLURM_ARRAY_TASK_ID in MIN-MAX:STEP");
}

/** The file name stem of a shard's records. */
export function partName(shard: Shard): string {
  return `part-${shard.index}-of-${shard.count}`;
}
