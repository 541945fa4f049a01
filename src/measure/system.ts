// The real machine as the measurements use it: programs run to completion,
// whether we are root, and cleanups that run on every way out (a normal end,
// an error, Ctrl-C or SIGTERM). Tests pass a stand-in to simulate failures.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";

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
}

/** Programs running now: an interrupted measurement stops them before it cleans up. */
const running = new Set<ChildProcess>();

export const REAL_SYSTEM: System = {
  run(program, args) {
    return new Promise((resolve) => {
      const child = spawn(program, args, { stdio: ["ignore", "pipe", "pipe"] });
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
 * the process is interrupted meanwhile (SIGINT, SIGTERM: cleanups run, then the process exits 130 / 143).
 */
export async function withCleanups<T>(body: (cleanups: (() => void)[]) => Promise<T>): Promise<T> {
  const cleanups: (() => void)[] = [];
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
    for (const child of children) child.kill("SIGINT"); // fio, perf and the swap program end cleanly on SIGINT
    const ended = Promise.all(
      children.map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.once("close", r)))),
    );
    const late = new Promise((r) => setTimeout(r, 5000));
    void Promise.race([ended, late]).then(() => {
      for (const child of running) child.kill("SIGKILL");
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
