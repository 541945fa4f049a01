// Builds the Wasm module once before any test file loads it.
import { ensureWasm } from "../src/wasm/build";

export default async function setup(): Promise<void> {
  await ensureWasm();
}
