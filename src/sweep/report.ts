// report.html of a sweep: the spec, the charts and a sortable table of every
// point in one self-contained file that opens offline (no network, no build).
import type { Chart } from "./plots";
import type { SweepSpec } from "./spec";
import { breakdownCharts } from "./breakdown-plot";
import { limitLines, METRICS, shownMetrics, type Row } from "./table";

const escapeHtml = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

// Click a header to sort by it (numbers as numbers); click again to reverse.
const SORT_SCRIPT = `
document.querySelectorAll("table.points th").forEach((th, col) => {
  th.addEventListener("click", () => {
    const body = th.closest("table").tBodies[0];
    const dir = th.dataset.dir === "asc" ? -1 : 1;
    th.closest("tr").querySelectorAll("th").forEach((h) => delete h.dataset.dir);
    th.dataset.dir = dir === 1 ? "asc" : "desc";
    const key = (tr) => { const t = tr.cells[col].textContent; const n = Number(t); return t !== "" && !Number.isNaN(n) ? n : t; };
    [...body.rows].sort((a, b) => { const x = key(a), y = key(b); return (typeof x === typeof y ? (x < y ? -1 : x > y ? 1 : 0) : typeof x === "number" ? -1 : 1) * dir; })
      .forEach((tr) => body.appendChild(tr));
  });
});`;

/** The mean I/O of each series' last point (its deepest values, where a path's costs show most), as waterfalls. */
function lastPointBreakdowns(spec: SweepSpec, rows: readonly Row[], document: Document): string {
  const series = spec.axes.filter((a) => a.values.length > 1 && !a.values.every((v) => typeof v === "number"));
  const last = new Map<string, Row>();
  for (const r of rows)
    if (r.breakdown) last.set(series.map((a) => String(r.values[a.name])).join(" · ") || "all points", r);
  if (last.size === 0) return "";
  const runs = [...last].map(([label, r]) => ({ label, breakdown: r.breakdown! }));
  const { waterfall, cpu } = breakdownCharts(runs, document);
  const points = [...last.values()]
    .map((r) => `${r.point} (${spec.axes.map((a) => `${a.name}=${r.values[a.name]}`).join(", ")})`)
    .join("; ");
  return `<h2>One I/O's life</h2>
<p>The mean I/O of each series' last point, stage by stage: when each stage starts and ends, and the host CPU it took (points ${escapeHtml(points)}).</p>
<figure>${waterfall}</figure>
<figure>${cpu}</figure>`;
}

export function sweepReportHtml(
  spec: SweepSpec,
  rows: readonly Row[],
  charts: readonly Chart[],
  document?: Document,
): string {
  const shown = shownMetrics(rows);
  const failed = rows.filter((r) => r.error !== undefined);
  const limits = limitLines(spec, rows);
  const head = ["point", ...spec.axes.map((a) => a.name), ...shown, "limit", ...(failed.length ? ["error"] : [])];
  const cell = (v: unknown) => `<td>${v === undefined ? "" : escapeHtml(String(v))}</td>`;
  const body = rows.map(
    (r) =>
      `<tr>${cell(r.point)}${spec.axes.map((a) => cell(r.values[a.name])).join("")}${shown.map((m) => cell(r.metrics[m])).join("")}${cell(r.limit)}${failed.length ? cell(r.error) : ""}</tr>`,
  );
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>nvmesim sweep: ${escapeHtml(spec.name)}</title>
<style>
body { font: 14px system-ui, sans-serif; margin: 2em; color: #222; }
pre { background: #f6f6f6; padding: 1em; overflow: auto; }
figure { margin: 1.5em 0; }
.scroll { overflow-x: auto; max-width: 100%; }
figure svg { max-width: 100%; height: auto; }
table.points { border-collapse: collapse; font-size: 12px; }
table.points th, table.points td { border: 1px solid #ddd; padding: 2px 6px; text-align: right; }
table.points th { cursor: pointer; background: #f0f0f0; position: sticky; top: 0; }
table.points th[data-dir="asc"]::after { content: " ▲"; }
table.points th[data-dir="desc"]::after { content: " ▼"; }
</style>
</head>
<body>
<h1>nvmesim sweep: ${escapeHtml(spec.name)}</h1>
<p>${rows.length} points${failed.length ? `, ${failed.length} failed` : ""}. Axes: ${spec.axes.map((a) => `${escapeHtml(a.name)} (${a.values.length})`).join(", ")}.</p>
${
  limits.length
    ? `<p>What limited the points (the CPUs, the device, or too few I/Os in flight):</p>
<ul>${limits.map((l) => `<li>${escapeHtml(l)}</li>`).join("")}</ul>`
    : ""
}
<h2>Spec</h2>
<pre>${escapeHtml(JSON.stringify({ name: spec.name, base: spec.base, axes: Object.fromEntries(spec.axes.map((a) => [a.name, a.values])) }, null, 2))}</pre>
<h2>Charts</h2>
${charts.map((c) => `<figure id="${escapeHtml(c.name)}">${c.svg}</figure>`).join("\n")}
${document ? lastPointBreakdowns(spec, rows, document) : ""}
<h2>Points</h2>
<p>Click a column to sort. Metric columns: ${shown.map((m) => `<b>${m}</b> ${escapeHtml(METRICS[m])}`).join("; ")}; <b>limit</b> what set the point's pace.</p>
<div class="scroll">
<table class="points">
<thead><tr>${head.map((h) => `<th>${escapeHtml(h)}</th>`).join("")}</tr></thead>
<tbody>
${body.join("\n")}
</tbody>
</table>
</div>
<script>${SORT_SCRIPT}</script>
</body>
</html>
`;
}
