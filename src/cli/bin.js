#!/usr/bin/env node
// The nvmesim command. In a checkout it runs the TypeScript CLI through tsx's
// loader; in the installed package (no src/cli/main.ts) the compiled lib/cli.js.
import { existsSync } from "node:fs";

if (existsSync(new URL("./main.ts", import.meta.url))) {
  const { register } = await import("tsx/esm/api");
  register();
  const { main } = await import("./main.ts");
  process.exitCode = await main(process.argv.slice(2), {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    isTTY: Boolean(process.stderr.isTTY),
  });
} else await import("../../lib/cli.js");
