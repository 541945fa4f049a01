#!/usr/bin/env node
// The nvmesim command. In a checkout it runs the TypeScript CLI as the
// bundle build/cli/ holds, made again when a source changed (src/wasm/build-cli.js),
// or through tsx's loader when it cannot be made or NVMESIM_TSX=1 asks; in
// the installed package (no src/cli/main.ts) the compiled lib/cli.js.
import { existsSync } from "node:fs";

if (existsSync(new URL("./main.ts", import.meta.url))) {
  let entry;
  if (process.env.NVMESIM_TSX !== "1") {
    const { bundledEntry } = await import("../wasm/build-cli.js");
    try {
      entry = await bundledEntry();
    } catch (err) {
      const why = String(err?.message ?? err).split("\n")[0];
      process.stderr.write(`nvmesim: could not bundle src/ for a fast start (${why}); running through tsx\n`);
    }
  }
  let main;
  if (entry) {
    // Stack traces name the .ts files and lines through the bundle's source maps, when they are asked for.
    if (process.env.NVMESIM_DEBUG) process.setSourceMapsEnabled(true);
    ({ main } = await import(entry));
  } else {
    const { register } = await import("tsx/esm/api");
    register();
    ({ main } = await import("./main.ts"));
  }
  process.exitCode = await main(process.argv.slice(2), {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    isTTY: Boolean(process.stderr.isTTY),
  });
} else await import("../../lib/cli.js");
