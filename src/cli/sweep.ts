// nvmesim sweep: a grid of runs from a spec file and/or --axis flags, on a
// pool of worker threads, into a directory it can resume; and nvmesim merge,
// which joins a sharded sweep's parts. Data goes to files (and --list to
// stdout); progress and logs go to stderr.
import { availableParallelism } from "node:os";
import cliProgress from "cli-progress";
import { mergeSweeps } from "../sweep/merge";
import { runSweep, SweepError, type SweepProgress } from "../sweep/run";
import { resolveShard, ShardError } from "../sweep/shard";
import {
  axisFromFlag,
  checkGrid,
  GRID_LIMIT,
  gridSize,
  parseSpec,
  pointConfig,
  pointValues,
  scalarFromText,
  SpecError,
  type SweepSpec,
} from "../sweep/spec";
import { boolFlag, parseFlags, readInputFile, UsageError, type FlagSpec } from "./args";
import type { Io } from "./io";

const FLAGS: FlagSpec = {
  out: { type: "string" },
  axis: { type: "string", multiple: true },
  set: { type: "string", multiple: true },
  list: { type: "boolean" },
  yes: { type: "boolean" },
  threads: { type: "string" },
  "shard-index": { type: "string" },
  "shard-count": { type: "string" },
  "fio-json": { type: "boolean" },
  help: { type: "boolean" },
};

const HELP = `usage: nvmesim sweep [SPEC.json] [--axis NAME=VALUES ...] [--set PARAM=VALUE ...] --out DIR
                     [--threads N] [--shard-index I --shard-count N] [--fio-json] [--list] [--yes]

A spec file is {"name": ..., "base": {run configuration}, "axes": {NAME: [values] or "A..B xF"}}.
  --axis NAME=V1,V2,...   an axis (or NAME=A..B, A..B +STEP, A..B xFACTOR); adds to or replaces the file's
  --set PARAM=VALUE       changes the base configuration (e.g. --set workload.number_ios=100000)
  --out DIR               where results.csv, results.jsonl, plots/ and report.html go; rerun to resume
  --threads N             worker threads (default: the number of cores)
  --shard-index I --shard-count N
                          run the points with index % N == I into part-I-of-N.jsonl (default: from
                          JOB_COMPLETION_INDEX + NVMESIM_SHARD_COUNT, SLURM_ARRAY_TASK_*, or
                          AWS_BATCH_JOB_ARRAY_INDEX + NVMESIM_SHARD_COUNT); join parts with nvmesim merge
  --fio-json              also one fio JSON file per point in DIR/fio
  --list                  print the grid size and the first points; run nothing
  --yes                   allow a grid of more than ${GRID_LIMIT} points
Parameter names: path, cpus, qDepth, device.preset, switches.NAME, workload.NAME (or just NAME when unique).
`;

function readSpecFile(file: string): unknown {
  const text = readInputFile(file);
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${file} is not valid JSON: ${(err as Error).message}`);
  }
}

function setPath(base: Record<string, unknown>, text: string): void {
  const eq = text.indexOf("=");
  if (eq <= 0) throw new UsageError(`invalid --set '${text}': write PARAM=VALUE, e.g. workload.number_ios=100000`);
  const parts = text.slice(0, eq).trim().split(".");
  let at = base;
  for (const p of parts.slice(0, -1)) {
    if (at[p] === null || typeof at[p] !== "object") at[p] = {};
    at = at[p] as Record<string, unknown>;
  }
  at[parts[parts.length - 1]] = scalarFromText(text.slice(eq + 1).trim());
}

/** The spec from the file and flags; every mistake a UsageError naming the spot. */
export function specFromArgs(file: string | undefined, axes: string[], sets: string[]): SweepSpec {
  const where = file ?? "flags";
  try {
    const doc = (file ? readSpecFile(file) : {}) as Record<string, unknown>;
    if (sets.length) {
      const base = (doc.base ?? {}) as Record<string, unknown>;
      if (typeof base !== "object" || base === null) throw new SpecError("base", "must be an object");
      for (const s of sets) setPath(base, s);
      doc.base = base;
    }
    const spec = parseSpec(doc, axes.map(axisFromFlag));
    return spec;
  } catch (err) {
    if (err instanceof SpecError) throw new UsageError(`${where}: ${err.message}`);
    throw err;
  }
}

function progressBar(io: Io): SweepProgress {
  if (io.isTTY) {
    const bar = new cliProgress.SingleBar(
      { format: "sweep |{bar}| {value}/{total} points | {rate} points/s | ETA {eta_formatted}", etaBuffer: 20 },
      cliProgress.Presets.shades_classic,
    );
    const started = performance.now();
    let first = 0;
    const rate = (done: number) => ((done - first) / Math.max(1e-3, (performance.now() - started) / 1000)).toFixed(2);
    return {
      start: (total, done) => {
        first = done;
        bar.start(total, done, { rate: "0" });
      },
      update: (done) => bar.update(done, { rate: rate(done) }),
      stop: () => bar.stop(),
    };
  }
  // Not a terminal: a plain line every 10 seconds and at the end.
  let total = 0;
  let first = 0;
  let last = 0;
  let started = 0;
  let done = 0;
  const line = () => {
    const secs = (performance.now() - started) / 1000;
    const rate = (done - first) / Math.max(1e-3, secs);
    const eta = rate > 0 ? Math.round((total - done) / rate) : 0;
    io.stderr(
      `sweep: ${done}/${total} points (${Math.floor((100 * done) / total)}%), ${rate.toFixed(2)} points/s, ETA ${eta} s\n`,
    );
  };
  return {
    start: (t, d) => {
      [total, first, done, started, last] = [t, d, d, performance.now(), performance.now()];
    },
    update: (d) => {
      done = d;
      if (performance.now() - last >= 10_000) {
        last = performance.now();
        line();
      }
    },
    stop: () => line(),
  };
}

function listGrid(spec: SweepSpec, io: Io): void {
  const n = gridSize(spec);
  const lines = [`${n} points: ${spec.axes.map((a) => `${a.name} (${a.values.length})`).join(" x ")}`];
  for (let i = 0; i < Math.min(n, 10); i++) {
    const v = pointValues(spec, i);
    lines.push(`  ${i}: ${spec.axes.map((a, k) => `${a.name}=${v[k]}`).join(" ")} seed=${pointConfig(spec, i).seed}`);
  }
  if (n > 10) lines.push(`  ... ${n - 10} more`);
  io.stdout(lines.join("\n") + "\n");
}

export async function sweep(argv: string[], io: Io): Promise<number> {
  const parsed = parseFlags(argv, FLAGS, 1);
  if (boolFlag(parsed, "help")) {
    io.stdout(HELP);
    return 0;
  }
  const v = parsed.values;
  const spec = specFromArgs(parsed.positionals[0], (v.axis as string[]) ?? [], (v.set as string[]) ?? []);
  const n = gridSize(spec);
  if (n > GRID_LIMIT && !boolFlag(parsed, "yes"))
    throw new UsageError(`the grid has ${n} points, more than ${GRID_LIMIT}: add --yes to run it anyway`);
  let failures: Map<number, string>;
  try {
    failures = checkGrid(spec);
  } catch (err) {
    if (err instanceof SpecError) throw new UsageError(`${parsed.positionals[0] ?? "flags"}: ${err.message}`);
    throw err;
  }
  if (boolFlag(parsed, "list")) {
    listGrid(spec, io);
    if (failures.size)
      io.stderr(`sweep: ${failures.size} of ${n} points are impossible combinations and would be recorded as failed\n`);
    return 0;
  }
  if (v.out === undefined) throw new UsageError("--out DIR is required (where the results go)");
  const threadsText = (v.threads as string | undefined) ?? String(availableParallelism());
  if (!/^\d+$/.test(threadsText) || Number(threadsText) < 1 || Number(threadsText) > 256)
    throw new UsageError(`invalid --threads '${threadsText}': must be an integer in 1..256`);
  let shard;
  try {
    shard = resolveShard(
      { index: v["shard-index"] as string | undefined, count: v["shard-count"] as string | undefined },
      process.env,
    );
  } catch (err) {
    if (err instanceof ShardError) throw new UsageError(err.message);
    throw err;
  }
  const dir = String(v.out);
  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(130);
    io.stderr(
      "\nsweep: stopping after the points running now (Ctrl-C again to quit at once; finished points are kept)\n",
    );
    controller.abort();
  };
  process.on("SIGINT", onSigint);
  io.stderr(
    `sweep: ${spec.name}, ${n} points${shard.count > 1 ? `, shard ${shard.index} of ${shard.count} (${shard.source})` : ""}, ${threadsText} worker threads, into ${dir}\n`,
  );
  try {
    const summary = await runSweep({
      dir,
      spec,
      shard,
      threads: Number(threadsText),
      fioJson: boolFlag(parsed, "fio-json"),
      progress: progressBar(io),
      log: (line) => io.stderr(line + "\n"),
      signal: controller.signal,
    });
    if (!summary.complete) {
      io.stderr(`sweep: interrupted with ${summary.ran} points run now; run the same command again to resume\n`);
      return 130;
    }
    const outputs = shard.count > 1 ? summary.recordFile : `${dir}/results.csv, results.jsonl, plots/, report.html`;
    io.stderr(
      `sweep: ${summary.points} points (${summary.ran} run now), ${summary.failed.length} failed; wrote ${outputs}\n`,
    );
    for (const line of summary.limits) io.stderr(`  what limited the points: ${line}\n`);
    for (const f of summary.failed.slice(0, 10)) io.stderr(`  point ${f.point} failed: ${f.error}\n`);
    if (summary.failed.length > 10) io.stderr(`  ... and ${summary.failed.length - 10} more (see results.csv)\n`);
    return summary.failed.length ? 1 : 0;
  } catch (err) {
    if (err instanceof SweepError) throw new UsageError(err.message);
    throw err;
  } finally {
    process.off("SIGINT", onSigint);
  }
}

const MERGE_FLAGS: FlagSpec = { out: { type: "string" }, "fio-json": { type: "boolean" }, help: { type: "boolean" } };

export async function merge(argv: string[], io: Io): Promise<number> {
  const parsed = parseFlags(argv, MERGE_FLAGS, Infinity);
  if (boolFlag(parsed, "help") || parsed.positionals.length === 0) {
    io.stdout(
      "usage: nvmesim merge DIR... --out DIR [--fio-json]\njoins the part-I-of-N.jsonl files of a sharded sweep into one sweep directory\n",
    );
    return boolFlag(parsed, "help") ? 0 : 2;
  }
  if (parsed.values.out === undefined) throw new UsageError("--out DIR is required (where the merged results go)");
  try {
    const s = mergeSweeps(parsed.positionals, String(parsed.values.out), { fioJson: boolFlag(parsed, "fio-json") });
    const failed = s.rows.filter((r) => r.error !== undefined);
    io.stderr(
      `merge: ${s.rows.length} points from ${s.files.length} files, ${failed.length} failed; wrote ${parsed.values.out}/results.csv, results.jsonl, plots/, report.html\n`,
    );
    return failed.length ? 1 : 0;
  } catch (err) {
    if (err instanceof SweepError) throw new UsageError(err.message);
    throw err;
  }
}
