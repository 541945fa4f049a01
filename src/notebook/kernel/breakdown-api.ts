// breakdown(result, ...) in a cell: one I/O's life stage by stage for each
// result given (a simulate() result keeps it), as a waterfall (when each stage
// starts and how long it lasts, in the path's colour) beside the CPU each
// stage took (sweep/breakdown-plot.ts), and as nvmesim run --breakdown's text.
import type { Breakdown } from "../../run/breakdown";
import { breakdownText } from "../../run/breakdown";
import { breakdownCharts } from "../../sweep/breakdown-plot";
import { escapeHtml, REPR, type Displayable } from "./outputs";
import { notebookPlot } from "./plot-tips";

interface WithBreakdown {
  nvmesim: { path: string; device: string; breakdown?: Breakdown };
}

/** The waterfall of each result's mean I/O; a result without a breakdown is named in the error. */
export function breakdownDisplay(results: readonly unknown[], document: Document): Displayable {
  if (results.length === 0) throw new TypeError("breakdown: give it one or more results of simulate()");
  const runs = results.map((r, i) => {
    const b = (r as Partial<WithBreakdown>)?.nvmesim?.breakdown;
    if (!b)
      throw new TypeError(
        `breakdown: argument ${i + 1} has no breakdown (a result of simulate() in a cell has one; nvmesim run --breakdown --json's too)`,
      );
    const n = (r as WithBreakdown).nvmesim;
    return { label: `${n.path} on ${n.device}`, breakdown: b };
  });
  const charts = breakdownCharts(runs, document, notebookPlot);
  const text = runs.map((r) => breakdownText(r.breakdown, r.label).join("\n")).join("\n\n");
  return {
    [REPR]: () => ({
      "text/html": `${charts.waterfall}${charts.cpu}<pre>${escapeHtml(text)}</pre>`,
      "text/plain": text,
    }),
  };
}
