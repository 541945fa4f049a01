// Goal: the kernel runs TypeScript cells against one shared scope like a Jupyter kernel (declarations
// carry over and can be redefined, top-level await, the last value displayed, errors pointing at cell
// lines), gives cells the nvmesim API, Plot, display helpers and widgets, and stops on interrupt.
import { readFileSync } from "node:fs";
import { parseHTML } from "linkedom";
import { beforeAll, describe, expect, it } from "vitest";
import { Kernel, type ExecuteContext } from "../../src/notebook/kernel/kernel";
import { canonicalMarkup, updateDisplay, type Output } from "../../src/notebook/kernel/outputs";
import { loadNvmesim } from "../../src/wasm/node";

const { document } = parseHTML("<!doctype html><html><body></body></html>");
beforeAll(() => {
  (globalThis as { window?: unknown }).window ??= { document }; // as the kernel's workers do, for Plot
});

let count = 0;
function context(widgets: Record<string, unknown> = {}, signal = new AbortController().signal) {
  const outputs: Output[] = [];
  const updates: [string, Output | null][] = [];
  const displays = new Map<string, number>();
  const progress: number[] = [];
  const ctx: ExecuteContext = {
    cellId: "c",
    executionCount: ++count,
    widgets,
    signal,
    emit: (o) => outputs.push(o),
    update: (id, o) => {
      updates.push([id, o]);
      updateDisplay(outputs, displays, id, o); // as the page and nb run keep them
    },
    progress: (_l, f) => progress.push(f),
  };
  return { ctx, outputs, updates, progress };
}

const module = loadNvmesim();
const kernel = new Kernel({
  loadNvmesim: () => module,
  document: document as unknown as Document,
  seedProfileCsv: async () => readFileSync("src/model/seed/seed-profile.csv", "utf8"),
});
async function run(source: string, widgets: Record<string, unknown> = {}) {
  const c = context(widgets);
  const r = await kernel.execute(source, c.ctx);
  return { ...r, ...c };
}
const text = (o: Output) => ("data" in o ? String(o.data["text/plain"]) : "text" in o ? o.text : "");

describe("outputs", () => {
  it("keep three decimals in markup's attributes, so engines whose Math.log differs store the same bytes", () => {
    // Node's and chromium's V8 gave these two for one tick of a log axis.
    const node = '<line y2="309.8214293710988" x1="40" /><text y="0.32em">3.14159</text>';
    const chromium = '<line y2="309.82142937109876" x1="40" /><text y="0.32em">3.14159</text>';
    expect(canonicalMarkup(node)).toBe('<line y2="309.821" x1="40" /><text y="0.32em">3.14159</text>');
    expect(canonicalMarkup(chromium)).toBe(canonicalMarkup(node));
    expect(canonicalMarkup('<path d="M40,20.12345L185,97.6" />')).toBe('<path d="M40,20.123L185,97.6" />');
  });
});

describe("the shared scope", () => {
  it("keeps declarations across cells and lets a later cell redefine them", async () => {
    await run(
      "const a: number = 1;\nlet { b, c: [d] } = { b: 2, c: [3] };\nfunction twice(x: number) { return 2 * x }\nclass Box { v = 5 }",
    );
    expect((await run("a + b + d + twice(10) + new Box().v")).outputs.map(text)).toEqual(["31"]);
    await run("const a = 100");
    expect((await run("a")).value).toBe(100);
  });

  it("hoists functions, awaits at top level, and shows only a last expression", async () => {
    const r = await run(
      "const v = later(2);\nawait new Promise((r) => setTimeout(r, 5));\nfunction later(x: number): number { return x + 1 }\nv * 2;",
    );
    expect(r.outputs).toEqual([
      { output_type: "execute_result", execution_count: count, data: { "text/plain": "6" }, metadata: {} },
    ]);
    expect((await run("const quiet = 1")).outputs).toEqual([]);
    expect((await run("interface P { x: number }\nconst p = { x: 1 } as P;\np")).outputs[0]).toMatchObject({
      data: { "application/json": { x: 1 } },
    });
  });

  it("prints console output as streams", async () => {
    const r = await run('console.log("hi", 1, { a: 2 });\nconsole.error("oops")');
    expect(r.outputs.map((o) => o.output_type === "stream" && [o.name, o.text])).toEqual([
      ["stdout", 'hi 1 {\n  "a": 2\n}\n'],
      ["stderr", "oops\n"],
    ]);
  });

  it("reports errors with the cell's line numbers", async () => {
    const r = await run("const ok = 1;\n\nfunction boom(): never {\n  throw new RangeError('too far');\n}\nboom();");
    expect(r.ok).toBe(false);
    expect(r.outputs).toEqual([
      {
        output_type: "error",
        ename: "RangeError",
        evalue: "too far",
        traceback: ["RangeError: too far", "  at line 4: throw new RangeError('too far');", "  at line 6: boom();"],
      },
    ]);
    const syntax = await run("const x = 1;\nconst y = ;");
    expect(syntax.outputs[0]).toMatchObject({
      output_type: "error",
      ename: "SyntaxError",
      traceback: [expect.any(String), "  at line 2: const y = ;"],
    });
    expect((await run("ok")).value).toBe(1); // the kernel goes on
  });
});

describe("what cells find in scope", () => {
  it("imports from nvmesim and runs a simulation with progress", async () => {
    const r = await run(
      'import { simulate as sim } from "nvmesim";\nconst res = await sim({ workload: { number_ios: 300000 } });\nres.jobs[0].read.total_ios',
    );
    expect(r.value).toBe(300000);
    expect(r.progress.length).toBeGreaterThan(1);
  });

  it("draws Plot charts as SVG outputs, and md, html and table as their MIME types", async () => {
    const r = await run("Plot.plot({ marks: [Plot.lineY([1, 3, 2])] })");
    expect(r.outputs[0]).toMatchObject({
      data: { "image/svg+xml": expect.stringMatching(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"[\s\S]*<path/) },
    });
    const m = await run('display(md`# Title ${1 + 1}`);\ndisplay(html`<b>x</b>`);\ntable([{ a: 1, b: "<" }])');
    expect(m.outputs.map((o) => Object.keys("data" in o ? o.data : {})[0])).toEqual([
      "text/markdown",
      "text/html",
      "text/html",
    ]);
    expect(text(m.outputs[0])).toBe("# Title 2");
    expect(m.outputs[2]).toMatchObject({ data: { "text/html": expect.stringContaining("<td>&lt;</td>") } });
  });

  it("breakdown(a, b) draws each result's mean I/O stage by stage, its CPU adding up to the run's", async () => {
    const r = await run(
      'const bd = [await simulate({ path: "blk-mq", workload: { number_ios: 5000 } }), await simulate({ path: "rw_page", workload: { number_ios: 5000 } })];\nbreakdown(...bd)',
    );
    const out = r.outputs.at(-1) as { data: Record<string, string> };
    expect(out.data["text/html"]).toContain("one I/O's life: when each stage starts and ends"); // the waterfall
    expect(out.data["text/html"]).toContain("host CPU per I/O, by stage");
    expect(out.data["text/plain"]).toMatch(/^blk-mq on p3700-2014: one I\/O's life, the mean of 5000/);
    expect(out.data["text/plain"]).toMatch(/\n {2}device +\d+\.\d+ us/);
    const sums = (
      await run("bd.map((x) => [x.nvmesim.breakdown.stages.reduce((s, t) => s + t.cpuNs, 0), x.nvmesim.cpuNsPerIo])")
    ).value as [number, number][];
    for (const [stages, total] of sums) expect(stages).toBeCloseTo(total, 6);
    expect((await run("breakdown({})")).outputs[0]).toMatchObject({ ename: "TypeError" });
  });

  it("widgets show as controls and return their current value", async () => {
    const cell =
      'const depth = slider("iodepth", { min: 1, max: 64, value: 8 });\nconst p = select("path", ["blk-mq", "rw_page"]);\n[depth, p]';
    const first = await run(cell);
    expect(first.value).toEqual([8, "blk-mq"]);
    expect(first.outputs[0]).toMatchObject({
      data: { "application/vnd.nvmesim.widget+json": { kind: "slider", label: "iodepth", min: 1, max: 64, value: 8 } },
    });
    expect((await run(cell, { iodepth: 32, path: "rw_page" })).value).toEqual([32, "rw_page"]);
    expect((await run('slider("bad", { min: 5, max: 1 })')).outputs[0]).toMatchObject({ ename: "RangeError" });
  });

  it("sweeps a grid, redrawing its chart as points finish; the shown result takes the live chart's place", async () => {
    const spec =
      '{ base: { workload: { number_ios: 20000 } }, axes: { path: ["blk-mq", "rw_page"], iodepth: [1, 8] } }';
    const kept = await run(`const swept = await sweep(${spec})`);
    expect(kept.updates.length).toBeGreaterThanOrEqual(1);
    expect(kept.updates.at(-1)![1]).toMatchObject({
      transient: { display_id: expect.stringMatching(/^sweep-/) },
      data: { "image/svg+xml": expect.any(String) },
    });
    expect(kept.outputs).toHaveLength(1); // the live chart stays while nothing else shows the sweep
    expect(kept.outputs[0]).not.toHaveProperty("transient");

    const shown = await run(`await sweep(${spec})`);
    expect(shown.updates.at(-1)).toEqual([expect.stringMatching(/^sweep-/), null]);
    expect(shown.outputs).toHaveLength(1);
    expect(shown.outputs[0]).toMatchObject({
      output_type: "execute_result",
      data: {
        "text/plain": expect.stringMatching(
          /^sweep: 4 points over path \(2\) x iodepth \(2\), 0 failed\n {2}what limited the points: blk-mq: /,
        ),
      },
    });
  });

  it("an interrupt stops a long simulation within half a second and keeps the scope", async () => {
    await run("const kept = 42");
    const controller = new AbortController();
    const c = context({}, controller.signal);
    const started = performance.now();
    const done = kernel.execute("await simulate({ workload: { number_ios: 500000000 } })", c.ctx);
    setTimeout(() => controller.abort(), 100);
    const r = await done;
    expect(performance.now() - started).toBeLessThan(600);
    expect(r.ok).toBe(false);
    expect(c.outputs[0]).toMatchObject({
      output_type: "error",
      ename: "AbortError",
      traceback: [
        "AbortError: simulation cancelled",
        "  at line 1: await simulate({ workload: { number_ios: 500000000 } })",
      ],
    });
    expect((await run("kept")).value).toBe(42);
  });

  it("help() says what the API and the configuration's keys are; functions show their signature", async () => {
    expect(text((await run("help(simulate)")).outputs[0])).toMatch(
      /^simulate\(config\?: RunConfig, options\?: \{ program\?: "fio" \| "t\/io_uring" \}\): Promise<Result>\n/,
    );
    expect(text((await run('help("iodepth")')).outputs[0])).toBe(
      "workload.iodepth: integer 1..65535 — I/Os each job keeps in flight (fio workload)",
    );
    expect(text((await run("help()")).outputs[0])).toContain("device.preset: ");
    expect(text((await run("sweep")).outputs[0])).toMatch(/^sweep\(spec: /);
    expect(text((await run("function twice(x, y = 2) { return x * y }\ntwice")).outputs[0])).toBe("ƒ twice(x, y = 2)");
  });

  it("a simulation's result shows as nvmesim run's summary with the whole result to unfold", async () => {
    const r = await run("await simulate({ workload: { number_ios: 20000 } })");
    const data = (r.outputs[0] as { data: Record<string, string> }).data;
    expect(data["text/plain"]).toMatch(/^nvmesim run: blk-mq on p3700-2014, 4 CPUs, fio randread/);
    expect(data["text/html"]).toMatch(/^<pre>nvmesim run: /);
    expect(data["text/html"]).toContain("<details><summary>the whole result");
  });

  it("a mark that asks for a tip carries its values as titles in the static SVG", async () => {
    const r = await run('Plot.plot({ marks: [Plot.dot([{ a: 1, b: 2.5 }], { x: "a", y: "b", tip: true })] })');
    const svg = String((r.outputs[0] as { data: Record<string, string> }).data["image/svg+xml"]);
    expect(svg).toContain("<title>a: 1\nb: 2.500</title>");
  });

  it("compare(a, b) shows two results side by side with a chart of the layers", async () => {
    const r = await run(
      'compare(await simulate({ cpus: 1, workload: { number_ios: 5000, numjobs: 1 } }), await simulate({ path: "rw_page", cpus: 1, workload: { number_ios: 5000, numjobs: 1 } }))',
    );
    const data = (r.outputs[0] as { data: Record<string, string> }).data;
    expect(data["text/plain"]).toMatch(/^A: blk-mq on p3700-2014\nB: rw_page on p3700-2014/);
    expect(data["text/html"]).toContain("<svg");
    expect(data["text/html"]).toMatch(/only in rw_page on p3700-2014: [^<]*nvme_rw_page/);
    expect((await run("compare(1, 2)")).outputs[0]).toMatchObject({ ename: "TypeError" });
  });

  it("measure() says where it runs when the kernel has no machine to measure (the page)", async () => {
    const r = await run("await measure({})");
    expect(r.outputs[0]).toMatchObject({
      output_type: "error",
      evalue: expect.stringMatching(/the page cannot run fio or swap/),
    });
  });
});
