// The instructions cases of nvmesim bench: how many machine instructions the
// kernel loop and the full model execute per I/O, counted by valgrind's
// callgrind (every instruction V8's code runs, not a sample). Wall time on a
// shared machine moves by tens of percent from one minute to the next; the
// count of a process by some millions of instructions in billions. It tells
// work from waiting: two builds that differ in instructions differ in work,
// and a cost that grows while the instructions stay put is the memory's
// (cache misses).
//
// Each figure is the difference between two runs of the same case in fresh
// processes, one of INSTRUCTION_IOS I/Os more than the other, over that
// number: start-up, compilation and what happens once per run cancel out.
// V8 runs with one thread, a garbage collector not timed by the clock, and
// TurboFan only (--no-liftoff), so the code counted is the optimized code
// the timed cases run. Identical processes still differ by 5 to 9 million
// instructions: over INSTRUCTION_IOS I/Os, a few per I/O. A process runs a
// case through `nvmesim bench --count CASE --ios N`, quietly.
import { spawn, spawnSync } from "node:child_process";
import { join } from "node:path";
import { KERNEL_LOOP_DEFAULTS, runKernelLoop } from "../run/kernel-loop";
import { simulate } from "../run/simulate";
import { newestSourceMs, PACKAGED, ROOT } from "../wasm/build";
import { loadNvmesim } from "../wasm/node";
import { UsageError } from "./args";
import { buildKernelCWasm, loadKernelCWasm, runKernelCWasm } from "./bench-native";
import { cpuCases, simCaseConfig } from "./bench-scaling";
import type { Io } from "./io";

const KERNEL_CASES: Record<string, { ioBytes: number; clang: boolean }> = {
  "kernel-4k-wasm": { ioBytes: 4096, clang: false },
  "kernel-4k-c-wasm": { ioBytes: 4096, clang: true },
  "kernel-128k-wasm": { ioBytes: 131072, clang: false },
  "kernel-128k-c-wasm": { ioBytes: 131072, clang: true },
};
const SIM_PATHS = ["rw_page", "blk-mq"];
const CPU_COUNTS = [1, 256, 1024]; // of the cpus cases' (SCALING_CPUS)
/** The cases `--count` runs: the kernel loop (nvmesim's and clang's), the sim cases and their event queue alone, and
 * the cpus cases' machine. */
export const INSTRUCTION_CASES = [
  ...Object.keys(KERNEL_CASES),
  ...SIM_PATHS.flatMap((p) => [`sim-${p}-4k`, `sim-${p}-4k-queue`]),
  ...CPU_COUNTS.map((n) => `cpus-${n}`),
];

// The shorter run of each pair: the kernel loop's (after a warm-up run of KERNEL_WARM_IOS in every process), and a
// sim or cpus case's (enough for 1024 CPUs' 32,768 commands to be in flight, the ramp behind it).
const KERNEL_BASE_IOS = 10_000;
const KERNEL_WARM_IOS = 200_000;
const CPUS_BASE_IOS = 200_000;
// A queue case records one run of QUEUE_RECORD_IOS I/Os and replays it once per QUEUE_RECORD_IOS of its --ios: the
// pair's difference is the replays alone.
const QUEUE_RECORD_IOS = 200_000;
/** The I/Os the longer run of a pair adds. */
const INSTRUCTION_IOS = 1_000_000;

/** Runs one case's work in this process: what `nvmesim bench --count CASE --ios N` does. */
export async function countRun(name: string, ios: number): Promise<void> {
  const kernel = KERNEL_CASES[name];
  if (kernel) {
    const config = { ...KERNEL_LOOP_DEFAULTS, ioBytes: kernel.ioBytes };
    let run: (n: number) => unknown;
    if (kernel.clang) {
      const built = buildKernelCWasm();
      if ("skipped" in built) throw new Error(`${name}: ${built.skipped}`);
      const c = loadKernelCWasm(built.path);
      run = (n) => runKernelCWasm(c, { ...config, ios: n });
    } else {
      const m = await loadNvmesim();
      run = (n) => runKernelLoop(m, { ...config, ios: n });
    }
    // A first run, as long in each process, in which V8 optimizes the JavaScript that calls the loop: compiled
    // in one process of a pair and not the other, it would count as tens of millions of the loop's instructions.
    run(KERNEL_WARM_IOS);
    run(ios);
    return;
  }
  const sim = /^sim-(.+)-4k(-queue)?$/.exec(name);
  if (sim && SIM_PATHS.includes(sim[1])) {
    const m = await loadNvmesim();
    if (!sim[2]) {
      await simulate(m, simCaseConfig(sim[1], ios));
      return;
    }
    // The event queue alone on the case's own pushes and pops, as the bench's queue-alone figure replays them.
    await simulate(m, simCaseConfig(sim[1], QUEUE_RECORD_IOS), { recordEventOps: QUEUE_RECORD_IOS * 16 + 65_536 });
    const ops = m.exports.engineRecordedOps(0);
    for (let r = 0; r < Math.round(ios / QUEUE_RECORD_IOS); r++) {
      if (m.exports.engineRecordedOps(1) !== ops) throw new Error(`${name}: no memory for the replay`);
      for (let at = 0; at < ops; at += 50_000) m.exports.engineReplay(at, Math.min(at + 50_000, ops));
    }
    return;
  }
  const cpus = /^cpus-(\d+)$/.exec(name);
  if (!cpus || !CPU_COUNTS.includes(Number(cpus[1])))
    throw new UsageError(`invalid --count '${name}' (allowed: ${INSTRUCTION_CASES.join(", ")})`);
  // The cpus cases' machine: one job per CPU at depth 32 on the RAM device.
  const { config } = cpuCases(ios).find((c) => c.value === Number(cpus[1]))!;
  await simulate(await loadNvmesim(), { ...config, workload: { ...(config.workload as object), number_ios: ios } });
}

/**
 * What callgrind counted, from its closing "Events" and "Collected" lines: each event's total by name (Ir, the
 * instructions; with its cache simulation also D1mr and D1mw, the first-level data cache's read and write misses);
 * undefined when there are none.
 */
export function collectedEvents(stderr: string): Record<string, number> | undefined {
  const names = /==\d+== Events +: (.+)/.exec(stderr)?.[1].trim().split(/\s+/);
  const counts = /==\d+== Collected : (.+)/.exec(stderr)?.[1].trim().split(/\s+/).map(Number);
  if (!names || !counts || names.length !== counts.length || counts.some((n) => !Number.isFinite(n))) return undefined;
  return Object.fromEntries(names.map((name, i) => [name, counts[i]]));
}

// Runs `nvmesim bench --count name --ios ios` under callgrind (with its cache simulation: `cacheSim`, about twice as
// slow); what it counted.
function counted(name: string, ios: number, cacheSim: boolean): Promise<Record<string, number>> {
  const args = [
    "--tool=callgrind",
    `--cache-sim=${cacheSim ? "yes" : "no"}`, // this machine's caches, as valgrind reads them
    "--smc-check=all-non-file", // V8 writes the code it runs
    "--callgrind-out-file=/dev/null",
    process.execPath,
    "--predictable", // one thread, fixed seeds
    "--predictable-gc-schedule", // collections not timed by the clock (4 processes' spread: 27 million to 4.5)
    "--no-liftoff",
    join(ROOT, "src", "cli", "bin.js"),
    "bench",
    "--count",
    name,
    "--ios",
    String(ios),
  ];
  return new Promise((resolve, reject) => {
    const child = spawn("valgrind", args, { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      const n = collectedEvents(stderr);
      if (code === 0 && n?.Ir !== undefined) resolve(n);
      else reject(new Error(`valgrind ... bench --count ${name} exited ${code}: ${stderr.trim().split("\n").pop()}`));
    });
  });
}

export interface InstructionRow {
  case: string;
  /** Instructions executed per I/O, the difference of the pair over the I/Os between them. */
  instructionsPerIo: number;
  /** cpus cases: first-level data cache misses (reads and writes) per I/O in valgrind's simulation of this machine's. */
  d1MissesPerIo?: number;
  /** kernel-*-wasm: over the clang build's of the same size; sim-*-4k: over its queue alone's; cpus-N: over cpus-1's. */
  ratio?: number;
}

/** Why the instructions cases cannot run here, or undefined when they can. */
export function instructionsUnavailable(): string | undefined {
  if (spawnSync("valgrind", ["--version"], { encoding: "utf8" }).status !== 0)
    return "no valgrind on this machine (Debian: apt install valgrind)";
  const built = buildKernelCWasm();
  return "skipped" in built ? built.skipped : undefined;
}

// The checkout's sources' newest time. One edited while the processes run makes the next rebuild the CLI's bundle or
// the module under valgrind, and count the build with the case.
function sourcesMs(): number {
  return PACKAGED ? 0 : Math.max(newestSourceMs(join(ROOT, "src")), newestSourceMs(join(ROOT, "assembly")));
}

/** Counts `cases` (each kernel-*-wasm with its clang build), two processes at a time (this machine has 2 cores). */
export async function benchInstructions(
  io: Io,
  cases: readonly string[] = INSTRUCTION_CASES,
  ios = INSTRUCTION_IOS,
): Promise<InstructionRow[]> {
  const pairs = cases.map((name) => {
    const base = name.startsWith("kernel-")
      ? KERNEL_BASE_IOS
      : name.endsWith("-queue")
        ? QUEUE_RECORD_IOS
        : CPUS_BASE_IOS;
    return { name, runs: [base, base + ios] };
  });
  const jobs = pairs.flatMap((p) => p.runs.map((n) => ({ name: p.name, ios: n })));
  const counts = new Map<string, Record<string, number>>();
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const job = jobs[next++];
      io.stderr(`bench: instructions ${job.name}, ${job.ios} I/Os (under valgrind: minutes)\n`);
      counts.set(`${job.name}:${job.ios}`, await counted(job.name, job.ios, job.name.startsWith("cpus-")));
    }
  };
  const sources = sourcesMs();
  await Promise.all([worker(), worker()]);
  if (sourcesMs() !== sources)
    throw new Error(
      "bench: a source changed while the instructions were counted, so a build was counted too: run again",
    );
  const rows: InstructionRow[] = pairs.map((p) => {
    // An event's count per I/O: the longer process's less the shorter's, over the I/Os between them.
    const [short, long] = p.runs.map((n) => counts.get(`${p.name}:${n}`)!);
    const perIo = (...events: string[]) => events.reduce((sum, e) => sum + long[e] - short[e], 0) / ios;
    return {
      case: p.name,
      instructionsPerIo: perIo("Ir"),
      ...(long.D1mr === undefined ? {} : { d1MissesPerIo: perIo("D1mr", "D1mw") }),
    };
  });
  const perIo = (name: string) => rows.find((r) => r.case === name)?.instructionsPerIo;
  for (const r of rows) {
    if (r.case.endsWith("-c-wasm") || r.case.endsWith("-queue") || r.case === "cpus-1") continue;
    const against = perIo(
      r.case.startsWith("kernel-")
        ? r.case.replace("-wasm", "-c-wasm")
        : r.case.startsWith("sim-")
          ? `${r.case}-queue`
          : "cpus-1",
    );
    if (against !== undefined) r.ratio = r.instructionsPerIo / against;
  }
  return rows;
}

export function instructionsTable(rows: readonly InstructionRow[]): string {
  const misses = rows.some((r) => r.d1MissesPerIo !== undefined);
  const lines = [`case                   instructions per I/O${misses ? "   L1d misses per I/O" : ""}   ratio`];
  for (const r of rows) {
    const against = r.case.startsWith("kernel-")
      ? "clang's Wasm"
      : r.case.startsWith("sim-")
        ? "its queue alone"
        : "1 CPU";
    const ratio = r.ratio === undefined ? "" : `${r.ratio.toFixed(2)}x ${against}`;
    const d1 = misses ? (r.d1MissesPerIo === undefined ? "" : r.d1MissesPerIo.toFixed(1)).padStart(22) : "";
    lines.push(`${r.case.padEnd(22)} ${r.instructionsPerIo.toFixed(0).padStart(20)}${d1}   ${ratio}`.trimEnd());
  }
  return lines.join("\n") + "\n";
}
