// `nvmesim measure`: the job `nvmesim run` would simulate, run for real with
// fio on a target (target.ts), optionally under `perf record` of the whole
// machine, and returned in the shape of a simulated result: fio's own JSON,
// plus an `nvmesim` section with the same keys as a simulation's (what a
// real machine cannot tell, such as doorbells per I/O, is null) and the
// measured profile grouped into layers by the symbol table (model/symbols.ts).
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RunConfig } from "../model/config";
import { configJson, fnv1a64 } from "../run/result";
import { fioArgs, fioJob } from "./fio-job";
import { layerShares, parsePerfReport, type PerfReport } from "./perf-report";
import { isStopping, MeasureRefused, withCleanups, type System } from "./system";
import { openTarget } from "./target";

export interface MeasureOptions {
  target: string;
  perf: boolean;
  allowWrite: boolean;
}

type FioDirection = { total_ios: number; iops: number; runtime: number };
type FioJson = {
  "fio version": string;
  jobs: { read: FioDirection; write: FioDirection; usr_cpu: number; sys_cpu: number; ctx: number; error: number }[];
};

/** The machine's kernel release (uname -r). */
async function kernelRelease(sys: System): Promise<string> {
  return (await sys.run("uname", ["-r"])).stdout.trim() || "unknown";
}

/** The measured section: a simulation's keys, with what a real machine cannot tell as null. */
function measuredSection(
  config: RunConfig,
  fio: FioJson,
  report: PerfReport | undefined,
  extra: Record<string, unknown>,
) {
  const job = fio.jobs[0];
  const ios = job.read.total_ios + job.write.total_ios;
  const runtimeMs = Math.max(job.read.runtime, job.write.runtime);
  // fio's usr/sys CPU are percentages of one CPU over the run, for all jobs together (group_reporting).
  const cpuNs = ((job.usr_cpu + job.sys_cpu) / 100) * runtimeMs * 1e6;
  const total = report?.eventCount;
  const profile = (report?.entries ?? []).map((e) => ({
    symbol: e.symbol,
    layer: e.layer,
    ns: total === undefined ? null : Math.round((e.percent / 100) * total),
    percent: e.percent,
  }));
  const layers = report
    ? layerShares(report).map((l) => ({ ...l, ns: total === undefined ? null : Math.round((l.percent / 100) * total) }))
    : [];
  const c = configJson(config);
  return {
    path: "measured",
    device: String(extra.target),
    seed: String(config.seed),
    configHash: fnv1a64(JSON.stringify(c)),
    config: c,
    simulatedNs: null,
    wallTimeMs: runtimeMs,
    profile,
    layers,
    cpuNsPerIo: ios ? cpuNs / ios : null,
    cpuUtilization: null,
    deviceUtilization: null,
    meanInFlight: null,
    doorbellsPerIo: null,
    interruptsPerIo: null,
    contextSwitchesPerIo: ios ? job.ctx / ios : null,
    kblockdRunsPerIo: null,
    integrityErrors: null,
    statusCounts: null,
    engineErrors: job.error,
    machine: extra,
  };
}

/** Runs `config`'s fio job for real; resolves with fio's JSON and the measured nvmesim section. */
export async function measure(config: RunConfig, o: MeasureOptions, sys: System): Promise<Record<string, unknown>> {
  if (!sys.has("fio")) throw new MeasureRefused("nvmesim measure needs fio (apt-get install fio)");
  if (o.perf && !sys.has("perf")) throw new MeasureRefused("--perf needs perf (apt-get install linux-perf)");
  const job0 = fioJob(config, "-"); // refuses the swap program before anything is created
  const writes = job0.options.some(([k, v]) => k === "rw" && /write|rw/.test(v));
  const sizeBytes = config.workload.kind === "fio" ? config.workload.size : 0;
  return withCleanups(async (cleanups) => {
    const target = await openTarget(o.target, { writes, allowWrite: o.allowWrite, sizeBytes }, sys, cleanups);
    const args = fioArgs(fioJob(config, target.filename));
    let fioRun;
    let report: PerfReport | undefined;
    if (o.perf) {
      const dir = mkdtempSync(join(tmpdir(), "nvmesim-perf-"));
      cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
      const data = join(dir, "perf.data");
      fioRun = await sys.run("perf", ["record", "-a", "-e", "cpu-clock", "-q", "-o", data, "--", "fio", ...args]);
      if (fioRun.status === 0) {
        const r = await sys.run("perf", [
          "report",
          "-i",
          data,
          "--stdio",
          "--sort",
          "sym",
          "--no-children",
          "-g",
          "none",
        ]);
        if (r.status !== 0) throw new MeasureRefused(`perf report failed: ${r.stderr.trim()}`);
        report = parsePerfReport(r.stdout);
      } else if (/perf_event_paranoid|Permission|not permitted/i.test(fioRun.stderr))
        throw new MeasureRefused(`--perf: perf is not permitted here (${fioRun.stderr.trim().split("\n")[0]})`);
    } else fioRun = await sys.run("fio", args);
    if (fioRun.status !== 0 && isStopping()) await new Promise(() => {}); // the signal handler ends the process
    if (fioRun.status !== 0) throw new Error(`fio failed (exit ${fioRun.status}): ${fioRun.stderr.trim()}`);
    const start = fioRun.stdout.indexOf("{");
    const fio = JSON.parse(fioRun.stdout.slice(start)) as FioJson;
    const machine = {
      measured: true,
      kernel: await kernelRelease(sys),
      target: target.describe,
      fioVersion: fio["fio version"],
      perfEvent: report?.event ?? null,
      perfSamples: report?.samples ?? null,
    };
    return { ...fio, nvmesim: measuredSection(config, fio, report, machine) };
  });
}

/** A committed fio JSON and perf report read as a measurement (tests, and results saved from another machine). */
export function measuredFromFiles(config: RunConfig, fioJsonPath: string, perfReportPath: string | undefined) {
  const fio = JSON.parse(readFileSync(fioJsonPath, "utf8")) as FioJson;
  const report = perfReportPath ? parsePerfReport(readFileSync(perfReportPath, "utf8")) : undefined;
  return measuredSection(config, fio, report, { measured: true, target: fioJsonPath });
}
