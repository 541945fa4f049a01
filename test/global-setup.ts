// Builds the Wasm module and the notebook page once, before any test file
// loads them (test files run in parallel; two builds into dist/ would clash).
// Every temporary file and folder the tests make goes into one folder of
// this run's (TMPDIR, which the test workers and their children inherit), and
// that folder is removed when the run ends.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensurePage } from "../src/cli/notebook";

export default async function setup(): Promise<() => void> {
  await ensurePage(() => {});
  const previous = process.env.TMPDIR;
  const runDir = mkdtempSync(join(tmpdir(), "nvmesim-tests-"));
  process.env.TMPDIR = runDir;
  return () => {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    rmSync(runDir, { recursive: true, force: true });
  };
}
