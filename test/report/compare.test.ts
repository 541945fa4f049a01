// Goal: compare puts two results side by side, a simulation beside a measurement as well as two simulations:
// the metrics with their ratio, the profile by layer and by function, and the functions one side has alone.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { validateConfig } from "../../src/model/config";
import { measuredFromFiles } from "../../src/measure/measure";
import { compareResults, comparisonText, type Comparable } from "../../src/report/compare";
import { simulate } from "../../src/run/simulate";
import { ROOT } from "../../src/wasm/build";
import { loadNvmesim } from "../../src/wasm/node";
import { runCli } from "../cli/run-cli";

const config = { cpus: 1, workload: { number_ios: 20000, numjobs: 1, size: "16m" } };

describe("compare", async () => {
  const m = await loadNvmesim();
  const blkmq = (await simulate(m, config)) as unknown as Comparable;
  const rwpage = (await simulate(m, { ...config, path: "rw_page" })) as unknown as Comparable;

  it("two simulations: the ratio of each metric, and the functions only one path runs", () => {
    const c = compareResults(blkmq, rwpage);
    expect(c.labels).toEqual(["blk-mq on p3700-2014", "rw_page on p3700-2014"]);
    const cpu = c.metrics.find((r) => r.what === "CPU ns per I/O")!;
    expect(cpu.ratio).toBeCloseTo(cpu.b! / cpu.a!, 10);
    expect(cpu.ratio).toBeLessThan(1); // rw_page costs less CPU per I/O
    expect(c.onlyA).toEqual(expect.arrayContaining(["nvme_alloc_iod", "sg_init_table"]));
    expect(c.onlyB).toContain("nvme_rw_page");
    expect(comparisonText(c)).toMatch(/^A: blk-mq on p3700-2014\nB: rw_page on p3700-2014\n/);
  });

  it("a simulation beside a measurement recorded on this machine, from the command line", async () => {
    const fixtures = join(ROOT, "test/fixtures/perf");
    const fio = JSON.parse(readFileSync(join(fixtures, "loop-randread-6.18.fio.json"), "utf8"));
    const section = measuredFromFiles(
      validateConfig(config),
      join(fixtures, "loop-randread-6.18.fio.json"),
      join(fixtures, "loop-randread-6.18.txt"),
    );
    const dir = mkdtempSync(join(tmpdir(), "nvmesim-compare-"));
    writeFileSync(join(dir, "sim.json"), JSON.stringify(blkmq));
    writeFileSync(
      join(dir, "measured.json"),
      JSON.stringify({ ...fio, nvmesim: { ...section, machine: { ...section.machine, kernel: "6.18" } } }),
    );
    const r = await runCli("compare", join(dir, "sim.json"), join(dir, "measured.json"), "--top", "5");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^A: blk-mq on p3700-2014\nB: measured \(Linux 6\.18\)\n/);
    expect(r.stdout).toMatch(/\nread IOPS +\d+\.\d +\d+\.\d +\d\.\d\d\n/);
    expect(r.stdout).toMatch(/\nonly in B \(>= 0\.5%\): pv_native_safe_halt/);
    const bad = await runCli("compare", join(dir, "sim.json"), join(fixtures, "swap-config.json"));
    expect([bad.code, bad.stderr]).toEqual([2, expect.stringMatching(/not an nvmesim result/)]);
    writeFileSync(join(dir, "null.json"), "null");
    const none = await runCli("compare", join(dir, "sim.json"), join(dir, "null.json"));
    expect([none.code, none.stderr]).toEqual([2, expect.stringMatching(/null\.json: not an nvmesim result/)]);
    writeFileSync(join(dir, "four.json"), JSON.stringify({ ...blkmq, jobs: [0, 1, 2, 3].map(() => blkmq.jobs[0]) }));
    const four = await runCli("compare", join(dir, "sim.json"), join(dir, "four.json"));
    expect([four.code, four.stderr.trim()]).toEqual([
      2,
      `nvmesim compare: ${join(dir, "four.json")}: 4 job entries; compare reads one group (run --json, or --fio-json --group-reporting)`,
    ]);
  });

  it("a measurement without a profile has no share of anything, and one that lists only some functions says so", () => {
    const bare = { ...blkmq, nvmesim: { ...blkmq.nvmesim, profile: [], layers: [], machine: { kernel: "6.18" } } };
    const c = compareResults(blkmq, bare);
    expect(c.layers.every((l) => l.b === null && l.a !== null)).toBe(true);
    expect(c.functions.every((f) => f.b === null)).toBe(true);
    expect(c.onlyA).toEqual([]); // nothing is "only in A" when B could not have listed it
    expect(comparisonText(c)).toMatch(/\nblock +\d+\.\d\d +- +- *\n/);
    // B lists only functions with 200 samples or more of 40,000: 0.5% and up.
    const listed = {
      ...blkmq,
      nvmesim: {
        ...blkmq.nvmesim,
        profile: blkmq.nvmesim.profile.filter((p) => p.percent >= 0.5),
        machine: {
          kernel: "6.18",
          profileScope: { samplesMeasured: 40_000, minListedSamples: 200, unlisted: { percent: 12.3 } },
        },
      },
    };
    const d = compareResults(rwpage, listed);
    expect(d.listing).toEqual([
      null,
      "functions with 200 samples or more (0.50% and up); 12.3% of its samples are in functions below that, shown as 0",
    ]);
    expect(comparisonText(d)).toContain("\nB lists functions with 200 samples or more (0.50% and up)");
  });
});
