// nvmesim nb: notebooks without the page. `nb run` executes one headless
// (papermill-style parameters, a time limit per cell) and stores its outputs;
// `nb html` writes it as a static page (sanitised as the page would show
// it); `nb check` validates .ipynb files against the nbformat 4.5 schema.
import { dirname, resolve } from "node:path";
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { notebookProblems } from "../notebook/check";
import { NotebookError, parseNotebook, serializeNotebook, type Notebook } from "../notebook/ipynb";
import { runNotebook, type ParameterValue } from "../notebook/run-notebook";
import { boolFlag, parseFlags, readInputFile, UsageError, type FlagSpec } from "./args";
import type { Io } from "./io";

const HELP = `usage: nvmesim nb run NOTEBOOK.ipynb [-o OUT.ipynb] [-p NAME=VALUE ...] [--timeout S]
       nvmesim nb html NOTEBOOK.ipynb [-o OUT.html]
       nvmesim nb check NOTEBOOK.ipynb...
run: executes every code cell in order (writing NOTEBOOK in place without -o); stops at a failing cell,
     stores its error and exits 1 naming it. -p values go into a cell after the one tagged "parameters".
`;

function readNotebook(file: string): Notebook {
  const text = readInputFile(file);
  try {
    return parseNotebook(text);
  } catch (err) {
    if (err instanceof NotebookError) throw new UsageError(`${file} is not a notebook: ${err.message}`);
    throw err;
  }
}

function writeAtomic(file: string, text: string): void {
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

function parameter(text: string): [string, ParameterValue] {
  const eq = text.indexOf("=");
  if (eq <= 0) throw new UsageError(`invalid -p '${text}': write NAME=VALUE`);
  const raw = text.slice(eq + 1);
  let value: ParameterValue = raw;
  if (raw === "true" || raw === "false") value = raw === "true";
  else if (/^-?\d+(\.\d+)?(e-?\d+)?$/i.test(raw)) value = Number(raw);
  return [text.slice(0, eq), value];
}

const RUN_FLAGS: FlagSpec = {
  output: { type: "string", short: "o" },
  parameter: { type: "string", short: "p", multiple: true },
  timeout: { type: "string" },
  help: { type: "boolean" },
};

async function run(argv: string[], io: Io): Promise<number> {
  const parsed = parseFlags(argv, RUN_FLAGS, 1);
  const file = parsed.positionals[0];
  if (boolFlag(parsed, "help") || !file) {
    io.stdout(HELP);
    return file ? 0 : 2;
  }
  const timeout = parsed.values.timeout === undefined ? 0 : Number(parsed.values.timeout);
  if (!Number.isFinite(timeout) || timeout < 0)
    throw new UsageError(`invalid --timeout '${parsed.values.timeout}': seconds, 0 or more`);
  const parameters = Object.fromEntries(((parsed.values.parameter as string[]) ?? []).map(parameter));
  const out = String(parsed.values.output ?? file);
  const nb = readNotebook(file);
  const started = performance.now();
  let result;
  try {
    result = await runNotebook(nb, {
      parameters,
      dir: dirname(resolve(file)),
      timeoutSec: timeout,
      onCell: (index, ordinal, total) => io.stderr(`nb run: cell ${index + 1} (code cell ${ordinal} of ${total})\n`),
    });
  } catch (err) {
    if (err instanceof TypeError) throw new UsageError(err.message);
    throw err;
  }
  writeAtomic(out, serializeNotebook(result.nb));
  const f = result.failure;
  if (f) {
    io.stderr(
      `nb run: cell ${f.index + 1} (id ${f.id}) failed: ${f.ename}: ${f.evalue}\n${f.traceback.slice(1).join("\n")}${f.traceback.length > 1 ? "\n" : ""}`,
    );
    io.stderr(`nb run: wrote ${out} with the error stored\n`);
    return 1;
  }
  io.stderr(
    `nb run: ${result.nb.cells.filter((c) => c.cell_type === "code").length} code cells ran in ${((performance.now() - started) / 1000).toFixed(1)} s; wrote ${out}\n`,
  );
  return 0;
}

async function html(argv: string[], io: Io): Promise<number> {
  const parsed = parseFlags(argv, { output: { type: "string", short: "o" }, help: { type: "boolean" } }, 1);
  const file = parsed.positionals[0];
  if (boolFlag(parsed, "help") || !file) {
    io.stdout(HELP);
    return file ? 0 : 2;
  }
  const nb = readNotebook(file);
  // The page's own renderer and sanitiser, in a jsdom window (DOMPurify needs a full DOM).
  const { JSDOM } = await import("jsdom");
  const { default: createDOMPurify } = await import("dompurify");
  const { window } = new JSDOM("<!doctype html><html><body></body></html>");
  (globalThis as { document?: unknown }).document = window.document;
  const { usePurifier } = await import("../notebook/page/render-output");
  usePurifier(createDOMPurify(window as unknown as Parameters<typeof createDOMPurify>[0]));
  const { notebookHtml } = await import("../notebook/page/export-html");
  const out = String(parsed.values.output ?? file.replace(/\.ipynb$/, "") + ".html");
  writeAtomic(out, notebookHtml(nb, file.split("/").pop()!));
  io.stderr(`nb html: wrote ${out}\n`);
  return 0;
}

async function check(argv: string[], io: Io): Promise<number> {
  const parsed = parseFlags(argv, { help: { type: "boolean" } }, Infinity);
  if (boolFlag(parsed, "help") || parsed.positionals.length === 0) {
    io.stdout(HELP);
    return parsed.positionals.length ? 0 : 2;
  }
  let bad = 0;
  for (const file of parsed.positionals) {
    let problems: string[];
    try {
      problems = notebookProblems(JSON.parse(readFileSync(file, "utf8")));
    } catch (err) {
      problems = [`(file): ${(err as Error).message}`];
    }
    if (problems.length) bad++;
    io.stdout(
      problems.length ? problems.map((p) => `${file}: ${p}`).join("\n") + "\n" : `${file}: valid nbformat 4.5\n`,
    );
  }
  return bad ? 1 : 0;
}

export async function nb(argv: string[], io: Io): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === "run") return run(rest, io);
  if (sub === "html") return html(rest, io);
  if (sub === "check") return check(rest, io);
  if (sub === undefined || sub === "--help" || sub === "help") {
    io.stdout(HELP);
    return sub === undefined ? 2 : 0;
  }
  throw new UsageError(`unknown nb command '${sub}' (allowed: run, html, check)`);
}
