// A sweep's table: one row per point with every axis value and the key
// metrics of its result, rounded so the CSV is stable text (results.csv, the
// plots and the report's table all read these rows).
import { csvFormat } from "d3-dsv";
import type { DirectionResult, Result } from "../run/result";
import type { Breakdown } from "../run/breakdown";
import { runLimit } from "../run/limit";
import type { PointRecord } from "./log";
import type { Scalar, SweepSpec } from "./spec";

/** The metric columns, in CSV order, each with what it means. */
export const METRICS = {
  read_iops: "read I/Os per second",
  read_bw_mib_s: "read bandwidth, MiB/s",
  read_lat_mean_us: "read latency (submission to completion seen), mean, us",
  read_clat_p50_us: "read completion latency p50, us",
  read_clat_p99_us: "read completion latency p99, us",
  read_clat_p99_9_us: "read completion latency p99.9, us",
  write_iops: "write I/Os per second",
  write_bw_mib_s: "write bandwidth, MiB/s",
  write_lat_mean_us: "write latency, mean, us",
  write_clat_p50_us: "write completion latency p50, us",
  write_clat_p99_us: "write completion latency p99, us",
  write_clat_p99_9_us: "write completion latency p99.9, us",
  total_iops: "read and write I/Os per second",
  cpu_ns_per_io: "host CPU time per I/O, ns",
  cpu_util: "host CPU utilisation (0..1 of all CPUs)",
  doorbells_per_io: "SQ and CQ doorbell writes per I/O",
  interrupts_per_io: "interrupts per I/O",
  faults_per_s: "page faults handled per second (swap workload)",
  integrity_errors: "reads that did not return what was written",
} as const;

export type Metric = keyof typeof METRICS;

/** One point as a table row: axis values by axis name, metrics (undefined when the point failed or lacks them). */
export interface Row {
  point: number;
  values: Record<string, Scalar>;
  metrics: Partial<Record<Metric, number>>;
  /** What set the point's pace: its CPUs, the device, or too few I/Os in flight (runLimit). */
  limit?: string;
  /** Its mean I/O stage by stage (report.html's waterfall), when the point kept one. */
  breakdown?: Breakdown;
  error?: string;
}

const round = (x: number, digits: number) => Number(x.toFixed(digits));
const us = (ns: number) => round(ns / 1000, 3);

function direction(prefix: "read" | "write", d: DirectionResult, out: Row["metrics"]): void {
  if (d.total_ios === 0) return;
  const p = d.clat_ns.percentile ?? {};
  out[`${prefix}_iops`] = round(d.iops, 1);
  out[`${prefix}_bw_mib_s`] = round(d.bw_bytes / 2 ** 20, 3);
  out[`${prefix}_lat_mean_us`] = us(d.lat_ns.mean);
  out[`${prefix}_clat_p50_us`] = us(p["50.000000"]);
  out[`${prefix}_clat_p99_us`] = us(p["99.000000"]);
  out[`${prefix}_clat_p99_9_us`] = us(p["99.900000"]);
}

/** The table row of one record. */
export function rowOf(record: PointRecord): Row {
  const row: Row = { point: record.point, values: record.values, metrics: {} };
  if (record.error !== undefined) return { ...row, error: record.error };
  const r = record.result as Result;
  const j = r.jobs[0];
  const m = row.metrics;
  direction("read", j.read, m);
  direction("write", j.write, m);
  m.total_iops = round(j.read.iops + j.write.iops, 1);
  m.cpu_ns_per_io = round(r.nvmesim.cpuNsPerIo, 1);
  m.cpu_util = round(r.nvmesim.cpuUtilization, 4);
  m.doorbells_per_io = round(r.nvmesim.doorbellsPerIo, 4);
  m.interrupts_per_io = round(r.nvmesim.interruptsPerIo, 4);
  if (r.nvmesim.swap) m.faults_per_s = round(r.nvmesim.swap.faultsPerSec, 1);
  m.integrity_errors = r.nvmesim.integrityErrors;
  row.limit = runLimit(r).by;
  if (r.nvmesim.breakdown) row.breakdown = r.nvmesim.breakdown;
  return row;
}

/** results.csv: point, every axis, every metric, what limited the point, then the error of a failed point. */
export function tableCsv(spec: SweepSpec, rows: readonly Row[]): string {
  const columns = ["point", ...spec.axes.map((a) => a.name), ...Object.keys(METRICS), "limit", "error"];
  const objects = rows.map((r) => ({
    point: r.point,
    ...Object.fromEntries(spec.axes.map((a) => [a.name, r.values[a.name]])),
    ...r.metrics,
    limit: r.limit ?? "",
    error: r.error ?? "",
  }));
  return csvFormat(objects as unknown as Record<string, string>[], columns) + "\n";
}

/** What limited the points, per combination of the non-numeric axes' values: one line each, counted by limit
 * ("ram · rw_page: CPU 6, latency 1"). */
export function limitLines(spec: SweepSpec, rows: readonly Row[]): string[] {
  const series = spec.axes.filter((a) => a.values.length > 1 && !a.values.every((v) => typeof v === "number"));
  const counts = new Map<string, Map<string, number>>();
  for (const r of rows) {
    if (r.limit === undefined) continue;
    const label = series.map((a) => String(r.values[a.name])).join(" · ") || "all points";
    const byLimit = counts.get(label) ?? new Map<string, number>();
    byLimit.set(r.limit, (byLimit.get(r.limit) ?? 0) + 1);
    counts.set(label, byLimit);
  }
  return [...counts].map(
    ([label, byLimit]) =>
      `${label}: ${[...byLimit]
        .sort((a, b) => b[1] - a[1])
        .map(([limit, n]) => `${limit}-bound ${n}`)
        .join(", ")}`,
  );
}

/** The metric columns in the order a table shows them: a path's key figures (throughput, CPU per I/O) first. */
export function shownMetrics(rows: readonly Row[]): Metric[] {
  const key: Metric[] = ["total_iops", "faults_per_s", "cpu_ns_per_io"];
  const all = [...key, ...(Object.keys(METRICS) as Metric[]).filter((m) => !key.includes(m))];
  return all.filter((m) => rows.some((r) => r.metrics[m] !== undefined));
}

/** One point as a flat object for a table: its axis values, the key figures and what limited it, then the rest. */
export function recordOf(r: Row, metrics: readonly Metric[] = shownMetrics([r])): Record<string, unknown> {
  return {
    point: r.point,
    ...r.values,
    ...Object.fromEntries(metrics.map((m) => [m, r.metrics[m]])),
    ...(r.limit ? { limit: r.limit } : {}),
    ...(r.error ? { error: r.error } : {}),
  };
}
