// compare(a, b) in a cell: two results side by side (a simulation and a
// measurement read from a file, or two simulations), as tables of the
// metrics, the profile by layer and by function, and a chart of the layers.
import { compareResults, comparisonText, type Comparable, type CompareRow } from "../../report/compare";
import { seriesColor } from "../../sweep/chart-style";
import { escapeHtml, REPR, type Displayable } from "./outputs";
import { notebookPlot as Plot } from "./plot-tips";

const cell = (v: number | null, digits: number) => (v === null || Number.isNaN(v) ? "" : v.toFixed(digits));

function rowsHtml(title: string, labels: [string, string], rows: CompareRow[], digits: number): string {
  const head = `<tr><th>${escapeHtml(title)}</th><th>${escapeHtml(labels[0])}</th><th>${escapeHtml(labels[1])}</th><th>B/A</th></tr>`;
  const body = rows
    .map(
      (r) =>
        `<tr><td>${escapeHtml(r.what)}</td><td>${cell(r.a, digits)}</td><td>${cell(r.b, digits)}</td><td>${cell(r.ratio, 2)}</td></tr>`,
    )
    .join("");
  return `<table><thead>${head}</thead><tbody>${body}</tbody></table>`;
}

/** The comparison of `a` and `b` as a cell shows it; `document` draws the chart. */
export function comparison(
  a: Comparable,
  b: Comparable,
  document: Document,
  labels?: [string, string],
): Displayable & ReturnType<typeof compareResults> {
  const c = compareResults(a, b, labels);
  // A side without a profile has no bar (not a bar at 0).
  const bars = c.layers.flatMap((l) =>
    [
      { layer: l.what, side: c.labels[0], percent: l.a },
      { layer: l.what, side: c.labels[1], percent: l.b },
    ].filter((b) => b.percent !== null),
  );
  return {
    ...c,
    [REPR]: () => {
      const chart = Plot.plot({
        document,
        marginLeft: 70,
        x: { label: "% of profile" },
        y: { label: null },
        fy: { label: null },
        // The chart style's colours: a side that names a path in its path's colour.
        color: { legend: true, ...seriesColor([...c.labels]) },
        marks: [Plot.barX(bars, { x: "percent", y: "side", fy: "layer", fill: "side", tip: true })],
      }) as unknown as { outerHTML: string };
      const listing = c.listing.flatMap((text, i) =>
        text ? [`<br>${escapeHtml(c.labels[i])} lists ${escapeHtml(text)}`] : [],
      );
      const only = `<p>only in ${escapeHtml(c.labels[0])}: ${escapeHtml(c.onlyA.join(", ") || "none")}<br>only in ${escapeHtml(c.labels[1])}: ${escapeHtml(c.onlyB.join(", ") || "none")}${listing.join("")}</p>`;
      return {
        "text/html":
          rowsHtml("metric", c.labels, c.metrics, 1) +
          chart.outerHTML.replace(/^<svg/, '<svg xmlns="http://www.w3.org/2000/svg"') +
          rowsHtml("function, % of profile", c.labels, c.functions.slice(0, 20), 2) +
          only,
        "text/plain": comparisonText(c),
      };
    },
  };
}
