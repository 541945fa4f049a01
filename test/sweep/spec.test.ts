// Goal: specs expand into one fixed grid order with per-point seeds that depend only on (base seed, index),
// and every mistake in a spec is caught before any work with a message naming its spot.
import { describe, expect, it } from "vitest";
import {
  axisFromFlag,
  checkGrid,
  gridSize,
  parseRange,
  parseSpec,
  pointConfig,
  pointSeed,
  pointValues,
  resolveParam,
  specJson,
} from "../../src/sweep/spec";

const spec = (axes: Record<string, unknown>, base: Record<string, unknown> = {}) => parseSpec({ base, axes });

describe("ranges", () => {
  it("expands linear and geometric ranges", () => {
    expect(parseRange("1..256 x2", "a")).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 256]);
    expect(parseRange("1..200x4", "a")).toEqual([1, 4, 16, 64]);
    expect(parseRange("0..100 +25", "a")).toEqual([0, 25, 50, 75, 100]);
    expect(parseRange("3..6", "a")).toEqual([3, 4, 5, 6]);
    expect(parseRange("0.5..1.5 +0.1", "a")).toHaveLength(11);
  });

  it("refuses ranges that cannot be walked", () => {
    expect(() => parseRange("8..1", "axes.iodepth")).toThrow(/^axes\.iodepth: "8\.\.1" runs backwards/);
    expect(() => parseRange("0..8 x2", "a")).toThrow(/start above 0/);
    expect(() => parseRange("1..8 x1", "a")).toThrow(/factor above 1/);
    expect(() => parseRange("1-8", "a")).toThrow(/is not a range/);
  });
});

describe("grid", () => {
  const s = spec({ path: ["blk-mq", "rw_page"], iodepth: "1..4 x2", "switches.batchDoorbell": [false, true] });

  it("numbers points as nested loops in spec order, last axis fastest", () => {
    expect(gridSize(s)).toBe(12);
    expect(pointValues(s, 0)).toEqual(["blk-mq", 1, false]);
    expect(pointValues(s, 1)).toEqual(["blk-mq", 1, true]);
    expect(pointValues(s, 2)).toEqual(["blk-mq", 2, false]);
    expect(pointValues(s, 11)).toEqual(["rw_page", 4, true]);
  });

  it("sets each value at its parameter path and derives the seed from (base seed, index) only", () => {
    const c = pointConfig(s, 5) as {
      path: string;
      workload: { iodepth: number };
      switches: { batchDoorbell: boolean };
    };
    expect(c.path).toBe("blk-mq");
    expect(c.workload.iodepth).toBe(4);
    expect(c.switches.batchDoorbell).toBe(true);
    // The same index under another grid has the same seed; another base seed changes it.
    const other = spec({ cpus: [1, 2, 3, 4, 5, 6, 7] });
    expect(pointConfig(other, 5).seed).toBe(pointConfig(s, 5).seed);
    expect(pointConfig(spec({ cpus: [1, 2, 3, 4, 5, 6] }, { seed: 2 }), 5).seed).not.toBe(pointConfig(s, 5).seed);
    const seeds = new Set(Array.from({ length: 1000 }, (_, i) => pointSeed(1n, i)));
    expect(seeds.size).toBe(1000);
  });

  it("resolves short names and keeps the name as written", () => {
    expect(resolveParam("iodepth", "a")).toBe("workload.iodepth");
    expect(resolveParam("batchDoorbell", "a")).toBe("switches.batchDoorbell");
    expect(resolveParam("device.preset", "a")).toBe("device.preset");
    expect(s.axes.map((a) => a.name)).toEqual(["path", "iodepth", "switches.batchDoorbell"]);
  });

  it("flags add axes to a file's or replace them", () => {
    const f = parseSpec({ axes: { iodepth: [1, 2] } }, [
      axisFromFlag("iodepth=1..16x4"),
      axisFromFlag("path=blk-mq,rw_page"),
    ]);
    expect(f.axes.map((a) => [a.name, a.values])).toEqual([
      ["iodepth", [1, 4, 16]],
      ["path", ["blk-mq", "rw_page"]],
    ]);
    expect(axisFromFlag("switches.polled=true,false")).toEqual(["switches.polled", [true, false]]);
  });

  it("the spec's identity is its content, not where its axes were written", () => {
    const a = parseSpec({ axes: { iodepth: [1, 2] } });
    const b = parseSpec({}, [axisFromFlag("iodepth=1,2")]);
    expect(specJson(b)).toBe(specJson(a));
  });
});

describe("bad specs", () => {
  const cases: [unknown, RegExp][] = [
    [{ axes: { iodepht: [1] } }, /^axes\.iodepht: unknown parameter 'iodepht' \(did you mean .*iodepth\?\)/],
    [{ axes: { iodepth: [] } }, /^axes\.iodepth: an empty axis/],
    [{ axes: { iodepth: [1, "x"] } }, /^axes\.iodepth\[1\]: "x" is not a number, as workload\.iodepth needs/],
    [{ axes: { "switches.polled": [1] } }, /^axes\.switches\.polled\[0\]: 1 is not a boolean/],
    [
      { axes: { "device.preset": ["p3700-2014", "p4800"] } },
      /^axes\.device\.preset\[1\]: "p4800" is not one of .*\(did you mean p4800x\?\)/,
    ],
    [{ axes: { bs: ["4k", "lots"] } }, /^axes\.bs\[1\]: "lots" is not a size/],
    [{ axes: { seed: [1, 2] } }, /^axes\.seed: seed cannot be an axis/],
    [{ axes: { iodepth: [1, 1] } }, /^axes\.iodepth\[1\]: 1 appears twice/],
    [{ axes: {} }, /^axes: no axes/],
    [{ base: [], axes: { iodepth: [1] } }, /^base: must be an object/],
    [{ bse: {}, axes: { iodepth: [1] } }, /^bse: unknown key \(did you mean base\?\)/],
    [{ base: { seed: -1 }, axes: { iodepth: [1] } }, /^base\.seed: -1 is not an integer/],
  ];
  for (const [doc, message] of cases) {
    it(`${JSON.stringify(doc)} -> ${message.source.slice(1, 40)}`, () => {
      expect(() => parseSpec(doc)).toThrow(message);
    });
  }

  it("a value that no point can run is the spec's mistake; an impossible combination is a point's", () => {
    expect(() => checkGrid(spec({ iodepth: [1, 2] }, { workload: { bs: "3k" } }))).toThrow(
      /^base: no point can run: workload\.bs/,
    );
    expect(() => checkGrid(spec({ iodepth: [1, 0] }))).toThrow(
      /^axes\.iodepth\[1\]: 0 fails at every point: workload\.iodepth/,
    );
    const mixed = spec({ ioengine: ["sync", "async"], iodepth: [1, 8] });
    const failures = checkGrid(mixed);
    expect([...failures.keys()]).toEqual([1]); // sync with iodepth 8
    expect(failures.get(1)).toMatch(/ioengine sync/);
  });
});
