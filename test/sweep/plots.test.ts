// Goal: a sweep's charts are chosen from its axes (lines per series against each numeric axis, heatmaps
// for two numeric axes, bars when none is numeric) and keep drawing the SVGs stored in test/golden/plots
// (numbers rounded to 1 decimal before comparing). UPDATE_GOLDEN=1 rewrites the files.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseHTML } from "linkedom";
import { describe, expect, it } from "vitest";
import { sweepCharts } from "../../src/sweep/plots";
import { sweepReportHtml } from "../../src/sweep/report";
import { gridSize, parseSpec, pointValues, type SweepSpec } from "../../src/sweep/spec";
import type { Row } from "../../src/sweep/table";

const GOLDEN = join(import.meta.dirname, "../golden/plots");
const { document } = parseHTML("<!doctype html><html><body></body></html>");

/** Made-up but plausible rows: throughput rises with depth and saturates, rw_page costs less CPU. */
function rows(spec: SweepSpec): Row[] {
  return Array.from({ length: gridSize(spec) }, (_, point) => {
    const v = pointValues(spec, point);
    const values = Object.fromEntries(spec.axes.map((a, i) => [a.name, v[i]]));
    const depth = Number(values.iodepth ?? 1) * Number(values.numjobs ?? 1);
    const rw = values.path === "rw_page";
    return {
      point,
      values,
      metrics: {
        total_iops: Math.round(460_000 * (1 - Math.exp(-depth / 20))),
        cpu_ns_per_io: rw ? 1300 : 2350,
        read_clat_p50_us: 80 + depth * 2,
        read_clat_p99_us: 130 + depth * 3,
        read_clat_p99_9_us: 160 + depth * 4,
      },
    };
  });
}

const round = (svg: string) => svg.replace(/-?\d+\.\d+/g, (n) => Number(n).toFixed(1));

const SPECS: Record<string, SweepSpec> = {
  lines: parseSpec({ axes: { path: ["blk-mq", "rw_page"], iodepth: "1..64 x4" } }),
  grid: parseSpec({ axes: { path: ["blk-mq", "rw_page"], iodepth: "1..16 x4", numjobs: [1, 2, 4] } }),
  bars: parseSpec({ axes: { path: ["blk-mq", "rw_page"], "device.preset": ["p3700-2014", "p4800x"] } }),
};

describe("sweep charts", () => {
  it("are chosen from the axes", () => {
    const names = (s: SweepSpec) => sweepCharts(s, rows(s), document as unknown as Document).map((c) => c.name);
    // Both paths: rw_page / blk-mq comes first.
    expect(names(SPECS.lines)).toEqual(["ratio-vs-iodepth", "iops-vs-iodepth", "cpu-vs-iodepth", "latency-vs-iodepth"]);
    expect(names(SPECS.grid)).toEqual([
      "ratio-vs-iodepth",
      ...[
        "iops-vs-iodepth",
        "cpu-vs-iodepth",
        "latency-vs-iodepth",
        "iops-vs-numjobs",
        "cpu-vs-numjobs",
        "latency-vs-numjobs",
      ],
      ...["heatmap-iops-iodepth-numjobs", "heatmap-cpu-iodepth-numjobs"],
    ]);
    expect(names(SPECS.bars)).toEqual(["iops-per-point", "cpu-per-point"]);
  });

  for (const [name, spec] of Object.entries(SPECS)) {
    it(`${name}: the stored SVGs, standalone files with a title`, () => {
      for (const c of sweepCharts(spec, rows(spec), document as unknown as Document)) {
        expect(c.svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" [^>]*><title>/);
        const file = join(GOLDEN, `${name}-${c.name}.svg`);
        if (process.env.UPDATE_GOLDEN) writeFileSync(file, round(c.svg) + "\n");
        expect(round(c.svg) + "\n").toBe(readFileSync(file, "utf8"));
      }
    });
  }

  it("the report escapes what it shows and carries every point", () => {
    const spec = parseSpec({ name: "<b>x</b>", axes: { path: ["blk-mq", "rw_page"] } });
    const r = rows(spec);
    r[1] = { ...r[1], metrics: {}, error: "workload.iodepth: <bad>" };
    const html = sweepReportHtml(spec, r, []);
    expect(html).toContain("&lt;b&gt;x&lt;/b&gt;");
    expect(html).not.toContain("<b>x</b>");
    expect(html).toContain("workload.iodepth: &lt;bad&gt;");
    expect(html.match(/<tr>/g)).toHaveLength(3);
  });
});
