// nvmesim fio: fio's command line and job files, run on the simulated machine
// and reported as fio reports (normal text, json, json+), so a fio user's job
// and tools carry over. nvmesim's machine (host path, device, CPUs) comes
// from its own options, which fio does not have.
import { existsSync, readFileSync } from "node:fs";
import cliProgress from "cli-progress";
import { ConfigError, nearest, validateConfig } from "../model/config";
import { simulateFioGroups, type FioGroupSpec, type FioRun } from "../run/fio-report";
import { loadNvmesim } from "../wasm/node";
import { writeAtomic } from "../sweep/outputs";
import { FioJobError, globalOptions, jobGroups, modelledHelp, takesValue, type JobGroup } from "../fio/jobs";
import { iologText } from "../fio/iolog";
import { jobLogs } from "../fio/logs";
import { SYNC_ENGINES } from "../model/engines";
import type { LoggedIo } from "../wasm/engine";
import { JobFileError, parseCommandLine } from "../fio/job-file";
import { readInputFile, UsageError } from "./args";
import type { Io } from "./io";
import { configFromFlags } from "./run";

/** nvmesim's own options (fio has none of these names), and fio's program options nvmesim takes. */
const PROGRAM: Record<string, "value" | "flag" | "list"> = {
  "output-format": "value",
  output: "value",
  help: "flag",
  path: "value",
  device: "value",
  cpus: "value",
  "q-depth": "value",
  cpu: "value",
  kernel: "value",
  seed: "value",
  switch: "list",
  config: "value",
  epoch: "value",
  // fio's own program options.
  version: "flag",
  eta: "value",
  "eta-newline": "value",
  "status-interval": "value",
  readonly: "flag",
  section: "list",
  minimal: "flag",
};

/** fio's program options that change nothing in a simulation's output (progress lines a run has no time for). */
const NO_EFFECT = ["eta", "eta-newline", "status-interval"];
const ETA_VALUES = ["always", "never", "auto"];

const FORMATS = ["normal", "json", "json+", "terse"] as const;

const HELP = `usage: nvmesim fio [JOBFILE ...] [--OPTION=VALUE ...] [--output-format=normal|json|json+|terse] [--minimal] [--output=FILE]
                   [--path blk-mq|rw_page] [--device PRESET] [--cpus N] [--q-depth N] [--kernel K] [--cpu NAME] [--seed N]
                   [--switch NAME ...] [--config FILE]
Runs fio jobs, from job files ([global] and job sections, ; and # comments, \${VAR}) and fio's command line
(options before the first --name are global; --name starts a job), on the simulated machine, and prints
what fio prints: its normal text (the default), its JSON, or json+ (clat bins, for fio_jsonplus_clat2csv).
Jobs in one stonewall group run side by side as one simulation, so they must do the same I/O; groups run one
after the other. number_ios, io_size and size are each job's, as in fio. nvmesim's section of the JSON is
under "nvmesim" (one group's section, or a list of them). The machine: --path, --device, --cpus, --q-depth,
--kernel (3.19 by default; io_uring needs 5.4 or later, io_uring_cmd 6.1), --cpu, --seed, --switch, or --config
FILE (as nvmesim run takes them); each engine's system calls are priced (sync and async are nvmesim's engines
without them); with --path rw_page a job is a what-if
(Linux reaches rw_page only from swap and page-cache reads, never O_DIRECT), said on stderr. Same jobs, same
bytes: "timestamp" is a fixed start (2014-11-14 00:00:00 UTC, or --epoch SECONDS) plus the simulated time.
A fio option nvmesim does not model is refused by name, never ignored.

The fio options nvmesim maps:
${modelledHelp()}
`;

function epochOf(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d{1,11}$/.test(text)) throw new UsageError(`invalid --epoch '${text}': seconds since 1970 (an integer)`);
  return Number(text);
}

/**
 * The run's progress on stderr, as fio's eta says: a bar on a terminal (--eta=auto, the default), always
 * (--eta=always), or none (--eta=never). A job's share done is its simulated time over its runtime, or its I/Os
 * over its number; groups run one after the other.
 */
function progressOf(
  eta: string,
  io: Io,
  specs: readonly FioGroupSpec[],
): { update: (done: number, total: number, simulatedNs: number) => void; stop: () => void } {
  if (eta === "never" || (eta === "auto" && !io.isTTY)) return { update: () => {}, stop: () => {} };
  const runtimes = specs.map((s) => Number((s.input as { workload?: { runtime?: number } }).workload?.runtime ?? 0));
  const bar = new cliProgress.SingleBar(
    {
      format: "fio |{bar}| {percentage}% | group {group}/{groups} | simulated {simulated} s | ETA {eta_formatted}",
      noTTYOutput: eta === "always",
      notTTYSchedule: 10_000,
      // A terminal's own stream (cursor moves); otherwise a line at a time through the command's stderr.
      stream: io.isTTY
        ? process.stderr
        : ({ isTTY: false, write: (s: string) => io.stderr(s) } as unknown as NodeJS.WriteStream),
    },
    cliProgress.Presets.shades_classic,
  );
  let group = 0;
  let lastNs = Infinity;
  bar.start(1000, 0, { group: 1, groups: specs.length, simulated: "0.0" });
  return {
    update: (done, total, simulatedNs) => {
      if (simulatedNs < lastNs && lastNs !== Infinity) group++; // the next group's run starts from 0
      lastNs = simulatedNs;
      const runtime = runtimes[Math.min(group, runtimes.length - 1)];
      const share = runtime > 0 ? simulatedNs / (runtime * 1e9) : total > 0 ? done / total : 0;
      const overall = (group + Math.min(1, share)) / specs.length;
      bar.update(Math.round(overall * 1000), {
        group: Math.min(group + 1, specs.length),
        groups: specs.length,
        simulated: (simulatedNs / 1e9).toFixed(1),
      });
    },
    stop: () => bar.stop(),
  };
}

export async function fio(argv: string[], io: Io): Promise<number> {
  let line;
  try {
    line = parseCommandLine(argv, PROGRAM, takesValue, readInputFile, process.env, existsSync);
  } catch (err) {
    if (err instanceof JobFileError) throw new UsageError(err.message);
    throw err;
  }
  for (const note of line.notes) io.stderr(`note: ${note}\n`);
  const p = line.program;
  if (p.has("help")) {
    io.stdout(HELP);
    return 0;
  }
  if (p.has("version")) {
    io.stdout("fio-3.33\n"); // the fio whose output nvmesim writes
    return 0;
  }
  const eta = p.get("eta");
  if (eta !== undefined && !ETA_VALUES.includes(eta))
    throw new UsageError(`invalid --eta '${eta}' (allowed: ${ETA_VALUES.join(", ")}, as fio's)`);
  for (const name of ["eta-newline", "status-interval"]) {
    const v = p.get(name);
    if (v !== undefined && !/^\d+(\.\d+)?(us|ms|s|m|h)?$/.test(v))
      throw new UsageError(`invalid --${name} '${v}': a time, as fio takes it (e.g. 2, 500ms, 1s)`);
  }
  // --section runs only the job file's sections of those names, as fio does.
  if (p.has("section")) {
    const wanted = p.get("section")!.split("\n");
    line.jobs = line.jobs.filter((j) => j.at === "command line" || wanted.includes(j.name));
    if (line.jobs.length === 0) throw new UsageError(`no job(s) defined: no section named ${wanted.join(", ")}`);
  }
  // --minimal is fio's terse output.
  const format = p.get("output-format") ?? (p.has("minimal") ? "terse" : "normal");
  if (!(FORMATS as readonly string[]).includes(format)) {
    const near = nearest(format, FORMATS);
    throw new UsageError(
      `invalid --output-format '${format}' (allowed: ${FORMATS.join(", ")})${near ? `; did you mean ${near}?` : ""}`,
    );
  }
  if (line.jobs.length === 0)
    throw new UsageError("no job: give a job file or --name=JOB with its options (see --help)");
  // --readonly: fio refuses any job that would write, before anything runs.
  if (p.has("readonly")) {
    const rw = (j: (typeof line.jobs)[number]) =>
      [...j.global, ...j.options].filter((o) => o.name === "rw" || o.name === "readwrite").at(-1)?.value ?? "read";
    const writer = line.jobs.find((j) => /write|rw$|trim/.test(rw(j)));
    if (writer)
      throw new UsageError(`job <${writer.name}> has write or trim bit set, but fio is in read-only mode (--readonly)`);
  }
  const machine: Record<string, unknown> = Object.fromEntries(
    [...p].filter(
      ([k]) =>
        ![
          "output-format",
          "output",
          "help",
          "switch",
          "epoch",
          "version",
          "readonly",
          "section",
          "minimal",
          ...NO_EFFECT,
        ].includes(k),
    ),
  );
  if (p.has("switch")) machine.switch = p.get("switch")!.split("\n");
  const base = configFromFlags(machine) as { seed?: unknown; workload?: Record<string, unknown> };
  const defaultSize = Number(base.workload?.size ?? 1 << 30);
  let specs: FioGroupSpec[];
  let groups: JobGroup[];
  let where: string[] = [];
  try {
    groups = jobGroups(line.jobs, defaultSize, (file) => readFileSync(file, "latin1"));
    where = groups.map((g) => g.at);
    specs = groups.map((g) => ({
      input: { ...base, ...(g.seed !== undefined ? { seed: g.seed } : {}), workload: g.workload },
      groupReporting: g.groupReporting,
      names: g.threadNames,
      jobOptions: g.threadOptions,
      ioengine: g.ioengine,
      description: g.description,
      threads: g.threads,
      jobLines: g.jobLines,
      keepLog: g.writeIologs.some((f) => f !== undefined) || g.logs.some((l) => l !== undefined),
    }));
  } catch (err) {
    if (err instanceof FioJobError) throw new UsageError(err.message);
    throw err;
  }
  // A value the model cannot take is said as fio's option in the job that wrote it, not as the model's field.
  specs.forEach((spec, i) => {
    try {
      validateConfig(spec.input);
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      const named = err.message
        .replace(
          /^workload\.jobs\[(\d+)\]\.(\w+):/,
          (_, j: string, k: string) => `job '${groups[i].jobLines[Number(j)].name}': ${k}:`,
        )
        .replace(/^workload\.(\w+):/, "$1:");
      throw new UsageError(`${where[i]}: ${named}`);
    }
  });
  const m = await loadNvmesim();
  const progress = progressOf(p.get("eta") ?? "auto", io, specs);
  let run;
  try {
    run = await simulateFioGroups(
      m,
      specs,
      {
        plus: format === "json+",
        globalOptions: globalOptions(line.jobs),
        epochSeconds: epochOf(p.get("epoch")),
      },
      { onProgress: progress.update },
    );
  } catch (err) {
    if (err instanceof ConfigError) throw new UsageError(`invalid job: ${err.message}`);
    throw err;
  } finally {
    progress.stop();
  }
  const whatIf = run.groups.find((g) => g.result.nvmesim.whatIf)?.result.nvmesim.whatIf;
  if (whatIf) io.stderr(`note: ${whatIf}\n`);
  const text = format === "normal" ? run.normal : format === "terse" ? run.terse : run.text;
  const output = p.get("output");
  if (output === undefined) io.stdout(text);
  else
    try {
      writeAtomic(output, text);
    } catch (err) {
      throw new UsageError(`cannot write --output '${output}': ${(err as Error).message}`);
    }
  writeLogs(run, groups);
  const clean = run.groups.every((g) => g.result.nvmesim.engineErrors === 0 && g.result.nvmesim.integrityErrors === 0);
  return clean ? 0 : 1;
}

/** A group's completed I/Os, thread by thread, in the order each saw them. */
function threadIos(g: FioRun["groups"][number], threads: number): LoggedIo[][] {
  const out = Array.from({ length: threads }, () => [] as LoggedIo[]);
  for (const io of g.log ?? []) out[io.thread].push(io);
  return out;
}

/**
 * Each thread's write_iolog (version 3, its I/Os in the order it issued them) and fio's logs (write_bw_log,
 * write_lat_log, write_iops_log, write_hist_log), in fio's file names and formats. fio appends an iolog and a
 * per_job_logs=0 log to what the file holds; the threads that share one follow one another.
 */
function writeLogs(run: FioRun, groups: readonly JobGroup[]): void {
  const files = new Map<string, string>();
  const append = (file: string, text: string) => files.set(file, (files.get(file) ?? "") + text);
  const appended = new Set<string>();
  let thread = 0;
  run.groups.forEach((g, i) => {
    const unit = g.unitBytes ?? 4096;
    const w = g.config.workload;
    const sync = w.kind === "fio" && SYNC_ENGINES.includes(w.ioengine);
    const perThread = threadIos(g, groups[i].threadNames.length);
    perThread.forEach((ios, t) => {
      thread++;
      const iolog = groups[i].writeIologs[t];
      const filename = groups[i].threadOptions[t].filename ?? "nvmesim";
      if (iolog !== undefined) {
        const issued = [...ios]
          .sort((a, b) => a.submitNs - b.submitNs)
          .map((io) => ({ issuedNs: io.submitNs, offset: io.unit * unit, length: io.units * unit, write: io.write }));
        append(iolog, iologText(issued, filename, g.result.nvmesim.simulatedNs));
        appended.add(iolog);
      }
      const logs = groups[i].logs[t];
      if (!logs) return;
      // a job runs to its last completion, or (time_based) to its runtime's end
      const lastNs = ios.length ? ios[ios.length - 1].seenNs : 0;
      const timed = w.kind === "fio" && w.number_ios === 0 && w.io_size === 0 && w.runtime > 0;
      const endNs = timed ? Math.max(lastNs, (w.runtime + w.ramp_time) * 1e9) : lastNs;
      // what completed during ramp_time is not logged, as fio counts nothing then
      const rows = ios
        .filter((io) => io.seenNs >= (w.kind === "fio" ? w.ramp_time * 1e9 : 0))
        .map((io) => ({
          submitNs: io.submitNs,
          seenNs: io.seenNs,
          slatNs: io.slatNs,
          offset: io.unit * unit,
          bytes: io.units * unit,
          write: io.write,
        }));
      for (const [file, text] of jobLogs(rows, logs, thread, endNs, sync)) {
        append(file, text);
        if (!logs.perJob) appended.add(file);
      }
    });
  });
  for (const [file, text] of files) {
    let before = "";
    if (appended.has(file))
      try {
        before = readFileSync(file, "utf8");
      } catch {
        // a new file
      }
    try {
      writeAtomic(file, before + text);
    } catch (err) {
      throw new UsageError(`cannot write the log '${file}': ${(err as Error).message}`);
    }
  }
}
