// The kernel loop's C builds for the benchmark: src/native/kernel-loop.c, the
// same work as the Wasm loop and the TypeScript reference (same checksum),
// compiled into build/ when the machine has the compiler. `cc -O2` gives a
// program that times itself around its loop (case kernel-*-c); clang's
// wasm32 target gives a module this process runs in batches exactly as it
// runs the AssemblyScript loop (case kernel-*-c-wasm), which splits the gap
// to native code into what V8 costs and what the AssemblyScript costs. That
// module is built at -O3, the best Wasm clang makes of this loop here: at -O2
// it kept the PRP setup a call in the loop and ran well below -O3's speed (the
// README's Benchmark section has the figures, which move with the hour).
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../wasm/build";
import { KERNEL_LOOP_BATCH_IOS, type KernelLoopConfig } from "../run/kernel-loop";

const SOURCE = join(ROOT, "src/native/kernel-loop.c");
const BINARY = join(ROOT, "build/kernel-loop-c");
const WASM = join(ROOT, "build/kernel-loop-c.wasm");
// This file holds the compilers' flags: a build older than it is built again.
const FLAGS_FILE = join(ROOT, "src/cli/bench-native.ts");

export type NativeBuild = { path: string } | { skipped: string };

// Compiles SOURCE to `out` with `compiler args` unless `out` is newer than it and the flags; a failed build leaves
// nothing behind.
function compile(out: string, compiler: string, args: string[]): NativeBuild {
  const mtime = (p: string) => {
    try {
      return statSync(p).mtimeMs;
    } catch {
      return -1;
    }
  };
  if (mtime(out) >= Math.max(mtime(SOURCE), mtime(FLAGS_FILE))) return { path: out };
  if (spawnSync(compiler, ["--version"], { encoding: "utf8" }).status !== 0)
    return { skipped: `no ${compiler} on this machine` };
  mkdirSync(join(ROOT, "build"), { recursive: true });
  const tmp = `${out}.tmp-${process.pid}`;
  const built = spawnSync(compiler, [...args, "-o", tmp, SOURCE], { encoding: "utf8" });
  if (built.status !== 0) {
    rmSync(tmp, { force: true });
    return { skipped: `${compiler} ${args.join(" ")} failed: ${built.stderr.trim().split("\n")[0]}` };
  }
  renameSync(tmp, out);
  return { path: out };
}

/** The native program, or why there is none (no `cc`, or it failed). */
export function buildKernelC(): NativeBuild {
  return compile(BINARY, "cc", ["-O2"]);
}

/** The same C compiled to WebAssembly by clang (with wasm-ld, Debian's clang and lld), or why there is none. */
export function buildKernelCWasm(): NativeBuild {
  return compile(WASM, "clang", ["--target=wasm32", "-O3", "-nostdlib", "-mbulk-memory", "-Wl,--no-entry"]);
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

interface KernelCWasmExports {
  kl_init(
    seed: bigint,
    qDepth: number,
    iodepth: number,
    bytes: number,
    ios: bigint,
    latMin: bigint,
    span: number,
  ): number;
  kl_run(batch: number, iodepth: number): number;
  kl_checksum(): number;
  kl_errors(): number;
  kl_now_ns(): bigint;
}

/** An instance of the clang-built module; one instance serves every run (kl_init starts afresh). */
export function loadKernelCWasm(path: string): KernelCWasmExports {
  return new WebAssembly.Instance(new WebAssembly.Module(readFileSync(path))).exports as unknown as KernelCWasmExports;
}

/** One run of the clang-built loop on `config`, called in batches as runKernelLoop calls the AssemblyScript loop. */
export function runKernelCWasm(e: KernelCWasmExports, c: KernelLoopConfig): Omit<KernelCRun, "seconds"> {
  const rc = e.kl_init(c.seed, c.qDepth, c.iodepth, c.ioBytes, BigInt(c.ios), BigInt(c.latencyNsMin), c.latencyNsSpan);
  if (rc !== 0) throw new Error(`kernel-loop-c.wasm rejected its configuration (kl_init returned ${rc})`);
  let done = 0;
  while (done < c.ios) {
    const n = e.kl_run(Math.min(KERNEL_LOOP_BATCH_IOS, c.ios - done), c.iodepth);
    if (n === 0) break;
    done += n;
  }
  return { ios: done, checksum: e.kl_checksum() >>> 0, errors: e.kl_errors() };
}
