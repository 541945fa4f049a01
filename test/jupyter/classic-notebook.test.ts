// Goal: in Debian's classic Jupyter Notebook, in chromium, a shipped notebook opens on the nvmesim kernel (its
// metadata names it), Run All runs every cell, and the sweep's chart appears, as a new user would see it.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../../src/wasm/build";
import { openBrowser, SHOTS } from "../e2e/browser";

const tmp = mkdtempSync(join(tmpdir(), "nvmesim-classic-"));
const dir = join(tmp, "notebooks");
const env = { ...process.env, JUPYTER_DATA_DIR: join(tmp, "data"), JUPYTER_CONFIG_DIR: join(tmp, "config") };
const TOKEN = "classic-notebook-token";
const PORT = 18_000 + (process.pid % 1000);
let server: ChildProcess;

beforeAll(async () => {
  cpSync(join(ROOT, "notebooks"), dir, { recursive: true });
  const r = spawnSync(process.execPath, [join(ROOT, "src/cli/bin.js"), "kernel", "install", "--user"], {
    encoding: "utf8",
    env,
  });
  expect(r.status, r.stderr).toBe(0);
  server = spawn(
    "jupyter-notebook",
    [
      "--no-browser",
      "--allow-root",
      "--ip=127.0.0.1",
      `--port=${PORT}`,
      "--port-retries=0",
      `--NotebookApp.token=${TOKEN}`,
      `--notebook-dir=${dir}`,
    ],
    { env, stdio: "ignore" },
  );
  for (let i = 0; i < 120; i++) {
    const ok = await fetch(`http://127.0.0.1:${PORT}/api?token=${TOKEN}`).then(
      (x) => x.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((res) => setTimeout(res, 500));
  }
  throw new Error("the classic Notebook server did not start");
}, 120_000);

afterAll(() => {
  server?.kill("SIGTERM");
  spawnSync("pkill", ["-f", `kernel --connection-file ${join(tmp)}`]);
});

describe("the classic Jupyter Notebook", () => {
  it("opens a shipped notebook on the nvmesim kernel; Run All draws the chart", async () => {
    mkdirSync(SHOTS, { recursive: true });
    const b = await openBrowser(join(tmp, "profile"));
    try {
      await b.page.goto(`http://127.0.0.1:${PORT}/notebooks/jens-answer.ipynb?token=${TOKEN}`);
      // the kernel the notebook names, started and idle
      await b.page.waitForSelector("#kernel_indicator_icon.kernel_idle_icon", { timeout: 60_000 });
      expect(
        await b.page.locator(".kernel_indicator_name, #kernel_indicator .kernel_indicator_name").textContent(),
      ).toBe("nvmesim (TypeScript)");
      await b.page.click("#celllink");
      await b.page.click("#run_all_cells");
      await b.page.waitForSelector(".output_area .output_svg svg", { timeout: 120_000 });
      await b.page.waitForSelector("#kernel_indicator_icon.kernel_idle_icon", { timeout: 120_000 });
      expect(await b.page.locator(".output_area .output_svg svg").count()).toBeGreaterThan(0);
      expect(await b.page.locator(".output_area .output_html table").count()).toBeGreaterThan(0);
      expect(await b.page.locator(".output_error").count()).toBe(0);
      await b.page.locator(".output_area .output_svg svg").first().scrollIntoViewIfNeeded();
      await b.page.screenshot({ path: join(SHOTS, "classic-notebook-run-all.png") });
    } finally {
      await b.context.close();
    }
  }, 240_000);
});
