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

  it("names the part files", () => {
    expect(partName({ index: 1, count: 4, source: "flags" })).toBe("part-1-of-4");
  });
});
