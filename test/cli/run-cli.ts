// Runs the nvmesim command line in-process (fast) or as the real bin (end to end).
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { main } from "../../src/cli/main";
import { ROOT } from "../../src/wasm/build";

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCli(...argv: string[]): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  const code = await main(argv, { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), isTTY: false });
  return { code, stdout, stderr };
}

export function spawnCli(...argv: string[]): CliResult {
  const r = spawnSync(process.execPath, [join(ROOT, "src/cli/bin.js"), ...argv], { encoding: "utf8" });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
