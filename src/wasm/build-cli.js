// The checkout's nvmesim command as plain JavaScript, kept in step with src/
// without a manual step: build/cli/ holds the command bundled by esbuild
// from src/cli/main.ts (one chunk per command, loaded when it runs, the
// dependencies left as imports) with the code its sweep and notebook worker
// threads run, and build/cli/manifest.json names the
// bundle and every source in it with its size and mtime. A start compares
// them (a stat per source) and bundles again when one changed. Each module
// keeps its source's import.meta.url, so paths it finds from its own place
// (the checkout's root, worker files) are the ones tsx's run finds, and the
// bundle's source maps name the .ts files (used when NVMESIM_DEBUG asks for
// stack traces). A bundle goes into a folder of its own, renamed into place
// whole, so processes starting together never read a half-written one.
// Plain JavaScript itself: it runs before any TypeScript loader. It sits on
// the lowest floor, beside the Wasm module's build (build.ts), because the
// worker threads of sweep/ and notebook/ load their code through it too.
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = dirname(dirname(dirname(fileURLToPath(import.meta.url))));
const OUT = join(ROOT, "build", "cli");
const MANIFEST = join(OUT, "manifest.json");
/** The bundle's entries, under src/: the command, and the worker threads' code it starts. */
const ENTRIES = ["cli/main.ts", "sweep/point-worker.ts", "notebook/kernel/node-worker-main.ts"];
/** Bumped when what this file writes changes, so an older bundle is made again. */
const FORMAT = 3;
/** A bundle no manifest names any more is removed a day after it was made (a running command may still load its chunks). */
const KEEP_MS = 86_400_000;

function stamp(file) {
  const s = statSync(file);
  return [s.size, s.mtimeMs];
}

function readManifest() {
  try {
    const m = JSON.parse(readFileSync(MANIFEST, "utf8"));
    return m.format === FORMAT && m.root === ROOT ? m : undefined;
  } catch {
    return undefined;
  }
}

/** True when every source of the bundle is as it was when bundled. */
function fresh(m) {
  try {
    for (const e of ENTRIES) statSync(join(OUT, m.bundle, outName(e)));
    return Object.entries(m.inputs).every(([rel, [size, mtime]]) => {
      const [s, t] = stamp(join(ROOT, rel));
      return s === size && t === mtime;
    });
  } catch {
    return false;
  }
}

/** Where an entry (a path under src/) lands in a bundle. */
function outName(entry) {
  return entry.replace(/\.ts$/, ".js");
}

/** The bundled module of an entry under src/ (cli/main.ts, ...) as a file: URL, bundled first when a source changed. */
export async function bundledEntry(entry = "cli/main.ts") {
  if (!ENTRIES.includes(entry)) throw new Error(`${entry} is not an entry of the bundle`);
  let m = readManifest();
  if (!m || !fresh(m)) m = await bundle();
  return pathToFileURL(join(OUT, m.bundle, outName(entry))).href;
}

async function bundle() {
  const [{ build }, { createHash }] = await Promise.all([import("esbuild"), import("node:crypto")]);
  mkdirSync(OUT, { recursive: true });
  const tmp = join(OUT, `.tmp-${process.pid}-${Date.now()}`);
  const keepUrl = {
    name: "source-import-meta-url",
    setup(b) {
      b.onLoad({ filter: /\.ts$/ }, (args) => ({
        contents: readFileSync(args.path, "utf8").replaceAll(
          "import.meta.url",
          JSON.stringify(pathToFileURL(args.path).href),
        ),
        loader: "ts",
      }));
    },
  };
  let result;
  try {
    result = await build({
      entryPoints: ENTRIES.map((e) => join(ROOT, "src", e)),
      outbase: join(ROOT, "src"),
      bundle: true,
      splitting: true,
      format: "esm",
      platform: "node",
      target: "node20",
      packages: "external",
      outdir: tmp,
      absWorkingDir: ROOT, // the metafile's paths are the checkout's
      sourcemap: "linked",
      metafile: true,
      logLevel: "silent",
      plugins: [keepUrl],
    });
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
  const inputs = {};
  for (const rel of Object.keys(result.metafile.inputs).sort()) inputs[rel] = stamp(join(ROOT, rel));
  // The folder's name is the sources' stamps: bundles of the same sources share it.
  const name = "b-" + createHash("sha256").update(JSON.stringify(inputs)).digest("hex").slice(0, 16);
  try {
    renameSync(tmp, join(OUT, name));
  } catch {
    rmSync(tmp, { recursive: true, force: true }); // another start made it first
  }
  const m = { format: FORMAT, root: ROOT, bundle: name, inputs };
  const manifestTmp = `${MANIFEST}.tmp-${process.pid}`;
  writeFileSync(manifestTmp, JSON.stringify(m) + "\n");
  renameSync(manifestTmp, MANIFEST);
  for (const d of readdirSync(OUT))
    if (d !== name && d !== "manifest.json" && Date.now() - statSync(join(OUT, d)).mtimeMs > KEEP_MS)
      rmSync(join(OUT, d), { recursive: true, force: true });
  return m;
}
