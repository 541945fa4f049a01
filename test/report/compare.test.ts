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
  });
});
