// Running a sweep (or one shard of it) into a directory: the spec is pinned
// in spec.json, finished points are appended to the record log one by one,
// the points left run on a pool of worker threads, and when every point of
// the shard is in, the outputs are written. Rerunning the same command
// resumes: points already in the log are skipped, a torn last record is cut
// off and run again, and a directory of another spec is refused.
import { existsSync, mkdirSync, readFileSync, unlinkSync } from "node:fs";
import { join } from "node:path";
import Tinypool from "tinypool";
import { validateConfig } from "../model/config";
import { compileNvmesim } from "../wasm/node";
import { SweepError } from "./errors";
import { LogWriter, scanLog } from "./log";
import { writeAtomic, writeOutputs, writeSortedLog } from "./outputs";
import type { PointOutcome, PointTask } from "./point-worker";
import { PACKAGED } from "../wasm/build";
import { shardPoints } from "./plan";
import { partName, type Shard } from "./shard";
import { gridSize, pointConfig, pointValueRecord, specJson, type SweepSpec } from "./spec";
import { limitLines, type Row } from "./table";

export { SweepError } from "./errors";

export interface SweepProgress {
  start(total: number, done: number): void;
  update(done: number): void;
  stop(): void;
}

export interface SweepOptions {
  dir: string;
  spec: SweepSpec;
  shard: Shard;
  /** The points this shard owns, as the plan says (default: every shard.count-th point from shard.index). */
  owned?: readonly number[];
  threads: number;
  fioJson?: boolean;
  progress?: SweepProgress;
  /** Log lines (stderr). */
  log?: (line: string) => void;
  /** Stops handing out points; those running finish and are kept. */
  signal?: AbortSignal;
}

export interface SweepSummary {
  /** Points of this shard. */
  points: number;
  /** Points run now; the others were already in the log. */
  ran: number;
  /** All points of this shard are in (outputs or the part file are written). */
  complete: boolean;
  /** Failed points of this shard with their errors (when complete). */
  failed: { point: number; error: string }[];
  /** The record file: results.jsonl, or part-I-of-N.jsonl for a shard. */
  recordFile: string;
  /** What limited the points, a line per series (limitLines; when complete). */
  limits: string[];
}

/** spec.json of `dir`: written when new, refused when it holds another spec. */
export function pinSpec(dir: string, spec: SweepSpec): void {
  const file = join(dir, "spec.json");
  const text = specJson(spec);
  if (existsSync(file)) {
    if (readFileSync(file, "utf8") !== text)
      throw new SweepError(
        `${dir} holds a different sweep (its spec.json differs from this spec): use another --out, or remove ${dir} to start over`,
      );
    return;
  }
  writeAtomic(file, text);
}

// The worker thread's entry: tsx's loader over the TypeScript in a checkout, the compiled file in the package.
export const SWEEP_WORKER = PACKAGED
  ? new URL("./sweep-worker.js", import.meta.url)
  : new URL("./worker.js", import.meta.url);

export async function runSweep(o: SweepOptions): Promise<SweepSummary> {
  const { dir, spec, shard } = o;
  const log = o.log ?? (() => {});
  mkdirSync(dir, { recursive: true });
  pinSpec(dir, spec);
  const sharded = shard.count > 1;
  const recordFile = join(dir, sharded ? `${partName(shard)}.jsonl` : "results.jsonl");
  const mine = o.owned ?? shardPoints(gridSize(spec), shard.index, shard.count);
  if (sharded && existsSync(recordFile)) {
    log(`sweep: ${recordFile} is already complete; nothing to do`);
    return { points: mine.length, ran: 0, complete: true, failed: [], recordFile, limits: [] };
  }
  const logFile = sharded ? `${recordFile}.partial` : recordFile;
  const scan = scanLog(logFile);
  if (scan.torn)
    log(
      `sweep: ${logFile} ends in a torn record (a run was cut off mid-write); it is cut off and that point runs again`,
    );
  const writer = new LogWriter(logFile, scan.goodBytes);
  const todo = mine.filter((i) => !scan.records.has(i));
  if (todo.length < mine.length)
    log(`sweep: resuming: ${mine.length - todo.length} of ${mine.length} points already done`);
  let ran = 0;
  try {
    o.progress?.start(mine.length, mine.length - todo.length);
    const tasks: PointTask[] = [];
    for (const point of todo) {
      const config = pointConfig(spec, point);
      const head = { point, values: pointValueRecord(spec, point), seed: String(config.seed) };
      try {
        validateConfig(config);
        tasks.push({ point, config });
      } catch (err) {
        writer.append(head, { error: (err as Error).message }); // an impossible combination: recorded, not run
        ran++;
      }
    }
    if (ran > 0) o.progress?.update(mine.length - todo.length + ran);
    if (tasks.length > 0) {
      await compileNvmesim(); // builds the module if stale, once, before the workers load it
      const pool = new Tinypool({ filename: SWEEP_WORKER.href, minThreads: o.threads, maxThreads: o.threads });
      try {
        let next = 0;
        const worker = async () => {
          while (next < tasks.length && !o.signal?.aborted) {
            const task = tasks[next++];
            const outcome = (await pool.run(task)) as PointOutcome;
            const head = {
              point: task.point,
              values: pointValueRecord(spec, task.point),
              seed: String(task.config.seed),
            };
            writer.append(head, "result" in outcome ? { resultJson: outcome.result } : { error: outcome.error });
            ran++;
            o.progress?.update(mine.length - todo.length + ran);
          }
        };
        await Promise.all(Array.from({ length: o.threads }, worker));
      } finally {
        await pool.destroy();
      }
    }
  } finally {
    writer.close();
    o.progress?.stop();
  }
  const spots = scanLog(logFile).records;
  const complete = mine.every((i) => spots.has(i));
  if (!complete) return { points: mine.length, ran, complete, failed: [], recordFile, limits: [] };
  let rows: Row[];
  if (sharded) {
    rows = writeSortedLog(spots, recordFile);
    unlinkSync(logFile);
  } else {
    rows = writeOutputs(dir, spec, spots, { fioJson: o.fioJson });
  }
  const failed = rows.filter((r) => r.error !== undefined).map((r) => ({ point: r.point, error: r.error! }));
  return { points: mine.length, ran, complete, failed, recordFile, limits: limitLines(spec, rows) };
}
