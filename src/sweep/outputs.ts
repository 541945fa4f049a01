// A finished sweep's files in its directory, written the same way whether the
// records come from one run's log or from merged shards, so both give the same
// bytes: results.jsonl in point order, results.csv, plots/*.svg, report.html,
// and with --fio-json one fio JSON file per point. Every file is written to a
// temporary name first and renamed, so a crash never leaves half a file.
import { closeSync, mkdirSync, openSync, renameSync, writeFileSync, writeSync } from "node:fs";
import { dirname, join } from "node:path";
import { parseHTML } from "linkedom";
import { sweepCharts } from "./plots";
import type { Result } from "../run/result";
import { fioJsonText } from "../fio/json";
import { fioSize } from "../fio/job-options";
import type { RunConfig } from "../model/config";
import { sweepReportHtml } from "./report";
import { readRecordLine, type PointRecord, type RecordSpot } from "./log";
import type { SweepSpec } from "./spec";
import { rowOf, tableCsv, type Row } from "./table";

/** Writes `text` to `file` through a temporary file and a rename. */
export function writeAtomic(file: string, text: string): void {
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

/** Calls `each` with every record in point order, reading one line at a time. */
export function forEachRecord(
  spots: ReadonlyMap<number, RecordSpot>,
  each: (line: string, record: PointRecord) => void,
): void {
  const fds = new Map<string, number>();
  try {
    for (const point of [...spots.keys()].sort((a, b) => a - b)) {
      const spot = spots.get(point)!;
      let fd = fds.get(spot.file);
      if (fd === undefined) fds.set(spot.file, (fd = openSync(spot.file, "r")));
      const line = readRecordLine(spot, fd);
      each(line, JSON.parse(line) as PointRecord);
    }
  } finally {
    for (const fd of fds.values()) closeSync(fd);
  }
}

/** The fio job options fio-plot reads from a file's name rather than its directory. */
const FIO_NAMED = new Set(["workload.rw", "workload.bs", "workload.iodepth", "workload.numjobs"]);

/** Where a point's fio JSON goes under DIR/fio: fio-plot's layout, SERIES/BS/RW-IODEPTH-NUMJOBS.json, the
 * series being the point's other axis values; a swap point (no fio job options) is point-NNNNNN.json. */
export function fioFileName(spec: SweepSpec, record: PointRecord): string {
  const w = ((record.result as Result).nvmesim.config as RunConfig).workload;
  if (w.kind !== "fio") return `point-${String(record.point).padStart(6, "0")}.json`;
  const safe = (v: unknown) => String(v).replace(/[^A-Za-z0-9._=-]+/g, "_");
  const series = spec.axes
    .filter((a) => !FIO_NAMED.has(a.param))
    .map((a) => `${safe(a.name)}=${safe(record.values[a.name])}`)
    .join(",");
  return join(series || "all", fioSize(w.bs), `${w.rw}-${w.iodepth}-${w.numjobs}.json`);
}

/** Writes the records at `spots` in point order to `file` (atomically), returning their table rows. */
export function writeSortedLog(
  spots: ReadonlyMap<number, RecordSpot>,
  file: string,
  fio?: { dir: string; spec: SweepSpec },
): Row[] {
  const tmp = `${file}.tmp-${process.pid}`;
  const out = openSync(tmp, "w");
  const rows: Row[] = [];
  try {
    forEachRecord(spots, (line, record) => {
      writeSync(out, line + "\n");
      rows.push(rowOf(record));
      if (fio && record.result !== undefined) {
        const file = join(fio.dir, fioFileName(fio.spec, record));
        mkdirSync(dirname(file), { recursive: true });
        writeAtomic(file, fioJsonText(record.result as Result));
      }
    });
  } finally {
    closeSync(out);
  }
  renameSync(tmp, file);
  return rows;
}

export interface OutputOptions {
  /** One fio JSON file per point in DIR/fio (fio-plot reads a directory of them). */
  fioJson?: boolean;
}

/** Writes every output of a complete sweep into `dir`; returns the table rows. */
export function writeOutputs(
  dir: string,
  spec: SweepSpec,
  spots: ReadonlyMap<number, RecordSpot>,
  options: OutputOptions = {},
): Row[] {
  const fioDir = options.fioJson ? join(dir, "fio") : undefined;
  if (fioDir) mkdirSync(fioDir, { recursive: true });
  const rows = writeSortedLog(spots, join(dir, "results.jsonl"), fioDir ? { dir: fioDir, spec } : undefined);
  writeAtomic(join(dir, "results.csv"), tableCsv(spec, rows));
  const { document } = parseHTML("<!doctype html><html><body></body></html>");
  const charts = sweepCharts(spec, rows, document as unknown as Document);
  mkdirSync(join(dir, "plots"), { recursive: true });
  for (const c of charts) writeAtomic(join(dir, "plots", `${c.name}.svg`), c.svg + "\n");
  writeAtomic(join(dir, "report.html"), sweepReportHtml(spec, rows, charts, document as unknown as Document));
  return rows;
}
