// Goal: notebooks run headless with the browser's kernel code: every shipped notebook runs without an
// error output, parameters go into the injected cell, a failing or runaway cell stops the run with its
// error stored and a message naming it; nb check and Debian's python3-nbformat accept every notebook in
// the repository; nb html writes a sanitised page.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { notebookProblems } from "../../src/notebook/check";
import { newNotebook, parseNotebook, serializeNotebook, type Cell } from "../../src/notebook/ipynb";
import { ROOT } from "../../src/wasm/build";
import { runCli } from "../cli/run-cli";

const tmp = mkdtempSync(join(tmpdir(), "nvmesim-nb-"));
const NOTEBOOKS = join(ROOT, "notebooks");
const shipped = readdirSync(NOTEBOOKS).filter((f) => f.endsWith(".ipynb"));

function notebookFile(name: string, cells: (Partial<Cell> & { tags?: string[] })[]): string {
  const nb = newNotebook(cells);
  nb.cells.forEach((c, i) => cells[i].tags && (c.metadata = { tags: cells[i].tags }));
  const file = join(tmp, name);
  writeFileSync(file, serializeNotebook(nb));
  return file;
}

describe("the shipped notebooks", () => {
  it("are the seven the issues name", () => {
    expect(shipped.sort()).toEqual([
      "jens-answer.ipynb",
      "prp-anatomy.ipynb",
      "queue-depth.ipynb",
      "rw_page-today.ipynb",
      "seed-2014.ipynb",
      "this-machine.ipynb",
      "where-rw_page-wins.ipynb",
    ]);
  });

  for (const name of shipped) {
    it(`${name} runs headless in under a minute without an error output`, async () => {
      const out = join(tmp, name);
      const started = performance.now();
      // this-machine measures the machine when it can: here the model alone, beside the suite's own measurements.
      const params = name === "this-machine.ipynb" ? ["-p", "measureHere=false"] : [];
      const r = await runCli("nb", "run", join(NOTEBOOKS, name), "-o", out, ...params);
      expect(r.code, r.stderr).toBe(0);
      expect(performance.now() - started).toBeLessThan(60_000);
      const nb = parseNotebook(readFileSync(out, "utf8"));
      const outputs = nb.cells.flatMap((c) => c.outputs ?? []);
      expect(outputs.filter((o) => o.output_type === "error")).toEqual([]);
      expect(outputs.filter((o) => o.output_type === "stream" && o.name === "stderr")).toEqual([]);
      expect(nb.cells.filter((c) => c.cell_type === "code").every((c) => c.execution_count !== null)).toBe(true);
      // The committed copy carries its outputs, so it reads well on any Jupyter viewer.
      const committed = parseNotebook(readFileSync(join(NOTEBOOKS, name), "utf8"));
      const shown = committed.cells.filter(
        (c) => c.cell_type === "code" && !((c.metadata.tags as string[] | undefined) ?? []).includes("parameters"),
      );
      expect(shown.every((c) => (c.outputs ?? []).length > 0)).toBe(true);
      // ... and they are what a run gives, byte for byte (this-machine's run here had a parameter injected).
      if (name !== "this-machine.ipynb")
        expect(readFileSync(out, "utf8")).toBe(readFileSync(join(NOTEBOOKS, name), "utf8"));
    });
  }
});

describe("nvmesim nb", () => {
  it("injects parameters after the cell tagged parameters", async () => {
    const file = notebookFile("params.ipynb", [
      { cell_type: "code", source: "const depth = 1;\nconst path = 'blk-mq';", tags: ["parameters"] },
      { cell_type: "code", source: "`${path} at ${depth}`" },
    ]);
    const r = await runCli(
      "nb",
      "run",
      file,
      "-o",
      join(tmp, "params-out.ipynb"),
      "-p",
      "depth=16",
      "-p",
      "path=rw_page",
    );
    expect(r.code, r.stderr).toBe(0);
    const nb = parseNotebook(readFileSync(join(tmp, "params-out.ipynb"), "utf8"));
    expect(nb.cells[1].metadata.tags).toEqual(["injected-parameters"]);
    expect(nb.cells[1].source).toBe('const depth = 16;\nconst path = "rw_page";');
    expect(nb.cells[2].outputs).toEqual([
      { output_type: "execute_result", execution_count: 3, data: { "text/plain": "rw_page at 16" }, metadata: {} },
    ]);
  });

  it("stops at a failing cell, names it and stores its error", async () => {
    const file = notebookFile("fails.ipynb", [
      { cell_type: "code", source: "1" },
      { cell_type: "code", source: "const a = 1;\nnull.x" },
      { cell_type: "code", source: "'never'" },
    ]);
    const r = await runCli("nb", "run", file);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/nb run: cell 2 \(id [0-9a-f]+\) failed: TypeError: Cannot read properties of null/);
    expect(r.stderr).toMatch(/at line 2: null\.x/);
    const nb = parseNotebook(readFileSync(file, "utf8"));
    expect(nb.cells[1].outputs![0]).toMatchObject({ output_type: "error", ename: "TypeError" });
    expect(nb.cells[2].execution_count).toBe(null);
  });

  it("replays a recorded log beside the notebook on both paths (workload kind iolog, its file)", async () => {
    writeFileSync(
      join(tmp, "rec.log"),
      "fio version 3 iolog\n0 f add\n0 f open\n1 f read 0 4096\n2 f write 8192 8192\n3 f read 65536 4096\n",
    );
    const file = notebookFile("replay.ipynb", [
      {
        cell_type: "code",
        source:
          'const rows = [];\nfor (const path of ["blk-mq", "rw_page"]) {\n  const r = await simulate({ path, workload: { kind: "iolog", file: "rec.log", ioengine: "libaio", iodepth: 2 } });\n  rows.push([path, r.jobs[0].read.total_ios, r.jobs[0].write.total_ios, r.jobs[0].write.io_bytes]);\n}\nJSON.stringify(rows)',
      },
      { cell_type: "code", source: 'await simulate({ workload: { kind: "iolog", file: "no-such.log" } })' },
    ]);
    const r = await runCli("nb", "run", file);
    expect(r.code).toBe(1); // the second cell names the file it could not read
    const nb = parseNotebook(readFileSync(file, "utf8"));
    const text = nb.cells[0].outputs![0] as unknown as { data: { "text/plain": string[] | string } };
    expect(JSON.parse([text.data["text/plain"]].flat().join("").replace(/^'|'$/g, ""))).toEqual([
      ["blk-mq", 2, 1, 8192],
      ["rw_page", 2, 1, 8192],
    ]);
    expect(nb.cells[1].outputs![0]).toMatchObject({ output_type: "error" });
    expect(r.stderr).toMatch(/workload\.file: .*no-such\.log/);
  });

  it("runs a cell's sweep on worker threads, with the same records as in the kernel itself", async () => {
    const spec = `{ base: { workload: { number_ios: 20000 } }, axes: { path: ["blk-mq", "rw_page"], iodepth: [1, 8, 32] } }`;
    const file = notebookFile("pool.ipynb", [
      { cell_type: "code", source: `JSON.stringify((await sweep(${spec}, { threads: 2, live: false })).records())` },
      { cell_type: "code", source: `JSON.stringify((await sweep(${spec}, { threads: 1, live: false })).records())` },
      { cell_type: "code", source: `await sweep(${spec}, { threads: 0 })` },
    ]);
    const r = await runCli("nb", "run", file, "-o", join(tmp, "pool-out.ipynb"));
    expect(r.code).toBe(1); // the third cell: a bad thread count
    expect(r.stderr).toMatch(/sweep: threads 0 is not an integer in 1\.\.256/);
    const nb = parseNotebook(readFileSync(join(tmp, "pool-out.ipynb"), "utf8"));
    const records = (i: number) => {
      const out = nb.cells[i].outputs!.find((o) => o.output_type === "execute_result")!;
      const text = (out.data as Record<string, string | string[]>)["text/plain"];
      return JSON.parse(Array.isArray(text) ? text.join("") : text) as unknown[];
    };
    expect(records(0)).toHaveLength(6);
    expect(records(0)).toEqual(records(1));
  });

  it("stops a cell's sweep on worker threads at --timeout", async () => {
    const file = notebookFile("pool-timeout.ipynb", [
      {
        cell_type: "code",
        source: `await sweep({ base: { workload: { number_ios: 50000000 } }, axes: { iodepth: [1, 2, 4, 8] } }, { threads: 2 })`,
      },
    ]);
    const started = performance.now();
    const r = await runCli("nb", "run", file, "--timeout", "2");
    expect(r.code).toBe(1);
    expect(performance.now() - started).toBeLessThan(15_000);
    expect(r.stderr).toMatch(/TimeoutError: the cell ran longer than 2 s/);
  });

  it("stops a runaway cell at --timeout", async () => {
    const file = notebookFile("loop.ipynb", [{ cell_type: "code", source: "while (true) {}" }]);
    const started = performance.now();
    const r = await runCli("nb", "run", file, "--timeout", "1");
    expect(r.code).toBe(1);
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(r.stderr).toMatch(/TimeoutError: the cell ran longer than 1 s/);
  });

  it("nb check names problems by JSON path; python3-nbformat accepts every notebook in the repository", async () => {
    const problems = notebookProblems({
      nbformat: 4,
      nbformat_minor: 5,
      metadata: {},
      cells: [{ cell_type: "code", id: "a", metadata: {}, source: "" }],
    });
    expect(problems).toContain("cells[0]: must have required property 'outputs'");
    const bad = join(tmp, "bad.ipynb");
    writeFileSync(
      bad,
      JSON.stringify({
        nbformat: 4,
        nbformat_minor: 5,
        metadata: {},
        cells: [
          {
            cell_type: "code",
            id: "a",
            metadata: {},
            source: "",
            outputs: [{ output_type: "png" }],
            execution_count: null,
          },
        ],
      }),
    );
    const r = await runCli("nb", "check", bad, join(NOTEBOOKS, shipped[0]));
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("bad.ipynb: cells[0].outputs[0]");
    expect(r.stdout).toContain(`${shipped[0]}: valid nbformat 4.5`);
    const all = [...shipped.map((f) => join(NOTEBOOKS, f)), join(ROOT, "test/fixtures/written-by-nbformat.ipynb")];
    expect(existsSync("/usr/bin/python3"), "Debian's python3 (.ci/run installs python3-nbformat)").toBe(true);
    const py = spawnSync(
      "/usr/bin/python3",
      [
        "-c",
        "import sys, nbformat\nfor f in sys.argv[1:]: nbformat.validate(nbformat.read(f, as_version=4))\nprint('ok')",
        ...all,
      ],
      { encoding: "utf8" },
    );
    expect(py.stderr).toBe("");
    expect(py.stdout).toBe("ok\n");
  });

  it("nb html writes a static page with the outputs, sanitised", async () => {
    const file = notebookFile("page.ipynb", [
      { cell_type: "markdown", source: "# Hi <img src=x onerror=alert(1)>" },
      { cell_type: "code", source: "Plot.plot({ marks: [Plot.dotX([1, 2])] })" },
    ]);
    expect((await runCli("nb", "run", file)).code).toBe(0);
    const r = await runCli("nb", "html", file, "-o", join(tmp, "page.html"));
    expect(r.code).toBe(0);
    const html = readFileSync(join(tmp, "page.html"), "utf8");
    expect(html).toContain('<h1>Hi <img src="x"></h1>');
    expect(html).not.toContain("onerror");
    expect(html).toMatch(/<svg[^>]*>[\s\S]*<circle/);
  });
});
