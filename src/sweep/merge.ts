// nvmesim merge: the parts of a sharded sweep (or whole runs of it) from one
// or more directories become one sweep directory with the same outputs an
// unsharded run writes, byte for byte. Refuses parts of different specs, a
// point found twice, a point missing, and shards still running.
import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { scanLog, type RecordSpot } from "./log";
import { writeOutputs, type OutputOptions } from "./outputs";
import { pinSpec, SweepError } from "./run";
import { gridSize, specFromJson, type SweepSpec } from "./spec";
import type { Row } from "./table";

const PART = /^part-(\d+)-of-(\d+)\.jsonl$/;

export interface MergeSummary {
  spec: SweepSpec;
  files: string[];
  rows: Row[];
}

export function mergeSweeps(inputs: readonly string[], out: string, options: OutputOptions = {}): MergeSummary {
  if (inputs.length === 0) throw new SweepError("merge needs at least one sweep directory");
  let specText: string | undefined;
  let specFrom = "";
  const files: string[] = [];
  for (const dir of inputs) {
    const specFile = join(dir, "spec.json");
    if (!existsSync(specFile)) throw new SweepError(`${dir} is not a sweep directory (it has no spec.json)`);
    const text = readFileSync(specFile, "utf8");
    if (specText !== undefined && text !== specText)
      throw new SweepError(`${dir} and ${specFrom} hold different sweeps (their spec.json files differ)`);
    specText ??= text;
    specFrom ||= dir;
    const names = readdirSync(dir);
    const partial = names.filter((n) => n.endsWith(".jsonl.partial"));
    if (partial.length)
      throw new SweepError(`${join(dir, partial[0])} is a shard that has not finished (run it again to complete it)`);
    // A directory merged into before holds parts and their merged results.jsonl: the parts count.
    const parts = names.filter((n) => PART.test(n));
    if (parts.length) files.push(...parts.map((n) => join(dir, n)));
    else if (names.includes("results.jsonl")) files.push(join(dir, "results.jsonl"));
  }
  const spec = specFromJson(specText!);
  const spots = new Map<number, RecordSpot>();
  for (const file of files) {
    const scan = scanLog(file);
    if (scan.torn) throw new SweepError(`${file} ends in a torn record: it is not a finished part`);
    for (const [point, spot] of scan.records) {
      const seen = spots.get(point);
      if (seen) throw new SweepError(`point ${point} is in both ${seen.file} and ${file}`);
      spots.set(point, spot);
    }
  }
  const total = gridSize(spec);
  const missing: number[] = [];
  for (let i = 0; i < total && missing.length < 10; i++) if (!spots.has(i)) missing.push(i);
  if (missing.length)
    throw new SweepError(
      `${total - spots.size} of ${total} points are missing (first: ${missing.join(", ")}); are all shards merged?`,
    );
  for (const p of spots.keys()) if (p >= total) throw new SweepError(`point ${p} is not in this ${total}-point sweep`);
  mkdirSync(out, { recursive: true });
  pinSpec(out, spec);
  return { spec, files, rows: writeOutputs(out, spec, spots, options) };
}
