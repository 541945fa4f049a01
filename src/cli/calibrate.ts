// nvmesim calibrate: derives the cost table from the seed's blk-mq profile and
// writes src/model/cost-table.json and docs/calibration.md (npm run calibrate).
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { calibrate, parseProfileCsv, type Calibration } from "../model/calibration";
import { calibrationDoc } from "../report/calibration-doc";
import { ROOT } from "../wasm/build";
import { boolFlag, parseFlags, type FlagSpec } from "./args";
import type { Io } from "./io";

const FLAGS: FlagSpec = { check: { type: "boolean" }, help: { type: "boolean" } };

export const SEED_CSV = join(ROOT, "src/model/seed/seed-profile.csv");
export const COST_TABLE_JSON = join(ROOT, "src/model/cost-table.json");
export const CALIBRATION_MD = join(ROOT, "docs/calibration.md");

/** The calibration from the committed seed copy, blk-mq rows only. */
export function runCalibration(): Calibration {
  const rows = parseProfileCsv(readFileSync(SEED_CSV, "utf8"));
  return calibrate(rows.filter((r) => r.path === "blk_mq"));
}

export function costTableJson(c: Calibration): string {
  return JSON.stringify({ generatedBy: "nvmesim calibrate", entries: c.entries }, null, 1) + "\n";
}

function writeAtomic(path: string, text: string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

export async function calibrateCommand(argv: string[], io: Io): Promise<number> {
  const parsed = parseFlags(argv, FLAGS);
  if (boolFlag(parsed, "help")) {
    io.stdout(
      "usage: nvmesim calibrate [--check]\n--check: exit 1 if the committed files differ from a fresh calibration\n",
    );
    return 0;
  }
  const c = runCalibration();
  const outputs: [string, string][] = [
    [COST_TABLE_JSON, costTableJson(c)],
    [CALIBRATION_MD, calibrationDoc(c)],
  ];
  if (boolFlag(parsed, "check")) {
    const stale = outputs.filter(([path, text]) => {
      try {
        return readFileSync(path, "utf8") !== text;
      } catch {
        return true;
      }
    });
    for (const [path] of stale) io.stderr(`calibrate: ${path} is out of date (run npm run calibrate)\n`);
    return stale.length === 0 ? 0 : 1;
  }
  for (const [path, text] of outputs) writeAtomic(path, text);
  io.stderr(`calibrate: wrote ${COST_TABLE_JSON} and ${CALIBRATION_MD} (${c.entries.length} steps)\n`);
  return 0;
}
