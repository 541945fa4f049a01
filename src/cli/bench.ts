// nvmesim bench: the hot loop in Wasm against the TypeScript reference model
// and C builds of the same loop (src/native/kernel-loop.c: cc -O2 natively,
// and clang to Wasm, when the machine has them), on the same work, timed side
// by side in one run, repeated and reported as medians. The reference model lives in
// test/reference/ because it is the tests' oracle; here it is the baseline.
// All must end with one checksum. With --baseline, another build of the
// module (an earlier commit's) runs the kernel and sim cases in the same
// process, its runs alternating with this build's: on a shared machine whose
// speed moves from minute to minute, the ratio of the two is what a change is
// worth.
import { readFileSync } from "node:fs";
import { runRefKernel } from "../../test/reference/kernel";
import { KERNEL_LOOP_DEFAULTS, runKernelLoop, type KernelLoopConfig } from "../run/kernel-loop";
import { simulate } from "../run/simulate";
import { instantiateNvmesim, type Nvmesim } from "../wasm/module";
import { loadNvmesim } from "../wasm/node";
import { boolFlag, intFlag, parseFlags, UsageError, type FlagSpec } from "./args";
import { benchSweep, sweepBenchTable, type SweepBenchRow } from "./bench-sweep";
import { buildKernelC, buildKernelCWasm, loadKernelCWasm, runKernelC, runKernelCWasm } from "./bench-native";
import { benchScaling, cpuCases, scalingTable, simCaseConfig, type ScalingRow } from "./bench-scaling";
import { benchRunStart, benchStart, runStartTable, startTable, type RunStartRow, type StartRow } from "./bench-start";
import {
  benchInstructions,
  countRun,
  instructionsTable,
  instructionsUnavailable,
  type InstructionRow,
} from "./bench-instructions";
import { benchTargets, targetsTable } from "./bench-targets";
import type { Io } from "./io";

const FLAGS: FlagSpec = {
  ios: { type: "string" },
  cases: { type: "string" },
  repeat: { type: "string" },
  baseline: { type: "string" },
  count: { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean" },
};

const SIZES = [
  { name: "4k", ioBytes: 4096 },
  { name: "128k", ioBytes: 131072 },
];

export interface BenchRow {
  case: string;
  iosPerSec: number;
  ios: number;
  /** Median wall time of the repeats. */
  seconds: number;
  runsSeconds: number[];
  checksum: string;
  /** This case's rate over the TypeScript reference's, same size, same run (kernel cases). */
  speedupVsTs?: number;
  /** This case's rate over the C build's, same size, same run (kernel cases, when there is a C compiler). */
  ratioVsC?: number;
  /**
   * The same ratio in each repeat on its own (the two ran one after the other in it): the machine is shared, and
   * the spread says how far one run's ratio can be trusted. The median ratio above lies within it.
   */
  ratioVsCRuns?: number[];
  /** kernel-*-wasm: this rate over the C loop's built by clang to Wasm (V8 runs both): what the AssemblyScript costs. */
  ratioVsCWasm?: number;
  /** Each repeat's: clang's time over this case's, the two run back to back. */
  ratioVsCWasmRuns?: number[];
  /** This build's rate over the --baseline build's on the same case, runs alternating. */
  ratioVsBaseline?: number;
  /** On a --baseline row: whether it ended with this build's checksum (kernel) or simulated numbers (sim). */
  sameAsThisBuild?: boolean;
  /** Sim cases: this rate over kernel-4k-wasm's in the same run (when the kernel cases ran). */
  ratioVsKernel?: number;
  /** Sim cases: events the engine dispatched per simulated I/O. */
  eventsPerIo?: number;
  /** Kernel-wasm and sim cases: wall ns per I/O of the event queue alone, replaying the case's pushes and pops. */
  queueNsPerIo?: number;
  /**
   * Sim cases: the most ratioVsKernel could be were the model's work outside its event queue to cost what the
   * kernel loop's does and the rest (host, workload, statistics) nothing.
   */
  ratioVsKernelAtMost?: number;
  /** Sim cases: this case's ns per I/O over its queue-alone replay's. */
  ratioVsQueue?: number;
}

/** The --baseline module: another build of build/nvmesim.wasm, for instance an earlier commit's. */
async function loadBaseline(path: string): Promise<Nvmesim> {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new UsageError(
      `--baseline '${path}': cannot read it (${(err as NodeJS.ErrnoException).code ?? String(err)})`,
    );
  }
  try {
    return await instantiateNvmesim(bytes);
  } catch (err) {
    throw new UsageError(`--baseline '${path}': not an nvmesim WebAssembly module (${(err as Error).message})`);
  }
}

// Full-model cases: fio randread 4 KiB, 4 CPUs (one job each), iodepth 32.
const SIM_CASES = [
  { name: "sim-rw_page-4k", path: "rw_page" },
  { name: "sim-blk-mq-4k", path: "blk-mq" },
];

// Runs `f`, adding its wall time in seconds to `runs`.
async function timed<T>(runs: number[], f: () => T | Promise<T>): Promise<T> {
  const t0 = performance.now();
  const result = await f();
  runs.push((performance.now() - t0) / 1000);
  return result;
}

// The event queue alone on a case's own sequence: a run of `ios` I/Os (at most QUEUE_REPLAY_IOS) records every
// push and pop (`record`, given room for `opsPerIo` per I/O), which then replay on a fresh queue like the run's,
// once untimed and QUEUE_REPLAY_TIMED times timed, in batches as the loops run. The median replay's wall ns per
// I/O. A replay that goes otherwise than the run (a pop finding another event) or a recording that filled is a
// broken engine, and an error.
const QUEUE_REPLAY_IOS = 100_000;
const QUEUE_REPLAY_TIMED = 9;
const QUEUE_REPLAY_BATCH = 50_000;
async function queueAlone(
  ios: number,
  opsPerIo: number,
  record: (ios: number, cap: number) => unknown,
  recordedOps: (replay: number) => number,
  replay: (from: number, to: number) => number,
): Promise<number> {
  const n = Math.min(ios, QUEUE_REPLAY_IOS);
  const cap = n * opsPerIo + 65_536;
  await record(n, cap);
  const ops = recordedOps(0);
  const runs: number[] = [];
  let wrong = 0;
  for (let r = 0; r <= QUEUE_REPLAY_TIMED; r++) {
    if (recordedOps(1) !== ops) throw new Error("bench: no memory for the event queue's replay");
    const t0 = performance.now();
    for (let at = 0; at < ops; at += QUEUE_REPLAY_BATCH) wrong += replay(at, at + QUEUE_REPLAY_BATCH);
    if (r > 0) runs.push(performance.now() - t0);
  }
  if (ops >= cap) throw new Error(`bench: the event queue's recording filled (${ops} operations for ${n} I/Os)`);
  if (wrong !== 0)
    throw new Error(`bench: ${wrong} operations of the event queue's replay went otherwise than the run`);
  return (median(runs) * 1e6) / n;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export async function bench(argv: string[], io: Io): Promise<number> {
  const parsed = parseFlags(argv, FLAGS);
  if (boolFlag(parsed, "help")) {
    io.stdout(
      "usage: nvmesim bench [--ios N] [--repeat N] [--cases kernel,sim,sweep,start,cpus,browser,scaling,instructions] [--baseline FILE.wasm] [--json]\n(defaults: 10000000 I/Os per kernel and sim case, 3 repeats, cases kernel,sim,sweep,start,cpus; start times the\n command's start, the checkout's beside the packed bin's, and a 30,000-I/O run on 1, 1024 and 4096 CPUs; cpus runs\n wall ns per simulated I/O on 1 to 4096 CPUs (min(--ios, 1e7) I/Os each); scaling adds iodepth and I/O count, the\n longest --ios I/Os, at most 1e8; --baseline runs another build of the module on the kernel and sim cases,\n alternating with this one; instructions counts the instructions per I/O, under valgrind, of the kernel loop\n (nvmesim's and clang's), the sim cases and their event queue alone, and the cpus cases' machine on 1, 256 and 1024\n CPUs with its first-level data cache misses, in minutes; the last table holds each target with what this run\n measured)\n",
    );
    return 0;
  }
  const ios = intFlag(parsed, "ios", 1000, 1e9, 10_000_000);
  // One case's work in this process and nothing else: what the instructions cases count under valgrind.
  if (parsed.values.count !== undefined) {
    await countRun(String(parsed.values.count), ios);
    return 0;
  }
  const repeat = intFlag(parsed, "repeat", 1, 100, 3);
  const groups = String(parsed.values.cases ?? "kernel,sim,sweep,start,cpus").split(",");
  for (const g of groups)
    if (!["kernel", "sim", "sweep", "start", "cpus", "browser", "scaling", "instructions"].includes(g))
      throw new UsageError(
        `invalid --cases '${g}' (allowed: kernel, sim, sweep, start, cpus, browser, scaling, instructions)`,
      );
  const m = await loadNvmesim();
  const baselinePath = parsed.values.baseline === undefined ? undefined : String(parsed.values.baseline);
  const base = baselinePath === undefined ? undefined : await loadBaseline(baselinePath);
  const rows: BenchRow[] = [];
  let mismatch = false;
  const native = groups.includes("kernel") ? buildKernelC() : undefined;
  if (native && "skipped" in native) io.stderr(`bench: kernel-*-c skipped: ${native.skipped}\n`);
  const cWasmBuild = groups.includes("kernel") ? buildKernelCWasm() : undefined;
  if (cWasmBuild && "skipped" in cWasmBuild) io.stderr(`bench: kernel-*-c-wasm skipped: ${cWasmBuild.skipped}\n`);
  const cWasm = cWasmBuild && "path" in cWasmBuild ? loadKernelCWasm(cWasmBuild.path) : undefined;
  for (const size of groups.includes("kernel") ? SIZES : []) {
    const config: KernelLoopConfig = { ...KERNEL_LOOP_DEFAULTS, ioBytes: size.ioBytes, ios };
    const wasmRuns: number[] = [];
    const tsRuns: number[] = [];
    const cRuns: number[] = [];
    const cWasmRuns: number[] = [];
    const baseRuns: number[] = [];
    let wasmSum = 0;
    let tsSum = 0;
    let baseSum = 0;
    for (let r = 0; r < repeat; r++) {
      io.stderr(`bench: kernel-${size.name} run ${r + 1}/${repeat}\n`);
      // This module and clang's back to back, taking turns at going first, then the baseline: the pairs
      // compared run side by side, before the seconds of the TypeScript reference in which the machine's pace
      // can drift.
      const clang = async () => {
        if (!cWasm) return;
        const n = await timed(cWasmRuns, () => runKernelCWasm(cWasm, config));
        if (n.ios !== ios || n.errors !== 0) mismatch = true;
        return n.checksum;
      };
      const clangFirst = r % 2 === 1 ? await clang() : undefined;
      const w = await timed(wasmRuns, () => runKernelLoop(m, config));
      const clangSum = clangFirst ?? (await clang());
      if (clangSum !== undefined && clangSum !== w.checksum) mismatch = true;
      if (base) baseSum = (await timed(baseRuns, () => runKernelLoop(base, config))).checksum;
      const t = await timed(tsRuns, () => runRefKernel(config));
      wasmSum = w.checksum;
      tsSum = t.checksum;
      if (w.ios !== ios || t.ios !== ios || w.errors !== 0 || t.errors !== 0 || wasmSum !== tsSum) mismatch = true;
      if (native && "path" in native) {
        const n = runKernelC(native.path, config);
        cRuns.push(n.seconds);
        if (n.ios !== ios || n.errors !== 0 || n.checksum !== wasmSum) mismatch = true;
      }
    }
    const wasmRate = ios / median(wasmRuns);
    const tsRate = ios / median(tsRuns);
    const queueNs = await queueAlone(
      ios,
      4, // one event per I/O: a push and a pop
      (n, cap) => runKernelLoop(m, { ...config, ios: n, recordEventOps: cap }),
      (replay) => m.exports.kernelRecordedOps(replay),
      (from, to) => m.exports.kernelReplay(from, to),
    );
    const row = (engine: string, runs: number[], rate: number, sum: number): BenchRow => ({
      case: `kernel-${size.name}-${engine}`,
      iosPerSec: Math.round(rate),
      ios,
      seconds: median(runs),
      runsSeconds: runs,
      checksum: `0x${sum.toString(16).padStart(8, "0")}`,
      speedupVsTs: rate / tsRate,
    });
    const cRate = cRuns.length ? ios / median(cRuns) : undefined;
    const baseRate = baseRuns.length ? ios / median(baseRuns) : undefined;
    const cWasmRate = cWasmRuns.length ? ios / median(cWasmRuns) : undefined;
    // Each repeat's ratio to the C build: its C run's time over this case's time in the same repeat.
    const vsC = (runs: number[]) =>
      cRate ? { ratioVsC: ios / median(runs) / cRate, ratioVsCRuns: runs.map((t, i) => cRuns[i] / t) } : {};
    rows.push(
      {
        ...row("wasm", wasmRuns, wasmRate, wasmSum),
        queueNsPerIo: queueNs,
        ...vsC(wasmRuns),
        ...(cWasmRate
          ? { ratioVsCWasm: wasmRate / cWasmRate, ratioVsCWasmRuns: wasmRuns.map((t, i) => cWasmRuns[i] / t) }
          : {}),
        ...(baseRate ? { ratioVsBaseline: wasmRate / baseRate } : {}),
      },
      row("ts", tsRuns, tsRate, tsSum),
    );
    if (cRate) rows.push({ ...row("c", cRuns, cRate, wasmSum), ratioVsC: 1 });
    if (cWasmRate) rows.push({ ...row("c-wasm", cWasmRuns, cWasmRate, wasmSum), ...vsC(cWasmRuns) });
    if (baseRate)
      rows.push({
        ...row("baseline", baseRuns, baseRate, baseSum),
        ...vsC(baseRuns),
        sameAsThisBuild: baseSum === wasmSum,
      });
  }
  for (const c of groups.includes("sim") ? SIM_CASES : []) {
    const config = simCaseConfig(c.path, ios);
    // This build, then the baseline's, in each repeat: what each simulated, and how long it took.
    const builds = base ? [m, base] : [m];
    const runs = builds.map((): number[] => []);
    const digests = builds.map(() => new Set<string>());
    const events = builds.map(() => 0);
    for (let r = 0; r < repeat; r++) {
      io.stderr(`bench: ${c.name} run ${r + 1}/${repeat}\n`);
      for (const [b, module] of builds.entries()) {
        const result = await timed(runs[b], () => simulate(module, config));
        events[b] = Number(module.exports.engineEvents?.() ?? Number.NaN); // an older baseline may not count them
        digests[b].add(`${result.nvmesim.configHash}:${result.jobs[0].read.lat_ns.mean}:${result.nvmesim.simulatedNs}`);
        if (b === 0 && (result.jobs[0].read.total_ios !== ios || result.nvmesim.engineErrors !== 0)) mismatch = true;
      }
    }
    if (digests[0].size !== 1) mismatch = true;
    const simRow = (b: number, name: string): BenchRow => ({
      case: name,
      iosPerSec: Math.round(ios / median(runs[b])),
      ios,
      seconds: median(runs[b]),
      runsSeconds: runs[b],
      checksum: [...digests[b]][0].split(":")[0],
      ...(Number.isNaN(events[b]) ? {} : { eventsPerIo: events[b] / ios }),
    });
    const own = simRow(0, c.name);
    const queueNs = await queueAlone(
      ios,
      16, // six events per I/O measured: twelve operations
      (n, cap) => simulate(m, simCaseConfig(c.path, n), { recordEventOps: cap }),
      (replay) => m.exports.engineRecordedOps(replay),
      (from, to) => m.exports.engineReplay(from, to),
    );
    own.queueNsPerIo = queueNs;
    own.ratioVsQueue = 1e9 / own.iosPerSec / queueNs;
    const kernel = rows.find((r) => r.case === "kernel-4k-wasm");
    if (kernel) own.ratioVsKernel = own.iosPerSec / kernel.iosPerSec;
    // What the queue leaves: this case's rate over the kernel loop's were the model's work outside its queue to
    // cost what the kernel loop's does (the same NVMe commands, rings and doorbells), and the rest nothing.
    if (kernel?.queueNsPerIo !== undefined) {
      const kernelNs = 1e9 / kernel.iosPerSec;
      own.ratioVsKernelAtMost = kernelNs / (queueNs + kernelNs - kernel.queueNsPerIo);
    }
    rows.push(own);
    if (base) {
      const baseline = simRow(1, `${c.name}-baseline`);
      own.ratioVsBaseline = own.iosPerSec / baseline.iosPerSec;
      rows.push({ ...baseline, sameAsThisBuild: digests[1].size === 1 && [...digests[1]][0] === [...digests[0]][0] });
    }
  }
  const sweepRows: SweepBenchRow[] = groups.includes("sweep") ? await benchSweep(repeat, io) : [];
  // scaling's cases include the cpus ones
  const scalingRows: ScalingRow[] = groups.includes("scaling")
    ? await benchScaling(io, Math.max(ios, 1e6))
    : groups.includes("cpus")
      ? await benchScaling(io, ios, cpuCases(ios))
      : [];
  const startRows: StartRow[] = groups.includes("start") ? await benchStart(repeat, io) : [];
  const runStartRows: RunStartRow[] = groups.includes("start") ? await benchRunStart(repeat, io) : [];
  let instructionRows: InstructionRow[] = [];
  if (groups.includes("instructions")) {
    const why = instructionsUnavailable();
    if (why) io.stderr(`bench: instructions skipped: ${why}\n`);
    else instructionRows = await benchInstructions(io);
  }
  const targets = benchTargets(rows, scalingRows, startRows, runStartRows);
  if (groups.includes("browser")) {
    const { benchBrowser, browserBenchTable } = await import("./bench-browser");
    const b = await benchBrowser(repeat, io);
    if (boolFlag(parsed, "json")) io.stdout(JSON.stringify(b, null, 1) + "\n");
    else io.stdout(browserBenchTable(b, repeat));
  }
  if (boolFlag(parsed, "json")) {
    const all = [...rows, ...sweepRows, ...scalingRows, ...startRows, ...runStartRows, ...instructionRows];
    io.stdout(JSON.stringify([...all, ...targets.map((t) => ({ case: "target", ...t }))], null, 1) + "\n");
  } else {
    if (rows.length) io.stdout(benchTable(rows, repeat));
    if (sweepRows.length) io.stdout(sweepBenchTable(sweepRows, repeat));
    if (scalingRows.length) io.stdout(scalingTable(scalingRows));
    if (startRows.length) io.stdout(startTable(startRows));
    if (runStartRows.length) io.stdout(runStartTable(runStartRows));
    if (instructionRows.length) io.stdout(instructionsTable(instructionRows));
    if (targets.length) io.stdout(targetsTable(targets));
  }
  if (mismatch) {
    io.stderr(
      "bench: the Wasm, TypeScript and C runs disagree (checksum, count or errors): the numbers above are not comparable\n",
    );
    return 1;
  }
  return 0;
}

/** The lowest and highest of each repeat's ratio, as "0.81-0.95x". */
const runRange = (ratios: number[]) => `${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)}x`;

function benchTable(rows: BenchRow[], repeat: number): string {
  const withBase = rows.some((r) => r.ratioVsBaseline !== undefined);
  const lines = [
    `case                        M I/Os/s   median s   vs ts    vs c${withBase ? "  vs base" : ""}   checksum     (median of ${repeat})`,
  ];
  const ratio = (x: number | undefined, digits: number) =>
    x === undefined ? "    -" : `${x.toFixed(digits).padStart(5)}x`;
  for (const r of rows) {
    const vsBase = withBase ? `   ${r.ratioVsBaseline === undefined ? "    -" : ratio(r.ratioVsBaseline, 2)}` : "";
    const same =
      r.sameAsThisBuild === undefined ? "" : r.sameAsThisBuild ? "  (as this build)" : "  (differs from this build)";
    const notes = [
      ...(r.ratioVsCRuns && r.ratioVsCRuns.length > 1 ? [`vs c per run ${runRange(r.ratioVsCRuns)}`] : []),
      ...(r.ratioVsCWasm === undefined
        ? []
        : [
            `${r.ratioVsCWasm.toFixed(2)}x c-wasm` +
              (r.ratioVsCWasmRuns && r.ratioVsCWasmRuns.length > 1 ? ` (per run ${runRange(r.ratioVsCWasmRuns)})` : ""),
          ]),
      ...(r.ratioVsKernel === undefined ? [] : [`${r.ratioVsKernel.toFixed(2)}x kernel-4k-wasm`]),
      ...(r.eventsPerIo === undefined
        ? []
        : [`${r.eventsPerIo.toFixed(2)} events per I/O, ${(1e9 / r.iosPerSec / r.eventsPerIo).toFixed(0)} ns each`]),
      ...(r.queueNsPerIo === undefined ? [] : [`the queue alone ${r.queueNsPerIo.toFixed(0)} ns per I/O`]),
      ...(r.ratioVsQueue === undefined ? [] : [`${r.ratioVsQueue.toFixed(2)}x the queue alone`]),
      ...(r.ratioVsKernelAtMost === undefined
        ? []
        : [`with the kernel loop's other work, at most ${r.ratioVsKernelAtMost.toFixed(2)}x kernel-4k-wasm`]),
    ];
    lines.push(
      `${r.case.padEnd(27)} ${(r.iosPerSec / 1e6).toFixed(2).padStart(8)}   ${r.seconds.toFixed(3).padStart(8)}   ${ratio(r.speedupVsTs, 1)}  ${ratio(r.ratioVsC, 2)}${vsBase}  ${r.checksum}${same}${notes.length ? `  (${notes.join("; ")})` : ""}`,
    );
  }
  return lines.join("\n") + "\n";
}
