// fio's terse output, version 3 (--minimal, --output-format=terse): one
// semicolon-separated line per job, as fio 3.33's stat.c writes it
// (show_thread_status_terse_all): version, fio's version, job, group and
// error; for reads then writes the I/O, bandwidth, IOPS and runtime, slat,
// clat, 20 clat percentiles, lat and bandwidth statistics in microseconds;
// CPU, the depth and latency distributions, and the disk's line. 130 fields,
// and the description when a job has one.
import { FIO_PERCENTILES, fioPercentiles } from "./histogram";
import { depthTotal, distribution, latencyShares, statMoments, type DiskCounts } from "./json";
import type { DirStat, GroupRun, IoStat, ThreadStat } from "./thread-stat";

/** fio's terse percentile list holds 20 places; the default list fills 17 of them. */
const PERCENTILE_PLACES = 20;

/** C's "%f": six decimals. */
const f6 = (x: number) => x.toFixed(6);

/** min, max (whole microseconds, truncated as C's integer division) and mean, stddev (microseconds, "%f"). */
function latTerse(s: IoStat): string[] {
  if (!s.samples) return ["0", "0", f6(0), f6(0)];
  const m = statMoments(s);
  return [String(Math.floor(m.min / 1000)), String(Math.floor(m.max / 1000)), f6(m.mean / 1000), f6(m.dev / 1000)];
}

/** One direction's 41 fields (show_ddir_status_terse, version 3). */
function ddirTerse(d: DirStat, agg: number): string[] {
  const runtime = d.runtimeMs;
  const bw = runtime ? Math.floor(Math.floor((1000 * d.ioBytes) / runtime) / 1024) : 0;
  const iops = runtime ? Math.floor((1000 * d.totalIos) / runtime) : 0;
  // fio lists its percentiles for a direction with no samples too, each 0.
  const values = d.clat.samples && d.plat ? fioPercentiles(d.plat) : undefined;
  const percentiles = FIO_PERCENTILES.map((p) => `${f6(p)}%=${Math.floor((values?.[f6(p)] ?? 0) / 1000)}`);
  while (percentiles.length < PERCENTILE_PLACES) percentiles.push("0%=0");
  let bwFields = ["0", "0", `${f6(0)}%`, f6(0), f6(0)];
  if (d.bw.samples) {
    const m = statMoments(d.bw);
    const ofAgg = agg ? Math.min(100, (m.mean * 100) / (agg / 1024)) : 100;
    bwFields = [String(m.min), String(m.max), `${f6(ofAgg)}%`, f6(m.mean), f6(m.dev)];
  }
  return [
    String(Math.floor(d.ioBytes / 1024)),
    String(bw),
    String(iops),
    String(runtime),
    ...latTerse(d.slat),
    ...latTerse(d.clat),
    ...percentiles.slice(0, PERCENTILE_PLACES),
    ...latTerse(d.lat),
    ...bwFields,
  ];
}

/** One job's terse v3 line (with its newline). */
export function terseLine(t: ThreadStat, group: GroupRun, disk: DiskCounts): string {
  const ios = t.dirs.read.totalIos + t.dirs.write.totalIos;
  // stat_calc_lat_nu: the microsecond buckets, the first one taking the nanosecond ones too.
  const latU = latencyShares(t.latU, ios);
  latU[0] += latencyShares(t.latN, ios).reduce((a, b) => a + b, 0);
  const fields = [
    "3",
    "fio-3.33",
    t.name,
    String(t.groupid),
    String(t.error),
    ...ddirTerse(t.dirs.read, group.read.agg),
    ...ddirTerse(t.dirs.write, group.write.agg),
    `${f6(t.usrCpu)}%`,
    `${f6(t.sysCpu)}%`,
    String(t.ctx),
    String(t.majf),
    String(t.minf),
    ...distribution(t.ioUMap, depthTotal(t.ioUMap, ios)).map((p) => `${p.toFixed(1)}%`),
    ...latU.map((p) => `${p.toFixed(2)}%`),
    ...latencyShares(t.latM, ios).map((p) => `${p.toFixed(2)}%`),
    "nvme0n1",
    String(disk.readIos),
    String(disk.writeIos),
    "0",
    String(disk.writeMerges),
    String(disk.readTicksMs),
    String(disk.writeTicksMs),
    String(disk.readTicksMs + disk.writeTicksMs),
    `${Math.min(100, disk.utilPercent).toFixed(2)}%`,
    ...(t.description ? [t.description] : []),
  ];
  return fields.join(";") + "\n";
}
