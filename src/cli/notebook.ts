// nvmesim notebook (npm start): builds the notebook page when its sources
// changed and serves it on loopback with the cross-origin isolation headers
// (so SharedArrayBuffer works), printing the URL to open.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { extname, join, normalize, sep } from "node:path";
import { ROOT, ensureWasm, WASM_PATH } from "../wasm/build";
import { intFlag, parseFlags, boolFlag, UsageError, type FlagSpec } from "./args";
import type { Io } from "./io";

export const DIST = join(ROOT, "dist");
const PAGE_SOURCES = [join(ROOT, "src"), WASM_PATH, join(ROOT, "vite.config.ts"), join(ROOT, "package-lock.json")];

function newest(path: string): number {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  let t = s.mtimeMs;
  for (const name of readdirSync(path)) t = Math.max(t, newest(join(path, name)));
  return t;
}

/** Builds dist/ with Vite when anything it is built from is newer than it. */
export async function ensurePage(log: (line: string) => void): Promise<void> {
  await ensureWasm(log);
  const index = join(DIST, "index.html");
  if (existsSync(index) && statSync(index).mtimeMs >= Math.max(...PAGE_SOURCES.map(newest))) return;
  log("nvmesim: building the notebook page (vite build)\n");
  const { build } = await import("vite");
  await build({ configFile: join(ROOT, "vite.config.ts"), logLevel: "warn" });
}

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".wasm": "application/wasm",
  ".svg": "image/svg+xml",
  ".json": "application/json",
  ".ipynb": "application/x-ipynb+json",
};

/** A static server for dist/ on `host`; resolves once listening (port 0: any free one). */
export function serveStatic(root: string, host: string, port: number): Promise<Server> {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    const file = normalize(join(root, path === "/" ? "index.html" : path));
    const headers = {
      "Cross-Origin-Opener-Policy": "same-origin",
      "Cross-Origin-Embedder-Policy": "require-corp",
      "Cache-Control": "no-cache",
    };
    if (!file.startsWith(root + sep) || !existsSync(file) || statSync(file).isDirectory()) {
      res.writeHead(404, { ...headers, "Content-Type": "text/plain" }).end("not found\n");
      return;
    }
    res
      .writeHead(200, { ...headers, "Content-Type": TYPES[extname(file)] ?? "application/octet-stream" })
      .end(readFileSync(file));
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve(server));
  });
}

/** Listens on `port`, or the next free one above it. */
async function listenFrom(root: string, host: string, port: number): Promise<Server> {
  for (let p = port; p < port + 50; p++) {
    try {
      return await serveStatic(root, host, p);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EADDRINUSE") throw err;
    }
  }
  throw new UsageError(`no free port from ${port} to ${port + 49}`);
}

const FLAGS: FlagSpec = { port: { type: "string" }, host: { type: "string" }, help: { type: "boolean" } };

export async function notebook(argv: string[], io: Io): Promise<number> {
  const parsed = parseFlags(argv, FLAGS);
  if (boolFlag(parsed, "help")) {
    io.stdout(
      "usage: nvmesim notebook [--port N] [--host ADDR]\nserves the notebook page (default 127.0.0.1, port 8888 or the next free one; PORT sets the default)\n",
    );
    return 0;
  }
  const port = intFlag(parsed, "port", 0, 65535, process.env.PORT ? Number(process.env.PORT) : 8888);
  const host = String(parsed.values.host ?? "127.0.0.1");
  await ensurePage((line) => io.stderr(line));
  const server = await listenFrom(DIST, host, port);
  const address = server.address();
  const actual = typeof address === "object" && address ? address.port : port;
  io.stdout(`http://${host}:${actual}/\n`);
  await new Promise<void>((resolve) => process.once("SIGINT", () => server.close(() => resolve())));
  return 0;
}
