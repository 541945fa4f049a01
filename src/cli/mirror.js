// The checkout's nvmesim command as plain JavaScript, kept in step with src/
// without a manual step: build/cli/ holds each TypeScript module of the
// command's import graph (from src/cli/main.ts), stripped of its types by
// sucrase, which keeps every line where it was so stack traces point at the
// source (a sourceURL names it there), with its relative imports naming the
// .js files beside it. A module
// keeps its source's import.meta.url, so paths it finds from its own place
// (the checkout's root, worker files) are the ones tsx's run finds. A start
// reads build/cli/manifest.json and compares each module's source by size and
// mtime; only a changed module is compiled again. Plain JavaScript itself: it
// runs before any TypeScript loader.
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const SRC = dirname(dirname(fileURLToPath(import.meta.url)));
const ROOT = dirname(SRC);
const OUT = join(ROOT, "build", "cli");
const MANIFEST = join(OUT, "manifest.json");
const ENTRY = join(SRC, "cli", "main.ts");
/** Bumped when what this file writes changes, so an older mirror is rebuilt whole. */
const FORMAT = 1;

export class MirrorError extends Error {}

/** build/cli/src/X.js for src/X.ts (and src/X.json's module, X.json.js); the command also imports from test/. */
function outPath(source) {
  const rel = relative(ROOT, source);
  return join(OUT, rel.endsWith(".ts") ? rel.slice(0, -3) + ".js" : rel.endsWith(".json") ? rel + ".js" : rel);
}

function stamp(file) {
  const s = statSync(file);
  return [s.size, s.mtimeMs];
}

function writeAtomic(file, text) {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

/** The source file a relative specifier names, as the bundler resolution TypeScript is set to finds it. */
function resolveSpecifier(from, spec) {
  if (spec.includes("?")) throw new MirrorError(`${relative(ROOT, from)} imports '${spec}', a bundler's query`);
  const base = resolve(dirname(from), spec);
  const tries = /\.(ts|js|json)$/.test(spec)
    ? [base, base.replace(/\.js$/, ".ts")]
    : [`${base}.ts`, `${base}.js`, join(base, "index.ts")];
  const found = tries.find((f) => existsSync(f) && statSync(f).isFile());
  if (!found) throw new MirrorError(`${relative(ROOT, from)} imports '${spec}', which is not a file`);
  return found;
}

/** Every node of an ESTree, with its parent. */
function walk(node, visit, parent = null) {
  if (node === null || typeof node !== "object") return;
  if (Array.isArray(node)) {
    for (const n of node) walk(n, visit, parent);
    return;
  }
  if (typeof node.type === "string") visit(node, parent);
  for (const key in node) if (key !== "type" && key !== "start" && key !== "end") walk(node[key], visit, node);
}

/** One module compiled: its text, and the sources it imports. */
async function compile(source, tools) {
  const text = readFileSync(source, "utf8");
  if (source.endsWith(".json")) return { code: `export default ${text.trim()};\n`, imports: [] };
  const code = source.endsWith(".ts")
    ? tools.transform(text, {
        transforms: ["typescript"],
        disableESTransforms: true,
        keepUnusedImports: true,
        filePath: source,
      }).code
    : text;
  const ast = tools.parse(code, { ecmaVersion: "latest", sourceType: "module" });
  const edits = []; // [start, end, replacement]
  const imports = [];
  const url = JSON.stringify(pathToFileURL(source).href);
  walk(ast, (node, parent) => {
    const src =
      node.type === "ImportDeclaration" ||
      node.type === "ExportAllDeclaration" ||
      (node.type === "ExportNamedDeclaration" && node.source) ||
      node.type === "ImportExpression"
        ? node.source
        : null;
    if (src && src.type === "Literal" && typeof src.value === "string" && /^\.\.?\//.test(src.value)) {
      const target = resolveSpecifier(source, src.value);
      imports.push(target);
      let spec = relative(dirname(outPath(source)), outPath(target));
      if (!spec.startsWith(".")) spec = `./${spec}`;
      edits.push([src.start, src.end, JSON.stringify(spec)]);
    }
    if (
      node.type === "MetaProperty" &&
      node.meta.name === "import" &&
      parent?.type === "MemberExpression" &&
      parent.object === node &&
      parent.property.name === "url"
    )
      edits.push([parent.start, parent.end, url]);
  });
  let out = code;
  for (const [start, end, replacement] of edits.sort((a, b) => b[0] - a[0]))
    out = out.slice(0, start) + replacement + out.slice(end);
  // Stack traces name the source file (sucrase kept the lines).
  return { code: `${out}\n//# sourceURL=${pathToFileURL(source).href}\n`, imports };
}

function readManifest() {
  try {
    const m = JSON.parse(readFileSync(MANIFEST, "utf8"));
    return m.format === FORMAT && m.root === ROOT ? m : undefined;
  } catch {
    return undefined;
  }
}

/** True when every module of the last build is as its source was then. */
function fresh(manifest) {
  for (const [rel, [size, mtime]] of Object.entries(manifest.modules)) {
    let now;
    try {
      now = stamp(join(ROOT, rel));
    } catch {
      return false;
    }
    if (now[0] !== size || now[1] !== mtime || !existsSync(outPath(join(ROOT, rel)))) return false;
  }
  return true;
}

/** The mirror's entry (build/cli/src/cli/main.js), compiled first where a source changed. */
export async function mirrorEntry() {
  const manifest = readManifest();
  if (!manifest || !fresh(manifest)) await build(manifest);
  return pathToFileURL(outPath(ENTRY)).href;
}

async function build(old) {
  const [{ transform }, { parse }] = await Promise.all([import("sucrase"), import("acorn")]);
  const tools = { transform, parse };
  const modules = {};
  const importsOf = {};
  const seen = new Set([ENTRY]);
  const queue = [ENTRY];
  while (queue.length) {
    const source = queue.pop();
    const rel = relative(ROOT, source);
    const now = stamp(source);
    const before = old?.modules[rel];
    let imports;
    if (before && before[0] === now[0] && before[1] === now[1] && existsSync(outPath(source)))
      imports = old.imports[rel].map((r) => join(ROOT, r));
    else {
      const compiled = await compile(source, tools);
      writeAtomic(outPath(source), compiled.code);
      imports = compiled.imports;
    }
    modules[rel] = now;
    importsOf[rel] = imports.map((f) => relative(ROOT, f));
    for (const f of imports)
      if (!seen.has(f)) {
        seen.add(f);
        queue.push(f);
      }
  }
  writeAtomic(MANIFEST, JSON.stringify({ format: FORMAT, root: ROOT, modules, imports: importsOf }) + "\n");
}
