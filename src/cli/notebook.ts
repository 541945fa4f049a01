// nvmesim notebook (npm start): builds the notebook page when its sources
// changed and serves it with the notebooks folder (contents API, access
// token) on loopback, printing the URL to open, token included.
import { existsSync, readdirSync, statSync } from "node:fs";
import { randomBytes } from "node:crypto";
import type { Server } from "node:http";
import { join, resolve } from "node:path";
import { BODY_BYTES_MAX, isLoopback, startServer, type ServerOptions } from "../server/server";
import { PACKAGED, ROOT, ensureWasm, WASM_PATH } from "../wasm/build";
import { intFlag, parseFlags, boolFlag, UsageError, type FlagSpec } from "./args";
import type { Io } from "./io";

export const DIST = join(ROOT, "dist");
const PAGE_SOURCES = [
  join(ROOT, "src"),
  join(ROOT, "notebooks", "data"),
  WASM_PATH,
  join(ROOT, "vite.config.ts"),
  join(ROOT, "package-lock.json"),
];

function newest(path: string): number {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  let t = s.mtimeMs;
  for (const name of readdirSync(path)) t = Math.max(t, newest(join(path, name)));
  return t;
}

/** Builds dist/ with Vite when anything it is built from is newer than it. */
export async function ensurePage(log: (line: string) => void): Promise<void> {
  if (PACKAGED) return; // the package ships the page built
  await ensureWasm(log);
  const index = join(DIST, "index.html");
  if (existsSync(index) && statSync(index).mtimeMs >= Math.max(...PAGE_SOURCES.map(newest))) return;
  log("nvmesim: building the notebook page (vite build)\n");
  const { build } = await import("vite");
  await build({ configFile: join(ROOT, "vite.config.ts"), logLevel: "warn" });
}

/** The page alone on `host` (tests and the browser benchmark). */
export function serveStatic(root: string, host: string, port: number): Promise<Server> {
  return startServer({ pageDir: root, host, port });
}

/** Listens on `port`, or the next free one above it. */
async function listenFrom(o: Omit<ServerOptions, "port">, port: number): Promise<Server> {
  for (let p = port; p < port + 50; p++) {
    try {
      return await startServer({ ...o, port: p });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EADDRINUSE") throw err;
    }
  }
  throw new UsageError(`no free port from ${port} to ${port + 49}`);
}

/** What is said when the server listens beyond this machine. */
export function exposureWarning(host: string, dir: string): string | undefined {
  if (isLoopback(host)) return undefined;
  return `nvmesim: warning: listening on ${host}, not loopback: anyone who can reach this machine and learns the token can read the folder ${dir} and change its notebooks\n`;
}

const FLAGS: FlagSpec = {
  port: { type: "string" },
  host: { type: "string" },
  "max-body-mib": { type: "string" },
  dir: { type: "string" },
  help: { type: "boolean" },
};

export async function notebook(argv: string[], io: Io): Promise<number> {
  const parsed = parseFlags(argv, FLAGS);
  if (boolFlag(parsed, "help")) {
    io.stdout(
      `usage: nvmesim notebook [--port N] [--host ADDR] [--dir DIR] [--max-body-mib N]\nserves the notebook page and the notebooks in DIR (default: notebooks/) on 127.0.0.1, port 8888 or the next free one\n(PORT sets the default port, NVMESIM_TOKEN the access token; otherwise a random one is printed in the URL;\n--max-body-mib: the largest notebook a save may send, default ${BODY_BYTES_MAX >> 20})\n`,
    );
    return 0;
  }
  const port = intFlag(parsed, "port", 0, 65535, process.env.PORT ? Number(process.env.PORT) : 8888);
  const host = String(parsed.values.host ?? "127.0.0.1");
  const maxBodyBytes = intFlag(parsed, "max-body-mib", 1, 1024, BODY_BYTES_MAX >> 20) << 20;
  const dir = resolve(String(parsed.values.dir ?? join(ROOT, "notebooks")));
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(`invalid --dir '${dir}': not a directory`);
  const token = process.env.NVMESIM_TOKEN || randomBytes(24).toString("hex");
  await ensurePage((line) => io.stderr(line));
  const server = await listenFrom({ pageDir: DIST, notebookDir: dir, token, host, maxBodyBytes }, port);
  const warning = exposureWarning(host, dir);
  if (warning) io.stderr(warning);
  const address = server.address();
  const actual = typeof address === "object" && address ? address.port : port;
  io.stderr(`nvmesim: serving ${dir} (Ctrl-C stops)\n`);
  io.stdout(`http://${host.includes(":") ? `[${host}]` : host}:${actual}/?token=${token}\n`);
  await new Promise<void>((done) => {
    const stop = () => server.close(() => done());
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  return 0;
}
