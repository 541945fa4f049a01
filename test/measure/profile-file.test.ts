// Goal: `nvmesim calibrate --profile` fits the cost table to any profile with the seed's method: given the
// seed's own CSV it reproduces the committed table byte for byte; a perf report recorded on this machine is
// read as kernel work only; the fitted table then drives `nvmesim run --cost-table`, with the seed scenario
// too. A table with a cost that is not a number is never written and never read; rows at 0% are left out.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { profileRows, ProfileFileError } from "../../src/measure/profile-file";
import { ROOT } from "../../src/wasm/build";
import { runCli, spawnCli } from "../cli/run-cli";
import { alone, canSwap, whyNoSwap } from "./machine";

const dir = mkdtempSync(join(tmpdir(), "nvmesim-profile-"));

describe("a profile from a file", () => {
  it("reads a perf report as the kernel's own work (idle and user space out, shares of the rest)", () => {
    const rows = profileRows(readFileSync(join(ROOT, "test/fixtures/perf/loop-randread-6.18.txt"), "utf8"));
    expect(rows.find((r) => r.symbol === "pv_native_safe_halt")).toBeUndefined();
    expect(rows.find((r) => r.symbol === "__vdso_clock_gettime")).toBeUndefined();
    expect(rows.reduce((s, r) => s + r.percent, 0)).toBeCloseTo(100, 1);
    expect(() => profileRows("{}")).toThrow(ProfileFileError);
  });

  it("calibrates from the seed's CSV to the committed table, and a fitted table drives run", async () => {
    const out = join(dir, "seed-table.json");
    const r = await runCli("calibrate", "--profile", join(ROOT, "src/model/seed/seed-profile.csv"), "--out", out);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(out, "utf8")).toBe(readFileSync(join(ROOT, "src/model/cost-table.json"), "utf8"));

    const fitted = join(dir, "loop-table.json");
    const fit = await runCli(
      "calibrate",
      "--profile",
      join(ROOT, "test/fixtures/perf/loop-randread-6.18.txt"),
      "--out",
      fitted,
    );
    expect(fit.code, fit.stderr).toBe(0);
    expect(fit.stderr).toMatch(/of them named in .*loop-randread-6\.18\.txt/);
    const base = await runCli("run", "--number-ios", "20000", "--json");
    const other = await runCli("run", "--number-ios", "20000", "--json", "--cost-table", fitted);
    expect(other.code, other.stderr).toBe(0);
    expect(JSON.parse(other.stdout).nvmesim.cpuNsPerIo).not.toBe(JSON.parse(base.stdout).nvmesim.cpuNsPerIo);
    const missing = await runCli("calibrate", "--profile", join(ROOT, "src/model/seed/seed-profile.csv"));
    expect([missing.code, missing.stderr.trim()]).toEqual([2, expect.stringMatching(/--profile needs --out FILE/)]);
  }, 120_000);
});

describe("a cost table is never broken", () => {
  const seedRows = readFileSync(join(ROOT, "src/model/seed/seed-profile.csv"), "utf8")
    .trim()
    .split("\n")
    .slice(1)
    .map((l) => l.split(","))
    .filter((f) => f[0] === "blk_mq")
    .map(([, symbol, , percent]) => ({ symbol, layer: "block", percent: Number(percent) }));

  it("rows at 0% (as an old measure swap --perf --json wrote) are left out, not taken into the tail fit", async () => {
    const withZeros = join(dir, "with-zeros.json");
    const without = join(dir, "without.json");
    const zeros = [0, 0, 0].map((percent, i) => ({ symbol: `never_sampled_${i}`, layer: "mm", percent }));
    writeFileSync(withZeros, JSON.stringify({ profile: [...seedRows, ...zeros] }));
    writeFileSync(without, JSON.stringify({ profile: seedRows }));
    const a = await runCli("calibrate", "--profile", withZeros, "--out", join(dir, "a.json"));
    const b = await runCli("calibrate", "--profile", without, "--out", join(dir, "b.json"));
    expect([a.code, b.code], a.stderr).toEqual([0, 0]);
    expect(a.stderr).not.toMatch(/NaN/);
    const table = JSON.parse(readFileSync(join(dir, "a.json"), "utf8")) as { entries: { ns: number }[] };
    expect(table.entries.every((e) => Number.isFinite(e.ns) && e.ns >= 0)).toBe(true);
    expect(readFileSync(join(dir, "a.json"), "utf8")).toBe(readFileSync(join(dir, "b.json"), "utf8"));
  }, 60_000);

  it("a profile no table can be fitted to is refused, and nothing is written", async () => {
    const one = join(dir, "one-row.json");
    writeFileSync(one, JSON.stringify({ profile: [{ symbol: "do_swap_page", layer: "mm", percent: 12 }] }));
    const out = join(dir, "never.json");
    const r = await runCli("calibrate", "--profile", one, "--out", out);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(
      /no cost table can be fitted to this profile: the tail fit needs two or more shares above 0% \(got 100\)$/,
    );
    expect(existsSync(out)).toBe(false);
  });

  it("run --cost-table refuses a table with a non-finite or missing cost, naming the step", async () => {
    const committed = JSON.parse(readFileSync(join(ROOT, "src/model/cost-table.json"), "utf8"));
    const broken = join(dir, "broken.json");
    writeFileSync(
      broken,
      JSON.stringify({ ...committed, entries: committed.entries.map((e: object) => ({ ...e, ns: null })) }),
    );
    const r = await runCli("run", "--number-ios", "1000", "--cost-table", broken);
    expect([r.code, r.stderr.trim()]).toEqual([
      2,
      `nvmesim run: --cost-table '${broken}': step ${committed.entries[0].symbol} costs null ns (allowed: a finite number, 0 or more)`,
    ]);
    const short = join(dir, "short.json");
    writeFileSync(short, JSON.stringify({ ...committed, entries: committed.entries.slice(1) }));
    const s = await runCli("run", "--number-ios", "1000", "--cost-table", short);
    expect(s.stderr).toMatch(new RegExp(`step ${committed.entries[0].symbol.replace(/[[\]]/g, "\\$&")} has no entry`));
  });

  it("--cost-table works with --scenario seed-2014 (the committed table gives the committed answer)", async () => {
    const copy = join(dir, "committed-copy.json");
    writeFileSync(copy, readFileSync(join(ROOT, "src/model/cost-table.json"), "utf8"));
    const plain = await runCli("run", "--scenario", "seed-2014", "--json");
    const withTable = await runCli("run", "--scenario", "seed-2014", "--json", "--cost-table", copy);
    expect(withTable.code, withTable.stderr).toBe(0);
    expect(withTable.stdout).toBe(plain.stdout);
  }, 120_000);

  it.skipIf(!canSwap)(
    `measure swap --perf --json fits a table whose every cost is a number${whyNoSwap}`,
    () =>
      alone(async () => {
        const r = spawnCli(
          "measure",
          "swap",
          "--seconds",
          "2",
          "--memory",
          "32m",
          "--working-set",
          "96m",
          "--perf",
          "--json",
        );
        expect(r.code, r.stderr).toBe(0);
        const measured = join(dir, "swap.json");
        writeFileSync(measured, r.stdout);
        const out = join(dir, "swap-table.json");
        const fit = await runCli("calibrate", "--profile", measured, "--out", out);
        expect(fit.code, fit.stderr).toBe(0);
        expect(fit.stderr).toMatch(/; \d+ ns of CPU per fault\n$/);
        const table = JSON.parse(readFileSync(out, "utf8")) as { entries: { ns: number }[] };
        expect(table.entries.every((e) => Number.isFinite(e.ns) && e.ns >= 0)).toBe(true);
      }),
    120_000,
  );
});
