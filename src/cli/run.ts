// nvmesim run: the default simulation. Until the host-path simulator lands,
// this runs the queue machinery end to end (one queue pair, PRPs, doorbells,
// phase-tagged completions) and reports what it simulated.
import { KERNEL_LOOP_DEFAULTS, runKernelLoop, type KernelLoopConfig } from "../run/kernel-loop";
import { loadNvmesim } from "../wasm/node";
import { boolFlag, intFlag, parseFlags, u64Flag, UsageError, type FlagSpec } from "./args";
import type { Io } from "./io";
import { toJson } from "./wire-text";

const FLAGS: FlagSpec = {
  seed: { type: "string" },
  ios: { type: "string" },
  bs: { type: "string" },
  iodepth: { type: "string" },
  "q-depth": { type: "string" },
  "latency-ns": { type: "string" },
  "latency-span-ns": { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean" },
};

const HELP = `usage: nvmesim run [--seed N] [--ios N] [--bs BYTES] [--iodepth N] [--q-depth N]
                   [--latency-ns N] [--latency-span-ns N] [--json]
Runs I/Os through one NVMe queue pair in the Wasm engine: SQE encoding, PRPs,
doorbells, controller fetch and PRP walk, completions by phase.
`;

export async function run(argv: string[], io: Io): Promise<number> {
  const parsed = parseFlags(argv, FLAGS);
  if (boolFlag(parsed, "help")) {
    io.stdout(HELP);
    return 0;
  }
  const d = KERNEL_LOOP_DEFAULTS;
  const qDepth = intFlag(parsed, "q-depth", 2, 65536, d.qDepth);
  const config: KernelLoopConfig = {
    seed: u64Flag(parsed, "seed", d.seed),
    ios: intFlag(parsed, "ios", 1, 1e12, d.ios),
    ioBytes: intFlag(parsed, "bs", 512, 8 << 20, d.ioBytes),
    iodepth: intFlag(parsed, "iodepth", 1, qDepth - 1, Math.min(d.iodepth, qDepth - 1)),
    qDepth,
    latencyNsMin: intFlag(parsed, "latency-ns", 0, 1e9, d.latencyNsMin),
    latencyNsSpan: intFlag(parsed, "latency-span-ns", 1, 1e9, d.latencyNsSpan),
  };
  if (config.ioBytes % 512 !== 0) throw new UsageError(`invalid --bs '${config.ioBytes}': must be a multiple of 512`);
  const m = await loadNvmesim();
  const r = runKernelLoop(m, config);
  const iops = r.simulatedNs > 0n ? (r.ios * 1e9) / Number(r.simulatedNs) : 0;
  if (boolFlag(parsed, "json")) {
    io.stdout(toJson({ config, result: { ...r, iops: Math.round(iops) } }) + "\n");
  } else {
    io.stdout(
      [
        `nvmesim run: ${r.ios} reads of ${config.ioBytes} B at iodepth ${config.iodepth} on one ${config.qDepth}-entry queue pair (seed ${config.seed})`,
        `  simulated time   ${(Number(r.simulatedNs) / 1e6).toFixed(3)} ms`,
        `  IOPS (simulated) ${Math.round(iops)}`,
        `  doorbell writes  ${(r.doorbellWrites / r.ios).toFixed(2)} per I/O`,
        `  errors           ${r.errors}`,
        `  checksum         0x${r.checksum.toString(16).padStart(8, "0")}`,
      ].join("\n") + "\n",
    );
  }
  return r.errors === 0 ? 0 : 1;
}
