// Goal: .ipynb files read and write as Jupyter's nbformat does (an unchanged notebook saves to its own
// bytes), what the page writes is valid against the official nbformat 4.5 schema, and a file that is not
// a notebook is refused with the JSON path of the problem.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import Ajv from "ajv-draft-04";
import { describe, expect, it } from "vitest";
import {
  newCell,
  newNotebook,
  NotebookError,
  parseNotebook,
  serializeNotebook,
  splitLines,
} from "../../src/notebook/ipynb";

const FIXTURES = join(import.meta.dirname, "../fixtures");
const schema = JSON.parse(
  readFileSync(join(import.meta.dirname, "../../src/notebook/schema/nbformat.v4.5.schema.json"), "utf8"),
);
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);

describe(".ipynb files", () => {
  it("a notebook written by nbformat saves back to the same bytes", () => {
    const text = readFileSync(join(FIXTURES, "written-by-nbformat.ipynb"), "utf8");
    const nb = parseNotebook(text);
    expect(nb.cells[0].source).toBe("# A notebook written by nbformat\n\nWith **Markdown**, `code` and ünïcödé.");
    expect(nb.cells[1].outputs![1]).toEqual({ output_type: "stream", name: "stdout", text: "line one\nline two\n" });
    expect(serializeNotebook(nb)).toBe(text);
  });

  it("what the page writes is valid nbformat 4.5", () => {
    const nb = newNotebook([
      { cell_type: "markdown", source: "# Title" },
      { cell_type: "code", source: "1 + 1" },
    ]);
    const code = nb.cells[1];
    code.execution_count = 3;
    code.outputs = [
      { output_type: "execute_result", execution_count: 3, data: { "text/plain": "2" }, metadata: {} },
      {
        output_type: "display_data",
        data: { "image/svg+xml": "<svg>\n</svg>", "application/vnd.nvmesim.widget+json": { kind: "slider", value: 1 } },
        metadata: {},
        transient: { display_id: "x" },
      },
      { output_type: "stream", name: "stderr", text: "warn\n" },
      { output_type: "error", ename: "Error", evalue: "e", traceback: ["Error: e"] },
    ];
    nb.cells.push(newCell("raw", "raw text"));
    const text = serializeNotebook(nb);
    const doc = JSON.parse(text);
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    expect(doc.metadata.kernelspec).toEqual({
      name: "nvmesim",
      display_name: "nvmesim (TypeScript)",
      language: "typescript",
    });
    expect(doc.cells[1].outputs[1].transient).toBeUndefined();
    expect(text.endsWith("}\n")).toBe(true);
    expect(serializeNotebook(parseNotebook(text))).toBe(text);
  });

  it("gives cell ids to notebooks from before 4.5", () => {
    const nb = parseNotebook(
      JSON.stringify({
        nbformat: 4,
        nbformat_minor: 4,
        metadata: {},
        cells: [{ cell_type: "code", source: ["a\n", "b"], metadata: {}, outputs: [], execution_count: null }],
      }),
    );
    expect(nb.nbformat_minor).toBe(5);
    expect(nb.cells[0].id).toMatch(/^[0-9a-f]{12}$/);
    expect(nb.cells[0].source).toBe("a\nb");
    expect(validate(JSON.parse(serializeNotebook(nb)))).toBe(true);
  });

  const bad: [string, RegExp][] = [
    ["{ not json", /^not JSON: /],
    ["[]", /^a notebook is a JSON object/],
    [JSON.stringify({ nbformat: 3, cells: [] }), /^nbformat: 3: only nbformat 4/],
    [
      JSON.stringify({
        nbformat: 4,
        nbformat_minor: 5,
        cells: [
          { cell_type: "code", id: "a", source: "" },
          { cell_type: "python", id: "b" },
        ],
      }),
      /^cells\[1\]\.cell_type: "python" is not code, markdown or raw/,
    ],
    [
      JSON.stringify({
        nbformat: 4,
        nbformat_minor: 5,
        cells: [
          { cell_type: "code", id: "a" },
          { cell_type: "code", id: "a" },
        ],
      }),
      /^cells\[1\]\.id: "a" is used by two cells/,
    ],
    [
      JSON.stringify({
        nbformat: 4,
        nbformat_minor: 5,
        cells: [{ cell_type: "code", id: "a", outputs: [{ output_type: "png" }] }],
      }),
      /^cells\[0\]\.outputs\[0\]\.output_type: "png" is not/,
    ],
    [
      JSON.stringify({ nbformat: 4, nbformat_minor: 5, cells: [{ cell_type: "code", id: "a", source: 5 }] }),
      /^cells\[0\]\.source: must be a string or a list of strings/,
    ],
  ];
  for (const [text, message] of bad) {
    it(`refuses ${text.slice(0, 60)}`, () => {
      expect(() => parseNotebook(text)).toThrow(NotebookError);
      expect(() => parseNotebook(text)).toThrow(message);
    });
  }

  it("splits lines as Python's splitlines(keepends=True)", () => {
    expect(splitLines("")).toEqual([]);
    expect(splitLines("a")).toEqual(["a"]);
    expect(splitLines("a\nb\r\nc\rd\n")).toEqual(["a\n", "b\r\n", "c\r", "d\n"]);
  });
});
