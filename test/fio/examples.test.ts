// Goal: fio's own example job files (Debian's fio-examples) read in nvmesim as in fio: every option they use
// is one fio has (none is called unknown), and each file either maps onto the simulator or is refused in one
// line naming what nvmesim does not model.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseJobFile } from "../../src/fio/job-file";
import { FioJobError, jobGroups } from "../../src/fio/jobs";

const EXAMPLES = "/usr/share/doc/fio/examples";
const files = readdirSync(EXAMPLES).filter((f) => f.endsWith(".fio"));

/** The ways nvmesim refuses a job: each names the option or the value. */
const REFUSALS = [
  /fio option '\w+' is not modelled by nvmesim/,
  /direct=0|buffered I\/O \(direct=0\)|buffered=1/,
  /: nvmesim models |: fio's offset modifier .* is not modelled/,
  /runs beside '.*' with other I\/O/,
  /: different read and write block sizes are not modelled/,
  // An example whose value comes from an unset variable (${FIO_DIR}): empty, as fio reads it, and refused as fio does.
  /: option \w+ requires an argument, as fio says/,
];

describe("fio's example job files", () => {
  it("are there to read", () => {
    expect(files.length).toBeGreaterThan(50);
  });

  it("use only options fio has, and each maps or is refused by name", () => {
    const outcomes: Record<string, string> = {};
    for (const f of files) {
      const env = { vars: {} as Record<string, string>, notes: [] as string[] };
      try {
        const groups = jobGroups(parseJobFile(readFileSync(join(EXAMPLES, f), "utf8"), f, env), 1 << 30);
        expect(groups.length).toBeGreaterThan(0);
        outcomes[f] = "mapped";
      } catch (err) {
        if (!(err instanceof FioJobError)) throw err;
        expect(err.message, f).not.toMatch(/is not a fio option/);
        expect(
          REFUSALS.some((re) => re.test(err.message)),
          `${f}: ${err.message}`,
        ).toBe(true);
        outcomes[f] = "refused";
      }
    }
    expect(Object.values(outcomes)).toContain("mapped");
    expect(outcomes["fio-seq-read.fio"]).toBe("mapped");
  });
});
