// Builds the Wasm module and the notebook page once, before any test file
// loads them (test files run in parallel; two builds into dist/ would clash).
import { ensurePage } from "../src/cli/notebook";

export default async function setup(): Promise<void> {
  await ensurePage(() => {});
}
