// Goal: fio's verify catches data the host never wrote, on the path that spares a read of a never-written
// page its lookups (the host-written and namespace bitmaps), and reports nothing when the data is right.
import { describe, expect, it } from "vitest";
import { validateConfig } from "../../src/model/config";
import { engineConfig, runSteps } from "../../src/run/simulate";
import { readSimStats, writeSimConfig } from "../../src/wasm/engine";
import { loadNvmesim } from "../../src/wasm/node";

const m = await loadNvmesim();

// A read-only run over 64 pages; `stray` pages get a tag in the namespace before it starts.
function readRun(rw: string, stray: number[]) {
  const config = validateConfig({
    cpus: 2,
    workload: { rw, bs: 4096, size: 64 * 4096, iodepth: 4, numjobs: 2, number_ios: 4000, verify: true },
  });
  const ptr = m.exports.scratchPtr();
  writeSimConfig(m, ptr, { ...engineConfig(config, runSteps(config)), jobHistograms: 0 });
  expect(m.exports.engineInit(ptr, 0)).toBe(0);
  for (const page of stray) m.exports.namespacePreload(page, 0x1234_5671);
  while (!m.exports.engineDone()) m.exports.engineRun(10_000);
  return readSimStats(m);
}

describe("verify", () => {
  it("counts every read of a page whose data nobody wrote, and nothing on clean pages", () => {
    const clean = readRun("randread", []);
    expect(clean.completed).toBe(4000);
    expect(clean.integrityErrors).toBe(0);
    // Sequential reads over 64 pages: 4000 reads visit each page 62 or 63 times.
    const dirty = readRun("read", [5, 40]);
    expect(dirty.engineErrors).toBe(0);
    expect(dirty.integrityErrors).toBeGreaterThanOrEqual(2 * 62);
    expect(dirty.integrityErrors).toBeLessThanOrEqual(2 * 63);
  });

  it("finds nothing wrong with pages the run wrote and read back", () => {
    const mixed = readRun("randrw", []);
    expect(mixed.integrityErrors).toBe(0);
  });
});
