// The kernel loop's C build for the benchmark: src/native/kernel-loop.c, the
// same work as the Wasm loop and the TypeScript reference (same checksum),
// compiled with the system's `cc -O2` into build/ when there is a compiler,
// and timed by the program itself around its loop.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, renameSync, statSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../wasm/build";
import type { KernelLoopConfig } from "../run/kernel-loop";

const SOURCE = join(ROOT, "src/native/kernel-loop.c");
const BINARY = join(ROOT, "build/kernel-loop-c");

/** The compiled program, or why there is none (no `cc`, or it failed). */
export function buildKernelC(): { path: string } | { skipped: string } {
  const mtime = (p: string) => {
    try {
      return statSync(p).mtimeMs;
    } catch {
      return -1;
    }
  };
  if (mtime(BINARY) >= mtime(SOURCE)) return { path: BINARY };
  if (spawnSync("cc", ["--version"], { encoding: "utf8" }).status !== 0)
    return { skipped: "no C compiler (cc) on this machine" };
  mkdirSync(join(ROOT, "build"), { recursive: true });
  const tmp = `${BINARY}.tmp-${process.pid}`;
  const built = spawnSync("cc", ["-O2", "-o", tmp, SOURCE], { encoding: "utf8" });
  if (built.status !== 0) return { skipped: `cc -O2 failed: ${built.stderr.trim().split("\n")[0]}` };
  renameSync(tmp, BINARY);
  return { path: BINARY };
}

export interface KernelCRun {
  ios: number;
  checksum: number;
  errors: number;
  /** The loop's own wall time, as the program measured it. */
  seconds: number;
}

/** One run of the C loop on `config`. */
export function runKernelC(path: string, c: KernelLoopConfig): KernelCRun {
  const args = [c.seed, c.qDepth, c.iodepth, c.ioBytes, c.ios, c.latencyNsMin, c.latencyNsSpan].map(String);
  const out = execFileSync(path, args, { encoding: "utf8" });
  const field = (name: string) => {
    const m = new RegExp(`${name}=(\\S+)`).exec(out);
    if (!m) throw new Error(`kernel-loop-c printed no ${name}: ${out.trim()}`);
    return m[1];
  };
  return {
    ios: Number(field("ios")),
    checksum: Number.parseInt(field("checksum"), 16),
    errors: Number(field("errors")),
    seconds: Number(field("seconds")),
  };
}
