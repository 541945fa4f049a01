// Goal: every published figure is either an input of the model or a validation target, never both, and each
// names a source that docs/references.md has.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SCALE_ANCHOR } from "../../src/model/calibration";
import { CPUS } from "../../src/model/cpus";
import { TODAY_TABLE_USES } from "../../src/model/cost-table-today";
import { FIGURES, type FigureId } from "../../src/model/figures";
import { PRESETS } from "../../src/model/presets";
import { VALIDATION_CASES } from "../../src/run/validation";

const REFERENCES = readFileSync(join(import.meta.dirname, "../../docs/references.md"), "utf8");

describe("published figures", () => {
  const inputs = new Map<FigureId, string>();
  for (const p of Object.values(PRESETS)) for (const id of p.uses) inputs.set(id, `preset ${p.name}`);
  for (const c of Object.values(CPUS)) for (const id of c.uses) inputs.set(id, `host CPU ${c.name}`);
  inputs.set(SCALE_ANCHOR.figure, "the calibration's scale");
  for (const id of TODAY_TABLE_USES) inputs.set(id, "today's cost table");

  it("each names a source docs/references.md has", () => {
    for (const [id, f] of Object.entries(FIGURES)) expect(REFERENCES, id).toContain(`**[${f.ref}]**`);
  });

  it("no validation figure sets the model", () => {
    for (const c of VALIDATION_CASES)
      expect(inputs.get(c.figure), `${c.name} compares with ${c.figure}`).toBeUndefined();
    expect(new Set(VALIDATION_CASES.map((c) => c.figure)).size).toBe(VALIDATION_CASES.length);
  });

  it("a preset that uses a figure cites its source", () => {
    for (const p of Object.values(PRESETS)) {
      const cited = Object.values(p.sources).join(" ");
      for (const id of p.uses) expect(cited, `${p.name} uses ${id}`).toContain(`[${FIGURES[id].ref}]`);
    }
    for (const c of Object.values(CPUS)) {
      const cited = Object.values(c.sources).join(" ");
      for (const id of c.uses) expect(cited, `${c.name} uses ${id}`).toContain(`[${FIGURES[id].ref}]`);
    }
    expect(SCALE_ANCHOR.source).toContain(`[${FIGURES[SCALE_ANCHOR.figure].ref}]`);
  });
});
