// `perf report --stdio --sort sym --no-children -g none` text as a profile:
// each symbol with its share of the samples and whether it ran in the kernel
// ([k]) or in user space ([.]), and the event count the shares are of (for
// cpu-clock, nanoseconds). The seed's listing and any machine's read alike.
import { layerOfSymbol, type MeasuredLayer } from "../model/symbols";

export interface PerfEntry {
  symbol: string;
  percent: number;
  kernel: boolean;
  layer: MeasuredLayer;
}

export interface PerfReport {
  /** The event perf counted (cpu-clock, cycles, ...). */
  event: string;
  /** The event count the shares are of (ns for cpu-clock); undefined when the header lacks it. */
  eventCount?: number;
  samples?: string;
  entries: PerfEntry[];
}

/** A perf report that cannot be read, with the line that says why. */
export class PerfReportError extends Error {}

/** Reads perf report's stdio listing; throws PerfReportError when it holds no samples. */
export function parsePerfReport(text: string): PerfReport {
  let event = "";
  let eventCount: number | undefined;
  let samples: string | undefined;
  const entries: PerfEntry[] = [];
  for (const line of text.split("\n")) {
    const head = /^# Samples: (\S+) of event '([^']+)'/.exec(line);
    if (head) [samples, event] = [head[1], head[2]];
    const count = /^# Event count \(approx\.\): (\d+)/.exec(line);
    if (count) eventCount = Number(count[1]);
    const row = /^\s+(\d+(?:\.\d+)?)%\s+\[([k.])\]\s+(.+?)\s*$/.exec(line);
    if (!row) continue;
    const kernel = row[2] === "k";
    const symbol = row[3];
    entries.push({ symbol, percent: Number(row[1]), kernel, layer: layerOfSymbol(symbol, kernel) });
  }
  if (entries.length === 0)
    throw new PerfReportError("no samples in the perf report (expected lines like '  12.34%  [k] symbol')");
  return { event, eventCount, samples, entries };
}

/** The report's shares summed by layer, largest first. */
export function layerShares(report: PerfReport): { layer: MeasuredLayer; percent: number }[] {
  const sums = new Map<MeasuredLayer, number>();
  for (const e of report.entries) sums.set(e.layer, (sums.get(e.layer) ?? 0) + e.percent);
  return [...sums]
    .map(([layer, percent]) => ({ layer, percent: Number(percent.toFixed(2)) }))
    .sort((a, b) => b.percent - a.percent || a.layer.localeCompare(b.layer));
}
