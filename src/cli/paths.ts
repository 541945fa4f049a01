// nvmesim paths: the step lists of a kernel's host paths with each step's kernel file, its cost on a CPU and
// the figure or assumption that set it. 3.19 (the default): both 2014 paths and the swap workload's per-fault
// steps; a later kernel: a fio read through an engine (io_uring by default), its system calls and the block
// path of that kernel, and the swap program's read.
import { COST_TABLE_WORKLOAD } from "../model/cost-table";
import { validateConfig, type RunConfig } from "../model/config";
import { CPU_NAMES } from "../model/cpus";
import { IO_ENGINES } from "../model/engines";
import { faultCost } from "../model/fault-cost";
import { KERNEL_NAMES, KERNELS, type KernelName } from "../model/kernels";
import {
  BOOLEAN_SWITCHES,
  PATH_NAMES,
  sleepSteps,
  SWAP_FAULT_STEPS,
  SWAP_MAJOR_FAULT_STEPS,
  SWAP_PAGE_IN_STEPS,
  SWAP_PAGE_OUT_STEPS,
  wakeSteps,
  type PathName,
} from "../model/paths";
import { stepPrices, type StepPrice } from "../model/run-costs";
import { runSteps, type RunSteps } from "../model/run-steps";
import { OTHER_KERNEL, STEPS } from "../model/steps";
import { TODAY_FILES } from "../model/steps-today";
import { TODAY_CPU } from "../model/cost-table-today";
import { boolFlag, parseFlags, UsageError, type FlagSpec } from "./args";
import type { Io } from "./io";

const FLAGS: FlagSpec = {
  path: { type: "string" },
  kernel: { type: "string" },
  cpu: { type: "string" },
  engine: { type: "string" },
  switch: { type: "string", multiple: true },
  json: { type: "boolean" },
  help: { type: "boolean" },
};

const HELP = `usage: nvmesim paths [--kernel ${KERNEL_NAMES.join("|")}] [--cpu NAME] [--path blk-mq|rw_page]
                     [--engine ${IO_ENGINES.join("|")}] [--switch NAME ...] [--json]
Every step of the host paths with its kernel file, its cost in ns on the CPU and the figure or assumption that priced it (docs/calibration.md); the CPU defaults to the one the kernel's table was
priced on (the seed's Xeon for 3.19, the Core i9-12900K later). On 3.19 (the default): both 2014 paths and the swap
program's steps. On a later kernel: a fio random read through --engine (default io_uring), polled with
--switch polled, and the swap program's read.
switches: ${BOOLEAN_SWITCHES.join(", ")}
`;

function choice(parsed: ReturnType<typeof parseFlags>, flag: string, allowed: readonly string[]): string | undefined {
  const v = parsed.values[flag];
  if (v === undefined) return undefined;
  if (!allowed.includes(String(v)))
    throw new UsageError(`invalid --${flag} '${String(v)}' (allowed: ${allowed.join(", ")})`);
  return String(v);
}

/** The groups of a run's steps, each with how often it is charged. */
function groups(s: RunSteps): [string, readonly string[]][] {
  return [
    ["per submitting system call", s.submitCall],
    ["per I/O submitted", s.read.submitIo],
    ["per I/O, the driver's part", s.read.dispatchIo],
    ["per doorbell (plug)", s.read.submitBatch],
    ["per completion", s.read.completeIo],
    ["per CQ pass", s.read.completeBatch],
    ["per interrupt", s.read.interrupt],
    ["per reaping system call", s.reapCall],
    ["per polling spin", s.read.interrupt.length ? [] : s.pollPass],
    ["per sleep on I/O (the sleeper's and the waker's part)", s.sleep],
  ];
}

interface Listed {
  symbol: string;
  layer?: string;
  file?: string;
  ns?: number;
  source?: string;
}

function listed(list: readonly string[], prices: Map<string, StepPrice>, today: boolean): Listed[] {
  return list.map((symbol) => {
    const p = prices.get(symbol);
    return {
      symbol,
      layer: STEPS[symbol]?.layer,
      file: (today ? TODAY_FILES[symbol] : undefined) ?? STEPS[symbol]?.file,
      ns: p ? Math.round(p.ns * 1000) / 1000 : undefined,
      source: p ? `${p.table === "2014" ? "the seed's table" : "today's table"}: ${p.entry.source}` : undefined,
    };
  });
}

function line(l: Listed): string {
  return `    ${l.symbol.padEnd(34)} ${(l.ns === undefined ? "?" : l.ns.toFixed(1)).padStart(8)} ns  ${(l.layer ?? "").padEnd(8)} ${(l.file ?? "").padEnd(40)} ${l.source ?? "no cost"}`;
}

export async function paths(argv: string[], io: Io): Promise<number> {
  const parsed = parseFlags(argv, FLAGS);
  if (boolFlag(parsed, "help")) {
    io.stdout(HELP);
    return 0;
  }
  const kernel = (choice(parsed, "kernel", KERNEL_NAMES) ?? "3.19") as KernelName;
  const today = KERNELS[kernel].vocabulary === "today";
  const cpu = choice(parsed, "cpu", CPU_NAMES) ?? (today ? TODAY_CPU : "xeon-e5-v2");
  const engine = choice(parsed, "engine", IO_ENGINES);
  const wanted = (choice(parsed, "path", PATH_NAMES) ? [String(parsed.values.path)] : [...PATH_NAMES]) as PathName[];
  const switches: Record<string, boolean> = {};
  for (const name of (parsed.values.switch as string[] | undefined) ?? []) {
    if (!(BOOLEAN_SWITCHES as readonly string[]).includes(name))
      throw new UsageError(`invalid --switch '${name}' (allowed: ${BOOLEAN_SWITCHES.join(", ")})`);
    switches[name] = true;
  }
  const host = { kernel, cpu, threadsPerCore: 1, profiler: false };
  const prices = stepPrices(host);
  // 3.19: both 2014 paths as the seed's swap program runs them; later: a fio read through the engine, and swap.
  const runs: { name: string; config: RunConfig }[] = [];
  const make = (name: string, input: Record<string, unknown>) => {
    try {
      runs.push({ name, config: validateConfig({ ...input, host, switches: { ...switches } }) });
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
  };
  if (!today) for (const path of wanted) make(`${path}, a swap-in read`, { path, workload: { kind: "swap" } });
  else {
    const e = engine ?? "io_uring";
    make(`a fio random read through ${e}`, {
      workload: { ioengine: e, iodepth: ["psync", "pvsync2"].includes(e) ? 1 : 32, hipri: switches.polled ?? false },
    });
    make("the swap program's swap-in read", { workload: { kind: "swap" } });
  }
  const doc = runs.map((r) => ({
    name: r.name,
    groups: groups(runSteps(r.config)).map(([group, list]) => ({ group, steps: listed(list, prices, today) })),
  }));
  if (boolFlag(parsed, "json")) {
    io.stdout(JSON.stringify({ kernel, cpu, switches: KERNELS[kernel].switches, runs: doc }, null, 1) + "\n");
    return 0;
  }
  const out: string[] = [`Linux ${kernel} on ${cpu} (ns on this CPU):`, ""];
  for (const d of doc) {
    out.push(`${d.name}:`);
    for (const g of d.groups) if (g.steps.length) out.push(`  ${g.group}:`, ...g.steps.map(line));
    out.push("");
  }
  if (!today) {
    for (const path of wanted)
      out.push(
        `CPU per fault of the seed's swap workload on ${path}: ${faultCost(
          path,
          KERNELS[kernel].switches,
          [...prices.values()].map((p) => ({ ...p.entry, ns: p.ns })),
          COST_TABLE_WORKLOAD,
        ).totalNs.toFixed(0)} ns`,
      );
    out.push("");
  }
  const swapGroups: [string, readonly string[]][] = [
    ["swap workload, per fault (minor or major)", [...SWAP_FAULT_STEPS, OTHER_KERNEL]],
    ["per major fault", SWAP_MAJOR_FAULT_STEPS],
    ["per page read into the swap cache", SWAP_PAGE_IN_STEPS],
    ["per page written out", SWAP_PAGE_OUT_STEPS],
    ["per sleep on I/O (perf's PMU save only when perf records, host.profiler)", sleepSteps(true, true)],
    ["the waker's part, in the interrupt", wakeSteps(true)],
  ];
  for (const [group, list] of swapGroups) out.push(`${group}:`, ...listed(list, prices, today).map(line));
  io.stdout(out.join("\n") + "\n");
  return 0;
}
