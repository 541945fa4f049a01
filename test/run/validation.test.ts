// Goal: docs/validation.md is what the validation cases give now, and the error rule is right.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { VALIDATION_MD } from "../../src/cli/validate";
import { relativeError, runValidation } from "../../src/run/validation";
import { validationDoc } from "../../src/report/validation-doc";
import { loadNvmesim } from "../../src/wasm/node";

describe("validation", () => {
  it("measures error from a figure, or from the nearer end of a range", () => {
    expect(relativeError(110, 100)).toBeCloseTo(0.1);
    expect(relativeError(90, [80, 100])).toBe(0);
    expect(relativeError(60, [80, 100])).toBeCloseTo(-0.25);
    expect(relativeError(120, [80, 100])).toBeCloseTo(0.2);
  });

  it("docs/validation.md is current (npm run validate)", async () => {
    const doc = validationDoc(await runValidation(await loadNvmesim()));
    expect(readFileSync(VALIDATION_MD, "utf8")).toBe(doc);
  });
});
