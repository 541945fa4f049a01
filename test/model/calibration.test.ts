// Goal: the cost table is derived from the blk-mq profile alone, every step the paths charge has a
// cost with a source, and the committed table and docs are what the calibration produces now.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CALIBRATION_MD, COST_TABLE_JSON, costTableJson, runCalibration } from "../../src/cli/calibrate";
import { calibrate, fitZipf, parseProfileCsv } from "../../src/model/calibration";
import { faultCost } from "../../src/model/fault-cost";
import {
  BOOLEAN_SWITCHES,
  PATH_NAMES,
  pathSteps,
  sleepSteps,
  wakeSteps,
  SWAP_MAJOR_FAULT_STEPS,
  SWAP_PAGE_IN_STEPS,
  SWAP_PAGE_OUT_STEPS,
  SWAP_FAULT_STEPS,
  SWITCHES_OFF,
  TODAY_ONLY_SWITCHES,
  type Switches,
} from "../../src/model/paths";
import { STEPS } from "../../src/model/steps";
import { calibrationDoc } from "../../src/report/calibration-doc";
import { todayCalibrationDoc, todayVariants } from "../../src/report/calibration-today-doc";
import { COMMITTED_FIT } from "../../src/model/cost-table-today";
import { todaySensitivity } from "../../src/run/today-calibration";
import { loadNvmesim } from "../../src/wasm/node";

const { main: c, variants } = await runCalibration(true);
const costs = new Map(c.entries.map((e) => [e.symbol, e]));

describe("calibration", () => {
  it("refuses the rw_page profile", () => {
    const rows = parseProfileCsv(readFileSync("src/model/seed/seed-profile.csv", "utf8"));
    expect(() => calibrate(rows)).toThrow(/blk_mq profile only/);
    expect(rows.filter((r) => r.path === "rw_page").length).toBeGreaterThan(40);
  });

  it("does not change when the rw_page rows change", () => {
    const rows = parseProfileCsv(readFileSync("src/model/seed/seed-profile.csv", "utf8"));
    const blk = rows.filter((r) => r.path === "blk_mq");
    expect(calibrate(blk, { workload: c.workload }).entries).toEqual(c.entries);
  });

  it("keeps every listed blk-mq share and adds up to 100% of the samples", () => {
    expect(costs.get("nvme_alloc_iod")?.seedPercent).toBe(0.49);
    expect(costs.get("page_fault")?.seedPercent).toBe(7.33);
    const total = c.entries.reduce((s, e) => s + e.seedPercent, 0);
    expect(total).toBeCloseTo(100, 1);
  });

  it("fits the listing's tail below the cut-off and above zero", () => {
    const z = fitZipf([8, 4, 2, 1]);
    expect(z.b).toBeCloseTo(-Math.log(8) / Math.log(4), 1);
    expect(c.zipf.at(45)).toBeLessThan(0.42);
    expect(c.zipf.at(45)).toBeGreaterThan(0.1);
  });

  it("prices every step of both paths under every switch, each with a source", () => {
    const today: readonly string[] = TODAY_ONLY_SWITCHES;
    const names = BOOLEAN_SWITCHES.filter((n) => !today.includes(n));
    for (let mask = 0; mask < 1 << names.length; mask++) {
      const sw: Switches = { ...SWITCHES_OFF };
      names.forEach((n, i) => ((sw as unknown as Record<string, boolean>)[n] = (mask & (1 << i)) !== 0));
      for (const path of PATH_NAMES) {
        for (const dir of ["read", "write"] as const) {
          for (const s of Object.values(pathSteps(path, dir, sw)).flat()) {
            expect(costs.get(s)?.source, `${path} ${dir} ${s}`).toBeTruthy();
            expect(costs.get(s)!.ns).toBeGreaterThan(0);
          }
        }
      }
    }
    for (const s of [
      ...SWAP_FAULT_STEPS,
      ...SWAP_MAJOR_FAULT_STEPS,
      ...SWAP_PAGE_IN_STEPS,
      ...SWAP_PAGE_OUT_STEPS,
      ...sleepSteps(true, true),
      ...sleepSteps(false, false),
      ...wakeSteps(true),
    ]) {
      expect(costs.has(s), s).toBe(true);
    }
    for (const e of c.entries) expect(STEPS[e.symbol], e.symbol).toBeDefined();
  });

  it("the committed cost table and docs/calibration.md are current (npm run calibrate)", async () => {
    expect(readFileSync(COST_TABLE_JSON, "utf8")).toBe(costTableJson(c));
    const fit = COMMITTED_FIT;
    const today = todayCalibrationDoc(fit, await todaySensitivity(await loadNvmesim(), fit, todayVariants(fit)));
    expect(readFileSync(CALIBRATION_MD, "utf8")).toBe(calibrationDoc(c, variants) + today);
  });

  it("the blk-mq path costs the anchor per read, and rw_page costs less per fault", () => {
    const blk = faultCost("blk-mq", SWITCHES_OFF, c.entries, c.workload).totalNs;
    const rw = faultCost("rw_page", SWITCHES_OFF, c.entries, c.workload).totalNs;
    expect(blk).toBeCloseTo(c.nsPerFault, 0);
    expect(rw).toBeLessThan(blk);
  });
});
