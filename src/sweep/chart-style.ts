// One chart style for every chart nvmesim draws (a sweep's plots, report.html,
// the notebook's charts, the shipped notebooks): one colour per path
// everywhere, a shade of it per value of another axis (the same CPU count is
// the same shade on both paths), dashes per latency percentile said in a
// legend, a log latency axis where the values span decades, and axis labels
// with their units. Cells reach it as `chartStyle`.

/** Each path's colour (Observable Plot's first two categorical colours). */
export const PATH_COLORS: Readonly<Record<string, string>> = { "blk-mq": "#4269d0", rw_page: "#efb118" };

/** Colours for series that are not paths (kernels, engines, modes): Observable's ten, in order. */
export const SERIES_COLORS = [
  "#4269d0",
  "#efb118",
  "#ff725c",
  "#6cc5b0",
  "#3ca951",
  "#ff8ab7",
  "#a463f2",
  "#97bbf5",
  "#9c6b4e",
  "#9498a0",
] as const;

/** Latency percentiles: p50 solid, p99 dashed, p99.9 dotted. */
export const PERCENTILE_DASH: Readonly<Record<string, string | undefined>> = { p99: "5,3", "p99.9": "1,3" };
export const PERCENTILE_LEGEND = "solid p50, dashed p99, dotted p99.9";

/** `hex` mixed with white by `t` (0: itself, 1: white). */
function lighter(hex: string, t: number): string {
  const c = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  return `#${c
    .map((v) =>
      Math.round(v + (255 - v) * t)
        .toString(16)
        .padStart(2, "0"),
    )
    .join("")}`;
}

/** The path a series label names ("ram · rw_page", "rw_page, 4 CPUs"), if one. */
export function pathOf(label: string): string | undefined {
  return Object.keys(PATH_COLORS).find((p) => new RegExp(`(^|[^\\w-])${p}($|[^\\w-])`).test(label));
}

/**
 * A colour scale for series labels: a label that names a path takes that path's colour, in a shade by what else
 * it names (the first of those values darkest), so a pair that differs only in path differs only in hue; other
 * labels take the categorical colours in order (beside paths, those the paths do not use).
 */
export function seriesColor(labels: readonly string[]): { domain: string[]; range: string[] } {
  const domain = [...new Set(labels)];
  const rest = (l: string) => l.replace(pathOf(l) ?? "", "");
  const others = [...new Set(domain.filter((l) => pathOf(l)).map(rest))];
  // Beside paths, the other labels take the colours the paths do not.
  const free = others.length
    ? SERIES_COLORS.filter((c) => !Object.values(PATH_COLORS).includes(c))
    : [...SERIES_COLORS];
  let next = 0;
  const range = domain.map((l) => {
    const path = pathOf(l);
    if (!path) return free[next++ % free.length];
    const shade = others.length > 1 ? (others.indexOf(rest(l)) / (others.length - 1)) * 0.55 : 0;
    return lighter(PATH_COLORS[path], shade);
  });
  return { domain, range };
}

/** Whether values spanning from `min` to `max` read better on a log axis (more than a decade apart). */
export function spansDecades(values: readonly number[]): boolean {
  const positive = values.filter((v) => v > 0);
  return positive.length > 1 && Math.max(...positive) / Math.min(...positive) > 10;
}
