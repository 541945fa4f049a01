#!/usr/bin/env node
// The nvmesim command. In a checkout it runs the TypeScript CLI as the plain
// JavaScript build/cli/ holds, compiled where a source changed (mirror.js),
// or through tsx's loader when that cannot be made (NVMESIM_TSX=1 asks for
// tsx); in the installed package (no src/cli/main.ts) the compiled lib/cli.js.
import { existsSync } from "node:fs";

if (existsSync(new URL("./main.ts", import.meta.url))) {
  let main;
  if (process.env.NVMESIM_TSX !== "1") {
    const { mirrorEntry, MirrorError } = await import("./mirror.js");
    try {
      ({ main } = await import(await mirrorEntry()));
    } catch (err) {
      if (!(err instanceof MirrorError)) throw err;
      process.stderr.write(`nvmesim: ${err.message}; running through tsx\n`);
    }
  }
  if (!main) {
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
