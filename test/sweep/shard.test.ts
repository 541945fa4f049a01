// Goal: the shard comes from the flags, or else from the job engines' environment variables, and a wrong
// number is a clear error.
import { describe, expect, it } from "vitest";
import { partName, resolveShard } from "../../src/sweep/shard";

describe("shards", () => {
  it("takes the flags first", () => {
    expect(resolveShard({ index: "2", count: "4" }, { JOB_COMPLETION_INDEX: "1" })).toMatchObject({
      index: 2,
      count: 4,
    });
    expect(() => resolveShard({ index: "2" }, {})).toThrow(/go together/);
    expect(() => resolveShard({ index: "4", count: "4" }, {})).toThrow(/not below the shard count 4/);
    expect(() => resolveShard({ index: "x", count: "4" }, {})).toThrow(/--shard-index is "x"/);
  });

  it("reads Kubernetes Indexed Jobs, Slurm arrays and AWS Batch arrays", () => {
    expect(resolveShard({}, { JOB_COMPLETION_INDEX: "3", NVMESIM_SHARD_COUNT: "8" })).toMatchObject({
      index: 3,
      count: 8,
    });
    expect(() => resolveShard({}, { JOB_COMPLETION_INDEX: "3" })).toThrow(/NVMESIM_SHARD_COUNT/);
    expect(
      resolveShard({}, { SLURM_ARRAY_TASK_ID: "11", SLURM_ARRAY_TASK_MIN: "10", SLURM_ARRAY_TASK_COUNT: "4" }),
    ).toMatchObject({ index: 1, count: 4 });
    expect(resolveShard({}, { SLURM_ARRAY_TASK_ID: "2", SLURM_ARRAY_TASK_COUNT: "4" })).toMatchObject({
      index: 2,
      count: 4,
    });
    expect(resolveShard({}, { AWS_BATCH_JOB_ARRAY_INDEX: "0", NVMESIM_SHARD_COUNT: "2" })).toMatchObject({
      index: 0,
      count: 2,
    });
    expect(resolveShard({}, {})).toMatchObject({ index: 0, count: 1 });
  });

  it("numbers a stepped Slurm array's tasks densely, and never takes a lone or listed task for the whole sweep", () => {
    // --array=0-4:2: ids 0, 2, 4, as Slurm 22.05 sets them (MIN 0, MAX 4, STEP 2, COUNT 3)
    const stepped = (id: string) =>
      resolveShard(
        {},
        {
          SLURM_ARRAY_TASK_ID: id,
          SLURM_ARRAY_TASK_MIN: "0",
          SLURM_ARRAY_TASK_MAX: "4",
          SLURM_ARRAY_TASK_STEP: "2",
          SLURM_ARRAY_TASK_COUNT: "3",
        },
      );
    expect(["0", "2", "4"].map((id) => stepped(id).index)).toEqual([0, 1, 2]);
    expect(stepped("4").count).toBe(3);
    // sbatch --array=3 (a failed task resubmitted alone): an array of one task whose id is 3
    const lone = {
      SLURM_ARRAY_TASK_ID: "3",
      SLURM_ARRAY_TASK_MIN: "3",
      SLURM_ARRAY_TASK_MAX: "3",
      SLURM_ARRAY_TASK_COUNT: "1",
    };
    expect(() => resolveShard({}, lone)).toThrow(
      /resubmitted alone, as sbatch --array=3.*--shard-index and --shard-count/,
    );
    expect(resolveShard({ index: "3", count: "8" }, lone)).toMatchObject({ index: 3, count: 8, source: "flags" });
    // --array=1,2,5: not one range by a step
    expect(() =>
      resolveShard(
        {},
        {
          SLURM_ARRAY_TASK_ID: "5",
          SLURM_ARRAY_TASK_MIN: "1",
          SLURM_ARRAY_TASK_MAX: "5",
          SLURM_ARRAY_TASK_STEP: "1",
          SLURM_ARRAY_TASK_COUNT: "3",
        },
      ),
    ).toThrow(/is not one range by a step/);
    // --array=0: a one-task array is the whole sweep
    expect(resolveShard({}, { SLURM_ARRAY_TASK_ID: "0", SLURM_ARRAY_TASK_COUNT: "1" })).toMatchObject({
      index: 0,
      count: 1,
    });
  });

  it("names the part files", () => {
    expect(partName({ index: 1, count: 4, source: "flags" })).toBe("part-1-of-4");
  });
});
