// nvmesim kernel: the Jupyter kernel (what Jupyter starts with a connection
// file), and its kernelspec installed for Jupyter to find (JupyterLab, classic
// Notebook, VS Code, nbclient, nbconvert): kernel.json naming this nvmesim
// and its two logos, in the user's Jupyter data folder or a prefix's.
import { existsSync, mkdirSync, realpathSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { deflateSync } from "node:zlib";
import { boolFlag, parseFlags, UsageError, type FlagSpec } from "./args";
import type { Io } from "./io";

const HELP = `usage: nvmesim kernel --connection-file FILE      (what Jupyter starts)
       nvmesim kernel install [--user | --prefix DIR] [--name NAME]
       nvmesim kernel uninstall [--user | --prefix DIR] [--name NAME]
install writes the kernelspec NAME (default nvmesim) that runs this nvmesim: in the user's Jupyter data
folder (--user, the default: $JUPYTER_DATA_DIR, else $XDG_DATA_HOME/jupyter, else ~/.local/share/jupyter)
or in PREFIX/share/jupyter (--prefix, as jupyter kernelspec install --prefix). Then jupyter kernelspec list
shows it, and JupyterLab, Jupyter Notebook, VS Code, nbclient and nbconvert --execute run nvmesim cells.
`;

const FLAGS: FlagSpec = {
  "connection-file": { type: "string" },
  user: { type: "boolean" },
  prefix: { type: "string" },
  name: { type: "string" },
  help: { type: "boolean" },
};

/** The user's Jupyter data folder, as jupyter_core's jupyter_data_dir finds it on Linux. */
export function userDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.JUPYTER_DATA_DIR) return env.JUPYTER_DATA_DIR;
  return join(env.XDG_DATA_HOME || join(homedir(), ".local", "share"), "jupyter");
}

/** kernel.json for a kernel started as `argv0 script kernel --connection-file {connection_file}`. */
export function kernelSpec(argv0: string, script: string): Record<string, unknown> {
  return {
    argv: [argv0, script, "kernel", "--connection-file", "{connection_file}"],
    display_name: "nvmesim (TypeScript)",
    language: "typescript",
    interrupt_mode: "message",
    metadata: { debugger: false },
  };
}

export async function kernelCommand(argv: string[], io: Io): Promise<number> {
  const sub = argv[0] === "install" || argv[0] === "uninstall" ? argv[0] : undefined;
  const parsed = parseFlags(sub ? argv.slice(1) : argv, FLAGS);
  if (boolFlag(parsed, "help")) {
    io.stdout(HELP);
    return 0;
  }
  if (!sub) {
    const file = parsed.values["connection-file"];
    if (typeof file !== "string")
      throw new UsageError(
        "--connection-file FILE is required (Jupyter gives it; nvmesim kernel install sets that up)",
      );
    const { JupyterKernel, readConnectionFile } = await import("../notebook/jupyter");
    let info;
    try {
      info = readConnectionFile(file);
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    const kernel = new JupyterKernel(info, (line) => io.stderr(`${line}\n`));
    for (const signal of ["SIGTERM", "SIGHUP"] as const) process.once(signal, () => void kernel.close());
    // Jupyter interrupts a kernel of interrupt_mode "message" on control; a SIGINT still must not kill it, nor a
    // failure of one message take the kernel down with the user's variables
    process.on("SIGINT", () => {});
    process.on("unhandledRejection", (e) =>
      io.stderr(`nvmesim kernel: ${e instanceof Error ? e.message : String(e)}\n`),
    );
    await kernel.serve();
    return 0;
  }
  if (parsed.values["connection-file"] !== undefined)
    throw new UsageError(`--connection-file is for nvmesim kernel itself, not ${sub}`);
  if (boolFlag(parsed, "user") && parsed.values.prefix !== undefined)
    throw new UsageError("--user and --prefix name two places: give one");
  const name = String(parsed.values.name ?? "nvmesim");
  if (!/^[a-z0-9._-]+$/i.test(name))
    throw new UsageError(`invalid --name '${name}': a kernel name is letters, digits, '.', '_' and '-'`);
  const base =
    parsed.values.prefix !== undefined ? join(String(parsed.values.prefix), "share", "jupyter") : userDataDir();
  const dir = join(base, "kernels", name);
  if (sub === "uninstall") {
    if (!existsSync(join(dir, "kernel.json")))
      throw new UsageError(`no kernelspec ${name} in ${join(base, "kernels")}`);
    rmSync(dir, { recursive: true, force: true });
    io.stdout(`removed the kernelspec ${name} from ${dir}\n`);
    return 0;
  }
  // the nvmesim that runs now is the one Jupyter will start (a checkout's bin, or the installed package's)
  const script = realpathSync(process.argv[1]);
  const staged = `${dir}.tmp-${process.pid}`;
  rmSync(staged, { recursive: true, force: true });
  mkdirSync(staged, { recursive: true });
  writeFileSync(join(staged, "kernel.json"), JSON.stringify(kernelSpec(process.execPath, script), null, 1) + "\n");
  for (const size of [32, 64]) writeFileSync(join(staged, `logo-${size}x${size}.png`), logo(size));
  rmSync(dir, { recursive: true, force: true });
  renameSync(staged, dir);
  io.stdout(`installed the kernelspec ${name} in ${dir} (it runs ${script})\n`);
  return 0;
}

/** The logo: a queue of slots, some filled (an NVMe submission queue), as a PNG of `size` pixels square. */
export function logo(size: number): Buffer {
  const rows: Buffer[] = [];
  const slot = size / 8;
  for (let y = 0; y < size; y++) {
    const row = Buffer.alloc(1 + size * 4); // filter byte 0, then RGBA
    for (let x = 0; x < size; x++) {
      const inBand = y >= size * 0.3 && y < size * 0.7;
      const column = Math.floor(x / slot);
      const edge = x % slot < 1 || y === Math.floor(size * 0.3) || y === Math.ceil(size * 0.7) - 1;
      const filled = column >= 2 && column <= 5;
      const [r, g, b, a] = !inBand
        ? [0, 0, 0, 0]
        : edge
          ? [32, 64, 96, 255]
          : filled
            ? [0, 122, 204, 255]
            : [230, 240, 250, 255];
      row.set([r, g, b, a], 1 + x * 4);
    }
    rows.push(row);
  }
  const chunk = (type: string, data: Buffer) => {
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    out.write(type, 4, "ascii");
    data.copy(out, 8);
    out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.set([8, 6, 0, 0, 0], 8); // 8 bits, RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(Buffer.concat(rows))),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

function crc32(bytes: Buffer): number {
  let c = 0xffffffff;
  for (const byte of bytes) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}
