// The charts of a sweep, chosen from its axes, drawn with Observable Plot in
// any document (linkedom headless, the page's own in the browser):
// throughput, CPU per I/O and latency percentiles against each numeric axis
// with one labelled line per series (the other axes' values, e.g. the path),
// and heatmaps when two axes are numeric. Each chart is a standalone SVG.
import * as Plot from "@observablehq/plot";
import { PERCENTILE_DASH, PERCENTILE_LEGEND, seriesColor, spansDecades } from "./chart-style";
import type { Scalar, SweepSpec } from "./spec";
import type { Metric, Row } from "./table";

export interface Chart {
  /** File name without extension, e.g. iops-vs-iodepth. */
  name: string;
  title: string;
  svg: string;
}

/** Numeric axes with at least two values get an x axis; the others make up the series. */
interface Layout {
  numeric: SweepSpec["axes"];
  series: SweepSpec["axes"];
}

function layout(spec: SweepSpec): Layout {
  const numeric = spec.axes.filter((a) => a.values.length > 1 && a.values.every((v) => typeof v === "number"));
  const series = spec.axes.filter((a) => a.values.length > 1 && !numeric.includes(a));
  return { numeric, series };
}

function seriesLabel(series: Layout["series"], values: Record<string, Scalar>): string {
  if (series.length === 0) return "all";
  return series
    .map((a) => (typeof values[a.name] === "string" ? String(values[a.name]) : `${a.name}=${values[a.name]}`))
    .join(" · ");
}

/** Powers of a constant factor (1, 2, 4, ...) read best on a log scale. */
function geometric(values: readonly Scalar[]): boolean {
  const v = (values as number[]).filter((x) => x > 0).sort((a, b) => a - b);
  if (v.length < 3 || v.length !== values.length) return false;
  const ratio = v[1] / v[0];
  return ratio >= 2 && v.every((x, i) => i === 0 || Math.abs(x / v[i - 1] - ratio) < 1e-9 * ratio);
}

const escapeXml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** A standalone SVG file's text: namespace, a title line on top. */
function standalone(svg: Element, title: string): string {
  const text = svg.outerHTML.replace(/^<svg /, '<svg xmlns="http://www.w3.org/2000/svg" ');
  const heading = `<title>${escapeXml(title)}</title><text x="8" y="16" text-anchor="start" font-size="13" font-weight="bold">${escapeXml(title)}</text>`;
  return text.replace(/^(<svg[^>]*>)/, `$1${heading}`);
}

interface Point {
  x: number;
  y: number;
  series: string;
  facet?: Scalar;
  mark?: string;
}

/** A legend inside the (first) panel: one coloured line per series, and what the dashes mean. */
function legend(points: readonly Point[], firstFacet: Scalar | undefined, dashes = PERCENTILE_LEGEND): Plot.Markish[] {
  const names = [...new Set(points.map((p) => p.series))];
  const marks = [...new Set(points.map((p) => p.mark))].filter((m) => m !== undefined);
  const lines = [...names, ...(marks.length ? [dashes] : [])];
  const at = firstFacet === undefined ? {} : { fy: () => firstFacet };
  return lines.map((text, i) =>
    Plot.text([text], {
      frameAnchor: "top-left",
      dx: 6,
      dy: 6 + 12 * i,
      text: (d: string) => d,
      textAnchor: "start",
      ...(i < names.length ? { fill: () => text } : {}),
      ...at,
    }),
  );
}

const COMPACT = new Intl.NumberFormat("en", { notation: "compact", maximumSignificantDigits: 3 });

const LABELS: Partial<Record<Metric, string>> = {
  total_iops: "I/Os per second",
  cpu_ns_per_io: "CPU ns per I/O",
  faults_per_s: "page faults per second",
};

/** What every chart of one sweep shares. */
interface ChartContext {
  document: Document;
  rows: Row[];
  numeric: Layout["numeric"];
  series: Layout["series"];
  /** Faults per second for the swap program, I/Os per second otherwise. */
  throughput: Metric;
  latencyDir: "read" | "write";
}

/** The file name stem of a metric: iops, faults or cpu. */
function stem(c: ChartContext, metric: Metric): string {
  return metric === "cpu_ns_per_io" ? "cpu" : c.throughput === "faults_per_s" ? "faults" : "iops";
}

/** Rows where the numeric axes past the ones drawn sit at their first value, and a note saying so. */
function pinnedRows(c: ChartContext, pinned: Layout["numeric"]): { keep: Row[]; note: string } {
  const keep = c.rows.filter((r) => pinned.every((a) => r.values[a.name] === a.values[0]));
  const note = pinned.length ? ` (${pinned.map((a) => `${a.name} = ${a.values[0]}`).join(", ")})` : "";
  return { keep, note };
}

/** Throughput, CPU per I/O and latency percentiles against numeric axis `x`, one line per series, faceted by the next numeric axis. */
function lineCharts(c: ChartContext, x: Layout["numeric"][number]): Chart[] {
  const others = c.numeric.filter((a) => a !== x);
  const facet = others[0];
  const { keep, note } = pinnedRows(c, others.slice(1));
  const xScale = geometric(x.values) ? { type: "log" as const, base: 2, label: x.name } : { label: x.name };
  const base = (r: Row) => ({
    x: r.values[x.name] as number,
    series: seriesLabel(c.series, r.values),
    facet: facet ? r.values[facet.name] : undefined,
  });
  const fy = facet ? { fy: "facet" } : {};
  // Latency spanning decades reads on a log axis; counts start at zero. Either way the domain is made nice, so
  // the top tick is above every point and labelled.
  const lines = (points: Point[], yLabel: string, log = false) =>
    Plot.plot({
      document: c.document,
      marginTop: 44,
      marginLeft: 56,
      marginRight: facet ? 60 : 20,
      x: xScale,
      y: log
        ? { type: "log", label: `${yLabel} (log)`, labelAnchor: "center", grid: true, nice: true }
        : { label: yLabel, labelAnchor: "center", grid: true, zero: true, nice: true, tickFormat: "s" },
      fy: facet ? { label: facet.name } : undefined,
      color: seriesColor(points.map((p) => p.series)),
      marks: [
        ...[...new Set(points.map((d) => d.mark))].map((mk) =>
          Plot.line(
            points.filter((d) => d.mark === mk),
            {
              x: "x",
              y: "y",
              z: "series",
              stroke: "series",
              strokeDasharray: PERCENTILE_DASH[mk ?? ""],
              ...fy,
              sort: "x",
            },
          ),
        ),
        Plot.dot(points, { x: "x", y: "y", fill: "series", r: 2, ...fy }),
        ...legend(points, facet?.values[0]),
      ],
    });
  const charts: Chart[] = [];
  for (const metric of [c.throughput, "cpu_ns_per_io"] as Metric[]) {
    const points = keep
      .filter((r) => r.metrics[metric] !== undefined)
      .map((r) => ({ ...base(r), y: r.metrics[metric]! }));
    const title = `${LABELS[metric]} by ${x.name}${note}`;
    charts.push({
      name: `${stem(c, metric)}-vs-${x.name}`,
      title,
      svg: standalone(lines(points, LABELS[metric]!), title),
    });
  }
  const marks = ["p50", "p99", "p99.9"] as const;
  const latency = keep.flatMap((r) =>
    marks
      .map((mk) => ({ mk, y: r.metrics[`${c.latencyDir}_clat_${mk.replace(".", "_")}_us` as Metric] }))
      .filter((p) => p.y !== undefined)
      .map((p) => ({ ...base(r), y: p.y!, mark: p.mk })),
  );
  const title = `${c.latencyDir} completion latency percentiles (us) by ${x.name}${note}`;
  const log = spansDecades(latency.map((p) => p.y));
  charts.push({
    name: `latency-vs-${x.name}`,
    title,
    svg: standalone(lines(latency, "completion latency, us", log), title),
  });
  return charts;
}

/** Throughput and CPU per I/O over the first two numeric axes, a panel per series. */
function heatmaps(c: ChartContext): Chart[] {
  const [x, y] = c.numeric;
  const { keep } = pinnedRows(c, c.numeric.slice(2));
  const fx = c.series.length ? "series" : undefined;
  return ([c.throughput, "cpu_ns_per_io"] as Metric[]).map((metric) => {
    const cells = keep
      .filter((r) => r.metrics[metric] !== undefined)
      .map((r) => ({
        x: String(r.values[x.name]),
        y: String(r.values[y.name]),
        v: r.metrics[metric]!,
        series: seriesLabel(c.series, r.values),
      }));
    const title = `${LABELS[metric]}: ${x.name} x ${y.name}`;
    const svg = Plot.plot({
      document: c.document,
      marginTop: 40,
      x: { label: x.name, domain: x.values.map(String) },
      y: { label: y.name, domain: y.values.map(String) },
      fx: fx ? { label: null } : undefined,
      color: { type: "linear", scheme: "viridis" },
      marks: [
        Plot.cell(cells, { x: "x", y: "y", fill: "v", fx, inset: 0.5 }),
        Plot.text(cells, {
          x: "x",
          y: "y",
          text: (d: { v: number }) => COMPACT.format(d.v),
          fx,
          fill: "white",
          fontSize: 8,
        }),
      ],
    });
    return { name: `heatmap-${stem(c, metric)}-${x.name}-${y.name}`, title, svg: standalone(svg, title) };
  });
}

/** Without a numeric axis: a bar per point. */
function bars(c: ChartContext): Chart[] {
  return ([c.throughput, "cpu_ns_per_io"] as Metric[]).map((metric) => {
    const data = c.rows
      .filter((r) => r.metrics[metric] !== undefined)
      .map((r) => ({ series: seriesLabel(c.series, r.values), v: r.metrics[metric]! }));
    const title = `${LABELS[metric]} per point`;
    const svg = Plot.plot({
      document: c.document,
      marginTop: 30,
      marginLeft: 60,
      marginBottom: 80,
      x: { label: null, tickRotate: -30 },
      y: { label: LABELS[metric], labelAnchor: "center", grid: true, nice: true, tickFormat: "s" },
      color: seriesColor(data.map((d) => d.series)),
      marks: [Plot.barY(data, { x: "series", y: "v", fill: "series" }), Plot.ruleY([0])],
    });
    return { name: `${stem(c, metric)}-per-point`, title, svg: standalone(svg, title) };
  });
}

/** The path axis, when the sweep runs both paths: the ratio chart compares them point by point. */
function pathAxis(c: ChartContext): Layout["series"][number] | undefined {
  return c.series.find((a) => a.param === "path" && a.values.includes("blk-mq") && a.values.includes("rw_page"));
}

/** rw_page / blk-mq against numeric axis `x`: throughput (solid) and CPU per I/O (dashed) of each pair of points
 * that differ only in their path, one line per value of the other series, and a rule at 1 (no difference). */
function ratioChart(c: ChartContext, x: Layout["numeric"][number], path: Layout["series"][number]): Chart {
  const { keep, note } = pinnedRows(
    c,
    c.numeric.filter((a) => a !== x),
  );
  const others = c.series.filter((a) => a !== path);
  const key = (r: Row) =>
    JSON.stringify(c.numeric.map((a) => r.values[a.name]).concat(others.map((a) => String(r.values[a.name]))));
  const blk = new Map(keep.filter((r) => r.values[path.name] === "blk-mq").map((r) => [key(r), r]));
  const throughput = c.throughput === "faults_per_s" ? "faults per second" : "IOPS";
  const points: Point[] = keep
    .filter((r) => r.values[path.name] === "rw_page" && blk.has(key(r)))
    .flatMap((r) => {
      const b = blk.get(key(r))!;
      const at = { x: r.values[x.name] as number, series: seriesLabel(others, r.values) };
      return (
        [
          [throughput, c.throughput],
          ["CPU per I/O", "cpu_ns_per_io"],
        ] as const
      ).flatMap(([mark, metric]) => {
        const [top, bottom] = [r.metrics[metric], b.metrics[metric]];
        return top !== undefined && bottom ? [{ ...at, y: top / bottom, mark }] : [];
      });
    });
  const xScale = geometric(x.values) ? { type: "log" as const, base: 2, label: x.name } : { label: x.name };
  const dash: Record<string, string | undefined> = { "CPU per I/O": "4,2" };
  const title = `rw_page / blk-mq by ${x.name}${note}`;
  const svg = Plot.plot({
    document: c.document,
    marginTop: 44,
    marginLeft: 56,
    x: xScale,
    y: { label: "rw_page / blk-mq", labelAnchor: "center", grid: true, domain: ratioDomain(points) },
    color: seriesColor(points.map((p) => p.series)),
    marks: [
      Plot.ruleY([1]),
      ...[throughput, "CPU per I/O"].map((mk) =>
        Plot.line(
          points.filter((d) => d.mark === mk),
          { x: "x", y: "y", z: "series", stroke: "series", strokeDasharray: dash[mk], sort: "x" },
        ),
      ),
      Plot.dot(points, { x: "x", y: "y", fill: "series", r: 2 }),
      ...legend(points, undefined, `solid ${throughput}, dashed CPU per I/O`),
    ],
  });
  return { name: `ratio-vs-${x.name}`, title, svg: standalone(svg, title) };
}

/** A ratio axis that holds every point and 1, with a little room. */
function ratioDomain(points: readonly Point[]): [number, number] {
  const ys = [1, ...points.map((p) => p.y)];
  const [lo, hi] = [Math.min(...ys), Math.max(...ys)];
  const pad = (hi - lo) * 0.05 || 0.1;
  return [Math.max(0, lo - pad), hi + pad];
}

/** Charts for a sweep's rows (failed points are left out), drawn in `document`. */
export function sweepCharts(spec: SweepSpec, rows: readonly Row[], document: Document): Chart[] {
  const ok = rows.filter((r) => r.error === undefined);
  const { numeric, series } = layout(spec);
  const c: ChartContext = {
    document,
    rows: ok,
    numeric,
    series,
    throughput: ok.some((r) => r.metrics.faults_per_s !== undefined) ? "faults_per_s" : "total_iops",
    latencyDir: ok.some((r) => r.metrics.read_clat_p50_us !== undefined) ? "read" : "write",
  };
  const path = pathAxis(c);
  return [
    // Where the sweep runs both paths, how far apart they are comes first.
    ...(path && numeric.length ? [ratioChart(c, numeric[0], path)] : []),
    ...numeric.slice(0, 3).flatMap((x) => lineCharts(c, x)),
    ...(numeric.length >= 2 ? heatmaps(c) : []),
    ...(numeric.length === 0 ? bars(c) : []),
  ];
}
