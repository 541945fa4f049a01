// Goal: --fio-json lays out one fio JSON file per point as fio-plot reads them, unique per point.
import { describe, expect, it } from "vitest";
import type { PointRecord } from "../../src/sweep/log";
import { fioFileName } from "../../src/sweep/outputs";
import { parseSpec } from "../../src/sweep/spec";

const record = (values: PointRecord["values"], workload: Record<string, unknown>, point = 7): PointRecord => ({
  point,
  values,
  seed: "1",
  result: { nvmesim: { config: { workload } } },
});

describe("fio JSON file names", () => {
  it("puts the other axes in the directory and rw, iodepth and numjobs in the name", () => {
    const fio = { kind: "fio", rw: "randread", bs: 4096, iodepth: 32, numjobs: 4 };
    const spec = parseSpec({ axes: { path: ["rw_page"], "device.preset": ["p4800x"], iodepth: [32] } });
    expect(fioFileName(spec, record({ path: "rw_page", "device.preset": "p4800x", iodepth: 32 }, fio))).toBe(
      "path=rw_page,device.preset=p4800x/4k/randread-32-4.json",
    );
    const full = parseSpec({ axes: { "workload.iodepth": [32] } });
    expect(fioFileName(full, record({ "workload.iodepth": 32 }, { ...fio, bs: 131072 }))).toBe(
      "all/128k/randread-32-4.json",
    );
    const polled = parseSpec({ axes: { "switches.polled": [true] } });
    expect(fioFileName(polled, record({ "switches.polled": true }, fio))).toBe(
      "switches.polled=true/4k/randread-32-4.json",
    );
  });

  it("numbers swap points, which have no fio job", () => {
    expect(
      fioFileName(parseSpec({ axes: { pageCluster: [3] } }), record({ pageCluster: 3 }, { kind: "swap" }, 12)),
    ).toBe("point-000012.json");
  });
});
