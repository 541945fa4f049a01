// Two results side by side, a simulation's and a measurement's (or any two):
// throughput and latency per direction, CPU per I/O, the profile by layer and
// by function, and the functions only one side has. `nvmesim compare` prints
// it; the notebook shows it as tables and a chart.

interface Direction {
  total_ios: number;
  iops: number;
  bw_bytes: number;
  lat_ns: { mean: number };
  clat_ns: { percentile?: Record<string, number> };
}

/** What compare reads of a result: fio's jobs and the nvmesim section (simulated or measured). */
export interface Comparable {
  jobs: { read: Direction; write: Direction }[];
  nvmesim: {
    path: string;
    device: string;
    cpuNsPerIo: number | null;
    profile: { symbol: string; layer: string; percent: number }[];
    layers: { layer: string; percent: number }[];
    machine?: {
      kernel?: string;
      target?: string;
      profileScope?: { samplesMeasured: number; minListedSamples: number; unlisted: { percent: number } } | null;
    };
  };
}

export interface CompareRow {
  what: string;
  a: number | null;
  b: number | null;
  /** b / a, when both are there. */
  ratio: number | null;
}

export interface Comparison {
  labels: [string, string];
  metrics: CompareRow[];
  layers: CompareRow[];
  functions: CompareRow[];
  /** Functions with at least `SHARE_MIN` percent on one side and none on the other (that would have listed them). */
  onlyA: string[];
  onlyB: string[];
  /** What each side's profile lists, where it leaves functions out (a measurement lists those with enough samples). */
  listing: [string | null, string | null];
}

/** The share (%) below which a side lists no function, and a line saying so; 0 and null for a full listing. */
function listingOf(r: Comparable): { minPercent: number; text: string | null } {
  const scope = r.nvmesim.machine?.profileScope;
  if (!scope || !scope.samplesMeasured) return { minPercent: 0, text: null };
  const minPercent = (100 * scope.minListedSamples) / scope.samplesMeasured;
  return {
    minPercent,
    text: `functions with ${scope.minListedSamples} samples or more (${minPercent.toFixed(2)}% and up); ${scope.unlisted.percent.toFixed(1)}% of its samples are in functions below that, shown as 0`,
  };
}

/** Shares below this are noise for "only on one side". */
const SHARE_MIN = 0.5;

/** One metric of both sides, with b / a. */
export const compareRow = (what: string, a: number | null | undefined, b: number | null | undefined): CompareRow => {
  const x = a ?? null;
  const y = b ?? null;
  return { what, a: x, b: y, ratio: x !== null && y !== null && x !== 0 ? y / x : null };
};

/** A short name for a result: the path and device, or what was measured. */
export function resultLabel(r: Comparable): string {
  const m = r.nvmesim.machine;
  return m?.kernel ? `measured (Linux ${m.kernel})` : `${r.nvmesim.path} on ${r.nvmesim.device}`;
}

export function compareResults(a: Comparable, b: Comparable, labels?: [string, string]): Comparison {
  const metrics: CompareRow[] = [];
  for (const dir of ["read", "write"] as const) {
    const x = a.jobs[0][dir];
    const y = b.jobs[0][dir];
    if (x.total_ios === 0 && y.total_ios === 0) continue;
    const p = (d: Direction, key: string) => (d.clat_ns.percentile?.[key] ?? NaN) / 1000;
    metrics.push(
      compareRow(`${dir} IOPS`, x.iops, y.iops),
      compareRow(`${dir} MB/s`, x.bw_bytes / 1e6, y.bw_bytes / 1e6),
      compareRow(`${dir} latency mean, us`, x.lat_ns.mean / 1000, y.lat_ns.mean / 1000),
      compareRow(`${dir} clat p50, us`, p(x, "50.000000"), p(y, "50.000000")),
      compareRow(`${dir} clat p99, us`, p(x, "99.000000"), p(y, "99.000000")),
      compareRow(`${dir} clat p99.9, us`, p(x, "99.900000"), p(y, "99.900000")),
    );
  }
  metrics.push(compareRow("CPU ns per I/O", a.nvmesim.cpuNsPerIo, b.nvmesim.cpuNsPerIo));
  // A side with no profile (measured without perf) has no share of anything: "-", never 0%.
  const profiled = (r: Comparable) => r.nvmesim.layers.length > 0;
  const layerNames = [...new Set([...a.nvmesim.layers, ...b.nvmesim.layers].map((l) => l.layer))];
  const layerShare = (r: Comparable, l: string) =>
    profiled(r) ? (r.nvmesim.layers.find((x) => x.layer === l)?.percent ?? 0) : null;
  const big = (r: CompareRow) => Math.max(r.a ?? 0, r.b ?? 0);
  const layers = layerNames
    .map((l) => compareRow(l, layerShare(a, l), layerShare(b, l)))
    .sort((x, y) => big(y) - big(x));
  const fa = new Map(a.nvmesim.profile.map((p) => [p.symbol, p.percent]));
  const fb = new Map(b.nvmesim.profile.map((p) => [p.symbol, p.percent]));
  const share = (r: Comparable, f: Map<string, number>, s: string) => (profiled(r) ? (f.get(s) ?? 0) : null);
  const functions = [...new Set([...fa.keys(), ...fb.keys()])]
    .map((s) => compareRow(s, share(a, fa, s), share(b, fb, s)))
    .sort((x, y) => big(y) - big(x));
  // "Only on one side" needs a profile on the other side that would have listed it.
  const only = (mine: Map<string, number>, theirs: Map<string, number>, other: Comparable) => {
    const min = Math.max(SHARE_MIN, listingOf(other).minPercent);
    return profiled(other) ? [...mine].filter(([s, p]) => p >= min && !theirs.has(s)).map(([s]) => s) : [];
  };
  return {
    labels: labels ?? [resultLabel(a), resultLabel(b)],
    metrics,
    layers,
    functions,
    onlyA: only(fa, fb, b),
    onlyB: only(fb, fa, a),
    listing: [listingOf(a).text, listingOf(b).text],
  };
}

const num = (v: number | null, digits = 1) => (v === null || Number.isNaN(v) ? "-" : v.toFixed(digits));

/** Rows as a text table: the metric, each side, and their ratio under `ratioLabel`. */
export function compareTable(
  title: string,
  labels: [string, string],
  rows: CompareRow[],
  digits: number,
  ratioLabel = "B/A",
): string[] {
  const width = Math.max(title.length, ...rows.map((r) => r.what.length));
  const cols = labels.map((l) => Math.max(10, l.length));
  const rc = Math.max(6, ratioLabel.length);
  return [
    `${title.padEnd(width)}  ${labels[0].padStart(cols[0])}  ${labels[1].padStart(cols[1])}  ${ratioLabel.padStart(rc)}`,
    ...rows.map(
      (r) =>
        `${r.what.padEnd(width)}  ${num(r.a, digits).padStart(cols[0])}  ${num(r.b, digits).padStart(cols[1])}  ${num(r.ratio, 2).padStart(rc)}`,
    ),
  ];
}

/** The comparison as text: metrics, layers (% of samples), the top functions, and who has what alone. */
export function comparisonText(c: Comparison, topFunctions = 20): string {
  const [la, lb] = c.labels;
  return [
    `A: ${la}`,
    `B: ${lb}`,
    "",
    ...compareTable("metric", ["A", "B"], c.metrics, 1),
    "",
    ...compareTable("layer, % of profile", ["A", "B"], c.layers, 2),
    "",
    ...compareTable(`function, % of profile (top ${topFunctions})`, ["A", "B"], c.functions.slice(0, topFunctions), 2),
    "",
    `only in A (>= ${SHARE_MIN}%): ${c.onlyA.join(", ") || "none"}`,
    `only in B (>= ${SHARE_MIN}%): ${c.onlyB.join(", ") || "none"}`,
    ...c.listing.flatMap((text, i) => (text ? [`${"AB"[i]} lists ${text}`] : [])),
    "",
  ].join("\n");
}
