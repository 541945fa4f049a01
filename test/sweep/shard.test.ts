// Goal: the shard comes from the flags, or else from the job engines' environment variables, and a wrong
// number is a clear error; once a sweep directory has a plan, the plan decides every task's shard, and a
// task, flag or variable that does not fit it is refused.
import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { arrayText, ensurePlan, makePlan, parseArrayIds, planOf, readPlan } from "../../src/sweep/plan";
import { partName, resolveShard } from "../../src/sweep/shard";
import { parseSpec } from "../../src/sweep/spec";

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
      /resubmitted alone, as sbatch --array=3.*plan the sweep first.*--shard-index and --shard-count/,
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

describe("a sweep's plan", () => {
  const spec = parseSpec({ name: "p", axes: { iodepth: [1, 2, 4, 8, 16], path: ["blk-mq", "rw_page"] } });
  const dir = mkdtempSync(join(tmpdir(), "nvmesim-plan-"));
  // --array=0-4:2 resubmitted as --array=4 alone, and a list's id
  const slurm = (id: string, min = id, max = id, count = "1") => ({
    SLURM_ARRAY_TASK_ID: id,
    SLURM_ARRAY_TASK_MIN: min,
    SLURM_ARRAY_TASK_MAX: max,
    SLURM_ARRAY_TASK_COUNT: count,
  });

  it("reads Slurm's array syntax, and writes it back with runs joined", () => {
    expect(parseArrayIds("0-14:2")).toEqual([0, 2, 4, 6, 8, 10, 12, 14]);
    expect(parseArrayIds("1,3,5-7%2")).toEqual([1, 3, 5, 6, 7]);
    expect(() => parseArrayIds("1,1")).toThrow(/named twice/);
    expect(() => parseArrayIds("5-2")).toThrow(/'5-2' is an empty range/);
    expect(() => parseArrayIds("a")).toThrow(/--array 'a': 'a' is not an id/);
    expect(() => parseArrayIds("0-99999999")).toThrow(/more than 1000000 ids/);
    fc.assert(
      fc.property(fc.uniqueArray(fc.nat(200), { minLength: 1, maxLength: 40 }), (ids) => {
        const sorted = [...ids].sort((a, b) => a - b);
        expect(parseArrayIds(arrayText(sorted))).toEqual(sorted);
      }),
    );
  });

  it("is written once: a second writer with the same shards gets it, one with others is refused", () => {
    const plan = makePlan(spec, 3, [0, 2, 4], "test");
    expect(plan.owned).toEqual([
      [0, 3, 6, 9],
      [1, 4, 7],
      [2, 5, 8],
    ]);
    expect(ensurePlan(dir, spec, plan)).toEqual(plan);
    expect(readPlan(dir)).toEqual(plan);
    expect(ensurePlan(dir, spec, makePlan(spec, 3, [0, 2, 4], "another task"))).toEqual(plan);
    expect(() => ensurePlan(dir, spec, makePlan(spec, 4, [0, 1, 2, 3], "x"))).toThrow(/it plans 3 shards, not 4/);
    expect(() => ensurePlan(dir, spec, makePlan(spec, 3, [0, 1, 2], "x"))).toThrow(/array ids are 0,2,4, not 0-2/);
    const other = parseSpec({ name: "q", axes: { iodepth: [1, 2, 4] } });
    expect(() => planOf(dir, other)).toThrow(/does not match this sweep: it plans another spec/);
    expect(() => makePlan(spec, 11, [...Array(11).keys()], "x")).toThrow(/11 shards for 10 points/);
    expect(readdirSync(dir)).toEqual(["plan.json"]); // no temporary file left behind
  });

  it("decides every task's shard once it exists", () => {
    const plan = readPlan(dir)!;
    // A task resubmitted alone (sbatch --array=4) is the plan's shard 2, not the whole sweep.
    expect(resolveShard({}, slurm("4"), plan)).toMatchObject({ index: 2, count: 3 });
    expect(() => resolveShard({}, slurm("3"), plan)).toThrow(/3 is not one of the plan's array ids \(0,2,4/);
    // A list resubmitted (--array=0,4): each by its id.
    expect(resolveShard({}, slurm("0", "0", "4", "2"), plan)).toMatchObject({ index: 0, count: 3 });
    expect(resolveShard({ index: "1", count: "3" }, {}, plan)).toMatchObject({ index: 1, source: "flags" });
    expect(() => resolveShard({ index: "1", count: "4" }, {}, plan)).toThrow(/plan.json has 3 shards, not 4/);
    expect(resolveShard({}, { JOB_COMPLETION_INDEX: "2" }, plan)).toMatchObject({ index: 2, count: 3 });
    expect(() => resolveShard({}, { AWS_BATCH_JOB_ARRAY_INDEX: "1", NVMESIM_SHARD_COUNT: "5" }, plan)).toThrow(
      /NVMESIM_SHARD_COUNT is 5 but the sweep directory's plan.json has 3 shards/,
    );
    expect(() => resolveShard({}, {}, plan)).toThrow(/planned as 3 shards .*--shard-index I --shard-count 3/);
    expect(() => resolveShard({ whole: true }, slurm("4"), plan)).toThrow(/--no-shard: .*planned as 3 shards/);
    // --no-shard: the whole sweep whatever the environment says, in a directory with no plan.
    expect(resolveShard({ whole: true }, slurm("4"))).toMatchObject({ index: 0, count: 1, source: "--no-shard" });
    expect(() => resolveShard({ whole: true, index: "1", count: "2" }, {})).toThrow(/leave out --shard-index/);
  });

  it("refuses a plan file that is not one", () => {
    const bad = mkdtempSync(join(tmpdir(), "nvmesim-plan-"));
    writeFileSync(join(bad, "plan.json"), '{"nvmesimPlan": 1, "shards": 2}');
    expect(() => readPlan(bad)).toThrow(/plan.json is not an nvmesim shard plan: remove it to plan again/);
    writeFileSync(join(bad, "plan.json"), "{");
    expect(() => readPlan(bad)).toThrow(/plan.json is not JSON/);
  });
});
