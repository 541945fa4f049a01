// nvmesim calibrate: derives the cost table from the seed's blk-mq profile and
// writes src/model/cost-table.json and docs/calibration.md (npm run calibrate).
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { calibrate, parseProfileCsv } from "../model/calibration";
import { calibrationDoc, type CalibrationVariant } from "../report/calibration-doc";
import { calibrateAtSeedWorkload, type SeedCalibration } from "../run/seed-calibration";
import { fitToday, todaySensitivity, type TodayFit } from "../run/today-calibration";
import { todayCalibrationDoc, todayVariants } from "../report/calibration-today-doc";
import { ROOT } from "../wasm/build";
import { loadNvmesim } from "../wasm/node";
import { profileRows } from "../measure/profile-file";
import { checkCostTable } from "../model/cost-table";
import { boolFlag, parseFlags, readInputFile, UsageError, type FlagSpec } from "./args";
import type { Io } from "./io";

const FLAGS: FlagSpec = {
  check: { type: "boolean" },
  profile: { type: "string" },
  "csv-path": { type: "string" },
  out: { type: "string" },
  help: { type: "boolean" },
};

export const SEED_CSV = join(ROOT, "src/model/seed/seed-profile.csv");
export const COST_TABLE_JSON = join(ROOT, "src/model/cost-table.json");
export const CALIBRATION_MD = join(ROOT, "docs/calibration.md");
export const TODAY_TABLE_JSON = join(ROOT, "src/model/cost-table-today.json");

/** Today's table's fitted part (C8, C9), as committed. */
export function todayTableJson(fit: TodayFit): string {
  return JSON.stringify({ generatedBy: "nvmesim calibrate", ...fit }, null, 1) + "\n";
}

/** The calibration from the committed seed copy, blk-mq rows only, at the seed workload's fixed point;
 * with `variants`, also the calibrations with one assumption changed (for the doc's sensitivity table). */
export async function runCalibration(
  variants = false,
): Promise<{ main: SeedCalibration; variants: CalibrationVariant[] }> {
  const m = await loadNvmesim();
  const rows = parseProfileCsv(readFileSync(SEED_CSV, "utf8")).filter((r) => r.path === "blk_mq");
  const main = await calibrateAtSeedWorkload(m, rows);
  const out: CalibrationVariant[] = [];
  if (variants) {
    const at = async (change: string, options: Parameters<typeof calibrateAtSeedWorkload>[2]) =>
      out.push({ change, calibration: await calibrateAtSeedWorkload(m, rows, options) });
    out.push({ change: "A6 off: the assumed workload A1-A2", calibration: { ...calibrate(rows), rounds: [] } });
    await at("A3: unlisted path functions at half the fitted share", { tailScale: 0.5 });
    await at("A3: at 1.1x the fitted share (rank 45 reaches the 0.42% cut-off)", { tailScale: 1.1 });
    await at("A3: an unlisted function run less than once per read gets its share times its runs per read (kblockd)", {
      tailByCalls: true,
    });
    await at(
      "A3: the path functions start at rank 56 (ranks 45-55 left to mm and scheduler functions just below the cut-off, such as io_schedule and __wake_up_bit)",
      { tailRankOffset: 11 },
    );
    await at("A4: the doorbell is 25% of its caller", { doorbellShare: 0.25 });
    await at("A4: the doorbell is 75% of its caller", { doorbellShare: 0.75 });
    await at("A8: swap-out bios merge in the software queue (switches.mergeWrites), the same faults on both paths", {
      mergeWrites: true,
    });
    await at(
      "device: the link's lanes each way, and the P3700's rated write (2000 MB/s) sharing the device's time with its reads (device.dataPipe each-way)",
      { dataPipe: "each-way" },
    );
  }
  return { main, variants: out };
}

export function costTableJson(c: SeedCalibration): string {
  return JSON.stringify({ generatedBy: "nvmesim calibrate", workload: c.workload, entries: c.entries }, null, 1) + "\n";
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
      "usage: nvmesim calibrate [--check]\n       nvmesim calibrate --profile FILE --out COST-TABLE.json [--csv-path blk_mq]\n--check: exit 1 if the committed files differ from a fresh calibration\n--profile: fit the cost table to another profile of a swap test with the seed's method (perf report --stdio text,\n  the seed's CSV format, or nvmesim measure swap --perf --json); --out gets the table (nvmesim run --cost-table FILE)\n",
    );
    return 0;
  }
  if (parsed.values.profile !== undefined) return calibrateFromProfile(parsed, io);
  const { main: c, variants } = await runCalibration(true);
  const m = await loadNvmesim();
  const fit = await fitToday(m);
  const outputs: [string, string][] = [
    [COST_TABLE_JSON, costTableJson(c)],
    [TODAY_TABLE_JSON, todayTableJson(fit)],
    [
      CALIBRATION_MD,
      calibrationDoc(c, variants) + todayCalibrationDoc(fit, await todaySensitivity(m, fit, todayVariants(fit))),
    ],
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
  io.stderr(
    `calibrate: wrote ${COST_TABLE_JSON}, ${TODAY_TABLE_JSON} and ${CALIBRATION_MD} (${c.entries.length} steps; C8 ${fit.irqResidualNs} ns, C9 ${fit.pinNs} ns, C12 ${fit.asyncWaitNs} ns)\n`,
  );
  return 0;
}

/** --profile: the seed's method on another profile; the table goes to --out, never over the committed one. */
async function calibrateFromProfile(parsed: ReturnType<typeof parseFlags>, io: Io): Promise<number> {
  const file = String(parsed.values.profile);
  if (parsed.values.out === undefined)
    throw new UsageError("--profile needs --out FILE: where the fitted cost table goes");
  let rows;
  try {
    rows = profileRows(readInputFile(file), String(parsed.values["csv-path"] ?? "blk_mq"));
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`${file}: ${(err as Error).message}`);
  }
  let c;
  try {
    c = await calibrateAtSeedWorkload(await loadNvmesim(), rows);
    checkCostTable(c.entries);
    if (!(c.nsPerFault > 0 && Number.isFinite(c.nsPerFault))) throw new Error(`${c.nsPerFault} ns of CPU per fault`);
  } catch (err) {
    throw new UsageError(`${file}: no cost table can be fitted to this profile: ${(err as Error).message}`);
  }
  const named = c.entries.filter((e) => rows.some((r) => r.symbol === e.symbol)).length;
  writeAtomic(String(parsed.values.out), costTableJson(c));
  io.stderr(
    `calibrate: wrote ${parsed.values.out}: ${c.entries.length} steps, ${named} of them named in ${file}, the rest from its tail; ${c.nsPerFault.toFixed(0)} ns of CPU per fault\n`,
  );
  return 0;
}
