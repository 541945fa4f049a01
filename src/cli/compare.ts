// nvmesim compare A.json B.json: two results (nvmesim run --json, nvmesim
// measure --json, or a fio JSON with an nvmesim section) side by side.
import { compareResults, comparisonText, type Comparable } from "../report/compare";
import { boolFlag, intFlag, parseFlags, readInputFile, UsageError, type FlagSpec } from "./args";
import type { Io } from "./io";

const FLAGS: FlagSpec = { json: { type: "boolean" }, top: { type: "string" }, help: { type: "boolean" } };

function readResult(path: string): Comparable {
  let doc: unknown;
  try {
    doc = JSON.parse(readInputFile(path));
  } catch (err) {
    throw new UsageError(`${path}: not JSON (${(err as Error).message})`);
  }
  const r = (typeof doc === "object" && doc !== null ? doc : {}) as Partial<Comparable>;
  if (!Array.isArray(r.jobs) || !r.jobs[0]?.read || typeof r.nvmesim !== "object" || r.nvmesim === null)
    throw new UsageError(
      `${path}: not an nvmesim result (run --json or measure --json: fio's jobs and an nvmesim section)`,
    );
  if (r.jobs.length > 1)
    throw new UsageError(
      `${path}: ${r.jobs.length} job entries; compare reads one group (run --json, or --fio-json --group-reporting)`,
    );
  return doc as Comparable;
}

export async function compare(argv: string[], io: Io): Promise<number> {
  const parsed = parseFlags(argv, FLAGS, 2);
  if (boolFlag(parsed, "help") || parsed.positionals.length !== 2) {
    io.stdout(
      "usage: nvmesim compare A.json B.json [--json] [--top N]\nputs two results side by side (nvmesim run --json and nvmesim measure --json): IOPS, latency percentiles, CPU per I/O, the profile by layer and by function, and the functions only one side has\n",
    );
    return boolFlag(parsed, "help") ? 0 : 2;
  }
  const [a, b] = parsed.positionals.map(readResult);
  const c = compareResults(a, b);
  io.stdout(
    boolFlag(parsed, "json")
      ? JSON.stringify(c, null, 1) + "\n"
      : comparisonText(c, intFlag(parsed, "top", 1, 1000, 20)),
  );
  return 0;
}
