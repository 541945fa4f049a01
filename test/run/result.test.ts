// Goal: latency percentiles come out of the histogram exactly as fio computes them, with fio's keys.
import { describe, expect, it } from "vitest";
import { bucketValue, fioPercentiles } from "../../src/run/result";

describe("fio percentiles", () => {
  it("bucket values: exact below 128, the middle of the bucket above", () => {
    expect([bucketValue(0), bucketValue(100), bucketValue(127)]).toEqual([0, 100, 127]);
    // index 128 is the first bucket of the group [128, 256) with 64 buckets of 2: middle 129
    expect(bucketValue(128)).toBe(129);
    // index 192 starts [256, 512) with buckets of 4: middle 258
    expect(bucketValue(192)).toBe(258);
  });

  it("walks the buckets to each percentile of the count, keyed like fio", () => {
    const buckets = new Array(1856).fill(0);
    buckets[10] = 50;
    buckets[20] = 49;
    buckets[30] = 1;
    const p = fioPercentiles(buckets);
    expect(p["1.000000"]).toBe(10);
    expect(p["50.000000"]).toBe(10);
    expect(p["60.000000"]).toBe(20);
    expect(p["99.000000"]).toBe(20);
    expect(p["99.500000"]).toBe(30);
    expect(Object.keys(p)).toHaveLength(17);
  });
});
