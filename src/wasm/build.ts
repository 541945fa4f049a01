// Builds build/nvmesim.wasm from assembly/ with asc when it is missing or older
// than any AssemblyScript source, so no user ever runs asc by hand.
import { readdirSync, statSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const WASM_PATH = join(ROOT, "build", "nvmesim.wasm");

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
  const asc = await import("assemblyscript/asc");
  mkdirSync(dirname(WASM_PATH), { recursive: true });
  const tmpPath = `${WASM_PATH}.tmp-${process.pid}`;
  const stderr: string[] = [];
  const { error } = await asc.main(
    ["assembly/index.ts", "--baseDir", ROOT, "--config", "asconfig.json", "--target", "release", "--outFile", tmpPath],
    {
      stdout: { write: (chunk) => log(String(chunk)) },
      stderr: { write: (chunk) => void stderr.push(String(chunk)) },
    },
  );
  if (error) {
    rmSync(tmpPath, { force: true });
    throw new Error(`asc failed: ${error.message}\n${stderr.join("")}`);
  }
  renameSync(tmpPath, WASM_PATH);
  log(`built ${WASM_PATH}\n`);
}

/** Builds only when stale; returns whether it built. */
export async function ensureWasm(log?: (line: string) => void): Promise<boolean> {
  if (!wasmIsStale()) return false;
  await buildWasm(log);
  return true;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const force = process.argv.includes("--force");
  const built = force ? (await buildWasm(), true) : await ensureWasm();
  process.stderr.write(built ? `nvmesim: built ${WASM_PATH}\n` : "nvmesim: wasm up to date\n");
}
