// Plot's `tip` in a notebook: the kernel draws charts into a document that no
// pointer ever touches, so Plot's interactive tip never shows. A mark that
// asks for a tip gets a title channel instead (its own title, or one naming
// the values its channels show); the SVG carries it as <title>, which
// the page and any notebook viewer show on hover.
import * as Plot from "@observablehq/plot";

const MARKS = [
  "area",
  "areaX",
  "areaY",
  "arrow",
  "barX",
  "barY",
  "cell",
  "cellX",
  "cellY",
  "circle",
  "dot",
  "dotX",
  "dotY",
  "hexagon",
  "line",
  "lineX",
  "lineY",
  "link",
  "rect",
  "rectX",
  "rectY",
  "ruleX",
  "ruleY",
  "text",
  "textX",
  "textY",
  "tickX",
  "tickY",
  "vector",
];
const CHANNELS = ["x", "x1", "x2", "y", "y1", "y2", "z", "fx", "fy", "fill", "stroke", "r", "text"];

type Row = Record<string, unknown>;
type Options = Record<string, unknown>;

function format(v: unknown): string {
  return typeof v === "number" ? (Number.isInteger(v) ? String(v) : v.toPrecision(4)) : String(v);
}

/** A title channel that names what each shown channel holds for a datum: "x: 4\ny: 1200". */
export function tipTitle(options: Options): (d: Row, i: number) => string {
  const shown = CHANNELS.filter((c) => typeof options[c] === "string" || typeof options[c] === "function");
  return (d, i) =>
    shown
      .map((c) => {
        const channel = options[c];
        const value =
          typeof channel === "function" ? (channel as (d: Row, i: number) => unknown)(d, i) : d?.[channel as string];
        return `${typeof channel === "string" ? channel : c}: ${format(value)}`;
      })
      .join("\n");
}

function withTitle(options: unknown): unknown {
  if (typeof options !== "object" || options === null || Array.isArray(options)) return options;
  const o = options as Options;
  if (!o.tip) return options;
  // With tip set, Plot would put the title in the (never shown) tip instead of the SVG.
  const rest: Options = { ...o, title: o.title ?? tipTitle(o) };
  delete rest.tip;
  return rest;
}

/** Observable Plot, its marks turning `tip` into a title the static SVG keeps. */
export const notebookPlot: typeof Plot = Object.fromEntries(
  Object.entries(Plot).map(([name, value]) =>
    MARKS.includes(name) && typeof value === "function"
      ? [
          name,
          (data: unknown, options?: unknown) =>
            (value as (d: unknown, o?: unknown) => unknown)(data, withTitle(options)),
        ]
      : [name, value],
  ),
) as typeof Plot;
