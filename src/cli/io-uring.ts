// nvmesim io_uring: fio's t/io_uring benchmark on the simulated machine. Its flags as it spells them (getopt:
// -d128 or -d 128), the devices as arguments (each /dev/nvmeXnY a namespace on the block path, /dev/ngXnY the
// same namespace's char device for NVMe passthrough with -u1), and its output lines (fio 3.37's format: the
// settings, then IOPS, bandwidth and I/Os per call once a simulated second, then the maximum). Most published
// per-core figures were measured with it, so their command lines can be pasted here.
import { ConfigError } from "../model/config";
import { simulate } from "../run/simulate";
import type { Result } from "../run/result";
import { readSimStats } from "../wasm/engine";
import { loadNvmesim } from "../wasm/node";
import { UsageError } from "./args";
import type { Io } from "./io";
import { configFromFlags } from "./run";

/** t/io_uring's flags with a value, their defaults (fio's t/io_uring.c) and meaning. */
const URING_FLAGS: Record<string, { fallback: number; what: string; max: number }> = {
  d: { fallback: 128, what: "queue depth", max: 65535 },
  s: { fallback: 32, what: "submit batch", max: 65535 },
  c: { fallback: 32, what: "complete batch", max: 65535 },
  b: { fallback: 4096, what: "block size, bytes", max: 8 << 20 },
  p: { fallback: 1, what: "polled (IORING_SETUP_IOPOLL)", max: 1 },
  B: { fallback: 1, what: "fixed buffers", max: 1 },
  F: { fallback: 1, what: "registered files", max: 1 },
  n: { fallback: 1, what: "submitter threads", max: 4096 },
  u: { fallback: 0, what: "NVMe passthrough (io_uring_cmd on /dev/ngXnY)", max: 1 },
  O: { fallback: 1, what: "O_DIRECT (0: buffered)", max: 1 },
  r: { fallback: 2, what: "runtime, seconds (t/io_uring: none; nvmesim simulates 2)", max: 3600 },
  R: { fallback: 1, what: "random offsets (0: sequential)", max: 1 },
  a: { fallback: 0, what: "libaio instead of io_uring", max: 1 },
  S: { fallback: 0, what: "preadv2 instead of io_uring", max: 1 },
  X: { fallback: 1, what: "registered ring fd (no effect in the model: not priced)", max: 1 },
  P: { fallback: 0, what: "NUMA placement (no effect: the model has one node)", max: 1 },
};

/** t/io_uring's flags nvmesim cannot model, and why. */
const REFUSED: Record<string, string> = {
  N: "no-op requests (IORING_OP_NOP) are not modelled",
  t: "t/io_uring's latency tracking is not modelled (--json has fio's latencies)",
  T: "a TSC rate only matters to -t",
  e: "ring restrictions are not modelled",
  V: "vectored reads are not modelled",
  H: "hugetlb buffers are not modelled",
  D: "-D was removed from t/io_uring in fio 3.37",
};

/** nvmesim's own options: the machine t/io_uring runs on. */
const OWN = ["kernel", "cpu", "device", "cpus", "threads-per-core", "seed", "size", "json", "help", "switch"];

const HELP = `usage: nvmesim io_uring [t/io_uring flags] [--kernel K] [--cpu CPU] [--device PRESET] [--cpus N] [--threads-per-core 2] [--size SIZE]
                        [--seed N] [--switch NAME ...] [--json] [DEVICE ...]
Runs fio's t/io_uring benchmark on the simulated machine and prints what it prints. Its flags:
${Object.entries(URING_FLAGS)
  .map(([f, d]) => `  -${f} N   ${d.what} (default ${d.fallback})`)
  .join("\n")}
DEVICE: /dev/nvmeXnY (the block path) or /dev/ngXnY (with -u1, passthrough); each distinct namespace is one
device of the preset (default /dev/nvme0n1, or /dev/ng0n1 with -u1). The machine: --kernel (default 6.8),
--cpu (default core-i9-12900k), --device (default p5800x), --cpus (default 1: every thread on one core, so the
IOPS are one core's; --threads-per-core 2 when -n2 runs on one core's two hyperthreads, as taskset -c 10,11 on
sibling threads does), --size (the region each thread reads, default 1g). --json prints the run's result
(fio's JSON with nvmesim's section: the CPU per I/O by layer).
`;

interface Command {
  flags: Record<string, number>;
  own: Record<string, unknown>;
  devices: string[];
}

function parse(argv: string[]): Command {
  const flags: Record<string, number> = {};
  const own: Record<string, unknown> = {};
  const devices: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--") {
      devices.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith("--")) {
      const [name, inline] = a.slice(2).split(/=(.*)/s, 2);
      if (!OWN.includes(name))
        throw new UsageError(`unknown option '--${name}' (allowed: ${OWN.map((o) => `--${o}`).join(", ")})`);
      if (name === "json" || name === "help") own[name] = true;
      else {
        const value = inline ?? argv[++i];
        if (value === undefined) throw new UsageError(`--${name} needs a value`);
        if (name === "switch") own.switch = [...((own.switch as string[]) ?? []), value];
        else own[name] = value;
      }
      continue;
    }
    if (a.startsWith("-") && a.length > 1) {
      const f = a[1];
      if (f === "h" || f === "?") {
        own.help = true;
        continue;
      }
      if (REFUSED[f]) throw new UsageError(`-${f}: ${REFUSED[f]}`);
      const spec = URING_FLAGS[f];
      if (!spec)
        throw new UsageError(
          `unknown t/io_uring flag '-${f}' (allowed: ${Object.keys(URING_FLAGS)
            .map((k) => `-${k}`)
            .join(" ")})`,
        );
      const text = a.length > 2 ? a.slice(2) : argv[++i];
      if (text === undefined || !/^\d+$/.test(text) || Number(text) > spec.max)
        throw new UsageError(`-${f} ${JSON.stringify(text ?? "")}: ${spec.what} takes an integer 0..${spec.max}`);
      flags[f] = Number(text);
      continue;
    }
    devices.push(a);
  }
  for (const [f, spec] of Object.entries(URING_FLAGS)) flags[f] ??= spec.fallback;
  return { flags, own, devices };
}

/** The namespaces the devices name: block (/dev/nvmeXnY) or char (/dev/ngXnY), one kind, each once. */
function namespaces(devices: string[], passthru: boolean): string[] {
  const list = devices.length ? devices : [passthru ? "/dev/ng0n1" : "/dev/nvme0n1"];
  const want = passthru ? /^\/dev\/ng(\d+)n(\d+)$/ : /^\/dev\/nvme(\d+)n(\d+)$/;
  for (const d of list) {
    if (!want.test(d))
      throw new UsageError(
        `device '${d}': with -u${passthru ? "1" : "0"} a device is ${passthru ? "/dev/ngXnY (the namespace's char device)" : "/dev/nvmeXnY (the block device; /dev/ngXnY takes -u1)"}`,
      );
  }
  return [...new Set(list)];
}

/** The run configuration of a t/io_uring command line. */
export function uringConfig(cmd: Command): Record<string, unknown> {
  const f = cmd.flags;
  const passthru = f.u === 1;
  if (f.O === 0 && !passthru)
    throw new UsageError("-O0: buffered I/O (the page cache) is not modelled; t/io_uring's default is -O1");
  if (f.a && f.S) throw new UsageError("-a1 and -S1 each pick an engine: give one");
  if (passthru && (f.a || f.S)) throw new UsageError("-u1 is io_uring's passthrough: not with -a1 or -S1");
  const devices = namespaces(cmd.devices, passthru);
  const ioengine = passthru ? "io_uring_cmd" : f.a ? "libaio" : f.S ? "pvsync2" : "io_uring";
  const base = configFromFlags({ ...cmd.own, json: undefined, help: undefined }) as Record<
    string,
    Record<string, unknown>
  >;
  const uring = ioengine === "io_uring" || ioengine === "io_uring_cmd";
  return {
    ...base,
    cpus: Number(cmd.own.cpus ?? 1),
    host: { ...base.host, kernel: cmd.own.kernel ?? "6.8", cpu: cmd.own.cpu ?? "core-i9-12900k" },
    device: { ...base.device, preset: cmd.own.device ?? "p5800x", count: devices.length },
    workload: {
      rw: f.R ? "randread" : "read",
      bs: f.b,
      iodepth: ioengine === "pvsync2" ? 1 : f.d,
      numjobs: f.n,
      ioengine,
      hipri: f.p === 1,
      fixedbufs: uring && f.B === 1,
      registerfiles: uring && f.F === 1,
      iodepth_batch_submit: f.s,
      iodepth_batch_complete_min: f.c,
      runtime: f.r,
      number_ios: 0,
      size: cmd.own.size ?? "1g",
      verify: false,
    },
  };
}

/** t/io_uring's IOPS text: 13.04M, 913.20K, or a count. */
export function uringIops(iops: number): string {
  if (iops > 1_000_000) return `${(iops / 1_000_000).toFixed(2)}M`;
  if (iops > 100_000) return `${(iops / 1000).toFixed(2)}K`;
  return `${Math.round(iops)}`;
}

/** t/io_uring's bandwidth text: integer MiB/s, or above 2000 of them that over 1000 as "GiB/s". */
function uringBw(iops: number, bs: number): string {
  const bw = bs > 1_048_576 ? Math.floor(iops) * (bs / 1_048_576) : Math.floor(Math.floor(iops) / (1_048_576 / bs));
  return bw > 2000 ? `${(bw / 1000).toFixed(2)}GiB/s` : `${bw}MiB/s`;
}

export async function ioUring(argv: string[], io: Io): Promise<number> {
  const cmd = parse(argv);
  if (cmd.own.help) {
    io.stdout(HELP);
    return 0;
  }
  const input = uringConfig(cmd);
  const m = await loadNvmesim();
  const f = cmd.flags;
  // Submissions at each simulated second, as t/io_uring's once-a-second line counts them.
  const seconds: { submitted: number; calls: number; completed: number }[] = [];
  let result: Result;
  try {
    result = await simulate(m, input, {
      program: "t/io_uring",
      batchIos: 5_000,
      onProgress: () => {
        const s = readSimStats(m);
        while (s.nowNs >= (seconds.length + 1) * 1e9)
          seconds.push({ submitted: s.submitted, calls: s.nSubmitCall + s.nReapCall, completed: s.completed });
      },
    });
  } catch (err) {
    if (err instanceof ConfigError) throw new UsageError(`invalid configuration: ${err.message}`);
    throw err;
  }
  if (cmd.own.json) {
    io.stdout(JSON.stringify(result, null, 1) + "\n");
    return 0;
  }
  const w = (input.workload as Record<string, unknown>) ?? {};
  const devices = namespaces(cmd.devices, f.u === 1);
  const lines: string[] = [];
  for (let t = 0; t < f.n; t++) {
    const mine = devices.filter((_, i) => i % f.n === t);
    lines.push(`submitter=${t}, tid=${t + 1}, file=${mine[0] ?? devices[0]}, nfiles=${mine.length || 1}, node=-1`);
  }
  const engine =
    w.ioengine === "libaio"
      ? "Engine=aio"
      : w.ioengine === "pvsync2"
        ? "Engine=preadv2"
        : `Engine=io_uring, sq_ring=${f.d}, cq_ring=${f.d}`;
  lines.push(`polled=${f.p}, fixedbufs=${f.B}, register_files=${f.F}, buffered=${f.O ? 0 : 1}, QD=${f.d}`, engine);
  let before = { submitted: 0, calls: 0, completed: 0 };
  let max = 0;
  for (const s of seconds.slice(0, Math.max(0, f.r - 1))) {
    const iops = s.submitted - before.submitted;
    const calls = s.calls - before.calls;
    const perCall = calls ? [Math.round(iops / calls), Math.round((s.completed - before.completed) / calls)] : [-1, -1];
    max = Math.max(max, iops);
    lines.push(`IOPS=${uringIops(iops)}, BW=${uringBw(iops, f.b)}, IOS/call=${perCall[0]}/${perCall[1]}`);
    before = s;
  }
  const layers = result.nvmesim.layers.map(
    (l) => `${l.layer} ${(l.ns / Math.max(1, result.jobs[0].read.total_ios)).toFixed(1)}`,
  );
  lines.push("Exiting on timeout", `Maximum IOPS=${uringIops(max)}`);
  io.stdout(lines.join("\n") + "\n");
  io.stderr(
    `nvmesim: ${String(result.nvmesim.config && (result.nvmesim.config as { cpus: number }).cpus)} CPU, ${uringIops(result.jobs[0].read.iops)} IOPS over the run, CPU per I/O ${result.nvmesim.cpuNsPerIo.toFixed(1)} ns: ${layers.join(", ")} (ns; --json for the profile)\n`,
  );
  return 0;
}
