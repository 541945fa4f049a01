// The performance targets nvmesim holds itself to, each a ratio measured side
// by side in the same bench run (never an absolute time: the machine is
// shared): the loop at the speed of clang's Wasm of the same C, the full model
// near its own event queue, flat in CPUs, a command that starts at once, and
// no regression against a baseline build. `nvmesim bench` prints each one it
// measured with its target and whether this run met it.
import type { BenchRow } from "./bench";
import { FLAT_TARGETS, type ScalingRow } from "./bench-scaling";
import { RUN_START_TARGET_MS, type RunStartRow, type StartRow } from "./bench-start";

export interface TargetRow {
  target: string;
  measured: number;
  /** "min": measured must be at least `limit`; "max": at most. */
  kind: "min" | "max";
  limit: number;
  unit: "x" | "ms";
  met: boolean;
}

/** The kernel loop over clang's build of the same C, in Wasm, at least this. */
export const KERNEL_VS_CLANG_MIN = 0.9;
/** A full-model case's ns per I/O over the queue-alone replay of its own events, at most this. */
export const SIM_VS_QUEUE_MAX = 2.0;
/** ms to the first output of the checkout's command, at most. */
export const START_MAX_MS = 150;
/** This build's full-model rate over a baseline's, at least. */
export const VS_BASELINE_MIN = 0.9;

function target(name: string, measured: number, kind: "min" | "max", limit: number, unit: "x" | "ms"): TargetRow {
  return { target: name, measured, kind, limit, unit, met: kind === "min" ? measured >= limit : measured <= limit };
}

/** The targets this run measured (a case that did not run gives none). */
export function benchTargets(
  rows: readonly BenchRow[],
  scaling: readonly ScalingRow[],
  start: readonly StartRow[],
  runStart: readonly RunStartRow[],
): TargetRow[] {
  const out: TargetRow[] = [];
  for (const r of rows) {
    if (r.ratioVsCWasm !== undefined)
      out.push(
        target(`${r.case} / ${r.case.replace(/-wasm$/, "-c-wasm")}`, r.ratioVsCWasm, "min", KERNEL_VS_CLANG_MIN, "x"),
      );
    if (r.ratioVsQueue !== undefined)
      out.push(target(`${r.case} ns per I/O / the queue alone`, r.ratioVsQueue, "max", SIM_VS_QUEUE_MAX, "x"));
    if (r.case.startsWith("sim-") && r.ratioVsBaseline !== undefined)
      out.push(target(`${r.case} / its baseline`, r.ratioVsBaseline, "min", VS_BASELINE_MIN, "x"));
  }
  for (const r of scaling) {
    const limit = FLAT_TARGETS.get(r.value);
    if (r.dimension === "cpus" && r.vsOneCpu !== undefined && limit !== undefined)
      out.push(target(`${r.value} CPUs / 1 CPU, ns per I/O`, r.vsOneCpu, "max", limit, "x"));
  }
  for (const r of start) out.push(target(`start: ${r.command}`, r.checkoutMs, "max", START_MAX_MS, "ms"));
  const largest = runStart.at(-1);
  if (largest)
    out.push(target(`a 30,000-I/O run on ${largest.cpus} CPUs`, largest.checkoutMs, "max", RUN_START_TARGET_MS, "ms"));
  return out;
}

export function targetsTable(targets: readonly TargetRow[]): string {
  const width = Math.max(6, ...targets.map((t) => t.target.length));
  const lines = [`${"target".padEnd(width)}   measured       goal`];
  for (const t of targets) {
    const digits = t.unit === "x" ? 2 : 0;
    const goal = `${t.kind === "min" ? ">=" : "<="} ${t.limit.toFixed(digits)}${t.unit}`;
    lines.push(
      `${t.target.padEnd(width)}   ${`${t.measured.toFixed(digits)}${t.unit}`.padStart(8)}   ${goal.padStart(8)}   ${t.met ? "met" : "NOT MET"}`,
    );
  }
  const missed = targets.filter((t) => !t.met).length;
  lines.push(`${targets.length - missed} of ${targets.length} targets met in this run`);
  return lines.join("\n") + "\n";
}
