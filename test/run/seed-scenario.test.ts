// Goal: the seed scenario runs both paths cleanly and its comparison arithmetic is right.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseProfileCsv } from "../../src/model/calibration";
import { runSeedScenario, spearman } from "../../src/run/seed-scenario";
import { SEED_HISTORY } from "../../src/report/seed-history";
import { loadNvmesim } from "../../src/wasm/node";

describe("Spearman's rho", () => {
  it("is 1 for the same order, -1 for the reverse, and handles ties with average ranks", () => {
    expect(spearman([1, 2, 3, 4], [10, 20, 30, 40])).toBeCloseTo(1);
    expect(spearman([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(-1);
    // ranks x = 1, 2.5, 2.5, 4 against y = 1, 2, 3, 4: rho = 0.9487
    expect(spearman([1, 2, 2, 3], [1, 2, 3, 4])).toBeCloseTo(0.9487, 3);
  });
});

const rows = parseProfileCsv(readFileSync("src/model/seed/seed-profile.csv", "utf8"));
let scenario: ReturnType<typeof runSeedScenario> | undefined;
const seed = async () => (scenario ??= runSeedScenario(await loadNvmesim(), rows));

describe("seed-2014", () => {
  it("runs both paths without errors; the device sets the pace; each path lacks the other's functions", async () => {
    const c = await seed();
    for (const r of [c.blkMq, c.rwPage]) {
      expect(r.nvmesim.engineErrors).toBe(0);
      expect(r.nvmesim.integrityErrors).toBe(0);
      expect(r.nvmesim.swap!.swapIns).toBeGreaterThan(100_000);
    }
    expect(Math.abs(c.faultRatio - 1)).toBeLessThan(0.05);
    expect(c.wrongFunctions).toEqual({ rwPageHas: [], blkMqHas: [] });
    expect(c.spearman.rwPage).toBeGreaterThanOrEqual(0.7);
    expect(Math.abs(c.cpuRatio - 0.84)).toBeLessThanOrEqual(0.04);
    // The calibration's fixed point: the simulated blk-mq run, seen as 3.19's perf saw it (doorbells
    // inlined), spends what the seed's blk-mq listing shows.
    const sim = new Map(c.perf.blkMq.map((p) => [p.symbol, p.percent]));
    for (const row of rows.filter((r) => r.path === "blk_mq")) {
      expect(sim.get(row.symbol), row.symbol).toBeCloseTo(row.percent, 1);
    }
  });
});

describe("docs/calibration.md's record of the seed prediction", () => {
  it("ends with the model as it is", async () => {
    const c = await seed();
    const last = SEED_HISTORY[SEED_HISTORY.length - 1];
    expect(c.cpuRatio).toBeCloseTo(last.cpuRatio, 3);
    expect(c.faultRatio).toBeCloseTo(last.faultRatio, 3);
    expect(c.spearman.rwPage).toBeCloseTo(last.spearmanRwPage, 3);
    expect(c.spearman.common.rwPage).toBe(last.common);
  });
});
