// The waterfall of one I/O's life (run/breakdown.ts) as charts: when each
// stage starts and ends for the mean I/O, and the host CPU each stage took,
// one panel per run, in the chart style's colours. report.html draws it for a
// sweep, breakdown(result) in a cell for the results it is given.
import * as Plot from "@observablehq/plot";
import type { Breakdown } from "../run/breakdown";
import { seriesColor } from "./chart-style";

/** A run's breakdown and what to call it (its path and device, or a sweep's series). */
export interface LabelledBreakdown {
  label: string;
  breakdown: Breakdown;
}

/** The two charts, standalone SVG or figure markup each, drawn with `P` (Observable Plot, or the notebook's, whose
 * tips become titles). */
export function breakdownCharts(
  runs: readonly LabelledBreakdown[],
  document: Document,
  P: typeof Plot = Plot,
): { waterfall: string; cpu: string } {
  const plot = (o: Plot.PlotOptions) => P.plot(o) as unknown as { outerHTML: string };
  const rows = runs.flatMap((r) =>
    r.breakdown.stages.map((s) => ({
      run: r.label,
      stage: s.stage,
      from: s.startNs / 1000,
      to: (s.startNs + s.latencyNs) / 1000,
      cpu: s.cpuNs,
    })),
  );
  const stages = [...new Set(rows.map((r) => r.stage))];
  const facet = runs.length > 1;
  const common = {
    document,
    marginLeft: 80,
    marginRight: facet ? 160 : 20,
    y: { label: null, domain: stages },
    fy: facet ? { label: null } : undefined,
    color: { legend: true, ...seriesColor(runs.map((r) => r.label)) },
  };
  const fy = facet ? "run" : undefined;
  const svg = (e: { outerHTML: string }) => e.outerHTML.replace(/^<svg/, '<svg xmlns="http://www.w3.org/2000/svg"');
  return {
    waterfall: svg(
      plot({
        ...common,
        title: "one I/O's life: when each stage starts and ends (the mean I/O)",
        x: { label: "us from its submission", grid: true },
        marks: [P.barX(rows, { x1: "from", x2: "to", y: "stage", fy, fill: "run", tip: true })],
      }),
    ),
    cpu: svg(
      plot({
        ...common,
        title: "host CPU per I/O, by stage",
        x: { label: "CPU ns per I/O", grid: true, nice: true },
        marks: [P.barX(rows, { x: "cpu", y: "stage", fy, fill: "run", tip: true }), P.ruleX([0])],
      }),
    ),
  };
}
