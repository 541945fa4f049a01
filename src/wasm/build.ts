// Builds build/nvmesim.wasm from assembly/ with asc when it is missing or older
// than any AssemblyScript source, so no user ever runs asc by hand.
import { readdirSync, statSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { writeLayoutFiles } from "./layout-gen";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** Defined (true) in the packaged build (npm pack), where lib/ holds the compiled JavaScript and the module. */
declare const __NVMESIM_PACKAGE__: boolean | undefined;
export const PACKAGED = typeof __NVMESIM_PACKAGE__ !== "undefined" && __NVMESIM_PACKAGE__;

/** The checkout's root, or the installed package's (its lib/ files sit one level down). */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), PACKAGED ? ".." : "../..");
export const WASM_PATH = PACKAGED ? join(ROOT, "lib", "nvmesim.wasm") : join(ROOT, "build", "nvmesim.wasm");

function newestSourceMs(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const ms = entry.isDirectory() ? newestSourceMs(path) : statSync(path).mtimeMs;
    newest = Math.max(newest, ms);
  }
  return newest;
}

/** True when the .wasm is missing or older than assembly/ or asconfig.json. */
export function wasmIsStale(): boolean {
  let builtMs: number;
  try {
    builtMs = statSync(WASM_PATH).mtimeMs;
  } catch {
    return true;
  }
  const sourcesMs = Math.max(newestSourceMs(join(ROOT, "assembly")), statSync(join(ROOT, "asconfig.json")).mtimeMs);
  return sourcesMs > builtMs;
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
