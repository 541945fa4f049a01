// The real machine as the measurements use it: programs run to completion,
// whether we are root, and cleanups that run on every way out (a normal end,
// an error, Ctrl-C or SIGTERM). SIGKILL runs no cleanup, so every program is
// started tied to nvmesim (util-linux's setpriv --pdeathsig: it dies with
// nvmesim), and a watchdog outside nvmesim removes what it made once it is
// gone (leftovers.ts). Tests pass a stand-in to simulate failures.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { ROOT } from "../wasm/build";
import { sweepLeftovers } from "./leftovers";
import { listDir, procStat } from "./procfs";

export interface Ran {
  status: number;
  stdout: string;
  stderr: string;
}

export interface System {
  /** Runs a program to its end; never throws for a non-zero exit (status -1: it could not start or was killed). */
  run(program: string, args: string[]): Promise<Ran>;
  /** The same, synchronously (cleanups, which must finish even while the process is being stopped). */
  runSync(program: string, args: string[]): Ran;
  isRoot(): boolean;
  /** Whether a program is on PATH. */
  has(program: string): boolean;
  /** Removes what a dead nvmesim left (leftovers.ts); one line for each thing removed. */
  sweep?(): string[];
  /** Starts a watchdog that removes this process's leftovers if it dies without cleaning up; returns its stop. */
  watch?(): () => void;
}

/** Programs running now: an interrupted measurement stops them before it cleans up. */
const running = new Set<ChildProcess>();

let setprivFound: boolean | undefined;

/**
 * `argv` started so that the kernel kills it when its parent dies (PR_SET_PDEATHSIG, kept across exec), where
 * util-linux's setpriv exists. Each program of a chain (perf running a shell running fio) is tied to the one
 * that starts it, so a SIGKILL of nvmesim ends the whole chain.
 */
export function tied(argv: string[]): string[] {
  setprivFound ??= spawnSync("sh", ["-c", "command -v setpriv"]).status === 0;
  return setprivFound ? ["setpriv", "--pdeathsig", "KILL", "--", ...argv] : argv;
}

/** Every process started under `pid` (its children, theirs, ...), from /proc. */
function descendants(pid: number): number[] {
  const parent = new Map<number, number>();
  for (const name of listDir("/proc")) {
    const stat = /^\d+$/.test(name) ? procStat(name) : undefined;
    if (stat) parent.set(Number(name), Number(stat.fields[1]));
  }
  const found: number[] = [];
  for (let frontier = [pid]; frontier.length;) {
    const next = [...parent].filter(([, ppid]) => frontier.includes(ppid)).map(([p]) => p);
    found.push(...next);
    frontier = next;
  }
  return found;
}

/** Sends `signal` to `child` and every process under it; those already gone are skipped. */
function signalTree(child: ChildProcess, signal: NodeJS.Signals): void {
  const pids = child.pid === undefined ? [] : [child.pid, ...descendants(child.pid)];
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // gone
    }
  }
}

/** The nvmesim command (in a checkout and in the installed package alike). */
const BIN = join(ROOT, "src/cli/bin.js");

export const REAL_SYSTEM: System = {
  run(program, args) {
    return new Promise((resolve) => {
      const [tiedProgram, ...tiedArgs] = tied([program, ...args]);
      const child = spawn(tiedProgram, tiedArgs, { stdio: ["ignore", "pipe", "pipe"] });
      running.add(child);
      let stdout = "";
      let stderr = "";
      child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
      child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
      child.on("error", (err) => {
        running.delete(child);
        resolve({ status: -1, stdout, stderr: err.message });
      });
      child.on("close", (code) => {
        running.delete(child);
        resolve({ status: code ?? -1, stdout, stderr });
      });
    });
  },
  runSync(program, args) {
    const r = spawnSync(program, args, { encoding: "utf8" });
    if (r.error) return { status: -1, stdout: "", stderr: r.error.message };
    return { status: r.status ?? -1, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
  },
  isRoot: () => process.getuid?.() === 0,
  has(program) {
    return spawnSync("sh", ["-c", `command -v ${program}`], { encoding: "utf8" }).status === 0;
  },
  sweep() {
    return sweepLeftovers(REAL_SYSTEM);
  },
  watch() {
    // In a session of its own, so that a signal to nvmesim's process group does not reach it.
    const dog = spawn(
      "sh",
      [
        "-c",
        'while kill -0 "$0" 2>/dev/null; do sleep 0.2; done; exec "$@"',
        String(process.pid),
        process.execPath,
        BIN,
        "measure",
        "--cleanup",
        "--owner",
        String(process.pid),
      ],
      { detached: true, stdio: "ignore" },
    );
    dog.unref();
    return () => {
      try {
        dog.kill("SIGKILL");
      } catch {
        // already gone
      }
    };
  },
};

/** A measurement the machine does not allow, with what is missing (the CLI exits 2 with it). */
export class MeasureRefused extends Error {}

let stopping = false;

/** Set once a signal stopped the measurement: what fails afterwards is the stop, not an error. */
export function isStopping(): boolean {
  return stopping;
}

/**
 * Runs `body` with a list it can push cleanups to; they run in reverse order however `body` ends, and also if
 * the process is interrupted meanwhile (SIGINT, SIGTERM: cleanups run, then the process exits 130 / 143). What
 * a dead nvmesim left is removed first, and a watchdog removes this run's own if the process is killed.
 */
export async function withCleanups<T>(sys: System, body: (cleanups: (() => void)[]) => Promise<T>): Promise<T> {
  for (const line of sys.sweep?.() ?? []) process.stderr.write(`nvmesim measure: left by an earlier run: ${line}\n`);
  const cleanups: (() => void)[] = [];
  const stopWatch = sys.watch?.();
  if (stopWatch) cleanups.push(stopWatch);
  const runAll = () => {
    while (cleanups.length) {
      const c = cleanups.pop()!;
      try {
        c();
      } catch (err) {
        process.stderr.write(`nvmesim measure: cleanup failed: ${(err as Error).message}\n`);
      }
    }
  };
  let signalled = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) return; // a second Ctrl-C must not cut the cleanup short
    signalled = true;
    stopping = true;
    process.stderr.write(`nvmesim measure: ${signal}: stopping and removing what this run created\n`);
    const children = [...running];
    // fio, perf and the swap program end cleanly on SIGINT; perf's own workload gets none from it, so all get it.
    for (const child of children) signalTree(child, "SIGINT");
    const ended = Promise.all(
      children.map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.once("close", r)))),
    );
    const late = new Promise((r) => setTimeout(r, 5000));
    void Promise.race([ended, late]).then(() => {
      for (const child of running) signalTree(child, "SIGKILL");
      runAll();
      process.exit(signal === "SIGINT" ? 130 : 143);
    });
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    return await body(cleanups);
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    runAll();
  }
}
