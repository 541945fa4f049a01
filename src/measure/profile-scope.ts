// Only the measured work, out of a whole-machine `perf record -a -g`: the
// samples of the job's own processes and threads (the descendants of the
// process that started it, from `perf report --tasks`), and the samples of
// any other task whose call chain runs work the job's I/O causes — a loop
// device's worker, kblockd's dispatch, block completion in softirq, a
// device's interrupt handler — found by perf's own `--parent` filter. The
// rest (other programs, idle, unrelated kernel work) is counted and left out.
// Every listed function has at least `MIN_LISTED_SAMPLES` samples, and
// carries its 95% sampling interval.
import { layerOfSymbol, type MeasuredLayer } from "../model/symbols";
import { MeasureRefused, type System } from "./system";

/** The kernel functions in whose call chains the job's I/O work runs outside the job's own tasks. */
export const IO_WORK_PARENTS = [
  "loop_process_work", // the loop device's worker (drivers/block/loop.c)
  "loop_workfn",
  "loop_rootcg_workfn",
  "blk_mq_run_work_fn", // kblockd dispatching to the device under it
  "blk_done_softirq", // block completion in softirq (blk_complete_reqs before 6.x)
  "blk_complete_reqs",
  "blk_mq_complete_request", // a device's completion, interrupt or poll
  "vring_interrupt", // virtio's interrupt handler (virtio_blk under the loop device here)
  "nvme_irq",
  "zram_submit_bio", // zram compresses in the submitter; a kernel thread's writeback lands here
];

/** `perf report --parent` regular expression for `IO_WORK_PARENTS`. */
export const IO_WORK_PARENT_REGEX = `^(${IO_WORK_PARENTS.join("|")})$`;

/** A function is listed only with at least this many samples (its share then known to about ±14% of itself). */
export const MIN_LISTED_SAMPLES = 200;

export interface Task {
  pid: number;
  tid: number;
  ppid: number;
  comm: string;
}

/** `perf report --tasks` as rows. */
export function parseTasks(text: string): Task[] {
  const tasks: Task[] = [];
  for (const line of text.split("\n")) {
    const m = /^\s*(-?\d+)\s+(-?\d+)\s+(-?\d+)\s+\|\s*(.*?)\s*$/.exec(line);
    if (m) tasks.push({ pid: Number(m[1]), tid: Number(m[2]), ppid: Number(m[3]), comm: m[4] });
  }
  return tasks;
}

/** The tids of `root` and every task started under it (threads and forked children), perf's own left out. */
export function jobTids(tasks: Task[], root: number): Set<number> {
  const pids = new Set([root]);
  for (let grew = true; grew;) {
    grew = false;
    for (const t of tasks)
      if (!pids.has(t.pid) && pids.has(t.ppid)) {
        pids.add(t.pid);
        grew = true;
      }
  }
  return new Set(tasks.filter((t) => pids.has(t.pid) && t.comm !== "perf").map((t) => t.tid));
}

interface Row {
  samples: number;
  tid: number;
  comm: string;
  parent: string;
  kernel: boolean;
  symbol: string;
}

/** `perf report -n --sort pid,parent,sym -t '\t'` rows. */
export function parseScopedRows(text: string): { rows: Row[]; samples: number; eventCount: number; event: string } {
  const rows: Row[] = [];
  let samples = 0;
  let eventCount = 0;
  let event = "";
  for (const line of text.split("\n")) {
    const head = /^# Samples: (\d+)([KM]?)\s+of event '([^']+)'/.exec(line);
    if (head) event = head[3];
    const count = /^# Event count \(approx\.\): (\d+)/.exec(line);
    if (count) eventCount = Number(count[1]);
    if (line.startsWith("#") || !line.trim()) continue;
    const f = line.split("\t").map((x) => x.trim());
    const task = /^(-?\d+):(.*)$/.exec(f[2] ?? "");
    const sym = /^\[([k.])\]\s+(.+)$/.exec(f[4] ?? "");
    if (f.length < 5 || !task || !sym) continue;
    const n = Number(f[1]);
    samples += n;
    rows.push({
      samples: n,
      tid: Number(task[1]),
      comm: task[2],
      parent: f[3],
      kernel: sym[1] === "k",
      symbol: sym[2],
    });
  }
  return { rows, samples, eventCount, event };
}

export interface ScopedEntry {
  symbol: string;
  layer: MeasuredLayer;
  samples: number;
  /** Share of the measured samples, %. */
  percent: number;
  /** Half-width of its 95% sampling interval, percentage points. */
  ci95: number;
  /** CPU time, ns (samples times the sampling period). */
  ns: number;
}

export interface ScopedProfile {
  event: string;
  frequencyHz: number;
  periodNs: number;
  samplesRecorded: number;
  samplesMeasured: number;
  /** Share of the recorded samples that were not the job's work, %. */
  leftOutPercent: number;
  /** Where the measured samples ran: the job's tasks, kernel workers (by comm), idle CPUs' interrupts. */
  contexts: { context: string; samples: number; ns: number }[];
  /** Functions with at least MIN_LISTED_SAMPLES samples, largest first. */
  entries: ScopedEntry[];
  /** The measured samples in functions below that (summed into `unlisted`). */
  unlisted: { functions: number; samples: number; percent: number };
  /** Every measured function's layer, summed (listed or not). */
  layers: { layer: MeasuredLayer; percent: number }[];
}

const ci95 = (n: number, total: number) => {
  const p = n / total;
  return 196 * Math.sqrt((p * (1 - p)) / total);
};

const round = (x: number, digits = 2) => Number(x.toFixed(digits));

/** The measured part of a whole-machine report; `tids` are the job's own tasks. */
export function scopeProfile(
  report: ReturnType<typeof parseScopedRows>,
  tids: Set<number>,
  frequencyHz: number,
): ScopedProfile {
  const mine = report.rows.filter((r) => tids.has(r.tid) || r.parent !== "[other]");
  const measured = mine.reduce((s, r) => s + r.samples, 0);
  const periodNs = report.samples ? report.eventCount / report.samples : 1e9 / frequencyHz;
  const bySymbol = new Map<string, { kernel: boolean; samples: number }>();
  const byContext = new Map<string, number>();
  for (const r of mine) {
    const e = bySymbol.get(r.symbol) ?? { kernel: r.kernel, samples: 0 };
    e.samples += r.samples;
    bySymbol.set(r.symbol, e);
    const context = tids.has(r.tid)
      ? "the job's processes and threads"
      : r.tid === 0
        ? "interrupts on idle CPUs"
        : /^(kworker|ksoftirqd)\//.test(r.comm)
          ? `${r.comm.replace(/\d+/g, "N")} (${r.parent})`
          : `interrupts in other tasks (${r.parent})`;
    byContext.set(context, (byContext.get(context) ?? 0) + r.samples);
  }
  const all = [...bySymbol]
    .map(([symbol, e]) => ({
      symbol,
      layer: layerOfSymbol(symbol, e.kernel),
      samples: e.samples,
      percent: round((100 * e.samples) / measured, 3),
      ci95: round(ci95(e.samples, measured), 3),
      ns: Math.round(e.samples * periodNs),
    }))
    .sort((a, b) => b.samples - a.samples || a.symbol.localeCompare(b.symbol));
  const entries = all.filter((e) => e.samples >= MIN_LISTED_SAMPLES);
  const rest = all.filter((e) => e.samples < MIN_LISTED_SAMPLES);
  const layerSums = new Map<MeasuredLayer, number>();
  for (const e of all) layerSums.set(e.layer, (layerSums.get(e.layer) ?? 0) + e.samples);
  const restSamples = rest.reduce((s, e) => s + e.samples, 0);
  return {
    event: report.event,
    frequencyHz,
    periodNs: round(periodNs, 1),
    samplesRecorded: report.samples,
    samplesMeasured: measured,
    leftOutPercent: round((100 * (report.samples - measured)) / report.samples),
    contexts: [...byContext]
      .map(([context, samples]) => ({ context, samples, ns: Math.round(samples * periodNs) }))
      .sort((a, b) => b.samples - a.samples || a.context.localeCompare(b.context)),
    entries,
    unlisted: { functions: rest.length, samples: restSamples, percent: round((100 * restSamples) / measured, 3) },
    layers: [...layerSums]
      .map(([layer, samples]) => ({ layer, percent: round((100 * samples) / measured) }))
      .sort((a, b) => b.percent - a.percent || a.layer.localeCompare(b.layer)),
  };
}

/** `perf record` of the whole machine with call chains (for `--parent`), at `hz` per CPU, into `data`, around `argv`. */
export function perfRecordArgv(data: string, hz: number, argv: string[]): string[] {
  return ["perf", "record", "-a", "-g", "-e", "cpu-clock", "-F", String(hz), "-q", "-o", data, "--", ...argv];
}

/** The job's part of `perf record -a -g` data in `data`; `root` is the pid that started the job. */
export async function scopedProfile(data: string, root: number, hz: number, sys: System): Promise<ScopedProfile> {
  const tasks = await sys.run("perf", ["report", "-i", data, "--tasks"]);
  if (tasks.status !== 0) throw new Error(`perf report --tasks failed: ${tasks.stderr.trim()}`);
  const r = await sys.run("perf", [
    ...["report", "-i", data, "--stdio", "-n", "--no-children", "-g", "none"],
    ...["--sort", "pid,parent,sym", "--parent", IO_WORK_PARENT_REGEX, "-t", "\t"],
  ]);
  if (r.status !== 0) throw new Error(`perf report failed: ${r.stderr.trim()}`);
  const scoped = scopeProfile(parseScopedRows(r.stdout), jobTids(parseTasks(tasks.stdout), root), hz);
  if (scoped.samplesMeasured === 0)
    throw new MeasureRefused(
      `--perf: perf took no sample of the job's work at ${hz} Hz: raise --perf-freq or run longer`,
    );
  return scoped;
}

/** What a result says of the profile's scope: rate, samples recorded and kept, what was left out, where they ran. */
export function scopeSummary(p: ScopedProfile, ios?: number) {
  return {
    frequencyHz: p.frequencyHz,
    periodNs: p.periodNs,
    samplesRecorded: p.samplesRecorded,
    samplesMeasured: p.samplesMeasured,
    leftOutPercent: p.leftOutPercent,
    ...(ios === undefined ? {} : { samplesPerIo: ios ? p.samplesMeasured / ios : null }),
    minListedSamples: MIN_LISTED_SAMPLES,
    unlisted: p.unlisted,
    contexts: p.contexts,
    included: `the job's processes and threads, and any task's samples under ${IO_WORK_PARENT_REGEX}`,
  };
}
