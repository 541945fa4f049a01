// A profile from a file, in any of the forms nvmesim meets: the seed's CSV
// (path,symbol,module,percent), `perf report --stdio` text, or the JSON of
// `nvmesim measure` / `measure swap` (its profile). Rows come out as the
// calibration reads them: kernel functions only, with their share in %.
import type { ProfileRow } from "../model/calibration";
import { parseProfileCsv } from "../model/calibration";
import { parsePerfReport } from "./perf-report";

/** A profile file that is none of the known forms, or has no kernel function. */
export class ProfileFileError extends Error {}

/** The kernel rows of `text` (the CSV's rows of `csvPath`, e.g. blk_mq), labelled `blk_mq` for the calibration. */
export function profileRows(text: string, csvPath = "blk_mq"): ProfileRow[] {
  const trimmed = text.trimStart();
  let rows: ProfileRow[];
  if (trimmed.startsWith("path,")) {
    // The seed's form: shares of all its samples, as listed (above the listing's cut-off).
    rows = parseProfileCsv(text).filter((r) => r.path === csvPath);
    if (!rows.length) throw new ProfileFileError(`the CSV has no rows for path ${csvPath}`);
    return rows.map((r) => ({ ...r, path: "blk_mq" }));
  } else if (trimmed.startsWith("{")) {
    const doc = JSON.parse(text) as { profile?: unknown; nvmesim?: { profile?: unknown } };
    const profile = (doc.nvmesim?.profile ?? doc.profile) as
      { symbol: string; layer: string; percent: number }[] | undefined;
    if (!Array.isArray(profile))
      throw new ProfileFileError("the JSON has no profile (nvmesim measure --perf --json writes one)");
    rows = profile
      .filter((p) => p.layer !== "user" && p.layer !== "idle")
      .map((p) => ({ path: csvPath, symbol: p.symbol, percent: p.percent }));
  } else {
    rows = parsePerfReport(text)
      .entries.filter((e) => e.kernel && e.layer !== "idle")
      .map((e) => ({ path: csvPath, symbol: e.symbol, percent: e.percent }));
  }
  // A row at 0% (or one that is not a number) says nothing of a function's cost: it is left out, as unlisted.
  rows = rows.filter((r) => r.percent > 0 && Number.isFinite(r.percent));
  if (!rows.length) throw new ProfileFileError("the profile has no kernel functions with samples");
  // A whole listing: shares of the kernel's own work, as the seed's were (idle and user space left out).
  const total = rows.reduce((s, r) => s + r.percent, 0);
  return rows.map((r) => ({ ...r, path: "blk_mq", percent: Number(((100 * r.percent) / total).toFixed(4)) }));
}
