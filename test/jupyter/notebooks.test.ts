// Goal: the shipped notebooks run in Jupyter's own headless runners on the nvmesim kernel: Debian's nbclient
// executes every one of them with, cell by cell, the output types and mime types nvmesim nb run stored; and
// jupyter nbconvert --to html --execute writes a page with the chart's SVG.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../../src/wasm/build";

const PYTHON = "/usr/bin/python3";
const data = mkdtempSync(join(tmpdir(), "nvmesim-jupyter-nb-"));
const env = { ...process.env, JUPYTER_DATA_DIR: data };
const NOTEBOOKS = join(ROOT, "notebooks");

beforeAll(() => {
  const r = spawnSync(process.execPath, [join(ROOT, "src/cli/bin.js"), "kernel", "install", "--user"], {
    encoding: "utf8",
    env,
  });
  expect(r.status, r.stderr).toBe(0);
});

describe("the shipped notebooks in Jupyter's runners", () => {
  it("nbclient runs every one on the nvmesim kernel, with the outputs nb run stored, cell by cell", () => {
    const files = readdirSync(NOTEBOOKS)
      .filter((f) => f.endsWith(".ipynb"))
      .map((f) => join(NOTEBOOKS, f));
    expect(files.length).toBe(7);
    const r = spawnSync(PYTHON, [join(ROOT, "test/jupyter/nbclient_run.py"), ...files], {
      encoding: "utf8",
      env,
      timeout: 600_000,
    });
    expect(r.status, r.stderr.slice(-2000)).toBe(0);
    const out = JSON.parse(r.stdout) as Record<string, { ran: unknown[]; stored: unknown[] }>;
    expect(Object.keys(out).length).toBe(7);
    for (const [name, { ran, stored }] of Object.entries(out)) {
      expect(ran, name).toEqual(stored);
      expect(ran.flat().length, name).toBeGreaterThan(0);
    }
  }, 660_000);

  it("jupyter nbconvert --to html --execute writes a page with the chart's SVG", () => {
    const outDir = mkdtempSync(join(tmpdir(), "nvmesim-nbconvert-"));
    const r = spawnSync(
      PYTHON,
      ["-m", "nbconvert", "--to", "html", "--execute", "--output-dir", outDir, join(NOTEBOOKS, "jens-answer.ipynb")],
      { encoding: "utf8", env, timeout: 300_000 },
    );
    expect(r.status, r.stderr.slice(-2000)).toBe(0);
    const html = readFileSync(join(outDir, "jens-answer.html"), "utf8");
    expect(html).toMatch(/<svg[^>]*>/);
    expect(html).toContain("rw_page (2014)");
  }, 330_000);
});
