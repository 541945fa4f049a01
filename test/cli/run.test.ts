// Goal: `nvmesim run` (what `npm start` runs) simulates deterministically and reports what it did.
import { describe, expect, it } from "vitest";
import { runCli } from "./run-cli";

describe("nvmesim run", () => {
  it("prints the same JSON for the same seed, different for another", async () => {
    const a = await runCli("run", "--ios", "20000", "--seed", "5", "--json");
    const b = await runCli("run", "--ios", "20000", "--seed", "5", "--json");
    const c = await runCli("run", "--ios", "20000", "--seed", "6", "--json");
    expect(a.code, a.stderr).toBe(0);
    expect(b.stdout).toBe(a.stdout);
    expect(c.stdout).not.toBe(a.stdout);
    const doc = JSON.parse(a.stdout);
    expect(doc.result).toMatchObject({ ios: 20000, errors: 0 });
    // 32 in flight, latency uniform in [2, 10) us: about 32 / 6 us = 5.3 M IOPS of simulated time.
    expect(doc.result.iops).toBeGreaterThan(4.8e6);
    expect(doc.result.iops).toBeLessThan(5.8e6);
  });

  it("summarises for people", async () => {
    const out = await runCli("run", "--ios", "1000", "--bs", "131072");
    expect(out.stdout).toMatch(/1000 reads of 131072 B at iodepth 32/);
    expect(out.stdout).toMatch(/errors\s+0/);
  });

  it("rejects a block size that is not a multiple of 512", async () => {
    const out = await runCli("run", "--bs", "1000");
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/--bs '1000': must be a multiple of 512/);
  });
});
