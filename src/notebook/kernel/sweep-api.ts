// sweep(spec) in a cell: the grid's points on a pool of workers (one per core,
// each with its own Wasm instance; the kernel's own module with threads: 1),
// with progress and the first chart redrawn as points finish (a few times a
// second at most); the result shows as its charts and a table. Interrupt
// stops every worker.
import { sweepCharts } from "../../sweep/plots";
import { simulate as simulateCore } from "../../run/simulate";
import {
  checkGrid,
  GRID_LIMIT,
  gridSize,
  parseSpec,
  pointConfig,
  pointValueRecord,
  type SweepSpec,
} from "../../sweep/spec";
import { limitLines, recordOf, rowOf, shownMetrics, tableCsv, type Row } from "../../sweep/table";
import type { ExecuteContext, KernelHost } from "./kernel";
import { escapeHtml, jsonTreeHtml, REPR, SUPERSEDES, table, type Displayable, type MimeBundle } from "./outputs";

export interface CellSweepOptions {
  /** Redraw the first chart as points finish (default true). */
  live?: boolean;
  /** Allow more than GRID_LIMIT points. */
  yes?: boolean;
  /** Workers to run points on, each with its own Wasm instance (default: one per core); 1 runs them in the kernel. */
  threads?: number;
}

/** A finished sweep: its rows, its table as CSV, its charts; shows as the charts and a table (which take the live chart's place). */
export class SweepResult implements Displayable {
  readonly [SUPERSEDES]: string[];

  constructor(
    readonly spec: SweepSpec,
    readonly rows: Row[],
    private readonly document: Document,
    liveDisplayId?: string,
  ) {
    this[SUPERSEDES] = liveDisplayId ? [liveDisplayId] : [];
  }

  /** results.csv's text. */
  csv(): string {
    return tableCsv(this.spec, this.rows);
  }

  /** One flat object per point: axis values and metrics. */
  records(): Record<string, unknown>[] {
    const metrics = shownMetrics(this.rows);
    return this.rows.map((r) => recordOf(r, metrics));
  }

  charts(): { name: string; title: string; svg: string }[] {
    return sweepCharts(this.spec, this.rows, this.document);
  }

  /** What the CLI says when a sweep ends: its points and axes, and the points that failed. */
  summary(): string {
    const failed = this.rows.filter((r) => r.error !== undefined);
    const axes = this.spec.axes.map((a) => `${a.name} (${a.values.length})`).join(" x ");
    return [
      `${this.spec.name}: ${this.rows.length} points over ${axes}, ${failed.length} failed`,
      ...limitLines(this.spec, this.rows).map((line) => `  what limited the points: ${line}`),
      ...failed.slice(0, 10).map((r) => `  point ${r.point} failed: ${r.error}`),
      ...(failed.length > 10 ? [`  ... and ${failed.length - 10} more (see records())`] : []),
    ].join("\n");
  }

  [REPR](): MimeBundle {
    const charts = this.charts();
    const summary = this.summary();
    const tableHtml = table(this.records())[REPR]()["text/html"] as string;
    const spec = jsonTreeHtml(
      JSON.parse(
        JSON.stringify({
          name: this.spec.name,
          base: this.spec.base,
          axes: this.spec.axes.map(({ name, param, values }) => ({ name, param, values })),
        }),
      ),
      1,
    );
    return {
      "text/html": `<pre>${escapeHtml(summary)}</pre>${charts.map((c) => c.svg).join("\n")}${tableHtml}<details><summary>the sweep's spec</summary>${spec}</details>`,
      "text/plain": summary,
    };
  }
}

export async function kernelSweep(
  host: KernelHost,
  ctx: ExecuteContext,
  doc: unknown,
  options: CellSweepOptions,
  displayId: string,
  display: (value: Displayable, options: { id: string }) => void,
): Promise<SweepResult> {
  const spec = parseSpec(doc);
  const n = gridSize(spec);
  if (n > GRID_LIMIT && !options.yes)
    throw new RangeError(`the grid has ${n} points, more than ${GRID_LIMIT}: pass { yes: true } to run it`);
  const failures = checkGrid(spec);
  const threads = options.threads;
  if (threads !== undefined && (!Number.isInteger(threads) || threads < 1 || threads > 256))
    throw new RangeError(`sweep: threads ${JSON.stringify(threads)} is not an integer in 1..256`);
  const rows: Row[] = [];
  let shown = 0;
  // A point finished (in any order): its row, the progress, and now and then the first chart again.
  const finished = (row: Row) => {
    rows.push(row);
    rows.sort((a, b) => a.point - b.point);
    ctx.progress(`sweep ${rows.length}/${n}`, rows.length / n);
    const now = performance.now();
    if (options.live !== false && (now - shown > 400 || rows.length === n)) {
      shown = now;
      const first = sweepCharts(spec, rows, host.document)[0];
      if (first)
        display({ [REPR]: () => ({ "image/svg+xml": first.svg, "text/plain": first.title }) }, { id: displayId });
    }
  };
  const head = (point: number) => ({ point, values: pointValueRecord(spec, point), config: pointConfig(spec, point) });
  ctx.progress(`sweep 0/${n}`, 0);
  const pool = threads === 1 || n < 2 ? undefined : host.pointPool?.(threads);
  if (pool) {
    try {
      let next = 0;
      const work = async () => {
        while (next < n) {
          if (ctx.signal.aborted) throw new DOMException("sweep interrupted", "AbortError");
          const { point, values, config } = head(next++);
          const failure = failures.get(point);
          if (failure) {
            finished({ point, values, metrics: {}, error: failure });
            continue;
          }
          const outcome = await pool.run({ point, config }, ctx.signal);
          const seed = String(config.seed);
          finished(
            "result" in outcome
              ? rowOf({ point, values, seed, result: JSON.parse(outcome.result) as unknown })
              : { point, values, metrics: {}, error: outcome.error },
          );
        }
      };
      await Promise.all(Array.from({ length: Math.min(pool.size, n) }, work));
    } catch (err) {
      pool.close(); // stopped or broken: its workers go, the next sweep starts new ones
      throw err;
    }
  } else {
    const m = await host.loadNvmesim();
    for (let point = 0; point < n; point++) {
      if (ctx.signal.aborted) throw new DOMException("sweep interrupted", "AbortError");
      const { values, config } = head(point);
      const failure = failures.get(point);
      if (failure) finished({ point, values, metrics: {}, error: failure });
      else {
        const result = await simulateCore(m, config, {
          signal: ctx.signal,
          batchIos: 100_000,
          breakdown: true,
          onProgress: () => {},
        });
        finished(rowOf({ point, values, seed: String(config.seed), result }));
      }
    }
  }
  return new SweepResult(spec, rows, host.document, options.live !== false ? displayId : undefined);
}
