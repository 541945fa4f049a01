// Goal: `nvmesim bench --cases instructions` counts, under the real valgrind, the instructions the kernel loop
// executes per I/O in nvmesim's module and in clang's build of the same C, and a case's work runs alone through
// `bench --count`. Only counts are checked, never times.
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import {
  benchInstructions,
  collectedEvents,
  INSTRUCTION_CASES,
  instructionsTable,
  instructionsUnavailable,
} from "../../src/cli/bench-instructions";
import type { Io } from "../../src/cli/io";
import { runCli } from "./run-cli";

const quiet: Io = { stdout: () => {}, stderr: () => {}, isTTY: false };

describe("bench instructions", () => {
  it("reads the counts from callgrind's closing lines", () => {
    const plain =
      "==4242== Events    : Ir\n==4242== Collected : 2772819436\n==4242==\n==4242== I   refs:      2,772,819,436\n";
    expect(collectedEvents(plain)).toEqual({ Ir: 2772819436 });
    const cache =
      "==21406== Events    : Ir Dr Dw I1mr D1mr D1mw ILmr DLmr DLmw\n" +
      "==21406== Collected : 4196974760 1168179958 592300584 24847303 31131834 8235546 103333 200095 938638\n";
    expect(collectedEvents(cache)).toMatchObject({ Ir: 4196974760, D1mr: 31131834, D1mw: 8235546, DLmw: 938638 });
    expect(collectedEvents("==4242== Memcheck, a memory error detector\n")).toBeUndefined();
    expect(collectedEvents("==1== Events    : Ir D1mr\n==1== Collected : 12\n")).toBeUndefined();
  });

  it("runs one case's work quietly with --count, and names the allowed cases for another", async () => {
    for (const [name, ios] of [
      ["kernel-4k-wasm", "2000"],
      ["sim-blk-mq-4k", "2000"],
      ["sim-rw_page-4k-queue", "200000"], // a recorded run and one replay of it
      ["cpus-256", "2000"],
    ]) {
      const ok = await runCli("bench", "--count", name, "--ios", ios);
      expect([name, ok.code, ok.stdout, ok.stderr]).toEqual([name, 0, "", ""]);
    }
    const bad = await runCli("bench", "--count", "cpus-3", "--ios", "2000");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(`invalid --count 'cpus-3' (allowed: ${INSTRUCTION_CASES.join(", ")})`);
  });

  // .ci/run installs valgrind and clang; elsewhere the case says why it cannot run.
  const why = instructionsUnavailable();
  it.skipIf(why !== undefined)(
    "counts the 4 KiB kernel loop, nvmesim's and clang's, and a cpus case's cache misses",
    async () => {
      expect(spawnSync("valgrind", ["--version"]).status).toBe(0);
      const cases = ["kernel-4k-wasm", "kernel-4k-c-wasm"];
      const [wasm, clang] = await benchInstructions(quiet, cases, 200_000);
      // Both loops do the same NVMe work per I/O in some hundreds of instructions; nvmesim's checks cost more. Over
      // 200,000 I/Os a process's own noise (some millions of instructions) moves a count by up to a fifth.
      for (const r of [wasm, clang]) expect(r.instructionsPerIo).toBeGreaterThan(200);
      for (const r of [wasm, clang]) expect(r.instructionsPerIo).toBeLessThan(3000);
      expect(wasm.ratio).toBeCloseTo(wasm.instructionsPerIo / clang.instructionsPerIo, 10);
      expect(wasm.ratio!).toBeGreaterThan(0.8);
      expect(wasm.ratio!).toBeLessThan(2);
      expect(clang.ratio).toBeUndefined();
      expect(instructionsTable([wasm, clang])).toMatch(/kernel-4k-wasm +\d+ +\d\.\d\dx clang's Wasm\n/);
      // A cpus case runs with the cache simulation: its first-level data cache misses per I/O beside the count.
      const [cpus] = await benchInstructions(quiet, ["cpus-1"], 100_000);
      expect(cpus.instructionsPerIo).toBeGreaterThan(1000);
      expect(cpus.instructionsPerIo).toBeLessThan(10_000);
      expect(cpus.d1MissesPerIo).toBeGreaterThan(0);
      expect(cpus.d1MissesPerIo!).toBeLessThan(200);
      expect(wasm.d1MissesPerIo).toBeUndefined();
      expect(instructionsTable([cpus])).toMatch(/cpus-1 +\d+ +\d+\.\d\n/);
    },
    600_000,
  );
});
