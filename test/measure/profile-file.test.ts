// Goal: `nvmesim calibrate --profile` fits the cost table to any profile with the seed's method: given the
// seed's own CSV it reproduces the committed table byte for byte; a perf report recorded on this machine is
// read as kernel work only; the fitted table then drives `nvmesim run --cost-table`.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { profileRows, ProfileFileError } from "../../src/measure/profile-file";
import { ROOT } from "../../src/wasm/build";
import { runCli } from "../cli/run-cli";

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
