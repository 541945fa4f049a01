// Goal: bad configurations fail before anything runs, with one message naming the field, the value
// and what is allowed (and the nearest valid name for a typo).
import { describe, expect, it } from "vitest";
import { ConfigError, DEFAULT_CONFIG, nearest, parseSize, validateConfig } from "../../src/model/config";

describe("config validation", () => {
  it("fills defaults", () => {
    expect(validateConfig({})).toEqual(DEFAULT_CONFIG);
    expect(validateConfig({ workload: { hipri: true } }).switches.polled).toBe(true);
  });

  const bad: [unknown, RegExp][] = [
    [{ workload: { iodeph: 3 } }, /^workload\.iodeph: unknown key \(did you mean workload\.iodepth\?\)/],
    [{ pth: "rw_page" }, /^pth: unknown key \(did you mean path\?\)/],
    [{ path: "rwpage" }, /^path: "rwpage" is not one of blk-mq, rw_page \(did you mean rw_page\?\)/],
    [{ device: { preset: "p3800" } }, /^device\.preset: "p3800" is not one of .*did you mean p4800x/],
    [{ cpus: 0 }, /^cpus: 0 is not an integer in 1\.\.4096/],
    [{ cpus: "4" }, /^cpus: "4" is not an integer/],
    [{ qDepth: 70000 }, /^qDepth: 70000 is not an integer in 2\.\.65536/],
    [{ workload: { bs: "6k" } }, /^workload\.bs: 6144 is not 512, 1024, 2048 or a multiple of 4096/],
    [{ workload: { bs: "4x" } }, /^workload\.bs: "4x" is not a size/],
    [{ workload: { rw: "randomread" } }, /^workload\.rw: "randomread" is not one of .*did you mean randread/],
    [{ workload: { ioengine: "sync", iodepth: 4 } }, /^workload\.iodepth: 4 with ioengine sync/],
    [
      { qDepth: 64, workload: { iodepth: 64, numjobs: 4 } },
      /^workload\.iodepth: 64 x 1 jobs on a CPU is more than a 64-entry queue/,
    ],
    [{ workload: { number_ios: 0 } }, /^workload\.number_ios: 0 with runtime 0/],
    [
      { switches: { batchDorbell: true } },
      /^switches\.batchDorbell: unknown key \(did you mean switches\.batchDoorbell\?\)/,
    ],
    [{ switches: { polled: "yes" } }, /^switches\.polled: "yes" is not true or false/],
    [{ switches: { irqCoalesceThreshold: 4 } }, /^switches\.irqCoalesceTimeNs: 0 with a coalescing threshold/],
    [{ seed: -1 }, /^seed: -1 is not an integer in 0\.\.2\^64-1/],
    [[], /^config: \[\] is not an object/],
  ];
  for (const [input, message] of bad) {
    it(`rejects ${JSON.stringify(input)}`, () => {
      expect(() => validateConfig(input)).toThrow(ConfigError);
      expect(() => validateConfig(input)).toThrow(message);
    });
  }

  it("reads fio sizes", () => {
    expect([parseSize("x", "4k"), parseSize("x", "128K"), parseSize("x", "1g"), parseSize("x", 512)]).toEqual([
      4096,
      131072,
      1 << 30,
      512,
    ]);
  });

  it("suggests only close names", () => {
    expect(nearest("iodeph", ["iodepth", "numjobs"])).toBe("iodepth");
    expect(nearest("zzzzzz", ["iodepth", "numjobs"])).toBeUndefined();
  });
});
