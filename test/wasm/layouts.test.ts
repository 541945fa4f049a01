// Goal: the engine's config and stats layouts have one declaration (the AssemblyScript classes SimConfig and
// SimStats): the committed generated files are exactly what the generator writes from them, and the offsets
// the built module exports fit the field types TypeScript reads and writes with.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ROOT } from "../../src/wasm/build";
import { layoutOffset, SIM_CONFIG_FIELDS, SIM_STATS_FIELDS } from "../../src/wasm/engine";
import { classFields, layoutFiles } from "../../src/wasm/layout-gen";
import { loadNvmesim } from "../../src/wasm/node";

describe("the engine's layouts", () => {
  it("are generated from SimConfig and SimStats, and the committed files are current", () => {
    for (const f of layoutFiles(ROOT)) expect(readFileSync(f.path, "utf8"), f.path).toBe(f.text);
  });

  it("follow a change to the class alone", () => {
    const source = readFileSync(`${ROOT}/assembly/sim/config.ts`, "utf8");
    const changed = source.replace("  cpus: u32;", "  cpus: u32;\n  extraField: u64;");
    const fields = classFields(changed, "SimConfig", "config.ts").map(([f]) => f);
    expect(fields.slice(fields.indexOf("cpus"), fields.indexOf("cpus") + 2)).toEqual(["cpus", "extraField"]);
    expect(() => classFields(source.replace("  cpus: u32;", "  cpus: u16;"), "SimConfig", "config.ts")).toThrow(
      /SimConfig.cpus is u16/,
    );
  });

  it("export offsets that leave each field room for its type, in declaration order", async () => {
    const m = await loadNvmesim();
    const bytes = { u64: 8, u32: 4, f64: 8 } as const;
    for (const [prefix, table] of [
      ["SIMCFG", SIM_CONFIG_FIELDS],
      ["SIMSTAT", SIM_STATS_FIELDS],
    ] as const) {
      const entries = Object.entries(table) as [string, keyof typeof bytes][];
      const offsets = entries.map(([f]) => layoutOffset(m, prefix, f));
      entries.forEach(([f, type], i) => {
        expect(offsets[i] % bytes[type], `${prefix} ${f}`).toBe(0);
        if (i + 1 < entries.length)
          expect(offsets[i + 1] - offsets[i], `${prefix} ${f}`).toBeGreaterThanOrEqual(bytes[type]);
      });
    }
  });
});
