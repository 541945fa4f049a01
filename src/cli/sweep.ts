// nvmesim sweep: a grid of runs from a spec file and/or --axis flags, on a
// pool of worker threads, into a directory it can resume; and nvmesim merge,
// which joins a sharded sweep's parts. Data goes to files (and --list to
// stdout); progress and logs go to stderr.
import { mkdirSync } from "node:fs";
import { availableParallelism } from "node:os";
import cliProgress from "cli-progress";
import { emitCluster, EMIT_KINDS, emitProblem, type EmitKind } from "../sweep/emit";
import { mergeSweeps } from "../sweep/merge";
import { arrayText, ensurePlan, makePlan, parseArrayIds, planOf } from "../sweep/plan";
import { pinSpec, runSweep, SweepError, type SweepProgress } from "../sweep/run";
import { statusText, sweepStatus } from "../sweep/status";
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
  "no-shard": { type: "boolean" },
  plan: { type: "boolean" },
  array: { type: "string" },
  emit: { type: "string" },
  tasks: { type: "string" },
  partition: { type: "string" },
  time: { type: "string" },
  image: { type: "string" },
  claim: { type: "string" },
  "job-queue": { type: "string" },
  "job-definition": { type: "string" },
  "fio-json": { type: "boolean" },
  help: { type: "boolean" },
};

const HELP = `usage: nvmesim sweep [SPEC.json] [--axis NAME=VALUES ...] [--set PARAM=VALUE ...] --out DIR
                     [--threads N] [--shard-index I --shard-count N | --no-shard] [--fio-json] [--list] [--yes]
       nvmesim sweep SPEC.json --out DIR --plan (--shard-count N | --array IDS)
       nvmesim sweep SPEC.json --out DIR --emit slurm|k8s|aws-batch [--tasks N] [--threads N] [options below]
       nvmesim sweep status DIR [--json]

A spec file is {"name": ..., "base": {run configuration}, "axes": {NAME: [values] or "A..B xF"}}; a sweep
directory's spec.json is one too.
  --axis NAME=V1,V2,...   an axis (or NAME=A..B, A..B +STEP, A..B xFACTOR); adds to or replaces the file's
  --set PARAM=VALUE       changes the base configuration (e.g. --set workload.number_ios=100000)
  --out DIR               where results.csv, results.jsonl, plots/ and report.html go; rerun to resume
  --threads N             worker threads (default: the number of cores; 2 per task with --emit)
  --shard-index I --shard-count N
                          run the points shard I owns (index % N == I) into part-I-of-N.jsonl; join the
                          parts with nvmesim merge. Without the flags the shard comes from the job engine:
                          JOB_COMPLETION_INDEX (Kubernetes), SLURM_ARRAY_TASK_* (Slurm),
                          AWS_BATCH_JOB_ARRAY_INDEX (AWS Batch), the count from NVMESIM_SHARD_COUNT or the
                          plan. The first sharded task writes DIR/plan.json; every later one reads it.
  --no-shard              the whole sweep, whatever the job engine's variables say
  --plan                  write DIR/spec.json and DIR/plan.json and run nothing: --shard-count N shards, or
                          one per Slurm array id of --array IDS (0-7, 0-14:2, 1,3,5)
  --emit KIND             plan, and write what runs the sweep on a cluster into DIR/KIND/ (logs in DIR/logs):
                            slurm      submit.sh, sweep.sbatch (an array) and merge.sbatch (afterany)
                            k8s        sweep-job.yaml (an Indexed Job) and merge-job.yaml
                            aws-batch  submit.sh, sweep-job.json (an array job) and merge-job.json
  --tasks N               shards and tasks for --emit (default: the points, at most 8)
  --partition P --time T  Slurm's partition and time limit
  --image I --claim C     the Kubernetes image (nvmesim:latest) and volume claim (nvmesim-results)
  --job-queue Q --job-definition D
                          AWS Batch's job queue and job definition (both nvmesim)
  --fio-json              also one fio JSON file per point in DIR/fio
  --list                  print the grid size and the first points; run nothing
  --yes                   allow a grid of more than ${GRID_LIMIT} points
Parameter names: path, cpus, qDepth, device.preset, switches.NAME, workload.NAME (or just NAME when unique).
nvmesim sweep status DIR: each shard done, partial or missing, and the commands that rerun what is not done;
exits 0 when every shard is done.
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

/** Runs `fn`, turning the sweep's own refusals into usage errors (one line, exit 2). */
function asUsage<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof SweepError || err instanceof ShardError || err instanceof SpecError)
      throw new UsageError(err.message);
    throw err;
  }
}

function status(argv: string[], io: Io): number {
  const parsed = parseFlags(argv, { json: { type: "boolean" }, help: { type: "boolean" } }, 1);
  const dir = parsed.positionals[0];
  if (boolFlag(parsed, "help") || dir === undefined) {
    io.stdout("usage: nvmesim sweep status DIR [--json]\n");
    return boolFlag(parsed, "help") ? 0 : 2;
  }
  const s = asUsage(() => sweepStatus(dir));
  io.stdout(boolFlag(parsed, "json") ? JSON.stringify(s, null, 1) + "\n" : statusText(s));
  return s.complete ? 0 : 1;
}

function count(flag: string, text: string | undefined, max: number): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > max)
    throw new UsageError(`invalid ${flag} '${text}': must be an integer in 1..${max}`);
  return Number(text);
}

/** --plan and --emit: the spec pinned, the plan written (or the one there checked), the cluster's files. */
function planSweep(v: Record<string, unknown>, spec: SweepSpec, dir: string, io: Io): number {
  const kind = v.emit as string | undefined;
  if (kind !== undefined && !(EMIT_KINDS as readonly string[]).includes(kind))
    throw new UsageError(`invalid --emit '${kind}': allowed: ${EMIT_KINDS.join(", ")}`);
  const n = gridSize(spec);
  const tasks =
    count("--tasks", v.tasks as string | undefined, n) ??
    count("--shard-count", v["shard-count"] as string | undefined, n);
  if (v.array !== undefined && tasks !== undefined)
    throw new UsageError("--array names the shards: leave out --tasks and --shard-count");
  if (v.array !== undefined && kind !== undefined && kind !== "slurm")
    throw new UsageError(`--array: ${kind} numbers its tasks 0 to N-1; give --tasks N`);
  let ids: number[];
  if (v.array !== undefined) ids = asUsage(() => parseArrayIds(String(v.array)));
  else if (tasks !== undefined || kind !== undefined) ids = [...Array(tasks ?? Math.min(n, 8)).keys()];
  else throw new UsageError("--plan needs the shards: --shard-count N, or --array IDS (Slurm's ids, e.g. 0-14:2)");
  if (ids.length < 2) throw new UsageError(`a plan of ${ids.length} shard runs nothing sharded: give 2 or more`);
  const threads = count("--threads", (v.threads as string | undefined) ?? "2", 256)!;
  const where = {
    dir,
    partition: v.partition as string | undefined,
    time: v.time as string | undefined,
    image: v.image as string | undefined,
    claim: v.claim as string | undefined,
    jobQueue: v["job-queue"] as string | undefined,
    jobDefinition: v["job-definition"] as string | undefined,
  };
  const problem = kind === undefined ? undefined : emitProblem(where);
  if (problem) throw new UsageError(problem); // before anything is written
  const by = kind ? `nvmesim sweep --emit ${kind}` : "nvmesim sweep --plan";
  const plan = asUsage(() => {
    mkdirSync(dir, { recursive: true });
    pinSpec(dir, spec);
    return ensurePlan(dir, spec, makePlan(spec, ids.length, ids, by));
  });
  io.stderr(
    `sweep: ${dir}/plan.json: ${plan.points} points in ${plan.shards} shards (array ids ${arrayText(plan.arrayIds)})\n`,
  );
  if (kind === undefined) return 0;
  const files = asUsage(() => emitCluster({ ...where, kind: kind as EmitKind, spec, plan, threads }));
  io.stderr(`sweep: wrote ${files.join(", ")}\n`);
  io.stdout(
    kind === "k8s"
      ? `kubectl apply -f ${files[0]}   # then, once it has ended: kubectl apply -f ${files[1]}\n`
      : `bash ${files[0]}\n`,
  );
  return 0;
}

export async function sweep(argv: string[], io: Io): Promise<number> {
  if (argv[0] === "status") return status(argv.slice(1), io);
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
  if (boolFlag(parsed, "plan") || v.emit !== undefined) return planSweep(v, spec, String(v.out), io);
  for (const flag of ["array", "tasks", "partition", "time", "image", "claim", "job-queue", "job-definition"])
    if (v[flag] !== undefined) throw new UsageError(`--${flag} goes with --plan or --emit`);
  const threads = count("--threads", (v.threads as string | undefined) ?? String(availableParallelism()), 256)!;
  const dir = String(v.out);
  const flags = {
    index: v["shard-index"] as string | undefined,
    count: v["shard-count"] as string | undefined,
    whole: boolFlag(parsed, "no-shard"),
  };
  const { shard, plan } = asUsage(() => {
    let plan = planOf(dir, spec);
    let shard = resolveShard(flags, process.env, plan); // before anything is written: a refusal leaves nothing
    mkdirSync(dir, { recursive: true });
    pinSpec(dir, spec);
    if (shard.count > 1 && plan === undefined) {
      // The first sharded task plans the sweep for every later one (another may have just done it: the same plan).
      const ids = shard.arrayIds ?? [...Array(shard.count).keys()];
      plan = ensurePlan(dir, spec, makePlan(spec, shard.count, ids, shard.source));
      shard = resolveShard(flags, process.env, plan);
    }
    return { shard, plan };
  });
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
    `sweep: ${spec.name}, ${n} points${shard.count > 1 ? `, shard ${shard.index} of ${shard.count} (${shard.source})` : ""}, ${threads} worker threads, into ${dir}\n`,
  );
  try {
    const summary = await runSweep({
      dir,
      spec,
      shard,
      owned: plan?.owned[shard.index],
      threads,
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
  const s = asUsage(() =>
    mergeSweeps(parsed.positionals, String(parsed.values.out), { fioJson: boolFlag(parsed, "fio-json") }),
  );
  const failed = s.rows.filter((r) => r.error !== undefined);
  io.stderr(
    `merge: ${s.rows.length} points from ${s.files.length} files, ${failed.length} failed; wrote ${parsed.values.out}/results.csv, results.jsonl, plots/, report.html\n`,
  );
  return failed.length ? 1 : 0;
}
