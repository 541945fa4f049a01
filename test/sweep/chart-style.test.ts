// Goal: one chart style everywhere: each path keeps its colour in every chart (a sweep's series, the notebooks'
// charts through chartStyle), a pair of series that differs only in path differs only in hue (the same shade of
// each), and latency that spans decades gets a log axis.
import { parseHTML } from "linkedom";
import { describe, expect, it } from "vitest";
import { PATH_COLORS, pathOf, seriesColor, spansDecades } from "../../src/sweep/chart-style";
import { sweepCharts } from "../../src/sweep/plots";
import { parseSpec } from "../../src/sweep/spec";
import type { Row } from "../../src/sweep/table";

const { document } = parseHTML("<!doctype html><html><body></body></html>");

describe("the chart style", () => {
  it("gives each path its colour, in a shade per other value, the same shade for the same value", () => {
    const labels = ["blk-mq, 1 CPU", "rw_page, 1 CPU", "blk-mq, 4 CPUs", "rw_page, 4 CPUs"];
    const { domain, range } = seriesColor(labels);
    expect(domain).toEqual(labels);
    expect(range[0]).toBe(PATH_COLORS["blk-mq"]); // the first value darkest: the path's own colour
    expect(range[1]).toBe(PATH_COLORS.rw_page);
    expect(range[2]).not.toBe(range[0]); // a lighter blue for 4 CPUs
    const lightness = (hex: string) => [1, 3, 5].reduce((s, i) => s + parseInt(hex.slice(i, i + 2), 16), 0);
    expect(lightness(range[2])).toBeGreaterThan(lightness(range[0]));
    expect(lightness(range[3])).toBeGreaterThan(lightness(range[1]));
    expect(seriesColor(["polled", "interrupts"]).range).toEqual(["#4269d0", "#efb118"]); // not paths: in order
    // A measurement beside a simulated path keeps a colour of its own (compare's chart).
    const side = seriesColor(["blk-mq on p3700-2014", "measured (Linux 6.18)"]).range;
    expect(side[0]).toBe(PATH_COLORS["blk-mq"]);
    expect(Object.values(PATH_COLORS)).not.toContain(side[1]);
    expect(pathOf("ram · rw_page")).toBe("rw_page");
    expect(pathOf("blk-mq-ish")).toBeUndefined();
    expect(spansDecades([8, 120, 440])).toBe(true);
    expect(spansDecades([80, 120, 440])).toBe(false);
  });

  it("is what a sweep's charts draw: blk-mq blue and rw_page orange whatever else the series names", () => {
    const spec = parseSpec({
      axes: { "device.preset": ["ram", "p3700-2014"], path: ["blk-mq", "rw_page"], iodepth: [1, 4, 16] },
    });
    const rows: Row[] = [];
    let point = 0;
    for (const device of ["ram", "p3700-2014"])
      for (const path of ["blk-mq", "rw_page"])
        for (const iodepth of [1, 4, 16])
          rows.push({
            point: point++,
            values: { "device.preset": device, path, iodepth },
            metrics: {
              total_iops: 1000 * iodepth,
              cpu_ns_per_io: path === "rw_page" ? 1100 : 2000,
              read_clat_p50_us: 8 * iodepth,
              read_clat_p99_us: 30 * iodepth,
            },
          });
    const charts = sweepCharts(spec, rows, document as unknown as Document);
    const iops = charts.find((c) => c.name === "iops-vs-iodepth")!.svg;
    expect(iops).toContain(`stroke="${PATH_COLORS["blk-mq"]}"`);
    expect(iops).toContain(`stroke="${PATH_COLORS.rw_page}"`);
    // 8 to 480 us: a log latency axis.
    expect(charts.find((c) => c.name === "latency-vs-iodepth")!.svg).toContain("(log)");
  });
});
