// Test helpers for the real-machine measurements: a stand-in System (root or not, programs missing, a fio
// or perf that fails) that answers for the innermost program of a wrapped command line as the real one
// would be asked, what a run could leave behind, and what this machine allows.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { REAL_SYSTEM, type Ran, type System } from "../../src/measure/system";

/** The program a wrapped command line runs in the end (perf record/stat, sh and setpriv are wrappers). */
const innermost = (program: string, args: string[]) => ([program, ...args].includes("fio") ? "fio" : program);

/** A stand-in machine: root or not, with or without programs, and a fio or perf that fails. */
export function fakeSystem(o: {
  root?: boolean;
  missing?: string[];
  fio?: Ran;
  perf?: Ran;
}): System & { calls: string[] } {
  const calls: string[] = [];
  const answer = (program: string, args: string[]): Ran => {
    calls.push([program, ...args].join(" "));
    if (program === "losetup" && args[0] === "--find") return { status: 0, stdout: "/dev/loop77\n", stderr: "" };
    if (program === "losetup") return { status: 0, stdout: "", stderr: "" };
    if (program === "perf" && args.includes("record") && o.perf) return o.perf;
    if (innermost(program, args) === "fio") return o.fio ?? { status: 1, stdout: "", stderr: "fio: simulated failure" };
    if (program === "perf") return o.perf ?? { status: 0, stdout: "", stderr: "" };
    return { status: 0, stdout: "6.18-test\n", stderr: "" };
  };
  return {
    calls,
    run: async (p, a) => answer(p, a),
    runSync: answer,
    isRoot: () => o.root ?? true,
    has: (p) => !(o.missing ?? []).includes(p),
  };
}

/** What a measurement could leave behind: loop devices, swap areas, zram devices, nvmesim's cgroups and folders. */
export function leftovers(): string {
  const cgroups = ["/sys/fs/cgroup/memory", "/sys/fs/cgroup/cpuacct", "/sys/fs/cgroup/unified"].flatMap((root) =>
    existsSync(root) ? readdirSync(root).filter((n) => n.startsWith("nvmesim-")) : [],
  );
  return JSON.stringify({
    loops: REAL_SYSTEM.runSync("losetup", ["-a"]).stdout,
    swaps: readFileSync("/proc/swaps", "utf8"),
    zram: readdirSync("/sys/block").filter((n) => n.startsWith("zram")),
    cgroups,
    tmp: readdirSync(tmpdir()).filter((n) => /^nvmesim-(measure|swap)-/.test(n)),
    shm: existsSync("/dev/shm") ? readdirSync("/dev/shm").filter((n) => n.startsWith("nvmesim-")) : [],
  });
}

export const canMeasure =
  REAL_SYSTEM.isRoot() && REAL_SYSTEM.has("fio") && REAL_SYSTEM.has("perf") && REAL_SYSTEM.has("losetup");
export const whyNot = canMeasure ? "" : " (skipped: needs root, fio, perf and losetup on this machine)";

export const canSwap =
  REAL_SYSTEM.isRoot() &&
  existsSync("/sys/class/zram-control") &&
  existsSync("/sys/fs/cgroup/memory") &&
  REAL_SYSTEM.has("cc") &&
  REAL_SYSTEM.has("swapon");
export const whyNoSwap = canSwap ? "" : " (skipped: needs root, zram, a v1 memory cgroup and cc on this machine)";

/** Waits until `done()` or `ms` pass; resolves with whether it became true. */
export async function until(done: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!done() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  return done();
}

/**
 * Runs `body` while no other test of the real machine runs (test files run in parallel, and each of these
 * compares what is on the machine before and after): a lock folder in this test run's temporary folder.
 */
export async function alone<T>(body: () => Promise<T> | T): Promise<T> {
  const lock = join(tmpdir(), "real-machine.lock");
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  try {
    return await body();
  } finally {
    rmdirSync(lock);
  }
}
