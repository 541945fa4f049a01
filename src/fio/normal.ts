// fio's `normal` text output (stat.c's show_thread_status_normal,
// show_ddir_status, show_group_stats and the disk lines, fio 3.33), laid out
// as fio lays it out, from the same thread stats the JSON comes from.
import { fioPercentiles } from "./histogram";
import { depthTotal, distribution, latencyShares, percentOfAgg, statMoments, type DiskCounts } from "./json";
import type { Dir, GroupRun, IoStat, ThreadStat } from "./thread-stat";

/** fio's num2str: at most `maxlen` digits, then a unit prefix (decimal, or binary when `pow2`), carry-rounded. */
export function num2str(value: number, maxlen: number, pow2: boolean, unit: "" | "B" | "B/s"): string {
  const thousand = pow2 ? 1024 : 1000;
  const prefixes = pow2 ? ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"] : ["", "k", "M", "G", "T", "P", "E"];
  let num = Math.floor(value);
  let post = 0;
  let modulo = -1;
  let carry = false;
  while (post < prefixes.length && String(num).length > maxlen) {
    modulo = num % thousand;
    num = Math.floor(num / thousand);
    carry = modulo >= thousand / 2;
    post++;
  }
  if (post >= prefixes.length) post = 0;
  if (modulo === -1) return `${num}${prefixes[post]}${unit}`;
  const room = maxlen - String(num).length;
  if (room <= 1) return `${num + (carry ? 1 : 0)}${prefixes[post]}${unit}`;
  const frac = (modulo / thousand).toFixed(room - 1);
  if (frac.startsWith("1")) num++;
  return `${num}.${frac.slice(2)}${prefixes[post]}${unit}`;
}

/** fio's sig_figs default. */
const SIG_FIGS = 4;

/** C's %5.02f and friends: fixed decimals, right-aligned to a width. */
const fixed = (x: number, width: number, decimals: number) => x.toFixed(decimals).padStart(width);

function displayLat(name: string, s: IoStat): string {
  let { min, max, mean, dev } = statMoments(s);
  let base = "(nsec)";
  if (min > 2000000 && max > 99999999 && dev > 1000000) {
    [min, max, mean, dev] = [Math.floor(min / 1e6), Math.floor(max / 1e6), mean / 1e6, dev / 1e6];
    base = "(msec)";
  } else if (min > 2000 && max > 99999 && dev > 1000) {
    [min, max, mean, dev] = [Math.floor(min / 1e3), Math.floor(max / 1e3), mean / 1e3, dev / 1e3];
    base = "(usec)";
  }
  return `    ${name} ${base}: min=${num2str(min, 6, false, "")}, max=${num2str(max, 6, false, "")}, avg=${fixed(mean, 5, 2)}, stdev=${fixed(dev, 5, 2)}\n`;
}

/** fio's show_clat_percentiles with the default list and precision 2. */
function percentilesText(plat: number[], pre: string): string {
  const values = Object.entries(fioPercentiles(plat));
  if (values.length === 0) return "";
  const vals = values.map(([, v]) => v);
  const minv = Math.min(...vals);
  const maxv = Math.max(...vals);
  const [scale, unit] =
    minv > 2000000 && maxv > 99999999 ? [2, "msec"] : minv > 2000 && maxv > 99999 ? [1, "usec"] : [0, "nsec"];
  const divisor = 1000 ** scale;
  const timeWidth = Math.max(5, Math.floor(Math.log10(maxv / divisor) + 1));
  const precision = 2;
  const perLine = Math.floor((80 - 7) / (precision + 10 + timeWidth));
  let out = `    ${pre} percentiles (${unit}):\n     |`;
  values.forEach(([p, v], j) => {
    if (j !== 0 && j % perLine === 0) out += "     |";
    let shown = v;
    for (let i = 0; i < scale; i++) shown = Math.floor((shown + 999) / 1000);
    const last = j === values.length - 1;
    out += ` ${Number(p)
      .toFixed(precision)
      .padStart(precision + 3)}th=[${String(shown).padStart(timeWidth)}]${last ? "\n" : ","}`;
    if (!last && j % perLine === perLine - 1) out += "\n";
  });
  return out;
}

function ddirText(t: ThreadStat, d: Dir, group: GroupRun[Dir]): string {
  const s = t.dirs[d];
  if (!s.runtimeMs) return "";
  const seconds = s.runtimeNs / 1e9;
  const bw = Math.floor(s.ioBytes / seconds);
  const iops = Math.floor(s.totalIos / seconds);
  let out = `  ${d}: IOPS=${num2str(iops, SIG_FIGS, false, "")}, BW=${num2str(bw, SIG_FIGS, true, "B/s")} (${num2str(bw, SIG_FIGS, false, "B/s")})(${num2str(s.ioBytes, SIG_FIGS, true, "B")}/${s.runtimeMs}msec)${d === "write" ? "; 0 zone resets" : ""}\n`;
  if (s.slat.samples) out += displayLat("slat", s.slat);
  if (s.clat.samples) out += displayLat("clat", s.clat);
  if (s.lat.samples) out += displayLat(" lat", s.lat);
  if (s.plat && s.clat.samples) out += percentilesText(s.plat, "clat");
  if (s.bw.samples) {
    let { min, max, mean, dev } = statMoments(s.bw);
    const perAgg = percentOfAgg(group.agg, mean);
    let unit = "KiB";
    if (mean > 1024 * 1024) {
      [min, max, mean, dev] = [Math.floor(min / 1024), Math.floor(max / 1024), mean / 1024, dev / 1024];
      unit = "MiB";
    }
    out += `   bw (${unit.padStart(5)}/s): min=${String(min).padStart(5)}, max=${String(max).padStart(5)}, per=${perAgg.toFixed(2)}%, avg=${fixed(mean, 5, 2)}, stdev=${fixed(dev, 5, 2)}, samples=${s.bw.samples}\n`;
  }
  if (s.iops.samples) {
    const { min, max, mean, dev } = statMoments(s.iops);
    out += `   iops        : min=${String(min).padStart(5)}, max=${String(max).padStart(5)}, avg=${fixed(mean, 5, 2)}, stdev=${fixed(dev, 5, 2)}, samples=${s.iops.samples}\n`;
  }
  return out;
}

/** fio's show_lat: the non-zero buckets, five to a line. */
function latText(shares: number[], keys: readonly string[], unit: string): string {
  const shown = shares.map((p, i) => [keys[i], p] as const).filter(([, p]) => p > 0);
  let out = "";
  shown.forEach(([k, p], i) => {
    if (i % 5 === 0) out += `${i ? "\n" : ""}  lat (${unit})   : `;
    else out += ", ";
    out += `${k}=${p.toFixed(2)}%`;
  });
  return shown.length ? out + "\n" : "";
}

const LAT_KEYS = ["2", "4", "10", "20", "50", "100", "250", "500", "750", "1000"];
const dist = (values: number[]) => values.map((p) => `${p.toFixed(1)}%`);

/** One job's (or group's) block. */
export function threadText(t: ThreadStat, group: GroupRun, pid: number, time: string): string {
  const ios = t.dirs.read.totalIos + t.dirs.write.totalIos;
  if (ios === 0) return "";
  let out = `${t.name}: (groupid=${t.groupid}, jobs=${t.members}): err=${String(t.error).padStart(2)}: pid=${pid}: ${time}\n`;
  if (t.description) out += `  Description  : [${t.description}]\n`;
  out += ddirText(t, "read", group.read) + ddirText(t, "write", group.write);
  out += latText(latencyShares(t.latN, ios), LAT_KEYS, "nsec");
  out += latText(latencyShares(t.latU, ios), LAT_KEYS, "usec");
  out += latText(latencyShares(t.latM, ios), [...LAT_KEYS, "2000", ">=2000"], "msec");
  out += `  cpu          : usr=${t.usrCpu.toFixed(2)}%, sys=${t.sysCpu.toFixed(2)}%, ctx=${t.ctx}, majf=${t.majf}, minf=${t.minf}\n`;
  const depth = dist(distribution(t.ioUMap, depthTotal(t.ioUMap, ios)));
  out += `  IO depths    : 1=${depth[0]}, 2=${depth[1]}, 4=${depth[2]}, 8=${depth[3]}, 16=${depth[4]}, 32=${depth[5]}, >=64=${depth[6]}\n`;
  const submit = dist(distribution(t.ioUSubmit, t.totalSubmit));
  out += `     submit    : 0=${submit[0]}, 4=${submit[1]}, 8=${submit[2]}, 16=${submit[3]}, 32=${submit[4]}, 64=${submit[5]}, >=64=${submit[6]}\n`;
  const complete = dist(distribution(t.ioUComplete, t.totalComplete));
  out += `     complete  : 0=${complete[0]}, 4=${complete[1]}, 8=${complete[2]}, 16=${complete[3]}, 32=${complete[4]}, 64=${complete[5]}, >=64=${complete[6]}\n`;
  out += `     issued rwts: total=${t.dirs.read.totalIos},${t.dirs.write.totalIos},0,0 short=0,0,0,0 dropped=0,0,0,0\n`;
  out += `     latency   : target=0, window=0, percentile=100.00%, depth=${t.iodepth}\n`;
  return out;
}

/** fio's show_group_stats: one line per direction that ran. */
export function groupText(g: GroupRun, groupid: number): string {
  let out = `\nRun status group ${groupid} (all jobs):\n`;
  for (const [d, label] of [
    ["read", "   READ"],
    ["write", "  WRITE"],
  ] as const) {
    const r = g[d];
    if (!r.maxRunMs) continue;
    const s = (n: number, pow2: boolean, unit: "B" | "B/s") => num2str(n, SIG_FIGS, pow2, unit);
    out += `${label}: bw=${s(r.agg, true, "B/s")} (${s(r.agg, false, "B/s")}), ${s(r.minBw, true, "B/s")}-${s(r.maxBw, true, "B/s")} (${s(r.minBw, false, "B/s")}-${s(r.maxBw, false, "B/s")}), io=${s(r.ioBytes, true, "B")} (${s(r.ioBytes, false, "B")}), run=${r.minRunMs}-${r.maxRunMs}msec\n`;
  }
  return out;
}

/** fio's disk stats lines for the simulated namespace. */
export function diskText(disk: DiskCounts): string {
  return `\nDisk stats (read/write):\n  nvme0n1: ios=${disk.readIos}/${disk.writeIos}, merge=0/${disk.writeMerges}, ticks=${disk.readTicksMs}/${disk.writeTicksMs}, in_queue=${disk.readTicksMs + disk.writeTicksMs}, util=${Math.min(100, disk.utilPercent).toFixed(2)}%\n`;
}

/** The job's description line fio prints as it starts one: name, group, rw, block sizes, engine, depth. */
export function startLine(
  name: string,
  groupid: number,
  rw: string,
  bs: number,
  ioengine: string,
  iodepth: number,
): string {
  const size = num2str(bs, SIG_FIGS, true, "B");
  const b = `${size}-${size}`;
  return `${name}: (g=${groupid}): rw=${rw}, bs=(R) ${b}, (W) ${b}, (T) ${b}, ioengine=${ioengine}, iodepth=${iodepth}\n`;
}
