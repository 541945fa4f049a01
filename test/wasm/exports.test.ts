// Goal: the TypeScript view of the module (src/wasm/exports.ts) matches what the build exports.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { WASM_PATH } from "../../src/wasm/build";
import { JOB_STATS_FIELDS, SIM_CONFIG_FIELDS, SIM_STATS_FIELDS } from "../../src/wasm/engine";
import { CONSTANT_NAMES } from "../../src/wasm/exports";
import { loadNvmesim } from "../../src/wasm/node";

const module = new WebAssembly.Module(readFileSync(WASM_PATH));
const exported = WebAssembly.Module.exports(module);

describe("module exports", () => {
  it("exports every constant TypeScript reads, and no others", () => {
    const globals = exported
      .filter(
        (e) =>
          e.kind === "global" && !/^(SIMCFG|SIMSTAT|JOBSTAT|THRJOB|SPLITREC|TRACEREC|ZONEREC|LOGREC)_/.test(e.name),
      )
      .map((e) => e.name);
    expect([...globals].sort()).toEqual([...CONSTANT_NAMES].sort());
  });

  it("the engine's config, stats and job stats fields are the ones TypeScript writes and reads", () => {
    const names = (prefix: string) =>
      exported
        .filter((e) => e.kind === "global" && e.name.startsWith(prefix) && e.name !== `${prefix}BYTES`)
        .map((e) => e.name)
        .sort();
    const snake = (n: string) => n.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toUpperCase();
    expect(names("SIMCFG_")).toEqual(
      Object.keys(SIM_CONFIG_FIELDS)
        .map((f) => `SIMCFG_${snake(f)}`)
        .sort(),
    );
    expect(names("SIMSTAT_")).toEqual(
      Object.keys(SIM_STATS_FIELDS)
        .map((f) => `SIMSTAT_${snake(f)}`)
        .sort(),
    );
    expect(names("JOBSTAT_")).toEqual(
      Object.keys(JOB_STATS_FIELDS)
        .map((f) => `JOBSTAT_${snake(f)}`)
        .sort(),
    );
  });

  it("needs no imports (no JS callbacks on any path)", () => {
    expect(WebAssembly.Module.imports(module)).toEqual([]);
  });

  it("spec sizes are the wire sizes", async () => {
    const m = await loadNvmesim();
    expect(m.constant("NVME_SQE_BYTES")).toBe(64);
    expect(m.constant("NVME_CQE_BYTES")).toBe(16);
    expect(m.constant("NVME_SGL_DESC_BYTES")).toBe(16);
    expect([m.constant("NVME_SQE_PRP1"), m.constant("NVME_SQE_PRP2"), m.constant("NVME_SQE_CDW10")]).toEqual([
      24, 32, 40,
    ]);
    expect([m.constant("NVME_CQE_SQHD"), m.constant("NVME_CQE_CID"), m.constant("NVME_CQE_STATUS")]).toEqual([
      8, 12, 14,
    ]);
  });
});
