// fio's per-job logs, as fio 3.33 writes them (iolog.c flush_samples,
// flush_hist_samples; stat.c add_log_sample, __add_samples,
// add_clat_sample): NAME_bw, _lat, _clat, _slat, _iops (.N.log per job, N
// the job's thread number from 1; NAME_type.log for all with per_job_logs=0)
// and NAME_clat_hist.N.log. A line is "time_ms, value, ddir, bs[, offset],
// prio". Without log_avg_msec, one line per I/O at its completion (lat,
// clat, slat in ns; iops 1; bw its bytes over its clat, bytes per ms). With
// it, windows per direction: lat, clat and slat close on the I/O that ends
// one (stamped with its time, bs 0, the mean rounded or the max), with a last
// partial line at the job's end; bw (KiB/s) and iops are fio's helper
// thread's interval rates, here at exact multiples of the window, with no tail.
// A synchronous engine's slat log is empty, as fio's is (its slat samples
// are taken as fio queues an I/O). Read in fio-3.33's iolog.c, stat.c and
// init.c (gen_log_name).
import { bucketIndex, PLAT_NR } from "./histogram";

/** What a job asked to be logged (fio's options, by their meaning). */
export interface LogOptions {
  /** The file name prefixes (the option's value, or the job's name when it was given none). */
  bw?: string;
  lat?: string;
  iops?: string;
  hist?: string;
  avgMsec: number;
  histMsec: number;
  histCoarseness: number;
  perJob: boolean;
  offset: boolean;
  maxValue: boolean;
}

/** One completed I/O of a job, as its logs need it. */
export interface LogIo {
  submitNs: number;
  seenNs: number;
  slatNs: number;
  offset: number;
  bytes: number;
  write: boolean;
}

type Line = (string | number)[];

/** The logs of one job (thread number `thread`, from 1): file name to lines. */
export function jobLogs(
  ios: readonly LogIo[],
  o: LogOptions,
  thread: number,
  endNs: number,
  syncEngine: boolean,
): Map<string, string> {
  const files = new Map<string, string>();
  const name = (prefix: string, type: string) =>
    o.perJob ? `${prefix}_${type}.${thread}.log` : `${prefix}_${type}.log`;
  const text = (lines: readonly Line[]) => lines.map((l) => l.join(", ") + "\n").join("");
  const ms = (ns: number) => Math.floor(ns / 1e6);
  const clat = (io: LogIo) => io.seenNs - io.submitNs - (syncEngine ? 0 : io.slatNs);
  const tail = (io: LogIo, bs: number) => (o.offset ? [bs, io.offset, 0] : [bs, 0]);
  const perIo = (value: (io: LogIo) => number) =>
    ios.map((io) => [ms(io.seenNs), value(io), io.write ? 1 : 0, ...tail(io, io.bytes)]);
  const windowed = (value: (io: LogIo) => number) => inlineWindows(ios, value, o, ms(endNs));
  const series = (value: (io: LogIo) => number) => (o.avgMsec > 0 ? windowed(value) : perIo(value));
  if (o.lat !== undefined) {
    files.set(name(o.lat, "lat"), text(series((io) => io.seenNs - io.submitNs)));
    files.set(name(o.lat, "clat"), text(series(clat)));
    // fio takes slat samples as it queues an I/O: a synchronous engine queues none
    files.set(name(o.lat, "slat"), syncEngine ? "" : text(series((io) => io.slatNs)));
  }
  if (o.bw !== undefined)
    files.set(
      name(o.bw, "bw"),
      text(
        o.avgMsec > 0
          ? helperRates(ios, o, endNs, "bw")
          : perIo((io) => Math.floor((io.bytes * 1e6) / Math.max(1, clat(io)))),
      ),
    );
  if (o.iops !== undefined)
    files.set(name(o.iops, "iops"), text(o.avgMsec > 0 ? helperRates(ios, o, endNs, "iops") : perIo(() => 1)));
  if (o.hist !== undefined) files.set(name(o.hist, "clat_hist"), text(o.histMsec > 0 ? histLines(ios, o, clat) : []));
  return files;
}

/** lat, clat and slat averaged (add_log_sample): a window per direction closes on the sample that ends it. */
function inlineWindows(ios: readonly LogIo[], value: (io: LogIo) => number, o: LogOptions, endMs: number): Line[] {
  const lines: Line[] = [];
  const win = [0, 1].map(() => ({ last: 0, n: 0, sum: 0, max: 0 }));
  const flush = (d: number, at: number) => {
    const w = win[d];
    if (w.n === 0) return;
    lines.push([at, o.maxValue ? w.max : Math.floor(w.sum / w.n + 0.5), d, ...(o.offset ? [0, 0, 0] : [0, 0])]);
    Object.assign(w, { n: 0, sum: 0, max: 0 });
  };
  for (const io of ios) {
    const d = io.write ? 1 : 0;
    const w = win[d];
    const v = value(io);
    w.n++;
    w.sum += v;
    w.max = Math.max(w.max, v);
    const elapsed = Math.floor(io.seenNs / 1e6);
    if (elapsed - w.last >= o.avgMsec) {
      flush(d, elapsed);
      w.last = elapsed - (elapsed % o.avgMsec);
    }
  }
  // finalize_logs: what is left, at the job's end
  flush(0, endMs);
  flush(1, endMs);
  return lines;
}

/** bw (KiB/s) and iops averaged: the helper thread's rate every window, per direction that moved (__add_samples). */
function helperRates(ios: readonly LogIo[], o: LogOptions, endNs: number, kind: "bw" | "iops"): Line[] {
  const lines: Line[] = [];
  const step = o.avgMsec * 1e6;
  let i = 0;
  for (let at = step; at <= endNs; at += step) {
    const delta = [0, 0];
    for (; i < ios.length && ios[i].seenNs <= at; i++) delta[ios[i].write ? 1 : 0] += kind === "bw" ? ios[i].bytes : 1;
    for (const d of [0, 1]) {
      if (delta[d] === 0) continue;
      const rate =
        kind === "bw" ? Math.floor((delta[d] * 1000) / o.avgMsec / 1024) : Math.floor((delta[d] * 1000) / o.avgMsec);
      lines.push([at / 1e6, rate, d, ...(o.offset ? [0, 0, 0] : [0, 0])]);
    }
  }
  return lines;
}

/** The clat histogram log (add_clat_sample, flush_hist_samples): per direction, the counts of each interval. */
function histLines(ios: readonly LogIo[], o: LogOptions, clat: (io: LogIo) => number): Line[] {
  const lines: Line[] = [];
  const stride = 1 << o.histCoarseness;
  const dirs = [0, 1].map(() => ({ last: 0, counts: new Array<number>(PLAT_NR).fill(0) }));
  for (const io of ios) {
    const h = dirs[io.write ? 1 : 0];
    h.counts[bucketIndex(clat(io))]++;
    const elapsed = Math.floor(io.seenNs / 1e6);
    if (h.last === 0) h.last = elapsed; // the first window starts at the first completion (fio: while hist_last is 0)
    const window = elapsed - h.last;
    if (window < o.histMsec) continue;
    const bins: number[] = [];
    for (let j = 0; j < PLAT_NR; j += stride) bins.push(h.counts.slice(j, j + stride).reduce((a, b) => a + b, 0));
    lines.push([elapsed, io.write ? 1 : 0, io.bytes, ...bins]);
    h.counts.fill(0);
    h.last = elapsed - (window - o.histMsec);
  }
  return lines;
}
