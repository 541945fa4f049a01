// Node-only loading: builds the module when it is stale, reads it from disk,
// and compiles it once per process (workers compile their own).
import { readFileSync } from "node:fs";
import { ensureWasm, WASM_PATH } from "./build";
import { instantiateNvmesim, type Nvmesim } from "./module";

let compiled: WebAssembly.Module | undefined;

/** The compiled module, building it first when assembly/ changed. */
export async function compileNvmesim(): Promise<WebAssembly.Module> {
  if (!compiled) {
    await ensureWasm((line) => process.stderr.write(line));
    compiled = await WebAssembly.compile(readFileSync(WASM_PATH));
  }
  return compiled;
}

/** A fresh instance with its own memory. */
export async function loadNvmesim(): Promise<Nvmesim> {
  return instantiateNvmesim(await compileNvmesim());
}
