// The cli-start cases of nvmesim bench: wall time from spawning the command
// to its first byte of output, for --help, an sqe encoding and a small run,
// side by side in one run: the checkout's command (node src/cli/bin.js, which
// runs build/cli/'s plain JavaScript), the packed package's bin (lib/, as npm
// installs it), the checkout through tsx's loader (NVMESIM_TSX=1, how it
// started before build/cli/), and node itself starting and exiting (the
// floor). The sides take turns start by start, so the machine's drift falls
// on all alike; each figure is the median of its starts.
import { spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { newestSourceMs, ROOT } from "../wasm/build";
import type { Io } from "./io";

export const START_COMMANDS = [
  ["--help"],
  ["sqe", "read", "--slba", "0", "--blocks", "8"],
  ["run", "--number-ios", "2000"],
] as const;

export interface StartRow {
  case: string;
  command: string;
  /** Median ms to the first byte of output, per side. */
  checkoutMs: number;
  packedMs: number;
  tsxMs: number;
  nodeMs: number;
  /** The checkout's median over the packed bin's. */
  ratioVsPacked: number;
  starts: number;
}

/** The big-machine start cases: a 30,000-I/O run on this many CPUs, one job per CPU at depth 32. */
export const RUN_START_CPUS = [1, 1024, 4096] as const;
/** Whole-command target for the largest: under a second. */
export const RUN_START_TARGET_MS = 1000;

export interface RunStartRow {
  case: string;
  cpus: number;
  /** Median ms from spawn to exit, the checkout's command. */
  checkoutMs: number;
  starts: number;
}

/**
 * ms from spawn to the first byte on stdout (to the exit, for a command that prints nothing, or with
 * `untilExit`).
 */
export function firstOutput(args: string[], env: NodeJS.ProcessEnv, untilExit = false): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    let first: number | undefined;
    const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "ignore"], env });
    if (!untilExit) child.stdout.once("data", () => (first = performance.now() - t0));
    child.stdout.resume();
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0 ? resolve(first ?? performance.now() - t0) : reject(new Error(`${args.join(" ")} exited ${code}`)),
    );
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

export async function benchStart(repeat: number, io: Io): Promise<StartRow[]> {
  const lib = join(ROOT, "lib", "cli.js");
  if (!existsSync(lib) || statSync(lib).mtimeMs < newestSourceMs(join(ROOT, "src"))) {
    io.stderr("bench: building the package's lib/ for the packed bin (npm run build:package)\n");
    const { buildPackage } = await import("../package/build");
    await buildPackage();
  }
  // The packed bin as npm lays it out: bin.js without the TypeScript beside it, lib/, the dependencies.
  const packed = mkdtempSync(join(tmpdir(), "nvmesim-bench-start-"));
  try {
    mkdirSync(join(packed, "src", "cli"), { recursive: true });
    copyFileSync(join(ROOT, "src", "cli", "bin.js"), join(packed, "src", "cli", "bin.js"));
    copyFileSync(join(ROOT, "package.json"), join(packed, "package.json"));
    for (const d of ["lib", "node_modules"]) symlinkSync(join(ROOT, d), join(packed, d));
    const env = { ...process.env, NVMESIM_TSX: "" };
    const sides = {
      checkout: { args: [join(ROOT, "src", "cli", "bin.js")], env },
      packed: { args: [join(packed, "src", "cli", "bin.js")], env },
      tsx: { args: [join(ROOT, "src", "cli", "bin.js")], env: { ...env, NVMESIM_TSX: "1" } },
    };
    await firstOutput([...sides.checkout.args, "--help"], env); // build/cli/ brought up to date, untimed
    const starts = Math.max(5, 3 * repeat);
    const rows: StartRow[] = [];
    for (const command of START_COMMANDS) {
      const ms = { checkout: [] as number[], packed: [] as number[], tsx: [] as number[], node: [] as number[] };
      for (let i = 0; i < starts; i++) {
        for (const [side, s] of Object.entries(sides))
          ms[side as keyof typeof sides].push(await firstOutput([...s.args, ...command], s.env));
        ms.node.push(await firstOutput(["-e", "0"], env));
      }
      const row = {
        case: "cli-start",
        command: command.join(" "),
        checkoutMs: median(ms.checkout),
        packedMs: median(ms.packed),
        tsxMs: median(ms.tsx),
        nodeMs: median(ms.node),
        starts,
      };
      rows.push({ ...row, ratioVsPacked: row.checkoutMs / row.packedMs });
    }
    return rows;
  } finally {
    rmSync(packed, { recursive: true, force: true });
  }
}

/** Times a 30,000-I/O run on RUN_START_CPUS CPUs with the checkout's command, from spawn to exit. */
export async function benchRunStart(repeat: number, io: Io): Promise<RunStartRow[]> {
  const bin = join(ROOT, "src", "cli", "bin.js");
  const env = { ...process.env, NVMESIM_TSX: "" };
  const starts = Math.max(3, repeat);
  const rows: RunStartRow[] = [];
  for (const cpus of RUN_START_CPUS) {
    io.stderr(`bench: cli-run ${cpus} CPUs\n`);
    const n = String(cpus);
    const args = [
      bin,
      "run",
      "--device",
      "ram",
      "--cpus",
      n,
      "--numjobs",
      n,
      "--iodepth",
      "32",
      "--number-ios",
      "30000",
    ];
    const ms: number[] = [];
    for (let i = 0; i < starts; i++) ms.push(await firstOutput(args, env, true));
    rows.push({ case: "cli-run", cpus, checkoutMs: median(ms), starts });
  }
  return rows;
}

export function runStartTable(rows: RunStartRow[]): string {
  const lines = [
    `cli-run: a 30,000-I/O run, one job per CPU at depth 32, ms from spawn to exit (median of ${rows[0]?.starts ?? 0})`,
    ...rows.map((r) => `${`${r.cpus} CPUs`.padEnd(12)} ${r.checkoutMs.toFixed(0).padStart(8)}`),
  ];
  return lines.join("\n") + "\n";
}

export function startTable(rows: StartRow[]): string {
  const lines = [
    `cli-start: ms to the first output (median of ${rows[0]?.starts ?? 0} starts each, sides taking turns)`,
    "command                              checkout   packed   vs packed     tsx    node -e 0",
  ];
  for (const r of rows)
    lines.push(
      `${r.command.padEnd(35)} ${r.checkoutMs.toFixed(0).padStart(8)} ${r.packedMs.toFixed(0).padStart(8)} ${r.ratioVsPacked.toFixed(2).padStart(10)}x ${r.tsxMs.toFixed(0).padStart(7)} ${r.nodeMs.toFixed(0).padStart(10)}`,
    );
  return lines.join("\n") + "\n";
}
