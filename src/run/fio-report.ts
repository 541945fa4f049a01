// Simulated fio jobs reported as fio reports them: one entry per job, or one
// per group with group_reporting, each with the options it was given; the
// groups (stonewall) one after the other; the JSON document and its text
// (json, json+) and fio's normal text. The numbers are the simulation's; the
// layout is fio's.
import { terseLine } from "../fio/terse";
import { ConfigError, validateConfig, type RunConfig } from "../model/config";
import { buildResult, diskCounts, type NvmesimSection, type Result } from "./result";
import { runEngine, type SimulateOptions } from "./simulate";
import type { LoggedIo } from "../wasm/engine";
import type { Nvmesim } from "../wasm/module";
import {
  ctime,
  fioDocument,
  fioJsonText,
  type DiskCounts,
  type FioDocumentJson,
  type FioOutputOptions,
  type ReportedJob,
} from "../fio/json";
import { jobOptionsOf } from "../fio/job-options";
import { diskText, groupText, startLine, threadText } from "../fio/normal";
import { groupRun, groupStat, threadStats, type GroupRun } from "../fio/thread-stat";

/** One group of jobs that run side by side: a configuration and how its jobs are named and reported. */
export interface FioGroupSpec {
  /** The run configuration (validated here). */
  input: unknown;
  /** One entry for all the group's jobs (fio's group_reporting). */
  groupReporting: boolean;
  /** Each job's (thread's) name; "nvmesim" for all when absent. */
  names?: readonly string[];
  /** Each job's options as given, for "job options"; derived from the configuration when absent. */
  jobOptions?: readonly Record<string, string>[];
  /** fio's ioengine name, for the normal output's start line. */
  ioengine?: string;
  /** The jobs' description option (fio's desc). */
  description?: string;
  /** How many of the group's jobs are fio threads (the thread option), not processes (the Starting line). */
  threads?: number;
  /** Each job section's start line, when the group's jobs differ (fio prints one per job section). */
  jobLines?: readonly { name: string; rw: string; bs: number; iodepth: number; numjobs: number }[];
  /** Keep every completed I/O (FioGroupRun.log), for fio's logs and write_iolog. */
  keepLog?: boolean;
}

/** How the document is written (fio's output options; json by default). */
export type FioOutputSettings = Partial<FioOutputOptions>;

export interface FioGroupRun {
  config: RunConfig;
  result: Result;
  reported: ReportedJob[];
  run: GroupRun;
  disk: DiskCounts;
  /** Every completed I/O (keepLog), and the bytes of the unit their offsets count. */
  log?: LoggedIo[];
  unitBytes?: number;
}

export interface FioRun {
  groups: FioGroupRun[];
  /** fio's JSON, with nvmesim's section (one group's, or a list of the groups') under "nvmesim". */
  document: FioDocumentJson & { nvmesim: NvmesimSection | NvmesimSection[] };
  /** The document printed as fio prints it. */
  text: string;
  /** fio's normal text output. */
  normal: string;
  /** fio's terse (version 3) lines, one per job reported (--minimal, --output-format=terse). */
  terse: string;
}

/** One group's run, reported. */
async function runGroup(
  m: Nvmesim,
  spec: FioGroupSpec,
  groupid: number,
  simulateOptions: SimulateOptions,
): Promise<FioGroupRun> {
  const config = validateConfig(spec.input);
  const w = config.workload;
  if (w.kind !== "fio")
    throw new ConfigError("workload.kind", '"swap" has no fio jobs to report (fio output is for workload.kind "fio")');
  const perJob = !spec.groupReporting && w.numjobs > 1;
  const engine = await runEngine(m, config, {
    ...simulateOptions,
    jobs: perJob ? "histograms" : "counts",
    keepLog: spec.keepLog,
  });
  const result = buildResult({ config, ...engine });
  const names = spec.names ?? [];
  const stats = threadStats(config, engine.jobs!, engine.cpuNs!, engine.stats.nowNs, "", result.jobs[0].error).map(
    (s, t) => ({ ...s, name: names[t] ?? "nvmesim", groupid, description: spec.description }),
  );
  const plat = { read: engine.histRead, write: engine.histWrite };
  const options = (t: number) => spec.jobOptions?.[t] ?? jobOptionsOf(config, stats[t].name, spec.groupReporting);
  const reported = perJob
    ? stats.map((stat, t) => ({ stat, options: options(t) }))
    : [{ stat: groupStat(stats, plat), options: options(0) }];
  return {
    config,
    result,
    reported,
    run: groupRun(reported.map((r) => r.stat)),
    disk: diskCounts(engine.stats),
    ...(engine.log ? { log: engine.log, unitBytes: engine.unitBytes } : {}),
  };
}

function sumDisk(disks: readonly DiskCounts[], runs: readonly number[]): DiskCounts {
  const total = runs.reduce((a, b) => a + b, 0);
  const add = (k: keyof DiskCounts) => disks.reduce((s, d) => s + d[k], 0);
  return {
    readIos: add("readIos"),
    writeIos: add("writeIos"),
    writeMerges: add("writeMerges"),
    readTicksMs: add("readTicksMs"),
    writeTicksMs: add("writeTicksMs"),
    utilPercent: total > 0 ? disks.reduce((s, d, i) => s + d.utilPercent * runs[i], 0) / total : 0,
  };
}

/** Runs the groups one after the other, as fio runs stonewalled groups, and reports them. */
export async function simulateFioGroups(
  m: Nvmesim,
  specs: readonly FioGroupSpec[],
  settings: FioOutputSettings = {},
  simulateOptions: SimulateOptions = {},
): Promise<FioRun> {
  const groups: FioGroupRun[] = [];
  for (const [i, spec] of specs.entries()) groups.push(await runGroup(m, spec, i, simulateOptions));
  const runs = groups.map((g) => g.result.nvmesim.simulatedNs);
  const simulatedNs = runs.reduce((a, b) => a + b, 0);
  const disk = sumDisk(
    groups.map((g) => g.disk),
    runs,
  );
  const fio = fioDocument(
    simulatedNs,
    groups.flatMap((g) => g.reported),
    groups.map((g) => g.run),
    disk,
    { plus: settings.plus ?? false, epochSeconds: settings.epochSeconds, globalOptions: settings.globalOptions },
  );
  const sections = groups.map((g) => g.result.nvmesim);
  const document = { ...fio, nvmesim: sections.length === 1 ? sections[0] : sections };
  const time = ctime(fio.timestamp);
  let normal = "";
  specs.forEach((spec, i) => {
    const w = groups[i].config.workload;
    if (w.kind !== "fio") return;
    const engine = spec.ioengine ?? (w.ioengine === "sync" ? "psync" : "libaio");
    const lines = spec.jobLines ?? [
      { name: spec.names?.[0] ?? "nvmesim", rw: w.rw, bs: w.bs, iodepth: w.iodepth, numjobs: w.numjobs },
    ];
    for (const l of lines) {
      normal += startLine(l.name, i, l.rw, l.bs, engine, l.iodepth);
      if (l.numjobs > 1) normal += "...\n";
    }
  });
  normal += `fio-3.33\n${startingLine(specs, groups)}\n\n`;
  let pid = 0;
  for (const g of groups) for (const r of g.reported) normal += threadText(r.stat, g.run, ++pid, time);
  groups.forEach((g, i) => (normal += groupText(g.run, i)));
  normal += diskText(disk);
  const terse = groups.flatMap((g) => g.reported.map((r) => terseLine(r.stat, g.run, disk))).join("");
  return { groups, document, text: fioJsonText(document), normal, terse };
}

/** fio's "Starting N threads and M processes" (backend.c): the jobs with the thread option are threads. */
function startingLine(specs: readonly FioGroupSpec[], groups: readonly FioGroupRun[]): string {
  let threads = 0;
  let processes = 0;
  groups.forEach((g, i) => {
    const n = g.config.workload.kind === "fio" ? g.config.workload.numjobs : 0;
    const t = Math.min(n, specs[i].threads ?? 0);
    threads += t;
    processes += n - t;
  });
  const parts = [
    ...(threads ? [`${threads} thread${threads === 1 ? "" : "s"}`] : []),
    ...(processes || !threads ? [`${processes} process${processes === 1 ? "" : "es"}`] : []),
  ];
  return `Starting ${parts.join(" and ")}`;
}

/** One configuration's jobs reported as fio does (`nvmesim run --fio-json`). */
export async function simulateFio(
  m: Nvmesim,
  input: unknown,
  spec: Omit<FioGroupSpec, "input">,
  settings: FioOutputSettings = {},
  simulateOptions: SimulateOptions = {},
): Promise<FioRun> {
  return simulateFioGroups(m, [{ input, ...spec }], settings, simulateOptions);
}
