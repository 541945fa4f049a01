// nvmesim's command line: dispatches to one module per command and turns
// user mistakes into exit status 2 with a one-line message.
import { UsageError } from "./args";
import type { Command, Io } from "./io";

const COMMANDS: Record<string, { summary: string; load: () => Promise<Command> }> = {
  run: {
    summary: "run one simulation (fio-like workload, either host path, any device preset)",
    load: async () => (await import("./run")).run,
  },
  fio: {
    summary: "fio's command line and job files on the simulated machine, reported as fio reports (text, json, json+)",
    load: async () => (await import("./fio")).fio,
  },
  io_uring: {
    summary: "fio's t/io_uring benchmark (its flags and output) on the simulated machine: the IOPS of one core",
    load: async () => (await import("./io-uring")).ioUring,
  },
  measure: {
    summary: "run the same job for real with fio (and perf) on a loop device, a block device or a file",
    load: async () => (await import("./measure")).measureCommand,
  },
  kernel: {
    summary: "nvmesim as a Jupyter kernel: install its kernelspec (JupyterLab, Notebook, VS Code, nbclient), or run it",
    load: async () => (await import("./kernel")).kernelCommand,
  },
  compare: {
    summary: "two results side by side (a simulation and a measurement): IOPS, latency, CPU per I/O, profiles",
    load: async () => (await import("./compare")).compare,
  },
  sqe: { summary: "encode or decode a 64-byte Submission Queue Entry", load: async () => (await import("./sqe")).sqe },
  cqe: { summary: "encode or decode a 16-byte Completion Queue Entry", load: async () => (await import("./cqe")).cqe },
  prp: {
    summary: "build PRPs for segments, or walk them as a controller",
    load: async () => (await import("./prp")).prp,
  },
  doorbell: {
    summary: "doorbell register offsets of a queue pair",
    load: async () => (await import("./doorbell")).doorbell,
  },
  calibrate: {
    summary:
      "derive the cost table from the seed's blk-mq profile (writes src/model/cost-table.json, docs/calibration.md)",
    load: async () => (await import("./calibrate")).calibrateCommand,
  },
  validate: {
    summary: "compare the model with published measurements (writes docs/validation.md)",
    load: async () => (await import("./validate")).validate,
  },
  notebook: {
    summary: "serve the notebook page on localhost (npm start)",
    load: async () => (await import("./notebook")).notebook,
  },
  nb: {
    summary: "run a notebook headless, write it as HTML, or check .ipynb files (nb run|html|check)",
    load: async () => (await import("./nb")).nb,
  },
  sweep: {
    summary: "run a grid of configurations on worker threads into a directory (resumable, shardable)",
    load: async () => (await import("./sweep")).sweep,
  },
  merge: {
    summary: "join the parts of a sharded sweep into one sweep directory",
    load: async () => (await import("./sweep")).merge,
  },
  presets: { summary: "the device presets with their sources", load: async () => (await import("./presets")).presets },
  paths: {
    summary: "the host paths' steps with their costs and sources",
    load: async () => (await import("./paths")).paths,
  },
  bench: {
    summary:
      "benchmark the Wasm hot loop against the TypeScript reference and a C build, the full model, sweeps, scaling",
    load: async () => (await import("./bench")).bench,
  },
};

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return `usage: nvmesim <command> [flags]\n\ncommands:\n${lines.join("\n")}\n\nnvmesim <command> --help shows a command's flags.\n`;
}

/** Runs one command line; returns the exit status. */
export async function main(argv: string[], io: Io): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "help" || name === "--help" || name === "-h") {
    io.stdout(usage());
    return name === undefined ? 2 : 0;
  }
  const entry = COMMANDS[name];
  if (!entry) {
    io.stderr(`nvmesim: unknown command '${name}' (allowed: ${Object.keys(COMMANDS).join(", ")})\n`);
    return 2;
  }
  try {
    return await (
      await entry.load()
    )(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`nvmesim ${name}: ${err.message}\n`);
      return 2;
    }
    const message = err instanceof Error ? err.message : String(err);
    io.stderr(`nvmesim ${name}: internal error: ${message}\n`);
    if (process.env.NVMESIM_DEBUG && err instanceof Error) io.stderr(`${err.stack}\n`);
    return 1;
  }
}
