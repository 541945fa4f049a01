// The local notebook server (npm start): the built page, and Jupyter's
// contents API for one folder of notebooks under /api/contents/. API requests
// need the access token (Authorization: token T, or ?token=T): none is 401, a
// wrong one 403. Every response carries the cross-origin isolation headers,
// so the page may use SharedArrayBuffer. Listens on loopback unless told.
import { timingSafeEqual } from "node:crypto";
import { existsSync, readFileSync, statSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { extname, join, normalize, sep } from "node:path";
import { Contents, ContentsError } from "./contents";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".wasm": "application/wasm",
  ".svg": "image/svg+xml",
  ".json": "application/json",
  ".csv": "text/csv; charset=utf-8",
};

const ISOLATION = { "Cross-Origin-Opener-Policy": "same-origin", "Cross-Origin-Embedder-Policy": "require-corp" };
const BODY_LIMIT = 200 << 20;

export interface ServerOptions {
  /** The built page (dist/). */
  pageDir: string;
  /** The folder of notebooks the API serves; without it, only the page is served. */
  notebookDir?: string;
  /** Required by the API when notebookDir is set. */
  token?: string;
  host: string;
  port: number;
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = body === undefined ? "" : JSON.stringify(body);
  res.writeHead(status, {
    ...ISOLATION,
    "Cache-Control": "no-store",
    ...(text ? { "Content-Type": "application/json" } : {}),
    ...headers,
  });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > BODY_LIMIT) reject(new ContentsError(413, "request body too large"));
      else chunks.push(c);
    });
    req.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      try {
        resolve(text ? JSON.parse(text) : {});
      } catch {
        reject(new ContentsError(400, "the request body is not JSON"));
      }
    });
    req.on("error", reject);
  });
}

function tokenOf(req: IncomingMessage, url: URL): string | undefined {
  const auth = req.headers.authorization;
  if (auth?.startsWith("token ")) return auth.slice(6);
  return url.searchParams.get("token") ?? undefined;
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

async function api(contents: Contents, req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  const m = /^(.*?)\/checkpoints(?:\/([^/]+))?$/.exec(path);
  const method = req.method ?? "GET";
  if (m) {
    const [, file, id] = m;
    if (method === "GET" && !id) return send(res, 200, contents.checkpoints(file));
    if (method === "POST" && !id) return send(res, 201, contents.checkpoint(file));
    if (method === "POST" && id) {
      contents.revert(file, id);
      return send(res, 204, undefined);
    }
    throw new ContentsError(405, `${method} is not allowed on checkpoints`);
  }
  const url = new URL(req.url ?? "/", "http://x");
  switch (method) {
    case "GET":
      return send(res, 200, contents.get(path, url.searchParams.get("content") !== "0"));
    case "PUT": {
      const ifMatch = req.headers["if-match"]?.replace(/^"|"$/g, "");
      const existed = existsSync(contents.resolve(path));
      return send(res, existed ? 200 : 201, contents.save(path, await readBody(req), ifMatch));
    }
    case "POST":
      await readBody(req);
      return send(res, 201, contents.create(path));
    case "PATCH": {
      const body = (await readBody(req)) as { path?: unknown };
      if (typeof body.path !== "string") throw new ContentsError(400, 'PATCH needs {"path": "new/name.ipynb"}');
      return send(res, 200, contents.rename(path, body.path));
    }
    case "DELETE":
      contents.delete(path);
      return send(res, 204, undefined);
    default:
      throw new ContentsError(405, `${method} is not allowed`);
  }
}

function serveFile(root: string, path: string, res: ServerResponse): void {
  const file = normalize(join(root, path === "/" ? "index.html" : path));
  if (!file.startsWith(root + sep) || !existsSync(file) || statSync(file).isDirectory()) {
    res.writeHead(404, { ...ISOLATION, "Content-Type": "text/plain" }).end("not found\n");
    return;
  }
  res.writeHead(200, {
    ...ISOLATION,
    "Cache-Control": "no-cache",
    "Content-Type": TYPES[extname(file)] ?? "application/octet-stream",
  });
  res.end(readFileSync(file));
}

/** Starts the server; resolves once it listens (port 0: any free port). */
export function startServer(o: ServerOptions): Promise<Server> {
  const contents = o.notebookDir ? new Contents(o.notebookDir) : undefined;
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    let path: string;
    let raw: string;
    try {
      path = decodeURIComponent(url.pathname);
      raw = decodeURIComponent((req.url ?? "/").split("?")[0]);
    } catch {
      return send(res, 400, { message: "invalid URL encoding" });
    }
    // URL parsing would quietly resolve "..": a path that tries it is refused as sent.
    if (raw.split("/").some((part) => part === ".." || part === "."))
      return send(res, 400, { message: `invalid path: ${JSON.stringify(raw)} (no '..' or '.' parts)` });
    if (!path.startsWith("/api/")) return serveFile(o.pageDir, path, res);
    if (!contents || !o.token) return send(res, 404, { message: "no notebook folder is served here" });
    const token = tokenOf(req, url);
    if (token === undefined)
      return send(res, 401, { message: "this server needs its token (Authorization: token T, or ?token=T)" });
    if (!sameToken(token, o.token)) return send(res, 403, { message: "wrong token" });
    if (path === "/api/contents" || path.startsWith("/api/contents/")) {
      api(contents, req, res, path.slice("/api/contents".length)).catch((err: unknown) => {
        if (err instanceof ContentsError) send(res, err.status, { message: err.message });
        else send(res, 500, { message: String(err) });
      });
      return;
    }
    send(res, 404, { message: `no API at ${path}` });
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(o.port, o.host, () => resolve(server));
  });
}
