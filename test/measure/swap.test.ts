// Goal: `nvmesim measure swap` runs the seed's experiment on this machine and leaves it as it found it: it
// refuses (exit 2, saying what is missing) before creating anything, and after a run, or a run that fails
// midway, no swap area, zram device, cgroup or temporary file of its own is left. Where the machine does not
// allow it (root, zram, a v1 memory cgroup, cc), the real runs are skipped and say why.
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { measureSwap } from "../../src/measure/swap";
import { MeasureRefused, REAL_SYSTEM, type System } from "../../src/measure/system";
import { ROOT } from "../../src/wasm/build";
import { spawnCli } from "../cli/run-cli";
import { canSwap, leftovers, whyNoSwap, alone } from "./machine";

const options = {
  seconds: 1,
  memoryBytes: 32 << 20,
  workingSetBytes: 96 << 20,
  pattern: "sequential" as const,
  perf: false,
};

describe("measure swap refuses first", () => {
  it("without root, or with a working set that fits in memory, naming why", async () => {
    const notRoot: System = { ...REAL_SYSTEM, isRoot: () => false };
    await expect(measureSwap(options, notRoot)).rejects.toThrow(MeasureRefused);
    await expect(measureSwap(options, notRoot)).rejects.toThrow(/needs root/);
    const root: System = { ...REAL_SYSTEM, isRoot: () => true, has: () => true };
    const fits = { ...options, workingSetBytes: options.memoryBytes };
    if (existsSync("/sys/fs/cgroup/memory") && existsSync("/sys/class/zram-control"))
      await expect(measureSwap(fits, root)).rejects.toThrow(/--working-set must be more than --memory/);
    const r = spawnCli("measure", "swap", "--pattern", "zigzag");
    expect([r.code, r.stderr.trim()]).toEqual([
      2,
      "nvmesim measure: invalid --pattern 'zigzag' (allowed: sequential, random)",
    ]);
  });
});

describe("on this machine", () => {
  it.skipIf(!canSwap)(
    `swaps for real, then leaves nothing behind${whyNoSwap}`,
    () =>
      alone(async () => {
        const before = leftovers();
        const r = spawnCli("measure", "swap", "--seconds", "2", "--memory", "32m", "--working-set", "96m", "--json");
        expect(r.code, r.stderr).toBe(0);
        const result = JSON.parse(r.stdout);
        expect(result.swapIns).toBeGreaterThan(0);
        expect(result.majorFaults).toBeGreaterThan(0);
        expect(result.machine.kernel).toMatch(/^\d+\.\d+/);
        expect(leftovers()).toBe(before);
      }),
    120_000,
  );

  it.skipIf(!canSwap)(
    `a run that fails midway leaves nothing behind either${whyNoSwap}`,
    () =>
      alone(async () => {
        const before = leftovers();
        // The machine as it is, but one step fails: after the zram device is added (mkswap), or once swap is on
        // and the cgroup made (the program itself, run through setpriv and the shell that joins the cgroup).
        // Whatever was created by then must go.
        for (const failing of ["mkswap", "toucher"]) {
          const sys: System = {
            ...REAL_SYSTEM,
            run: (program, args) =>
              program === failing || (program !== "cc" && args.some((a) => a.endsWith(`/${failing}`)))
                ? Promise.resolve({ status: 1, stdout: "", stderr: `${failing}: simulated failure` })
                : REAL_SYSTEM.run(program, args),
          };
          await expect(measureSwap(options, sys), failing).rejects.toThrow(/simulated failure/);
          expect(leftovers(), `after ${failing} failed`).toBe(before);
        }
      }),
    120_000,
  );

  it.skipIf(!canSwap)(
    `Ctrl-C midway stops the program and leaves nothing behind${whyNoSwap}`,
    () =>
      alone(async () => {
        const before = leftovers();
        const child = spawn(process.execPath, [join(ROOT, "src/cli/bin.js"), "measure", "swap", "--seconds", "60"], {
          stdio: ["ignore", "pipe", "pipe"],
        });
        let stderr = "";
        child.stderr.on("data", (d) => (stderr += d));
        const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
        const zramSwaps = () => (readFileSync("/proc/swaps", "utf8").match(/zram/g) ?? []).length;
        const swapsBefore = zramSwaps();
        const deadline = Date.now() + 30_000;
        while (zramSwaps() === swapsBefore && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
        expect(zramSwaps()).toBe(swapsBefore + 1); // its own zram device is swapping now
        child.kill("SIGINT");
        expect(await exited).toBe(130);
        expect(stderr).toMatch(/SIGINT: stopping and removing what this run created\n$/);
        expect(leftovers()).toBe(before);
      }),
    120_000,
  );
});
