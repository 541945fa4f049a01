// The notebook's browser benchmark (npm run bench:browser; not a test): the
// built page in Debian's chromium through playwright-core (chromium.ts). Time to an interactive page with a ready kernel, a cell
// simulating 1 million I/Os, how long a keystroke takes to show while a sweep
// runs in the kernel, and the JavaScript the page ships (gzip, without the
// .wasm). Medians of the repeats.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { launchChromium } from "./chromium";
import { DIST, ensurePage, serveStatic } from "./notebook";
import type { Io } from "./io";

const median = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1];

export interface BrowserBench {
  firstInteractiveMs: number;
  simulate1MMs: number;
  keyLatencyMsMedian: number;
  keyLatencyMsMax: number;
  jsGzipKiB: number;
  /** A cell's sweep (16 points of 500,000 I/Os) on 1 and on 2 point workers, ms. */
  sweep1WorkerMs: number;
  sweep2WorkersMs: number;
  /** The first of those on 2 workers: the workers start (and instantiate the module) during it. */
  sweep2WorkersFirstMs: number;
}

export async function benchBrowser(repeat: number, io: Io): Promise<BrowserBench> {
  await ensurePage((line) => io.stderr(line));
  const server = await serveStatic(DIST, "127.0.0.1", 0);
  const a = server.address();
  const url = `http://127.0.0.1:${typeof a === "object" && a ? a.port : 0}/`;
  const profile = mkdtempSync(join(tmpdir(), "nvmesim-bench-browser-"));
  const context = await launchChromium(profile);
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    const firsts: number[] = [];
    for (let r = 0; r < repeat; r++) {
      io.stderr(`bench: page load ${r + 1}/${repeat}\n`);
      const t0 = performance.now();
      await page.goto(url);
      await page.waitForSelector("#kernel[data-state=idle]");
      firsts.push(performance.now() - t0);
    }
    // One code cell to run things in, a second to type into. (Scripts for the page are text: tsx, which runs
    // this file, wraps functions in a helper the page does not have.)
    await page.evaluate(`(() => {
      const cell = (id) => ({ id, cell_type: "code", source: "", metadata: {}, outputs: [], execution_count: null });
      window.nvmesimApp.load({ cells: [cell("run"), cell("type")], metadata: {}, nbformat: 4, nbformat_minor: 5 });
    })()`);
    const runCell = async (source: string) => {
      await page.evaluate(`(() => {
        const app = window.nvmesimApp;
        app.nb.cells[0].source = ${JSON.stringify(source)};
        app.select(0);
        app.runSelected("stay");
      })()`);
      await page.waitForSelector("#kernel[data-state=busy]");
    };
    const idle = () => page.waitForFunction(`document.querySelector("#kernel")?.getAttribute("data-state") === "idle"`);
    const sims: number[] = [];
    for (let r = 0; r < repeat + 1; r++) {
      io.stderr(`bench: simulate 1M I/Os in a cell ${r + 1}/${repeat + 1}\n`);
      await runCell("await simulate({ workload: { number_ios: 1_000_000 } }); null");
      await idle();
      const text = (await page.locator(".cell .timing").first().textContent()) ?? "";
      const ms = text.endsWith(" ms") ? Number(text.slice(0, -3)) : Number(text.slice(0, -2)) * 1000;
      if (r > 0) sims.push(ms); // the first run also compiles the module
    }
    io.stderr("bench: typing while a sweep runs\n");
    await page.evaluate(`(() => {
      window.keyLatencies = [];
      document.addEventListener("keydown", (e) => {
        const t = e.timeStamp;
        requestAnimationFrame(() => setTimeout(() => window.keyLatencies.push(performance.now() - t), 0));
      });
    })()`);
    await runCell(
      'await sweep({ base: { workload: { number_ios: 1_000_000 } }, axes: { path: ["blk-mq", "rw_page"], iodepth: "1..64 x2" } }); null',
    );
    await page.locator(".cell .cm-content").nth(1).click();
    await page.keyboard.type("const typedWhileSweeping = 1; // the kernel is busy in its worker", { delay: 30 });
    const latencies = (await page.evaluate("window.keyLatencies")) as number[];
    await idle();
    const timed = async (source: string) => {
      await runCell(source);
      const t0 = performance.now();
      await idle();
      return performance.now() - t0;
    };
    const spec = `{ base: { workload: { number_ios: 500_000 } }, axes: { path: ["blk-mq", "rw_page"], iodepth: "1..128 x2" } }`;
    const sweeps: Record<1 | 2, number[]> = { 1: [], 2: [] };
    for (let r = 0; r < repeat; r++)
      for (const threads of [1, 2] as const) {
        io.stderr(`bench: browser-sweep on ${threads} worker(s) ${r + 1}/${repeat}\n`);
        sweeps[threads].push(await timed(`await sweep(${spec}, { threads: ${threads}, live: false }); null`));
      }
    const js = readdirSync(join(DIST, "assets")).filter((f) => f.endsWith(".js"));
    const gzip = js.reduce((n, f) => n + gzipSync(readFileSync(join(DIST, "assets", f))).length, 0);
    return {
      firstInteractiveMs: median(firsts),
      simulate1MMs: median(sims),
      keyLatencyMsMedian: median(latencies),
      keyLatencyMsMax: Math.max(...latencies),
      jsGzipKiB: gzip / 1024,
      sweep1WorkerMs: median(sweeps[1]),
      sweep2WorkersMs: median(sweeps[2]),
      sweep2WorkersFirstMs: sweeps[2][0],
    };
  } finally {
    await context.close();
    server.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

export function browserBenchTable(b: BrowserBench, repeat: number): string {
  return (
    [
      `notebook page (chromium, median of ${repeat})        measured    target`,
      `first interactive page, kernel ready      ${b.firstInteractiveMs.toFixed(0).padStart(8)} ms`,
      `cell simulating 1 million I/Os             ${b.simulate1MMs.toFixed(0).padStart(8)} ms   <= 500 ms`,
      `keystroke while a sweep runs, median      ${b.keyLatencyMsMedian.toFixed(1).padStart(8)} ms   < 50 ms`,
      `keystroke while a sweep runs, worst       ${b.keyLatencyMsMax.toFixed(1).padStart(8)} ms`,
      `JavaScript shipped (gzip, without .wasm)  ${b.jsGzipKiB.toFixed(0).padStart(8)} KiB  <= 600 KiB`,
      `browser-sweep, 16 points, 1 worker        ${b.sweep1WorkerMs.toFixed(0).padStart(8)} ms`,
      `browser-sweep, 16 points, 2 workers       ${b.sweep2WorkersMs.toFixed(0).padStart(8)} ms   ${(b.sweep1WorkerMs / b.sweep2WorkersMs).toFixed(2)}x (>= 1.8x)`,
      `  the first, workers starting             ${b.sweep2WorkersFirstMs.toFixed(0).padStart(8)} ms`,
    ].join("\n") + "\n"
  );
}
