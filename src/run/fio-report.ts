// A simulated fio job reported as fio reports it: one entry per job, or one
// per group with group_reporting, each with the options the job was given;
// the JSON document and its text (json, json+). The numbers are the
// simulation's; the layout is fio's.
import { validateConfig, type RunConfig } from "../model/config";
import { buildResult, diskCounts, type Result } from "./result";
import { runEngine, type SimulateOptions } from "./simulate";
import type { Nvmesim } from "../wasm/module";
import { fioDocument, fioJsonText, type FioOutputOptions, type ReportedJob } from "../fio/json";
import { jobOptionsOf } from "../fio/job-options";
import { groupRun, groupStat, threadStats, type GroupRun } from "../fio/thread-stat";

export interface FioReportOptions {
  /** One entry for all jobs (fio's group_reporting). */
  groupReporting: boolean;
  /** json+: clat bins. */
  plus?: boolean;
  /** The job's name (fio's jobname); "nvmesim" by default. */
  name?: string;
  /** The options the job was given, as fio writes them under "job options"; derived from the configuration when absent. */
  jobOptions?: Record<string, string>;
  globalOptions?: Record<string, string>;
  epochSeconds?: number;
}

export interface FioReport {
  result: Result;
  jobs: ReportedJob[];
  groups: GroupRun[];
  document: ReturnType<typeof fioDocument>;
  /** The document printed as fio prints it. */
  text: string;
}

/** The fio report of a finished run. */
export function fioReport(
  config: RunConfig,
  result: Result,
  engine: Pick<Awaited<ReturnType<typeof runEngine>>, "jobs" | "cpuNs" | "histRead" | "histWrite" | "stats">,
  options: FioReportOptions,
): FioReport {
  if (!engine.jobs || !engine.cpuNs) throw new Error("the run kept no per-job statistics (SimulateOptions.jobs)");
  const name = options.name ?? "nvmesim";
  const error = result.jobs[0].error;
  const perJob = threadStats(config, engine.jobs, engine.cpuNs, result.nvmesim.simulatedNs, name, error);
  const runPlat = { read: engine.histRead, write: engine.histWrite };
  const stats =
    options.groupReporting || perJob.length === 1 ? [groupStat(perJob, runPlat)] : perJob.map((s) => ({ ...s }));
  const groups = [groupRun(stats)];
  const jobOptions = options.jobOptions ?? jobOptionsOf(config, name, options.groupReporting);
  const jobs = stats.map((stat) => ({ stat, options: jobOptions }));
  const outputOptions: FioOutputOptions = {
    plus: options.plus ?? false,
    epochSeconds: options.epochSeconds,
    globalOptions: options.globalOptions,
  };
  const document = {
    ...fioDocument(result.nvmesim.simulatedNs, jobs, groups, diskCounts(engine.stats), outputOptions),
    nvmesim: result.nvmesim,
  };
  return { result, jobs, groups, document, text: fioJsonText(document) };
}

/** Runs a configuration of a fio workload and reports it as fio does. */
export async function simulateFio(
  m: Nvmesim,
  input: unknown,
  options: FioReportOptions,
  simulateOptions: SimulateOptions = {},
): Promise<FioReport> {
  const config = validateConfig(input);
  if (config.workload.kind !== "fio")
    throw new Error("workload.kind: fio output is for fio jobs, not the swap program");
  const perJobHistograms = !options.groupReporting && config.workload.numjobs > 1;
  const engine = await runEngine(m, config, { ...simulateOptions, jobs: perJobHistograms ? "histograms" : "counts" });
  return fioReport(config, buildResult({ config, ...engine }), engine, options);
}
