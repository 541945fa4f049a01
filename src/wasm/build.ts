// Builds build/nvmesim.wasm from assembly/ with asc when it is missing or older
// than any AssemblyScript source, so no user ever runs asc by hand, then
// inlines the hot paths further than asc does (see inlineHotPaths).
import { readdirSync, readFileSync, statSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { writeLayoutFiles } from "./layout-gen";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** Defined (true) in the packaged build (npm pack), where lib/ holds the compiled JavaScript and the module. */
declare const __NVMESIM_PACKAGE__: boolean | undefined;
export const PACKAGED = typeof __NVMESIM_PACKAGE__ !== "undefined" && __NVMESIM_PACKAGE__;

/** The checkout's root, or the installed package's (its lib/ files sit one level down). */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), PACKAGED ? ".." : "../..");
export const WASM_PATH = PACKAGED ? join(ROOT, "lib", "nvmesim.wasm") : join(ROOT, "build", "nvmesim.wasm");

/** The newest modification time of any file under `dir`, ms. */
export function newestSourceMs(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const ms = entry.isDirectory() ? newestSourceMs(path) : statSync(path).mtimeMs;
    newest = Math.max(newest, ms);
  }
  return newest;
}

/** True when the .wasm is missing or older than assembly/, asconfig.json or this file. */
export function wasmIsStale(): boolean {
  let builtMs: number;
  try {
    builtMs = statSync(WASM_PATH).mtimeMs;
  } catch {
    return true;
  }
  const sourcesMs = Math.max(
    newestSourceMs(join(ROOT, "assembly")),
    statSync(join(ROOT, "asconfig.json")).mtimeMs,
    statSync(fileURLToPath(import.meta.url)).mtimeMs, // INLINE_LIMITS
  );
  return sourcesMs > builtMs;
}

/**
 * Binaryen's inliner limits for the second pass. V8 (Node 20) does not inline
 * one Wasm function into another, so every helper left as a call costs a call
 * in the hot loop; asc stops at functions of 70 instructions (200 with one
 * caller). With these the kernel loop's step, the PRP walk and the event
 * queue's push and pop become a few large functions, as clang makes of the C
 * build: measured side by side on this machine (median of 9), kernel-4k
 * 6.75 -> 8.84 M I/Os/s, the full model 1.15-1.3x, the same checksums and
 * simulated numbers.
 */
export const INLINE_LIMITS = { flexible: 800, oneCaller: 3200, always: 200 } as const;

/** Re-optimizes the module at `path` in place with INLINE_LIMITS (loops may be inlined). */
export async function inlineHotPaths(path: string): Promise<void> {
  const binaryen = (await import("binaryen")).default;
  const module = binaryen.readBinary(readFileSync(path));
  try {
    // asc's default features, no more: with GC enabled binaryen would write type sections Node 20 cannot read.
    const F = binaryen.Features;
    module.setFeatures(F.MVP | F.MutableGlobals | F.SignExt | F.NontrappingFPToInt | F.BulkMemory | F.BulkMemoryOpt);
    binaryen.setOptimizeLevel(3);
    binaryen.setShrinkLevel(0);
    binaryen.setFlexibleInlineMaxSize(INLINE_LIMITS.flexible);
    binaryen.setOneCallerInlineMaxSize(INLINE_LIMITS.oneCaller);
    binaryen.setAlwaysInlineMaxSize(INLINE_LIMITS.always);
    binaryen.setAllowInliningFunctionsWithLoops(true);
    module.optimize();
    module.optimize(); // the second round folds what the first inlined
    if (!module.validate()) throw new Error(`binaryen: the inlined module at ${path} does not validate`);
    writeFileSync(path, module.emitBinary());
  } finally {
    module.dispose();
  }
}

/** Compiles the release target; writes to a temporary file first so a failed build leaves no half-written module. */
export async function buildWasm(log: (line: string) => void = () => {}): Promise<void> {
  writeLayoutFiles(ROOT);
  log("nvmesim: compiling assembly/ to build/nvmesim.wasm\n");
  const asc = await import("assemblyscript/asc");
  mkdirSync(dirname(WASM_PATH), { recursive: true });
  const tmpPath = `${WASM_PATH}.tmp-${process.pid}`;
  const stderr: string[] = [];
  const { error } = await asc.main(
    ["assembly/index.ts", "--baseDir", ROOT, "--config", "asconfig.json", "--target", "release", "--outFile", tmpPath],
    {
      stdout: { write: () => {} }, // asc's progress notes; errors come on stderr
      stderr: { write: (chunk) => void stderr.push(String(chunk)) },
    },
  );
  if (error) {
    rmSync(tmpPath, { force: true });
    throw new Error(`asc failed: ${error.message}\n${stderr.join("")}`);
  }
  try {
    await inlineHotPaths(tmpPath);
  } catch (err) {
    rmSync(tmpPath, { force: true });
    throw err;
  }
  renameSync(tmpPath, WASM_PATH);
}

/** Builds only when stale (the generated layout files first, which a changed SimConfig or SimStats makes so); returns whether it built. */
export async function ensureWasm(log?: (line: string) => void): Promise<boolean> {
  if (PACKAGED) return false; // the package ships its module built
  writeLayoutFiles(ROOT);
  if (!wasmIsStale()) return false;
  await buildWasm(log);
  return true;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const log = (line: string) => process.stderr.write(line);
  const built = process.argv.includes("--force") ? (await buildWasm(log), true) : await ensureWasm(log);
  if (!built) process.stderr.write("nvmesim: build/nvmesim.wasm is up to date\n");
}
