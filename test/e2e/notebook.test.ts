// Goal: the built notebook page works in a real browser (Debian's chromium through playwright-core):
// a typed cell runs with Shift+Enter, Run all draws a plot with both paths, Interrupt stops a long
// simulation, Restart ends a runaway loop, the working copy survives a reload, a saved .ipynb is valid and
// opens again, and a hostile notebook cannot run script. No console errors anywhere; a screenshot of each.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Ajv from "ajv-draft-04";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DIST, ensurePage, serveStatic } from "../../src/cli/notebook";
import { newNotebook, serializeNotebook, type Cell } from "../../src/notebook/ipynb";
import { ROOT } from "../../src/wasm/build";
import { finish, idle, openBrowser, SHOTS, type Browser } from "./browser";

const tmp = mkdtempSync(join(tmpdir(), "nvmesim-e2e-"));
const schema = JSON.parse(readFileSync(join(ROOT, "src/notebook/schema/nbformat.v4.5.schema.json"), "utf8"));
const validate = new Ajv({ strict: false }).compile(schema);

let server: Server;
let url: string;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  await ensurePage(() => {});
  server = await serveStatic(DIST, "127.0.0.1", 0);
  const a = server.address();
  url = `http://127.0.0.1:${typeof a === "object" && a ? a.port : 0}/`;
}, 120_000);
afterAll(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

async function open(profile = mkdtempSync(join(tmp, "profile-"))): Promise<Browser> {
  const b = await openBrowser(profile);
  await b.page.goto(url);
  await b.page.waitForSelector("#kernel[data-state=idle]", { timeout: 30_000 });
  return b;
}

/** Opens a notebook file through the page's file input. */
async function load(page: Page, cells: Partial<Cell>[], name = "test.ipynb"): Promise<void> {
  const file = join(tmp, name);
  writeFileSync(file, serializeNotebook(newNotebook(cells)));
  await page.setInputFiles("#file", file);
  await page.waitForSelector(`text=Opened ${name}`);
}

async function typeInCell(page: Page, index: number, text: string): Promise<void> {
  const editor = page.locator(".cell .cm-content").nth(index);
  await editor.click();
  await page.keyboard.press("Control+a");
  await page.keyboard.type(text);
}

describe("the notebook in a browser", () => {
  it("runs a typed cell with Shift+Enter: execution count and output", async () => {
    const b = await open();
    await load(b.page, [{ cell_type: "code", source: "" }]);
    await typeInCell(b.page, 0, "const x: number = 20;\nx * 2 + 2");
    await b.page.keyboard.press("Shift+Enter");
    await idle(b.page);
    const cell = b.page.locator(".cell.code").first();
    expect(await cell.locator(".prompt").textContent()).toBe("[1]:");
    expect(await cell.locator(".outputs").textContent()).toBe("42");
    expect(await b.page.locator(".cell").count()).toBe(2); // Shift+Enter on the last cell adds one
    // A cell that prints a lot shows the start and a button for the rest.
    await typeInCell(b.page, 1, 'console.log("x".repeat(100_000))');
    await b.page.keyboard.press("Control+Enter");
    await idle(b.page);
    const more = b.page.locator(".cell.code").nth(1).locator(".show-more");
    expect(await more.textContent()).toBe("show more (80,001 more characters)");
    await more.click();
    expect((await b.page.locator(".cell.code").nth(1).locator("pre").textContent())!.length).toBe(100_001);
    await finish(b, "shift-enter");
  });

  it("Run all draws a sweep's plot with a line for each path", async () => {
    const b = await open();
    await load(b.page, [
      { cell_type: "markdown", source: "# Both paths" },
      {
        cell_type: "code",
        source:
          'const r = await sweep({ base: { workload: { number_ios: 50_000 } }, axes: { path: ["blk-mq", "rw_page"], iodepth: [1, 4, 16] } });',
      },
      {
        cell_type: "code",
        source:
          'Plot.plot({ marks: [Plot.line(r.records(), { x: "iodepth", y: "cpu_ns_per_io", stroke: "path" }), Plot.dot(r.records(), { x: "iodepth", y: "cpu_ns_per_io", tip: true })] })',
      },
    ]);
    await b.page.click("[data-action=run-all]");
    await idle(b.page);
    const svg = b.page.locator(".cell.code").nth(1).locator(".outputs svg");
    expect(await svg.locator("path[stroke]").count()).toBeGreaterThanOrEqual(2); // one line per path
    // tip: true becomes titles the browser shows on hover (the chart is drawn where no pointer is)
    expect(await svg.locator("circle title").first().textContent()).toMatch(/^iodepth: 1\ncpu_ns_per_io: \d/);
    const live = await b.page.locator(".cell.code").nth(0).locator(".outputs svg").first().textContent();
    expect(live).toContain("blk-mq");
    expect(live).toContain("rw_page");
    expect(await b.page.locator(".cell.code .prompt").allTextContents()).toEqual(["[1]:", "[2]:"]);
    await finish(b, "run-all-plot");
  });

  it("the landing example's first chart is rw_page over blk-mq, apart where the CPU bounds them", async () => {
    const b = await open();
    await b.page.click("[data-action=run-all]");
    await idle(b.page, 300_000);
    const out = b.page.locator(".cell.code").first().locator(".outputs");
    expect(await out.locator("svg title").first().textContent()).toBe("rw_page / blk-mq by iodepth");
    const summary = (await out.locator("pre").first().textContent())!;
    expect(summary).toMatch(/what limited the points: p3700-2014 · blk-mq: .*device-bound/);
    expect(summary).toMatch(/what limited the points: ram · rw_page: .*CPU-bound/);
    // On the CPU-bound machine rw_page does well over blk-mq's IOPS at depth 64.
    const table = await out
      .locator("table")
      .first()
      .evaluate((t) => [...(t as HTMLTableElement).rows].map((r) => [...r.cells].map((c) => c.textContent ?? "")));
    const [head, ...rows] = table;
    const col = (name: string) => head.indexOf(name);
    const iops = (path: string) =>
      Number(
        rows.find((r) => r[col("device.preset")] === "ram" && r[col("path")] === path && r[col("iodepth")] === "64")![
          col("total_iops")
        ],
      );
    expect(iops("rw_page") / iops("blk-mq")).toBeGreaterThan(2);
    expect(col("total_iops")).toBeLessThan(col("read_iops")); // the key figures first
    await finish(b, "landing");
  });

  it("runs a sweep's points on the kernel's own workers, as it would alone, and Interrupt stops them", async () => {
    const b = await open();
    const workers: string[] = [];
    b.page.on("worker", (w) => workers.push(w.url()));
    const spec = `{ base: { workload: { number_ios: 50_000 } }, axes: { path: ["blk-mq", "rw_page"], iodepth: [1, 4, 16] } }`;
    await load(b.page, [
      {
        cell_type: "code",
        source: `const pooled = await sweep(${spec}, { threads: 2, live: false });\nconst alone = await sweep(${spec}, { threads: 1, live: false });\nJSON.stringify(pooled.records()) === JSON.stringify(alone.records()) && pooled.records().length`,
      },
      {
        cell_type: "code",
        source: "await sweep({ base: { workload: { number_ios: 2_000_000_000 } }, axes: { iodepth: [1, 2, 4] } })",
      },
    ]);
    await b.page.locator(".cell.code").nth(0).click();
    await b.page.keyboard.press("Escape");
    await b.page.keyboard.press("Control+Enter");
    await idle(b.page);
    expect(await b.page.locator(".cell.code").nth(0).locator(".outputs").textContent()).toBe("6");
    expect(workers.filter((u) => /point-worker-web/.test(u))).toHaveLength(2);
    await b.page.locator(".cell.code").nth(1).click();
    await b.page.keyboard.press("Escape");
    await b.page.keyboard.press("Control+Enter");
    await b.page.waitForSelector(".cell .progress progress");
    const started = Date.now();
    await b.page.click("[data-action=interrupt]");
    await b.page.waitForSelector(".cell .outputs .error");
    expect(Date.now() - started).toBeLessThan(1500);
    expect(await b.page.locator(".cell .outputs .error-head").textContent()).toMatch(/^AbortError/);
    await idle(b.page);
    await finish(b, "sweep-workers");
  });

  it("Interrupt stops a long simulation within half a second and the kernel keeps its state", async () => {
    const b = await open();
    await load(b.page, [
      { cell_type: "code", source: "const kept = 42;" },
      { cell_type: "code", source: "await simulate({ workload: { number_ios: 2_000_000_000 } })" },
      { cell_type: "code", source: "kept" },
    ]);
    await b.page.click("[data-action=run-all]");
    await b.page.waitForSelector(".cell .progress progress");
    const started = Date.now();
    await b.page.click("[data-action=interrupt]");
    await b.page.waitForSelector(".cell .outputs .error");
    expect(Date.now() - started).toBeLessThan(1500); // half a second in the kernel, plus the browser's round trips
    expect(await b.page.locator(".cell .outputs .error-head").textContent()).toMatch(/^AbortError/);
    expect(await b.page.locator(".cell .outputs .traceback").textContent()).toBe(
      "  at line 1: await simulate({ workload: { number_ios: 2_000_000_000 } })",
    );
    await idle(b.page);
    await b.page.locator(".cell.code").nth(2).click();
    await b.page.keyboard.press("Escape");
    await b.page.keyboard.press("Control+Enter");
    await idle(b.page);
    expect(await b.page.locator(".cell.code").nth(2).locator(".outputs").textContent()).toBe("42");
    await finish(b, "interrupt");
  });

  it("Restart ends a runaway loop; the notebook's text and outputs stay", async () => {
    const b = await open();
    await load(b.page, [
      { cell_type: "code", source: '"before"' },
      { cell_type: "code", source: "while (true) {}" },
    ]);
    await b.page.locator(".cell.code").nth(0).click();
    await b.page.keyboard.press("Escape");
    await b.page.keyboard.press("Shift+Enter");
    await idle(b.page);
    await b.page.keyboard.press("Control+Enter");
    await b.page.waitForSelector("#kernel[data-state=busy]");
    await b.page.waitForTimeout(300);
    await b.page.click("[data-action=restart]");
    await b.page.waitForSelector("#kernel[data-state=idle]", { timeout: 30_000 });
    expect(await b.page.locator(".cell.code").nth(0).locator(".outputs").textContent()).toBe("before");
    expect(await b.page.locator(".cell.code .cm-content").nth(1).textContent()).toBe("while (true) {}");
    await b.page.locator(".cell.code").nth(0).click();
    await b.page.keyboard.press("Escape");
    await b.page.keyboard.press("Control+Enter");
    await idle(b.page);
    expect(await b.page.locator(".cell.code .prompt").first().textContent()).toBe("[1]:"); // a fresh kernel counts again
    await finish(b, "restart");
  });

  it("a reload brings back the working copy", async () => {
    const profile = mkdtempSync(join(tmp, "profile-"));
    const b = await open(profile);
    await load(b.page, [{ cell_type: "code", source: "" }]);
    await typeInCell(b.page, 0, "// typed before the reload");
    await b.page.waitForSelector("#autosaved:not(:empty)");
    await b.page.waitForTimeout(1500);
    await b.page.reload();
    await b.page.waitForSelector("text=Restored your working copy");
    expect(await b.page.locator(".cell .cm-content").first().textContent()).toBe("// typed before the reload");
    expect(await b.page.locator("#dirty").isVisible()).toBe(true);
    await finish(b, "autosave-reload");
  });

  it("saves a valid .ipynb that opens again as it was", async () => {
    const b = await open();
    await load(b.page, [
      { cell_type: "markdown", source: "# Saved" },
      { cell_type: "code", source: "display(md`**bold**`);\n[1, 2, 3].map((x) => x * x)" },
    ]);
    await b.page.click("[data-action=run-all]");
    await idle(b.page);
    const [download] = await Promise.all([b.page.waitForEvent("download"), b.page.click("[data-action=save]")]);
    const file = join(tmp, "saved.ipynb");
    await download.saveAs(file);
    const text = readFileSync(file, "utf8");
    const doc = JSON.parse(text);
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    expect(doc.cells[1].outputs.map((o: { output_type: string }) => o.output_type)).toEqual([
      "display_data",
      "execute_result",
    ]);
    expect(doc.cells[1].execution_count).toBe(1);
    await b.page.click("[data-action=clear]");
    let asked = "";
    b.page.once("dialog", (d) => {
      asked = d.message();
      void d.accept();
    });
    await b.page.setInputFiles("#file", file);
    await b.page.waitForSelector("text=Opened saved.ipynb");
    expect(asked).toMatch(/^Replace the unsaved notebook on the page with saved\.ipynb\?/); // cleared outputs are unsaved work
    expect(await b.page.locator(".cell.code .prompt").first().textContent()).toBe("[1]:");
    expect(await b.page.locator(".cell.code .outputs strong").textContent()).toBe("bold");
    const [again] = await Promise.all([b.page.waitForEvent("download"), b.page.click("[data-action=save]")]);
    await again.saveAs(join(tmp, "saved-again.ipynb"));
    expect(readFileSync(join(tmp, "saved-again.ipynb"), "utf8")).toBe(text); // unchanged notebook, same bytes
    const [html] = await Promise.all([b.page.waitForEvent("download"), b.page.click("[data-action=export]")]);
    await html.saveAs(join(tmp, "saved.html"));
    const page = readFileSync(join(tmp, "saved.html"), "utf8");
    expect(page).toContain("<h1>Saved</h1>");
    expect(page).toContain("<strong>bold</strong>");
    expect(page).toContain("In [1]:");
    await finish(b, "save-ipynb");
  });

  it("a notebook with hostile Markdown and HTML opens without running its script", async () => {
    const b = await open();
    const hostile: Partial<Cell>[] = [
      {
        cell_type: "markdown",
        source: 'Look: <img src=x onerror="window.__pwned = 1"> <script>window.__pwned = 2</script>',
      },
      { cell_type: "code", source: "1" },
    ];
    const nb = newNotebook(hostile);
    nb.cells[1].outputs = [
      {
        output_type: "display_data",
        data: { "text/html": '<img src=y onerror="window.__pwned = 3"><b>kept</b>' },
        metadata: {},
      },
    ];
    writeFileSync(join(tmp, "hostile.ipynb"), serializeNotebook(nb));
    // Its images point at nothing: answer them with bytes that fail to decode, so their error event fires
    // (and would run the handler, were it there) without a 404 in the console.
    await b.page.route(/\/(x|y)$/, (r) => r.fulfill({ status: 200, contentType: "image/png", body: "not a png" }));
    await b.page.setInputFiles("#file", join(tmp, "hostile.ipynb"));
    await b.page.waitForSelector("text=Opened hostile.ipynb");
    await b.page.waitForTimeout(500);
    expect(await b.page.evaluate(() => (window as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await b.page.locator(".cell.code .outputs b").textContent()).toBe("kept");
    expect(await b.page.locator("[onerror]").count()).toBe(0);
    await finish(b, "hostile-notebook");
  });

  it("a widget reruns its cell with the new value, and only that cell", async () => {
    const b = await open();
    await load(b.page, [
      { cell_type: "code", source: "let runs = 0;" },
      {
        cell_type: "code",
        source:
          'runs++;\nconst depth = slider("iodepth", { min: 1, max: 64, value: 8 });\n`iodepth ${depth}, run ${runs}`',
      },
    ]);
    await b.page.click("[data-action=run-all]");
    await idle(b.page);
    const cell = b.page.locator(".cell.code").nth(1);
    expect(await cell.locator(".outputs pre").last().textContent()).toBe("iodepth 8, run 1");
    await cell.locator("input[type=range]").fill("32");
    await b.page.waitForFunction(
      () => document.querySelectorAll(".cell.code .outputs pre")[0]?.textContent === "iodepth 32, run 2",
    );
    expect(await b.page.locator(".cell.code .prompt").allTextContents()).toEqual(["[1]:", "[3]:"]);
    await finish(b, "widget");
  });

  it("command mode keys: B, A, M, Y, D D, Z, J and K", async () => {
    const b = await open();
    await load(b.page, [{ cell_type: "code", source: "// one" }]);
    await b.page.locator(".cell").first().click();
    await b.page.keyboard.press("Escape");
    const kinds = () =>
      b.page.evaluate(() =>
        [...document.querySelectorAll(".cell")].map((c) => (c.classList.contains("markdown") ? "md" : "code")),
      );
    await b.page.keyboard.press("b");
    await b.page.keyboard.press("m");
    expect(await kinds()).toEqual(["code", "md"]);
    await b.page.keyboard.press("k");
    await b.page.keyboard.press("a");
    expect(await kinds()).toEqual(["code", "code", "md"]);
    await b.page.keyboard.press("d");
    await b.page.keyboard.press("d");
    expect(await kinds()).toEqual(["code", "md"]);
    await b.page.keyboard.press("z");
    expect(await kinds()).toEqual(["code", "code", "md"]);
    await b.page.keyboard.press("j");
    await b.page.keyboard.press("j");
    await b.page.keyboard.press("y");
    expect(await kinds()).toEqual(["code", "code", "code"]);
    expect(await b.page.locator(".cell.selected").count()).toBe(1);
    await finish(b, "command-keys");
  });

  it("Tab completes, takes the open completion or indents, and never leaves the editor", async () => {
    const b = await open();
    await load(b.page, [
      { cell_type: "code", source: "" },
      { cell_type: "code", source: "// next" },
    ]);
    const content = () => b.page.locator(".cell .cm-content").first().textContent();
    await typeInCell(b.page, 0, "const r = await simu");
    await b.page.waitForSelector(".cm-tooltip-autocomplete"); // the list opened as the name was typed
    await b.page.waitForTimeout(200); // CodeMirror's interactionDelay
    await b.page.keyboard.press("Tab"); // takes the open completion
    expect(await content()).toBe("const r = await simulate");
    await b.page.keyboard.type("();\nsim");
    await b.page.keyboard.press("Escape"); // closes the list; Tab then completes the word anew
    expect(await b.page.locator(".cm-tooltip-autocomplete").count()).toBe(0);
    await b.page.keyboard.press("Tab");
    await b.page.waitForSelector(".cm-tooltip-autocomplete li:has-text('simulate')");
    await b.page.waitForTimeout(200);
    await b.page.keyboard.press("Tab");
    expect(await content()).toBe("const r = await simulate();simulate");
    await b.page.keyboard.press("Enter");
    await b.page.keyboard.press("Tab"); // at the start of a line: indents
    await b.page.keyboard.type("x");
    expect(await b.page.locator(".cell .cm-line").nth(2).textContent()).toBe("  x");
    // The focus stayed in the first cell: no text went elsewhere, no file was made, edit mode all along.
    expect(await b.page.locator(".cell .cm-content").nth(1).textContent()).toBe("// next");
    expect(await b.page.locator("#mode").textContent()).toBe("edit mode");
    expect(await b.page.locator(".cell").count()).toBe(2);
    await finish(b, "tab");
  });

  it("after a toolbar button the keys work in command mode; Shift+Tab in a call shows its signature", async () => {
    const b = await open();
    await load(b.page, [{ cell_type: "code", source: "1 + 1" }]);
    for (const action of ["run-all", "clear"]) {
      await b.page.locator(".cell .cm-content").first().click(); // edit mode
      expect(await b.page.locator("#mode").textContent()).toBe("edit mode");
      const before = await b.page.locator(".cell").count();
      await b.page.click(`[data-action=${action}]`);
      await idle(b.page);
      expect(await b.page.locator("#mode").textContent()).toBe("command mode");
      await b.page.keyboard.press("Escape");
      await b.page.keyboard.press("b");
      expect(await b.page.locator(".cell").count(), action).toBe(before + 1);
    }
    await typeInCell(b.page, 0, "simulate({ cpus: 2, ");
    await b.page.keyboard.press("Escape"); // any list closed
    await b.page.keyboard.press("Shift+Tab");
    await b.page.waitForSelector(".cm-api-doc");
    expect(await b.page.locator(".cm-api-doc").textContent()).toMatch(/^simulate\(config\?: RunConfig/);
    await finish(b, "toolbar-shift-tab");
  });

  it("a widget's rerun marks the cells below that ran as stale until they run again", async () => {
    const b = await open();
    await load(b.page, [
      { cell_type: "code", source: 'const depth = slider("iodepth", { min: 1, max: 64, value: 8 });\ndepth' },
      { cell_type: "code", source: "depth * 2" },
      { cell_type: "code", source: "// never run" },
    ]);
    await b.page.locator(".cell").first().click();
    await b.page.keyboard.press("Escape");
    await b.page.keyboard.press("Shift+Enter");
    await b.page.keyboard.press("Shift+Enter");
    await idle(b.page);
    await b.page.locator(".cell.code").first().locator("input[type=range]").fill("32");
    await idle(b.page);
    const stale = () =>
      b.page.evaluate(() => [...document.querySelectorAll(".cell")].map((c) => c.classList.contains("stale")));
    expect(await stale()).toEqual([false, true, false]);
    expect(await b.page.locator(".cell").nth(1).locator(".prompt").getAttribute("title")).toMatch(/^stale: /);
    await b.page.locator(".cell").nth(1).click();
    await b.page.keyboard.press("Escape");
    await b.page.keyboard.press("Control+Enter");
    await idle(b.page);
    expect(await stale()).toEqual([false, false, false]);
    expect(await b.page.locator(".cell").nth(1).locator(".outputs").textContent()).toBe("64");
    await finish(b, "stale");
  });

  it("refuses a file that is not a notebook and keeps the open one", async () => {
    const b = await open();
    await load(b.page, [{ cell_type: "code", source: "// mine" }]);
    writeFileSync(
      join(tmp, "broken.ipynb"),
      '{"nbformat": 4, "nbformat_minor": 5, "cells": [{"cell_type": "python"}]}',
    );
    await b.page.setInputFiles("#file", join(tmp, "broken.ipynb"));
    await b.page.waitForSelector("text=broken.ipynb was not opened");
    expect(await b.page.locator("#notice").textContent()).toContain(
      'cells[0].cell_type: "python" is not code, markdown or raw',
    );
    expect(await b.page.locator(".cell .cm-content").first().textContent()).toBe("// mine");
    await finish(b, "not-a-notebook");
  });

  it("completes the API and its configuration's keys, and Shift+Tab says what a name is", async () => {
    const b = await open();
    await load(b.page, [{ cell_type: "code", source: "" }]);
    await typeInCell(b.page, 0, "sim");
    await b.page.waitForSelector(".cm-tooltip-autocomplete");
    expect(await b.page.locator(".cm-tooltip-autocomplete li").allTextContents()).toEqual(
      expect.arrayContaining([expect.stringMatching(/^simulate/)]),
    );
    await b.page.waitForTimeout(200); // CodeMirror takes no Enter in the list's first 75 ms (interactionDelay)
    await b.page.keyboard.press("Enter"); // takes the completion
    await b.page.keyboard.type("({ workload: { iod");
    await b.page.waitForSelector(".cm-tooltip-autocomplete li:has-text('iodepth')");
    await b.page.waitForTimeout(200);
    await b.page.keyboard.press("Enter");
    await b.page.keyboard.type(": 4");
    expect(await b.page.locator(".cell.code .cm-content").first().textContent()).toBe(
      "simulate({ workload: { iodepth: 4}})",
    );
    await b.page.keyboard.type(", r");
    await b.page.waitForSelector(".cm-tooltip-autocomplete");
    await b.page.keyboard.press("Escape"); // closes the list, as Jupyter's Esc does, and stays in edit mode
    expect(await b.page.locator(".cm-tooltip-autocomplete").count()).toBe(0);
    expect(await b.page.locator("#mode").textContent()).toBe("edit mode");
    for (let i = 0; i < 8; i++) await b.page.keyboard.press("ArrowLeft"); // onto "iodepth"
    await b.page.keyboard.press("Shift+Tab");
    await b.page.waitForSelector(".cm-api-doc");
    expect(await b.page.locator(".cm-api-doc").textContent()).toBe(
      "iodepth integer 1..65535\nI/Os each job keeps in flight",
    );
    await finish(b, "completion");
  });

  it("a wide table scrolls inside its output; a simulation shows as the CLI's summary", async () => {
    const b = await open();
    await load(b.page, [
      {
        cell_type: "code",
        source: "table([Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`column_${i}`, 123456789 * i]))])",
      },
      { cell_type: "code", source: "await simulate({ workload: { number_ios: 20000 } })" },
    ]);
    await b.page.click("[data-action=run-all]");
    await idle(b.page);
    const box = b.page.locator(".cell.code").first().locator(".outputs .display");
    const sizes = await box.evaluate((e) => ({ scroll: e.scrollWidth, client: e.clientWidth }));
    expect(sizes.scroll).toBeGreaterThan(sizes.client); // it scrolls...
    const cell = await b.page.locator(".cell.code").first().boundingBox();
    expect(cell!.x + cell!.width).toBeLessThanOrEqual(b.page.viewportSize()!.width); // ...and the cell stays on the page
    const summary = b.page.locator(".cell.code").nth(1).locator(".outputs pre").first();
    expect(await summary.textContent()).toMatch(/^nvmesim run: blk-mq on p3700-2014/);
    expect(await b.page.locator(".cell.code").nth(1).locator(".outputs details summary").first().textContent()).toMatch(
      /^the whole result/,
    );
    await finish(b, "wide-table-summary");
  });
});
