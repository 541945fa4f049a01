// A run's result in words, as `nvmesim run` prints it and a notebook shows
// it: one line for the run, one per direction with IOPS, bandwidth and
// latency, one for CPU and doorbells, one for the simulated time and the top
// of the profile; and the profile as a perf-report-style table.
import type { RunConfig } from "../model/config";
import { runLimit } from "../run/limit";
import type { Result } from "../run/result";

/** The run in a line: its path (or `paths`), device, CPUs, workload, seed, kernel and CPU model. */
export function runLine(r: Result, paths = r.nvmesim.path): string {
  const n = r.nvmesim;
  const c = n.config as RunConfig;
  const w = c.workload;
  const what =
    w.kind === "swap"
      ? `swap program, ${w.threads} thread(s), ${w.workingSet >> 20} MiB working set in ${w.memory >> 20} MiB, ${w.pattern}, readahead ${2 ** w.pageCluster}`
      : w.iolog !== ""
        ? `fio replaying a recorded log (${w.number_ios / w.numjobs} I/Os) iodepth=${w.iodepth} numjobs=${w.numjobs} ioengine=${w.ioengine}${w.hipri ? " hipri" : ""}`
        : w.jobs.length
          ? `fio, ${w.jobs.length} jobs side by side (${w.jobs.map((j) => `${j.name}: ${j.rw} bs=${j.bs} iodepth=${j.iodepth} numjobs=${j.numjobs}`).join("; ")}) ioengine=${w.ioengine}`
          : `fio ${w.rw} bs=${w.bs} iodepth=${w.iodepth} numjobs=${w.numjobs} ioengine=${w.ioengine}${w.hipri ? " hipri" : ""}`;
  return `nvmesim run: ${paths} on ${n.device}, ${c.cpus} CPUs, ${what} (seed ${n.seed}); Linux ${c.host.kernel}, ${c.host.cpu}`;
}

/** What `nvmesim run --path P` prints: the run in a line, then throughput, latency and CPU per direction. */
export function resultSummary(r: Result): string {
  const n = r.nvmesim;
  const job = r.jobs[0];
  const cpus = (n.config as RunConfig).cpus;
  const lines = [runLine(r)];
  if (n.whatIf) lines.push(`  ${n.whatIf}`);
  if (n.swap) {
    lines.push(
      `  faults ${n.swap.faults} (${n.swap.majorFaults} major), ${Math.round(n.swap.faultsPerSec)} per second; swap-ins ${n.swap.swapIns}, swap-outs ${n.swap.swapOuts}`,
    );
  }
  lines.push(...directionLines(job));
  const limit = runLimit(r);
  lines.push(
    `  CPU ${n.cpuNsPerIo.toFixed(0)} ns per I/O (${(n.cpuUtilization * 100).toFixed(1)}% of ${cpus} CPUs); doorbells ${n.doorbellsPerIo.toFixed(2)}, interrupts ${n.interruptsPerIo.toFixed(2)}, context switches ${n.contextSwitchesPerIo.toFixed(2)} per I/O`,
    `  ${limit.by}-bound: ${limit.why}`,
    `  simulated ${(n.simulatedNs / 1e6).toFixed(3)} ms${n.wallTimeMs !== undefined ? `, wall ${n.wallTimeMs.toFixed(0)} ms` : ""}; integrity errors ${n.integrityErrors}; top: ${n.profile
      .slice(0, 3)
      .map((p) => `${p.symbol} ${p.percent.toFixed(1)}%`)
      .join(", ")}`,
  );
  return lines.join("\n") + "\n";
}

/** The profile as perf report lays it out. */
export function profileText(r: Result): string {
  const lines = [
    `# nvmesim profile: ${r.nvmesim.path}, CPU time by kernel function (cost table x calls)`,
    "#",
    "# Overhead  Layer   Symbol",
  ];
  for (const p of r.nvmesim.profile)
    lines.push(`${p.percent.toFixed(2).padStart(9)}%  ${p.layer.padEnd(6)}  [k] ${p.symbol}`);
  return lines.join("\n") + "\n";
}

interface DirectionSummary {
  total_ios: number;
  iops: number;
  bw_bytes: number;
  lat_ns: { mean: number };
  slat_ns?: { mean: number };
  clat_ns: { percentile?: Record<string, number> };
}

/** One line per direction that ran: IOPS, bandwidth, mean latency (and slat when known), clat percentiles. */
export function directionLines(job: { read: DirectionSummary; write: DirectionSummary }): string[] {
  const lines: string[] = [];
  const us = (ns: number | undefined) => (ns === undefined ? "-" : (ns / 1000).toFixed(1));
  for (const dir of ["read", "write"] as const) {
    const d = job[dir];
    if (d.total_ios === 0) continue;
    const p = d.clat_ns.percentile ?? {};
    const slat = d.slat_ns ? ` (slat ${us(d.slat_ns.mean)})` : "";
    lines.push(
      `  ${dir.padEnd(5)} IOPS ${Math.round(d.iops)}  BW ${(d.bw_bytes / 1e6).toFixed(1)} MB/s  lat us: mean ${us(d.lat_ns.mean)}${slat}; clat p50 ${us(p["50.000000"])} p99 ${us(p["99.000000"])} p99.9 ${us(p["99.900000"])}`,
    );
  }
  return lines;
}
