// The package's nvmesim command: the compiled CLI, no TypeScript loader.
import { main } from "../cli/main";

process.exitCode = await main(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  isTTY: Boolean(process.stderr.isTTY),
});
