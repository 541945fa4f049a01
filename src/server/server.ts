// The local notebook server (npm start): the built page, and Jupyter's
// contents API for one folder of notebooks under /api/contents/. API requests
// need the access token (Authorization: token T or Bearer T, any case, or
// ?token=T): none is 401, a wrong one 403. Requests naming another host are
// refused (403, as Jupyter does: a DNS-rebinding page cannot reach it), and so
// are API requests from another page's origin. Bodies have a size limit and
// a deadline. No request can stop the server: whatever goes wrong is an
// answer. Every response carries the cross-origin isolation headers, so the
// page may use SharedArrayBuffer. Listens on loopback unless told.
import { timingSafeEqual } from "node:crypto";
import { readFileSync, realpathSync, statSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { isIP } from "node:net";
import { extname, join, normalize, sep } from "node:path";
import { Contents, ContentsError, fsErrorAnswer } from "./contents";

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

/** Largest request body taken by default: a notebook with many charts fits, a runaway one does not. */
export const BODY_BYTES_MAX = 32 << 20;
/** How long a request may take to arrive, headers and body (a stalled upload is cut off). */
export const REQUEST_MS_MAX = 30_000;

const CONTENTS_ONLY =
  "this server serves notebook contents only (/api/contents): there are no kernels, sessions or kernelspecs (cells run in the page)";

export interface ServerOptions {
  /** The built page (dist/). */
  pageDir: string;
  /** The folder of notebooks the API serves; without it, only the page is served. */
  notebookDir?: string;
  /** Required by the API when notebookDir is set. */
  token?: string;
  host: string;
  port: number;
  /** Request body limit in bytes (default BODY_BYTES_MAX). */
  maxBodyBytes?: number;
  /** Deadline for a whole request to arrive, in ms (default REQUEST_MS_MAX). */
  requestTimeoutMs?: number;
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  const text = body === undefined ? "" : JSON.stringify(body);
  res.writeHead(status, {
    ...ISOLATION,
    "Cache-Control": "no-store",
    ...(text ? { "Content-Type": "application/json" } : {}),
    ...headers,
  });
  res.end(text);
}

/** An error answer in Jupyter's shape. */
const refuse = (res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}) =>
  send(res, status, { message, reason: null }, headers);

function readBody(req: IncomingMessage, limit: number): Promise<unknown> {
  const tooLarge = () =>
    new ContentsError(413, `the request body is over the server's limit of ${limit >> 20} MiB (--max-body-mib)`);
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > limit) return Promise.reject(tooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size <= limit) chunks.push(c);
      else if (chunks.length) {
        chunks.length = 0; // let the memory go; the answer is 413
        reject(tooLarge());
      }
    });
    req.on("end", () => {
      if (size > limit) return reject(tooLarge());
      const text = Buffer.concat(chunks).toString("utf8");
      try {
        resolve(text.trim() ? JSON.parse(text) : undefined);
      } catch {
        reject(new ContentsError(400, "the request body is not JSON"));
      }
    });
    req.on("error", () => reject(new ContentsError(400, "the request was cut off")));
  });
}

function tokenOf(req: IncomingMessage, url: URL): string | undefined {
  const m = /^(?:token|bearer)\s+(\S+)\s*$/i.exec(req.headers.authorization ?? "");
  return m?.[1] ?? url.searchParams.get("token") ?? undefined;
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

const LOOPBACK_NAMES = new Set(["localhost", "localhost.", "::1"]);

export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "").toLowerCase();
  return LOOPBACK_NAMES.has(h) || (isIP(h) === 4 && h.startsWith("127.")) || h === "0:0:0:0:0:0:0:1";
}

/** The host name of a Host header or an origin's host ("[::1]:8888" -> "::1"). */
function hostName(hostHeader: string): string {
  const m = /^\[([^\]]*)\](?::\d*)?$/.exec(hostHeader) ?? /^([^:]*)(?::\d*)?$/.exec(hostHeader);
  return m ? m[1] : hostHeader;
}

/** The host of an Origin header, or undefined when it is not a URL. */
function originHost(origin: string): string | undefined {
  try {
    return new URL(origin).host;
  } catch {
    return undefined;
  }
}

/** ETags of an If-Match header: quotes and weak marks dropped, "*" kept. */
function ifMatchTags(header: string | undefined): string[] | undefined {
  if (!header) return undefined;
  return header
    .split(",")
    .map((t) => t.trim().replace(/^W\//, "").replace(/^"|"$/g, ""))
    .filter(Boolean);
}

const CHECKPOINT_ROUTE = /^(\/.*[^/])\/checkpoints(?:\/([\w-]+))?$/;

/** The API URL of a path in the folder. */
const apiUrl = (path: string) => `/api/contents/${path.split("/").map(encodeURIComponent).join("/")}`;

async function api(
  contents: Contents,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  url: URL,
  limit: number,
) {
  const method = req.method ?? "GET";
  const m = CHECKPOINT_ROUTE.exec(path);
  if (m) {
    const [, file, id] = m;
    if (method === "GET" && !id) return send(res, 200, contents.checkpoints(file));
    if (method === "POST" && !id) {
      const cp = contents.checkpoint(file);
      return send(res, 201, cp, { Location: `${apiUrl(file.slice(1))}/checkpoints/${cp.id}` });
    }
    if (method === "POST" && id) return send(res, 204, contents.restore(file, id));
    if (method === "DELETE" && id) return send(res, 204, contents.deleteCheckpoint(file, id));
    throw new ContentsError(405, `${method} is not allowed on ${id ? "a checkpoint" : "checkpoints"}`);
  }
  switch (method) {
    case "GET": {
      const q = url.searchParams;
      const o = { content: q.get("content") !== "0", type: q.get("type") ?? undefined };
      return send(res, 200, contents.get(path, { ...o, format: q.get("format") ?? undefined }));
    }
    case "PUT": {
      const body = await readBody(req, limit);
      const { model, created } = contents.save(path, body, ifMatchTags(req.headers["if-match"]));
      return send(res, created ? 201 : 200, model, created ? { Location: apiUrl(model.path) } : {});
    }
    case "POST": {
      const model = contents.create(path, await readBody(req, limit));
      return send(res, 201, model, { Location: apiUrl(model.path) });
    }
    case "PATCH": {
      const body = (await readBody(req, limit)) as { path?: unknown } | undefined;
      if (typeof body?.path !== "string") throw new ContentsError(400, 'PATCH needs {"path": "new/name.ipynb"}');
      return send(res, 200, contents.rename(path, body.path));
    }
    case "DELETE":
      return send(res, 204, contents.delete(path));
    default:
      throw new ContentsError(405, `${method} is not allowed`);
  }
}

/** What the page is told when a notebook folder is served beside it: a link without the token can then say so. */
export const SERVER_META = '<meta name="nvmesim-notebook-server" content="1">';

function serveFile(root: string, path: string, res: ServerResponse, folderServed = false): void {
  const file = normalize(join(root, path === "/" ? "index.html" : path));
  let real: string | undefined;
  try {
    real = realpathSync(file);
  } catch {
    real = undefined;
  }
  if (!real || !real.startsWith(realpathSync(root) + sep) || statSync(real).isDirectory()) {
    res.writeHead(404, { ...ISOLATION, "Content-Type": "text/plain" }).end("not found\n");
    return;
  }
  res.writeHead(200, {
    ...ISOLATION,
    "Cache-Control": "no-cache",
    "Content-Type": TYPES[extname(file)] ?? "application/octet-stream",
  });
  const body = readFileSync(real);
  res.end(
    folderServed && extname(file) === ".html" ? body.toString("utf8").replace(/<head>/i, `$&${SERVER_META}`) : body,
  );
}

/** One request, any request: every failure becomes an answer. */
async function handle(o: ServerOptions, contents: Contents | undefined, req: IncomingMessage, res: ServerResponse) {
  const target = req.url ?? "/";
  if (!target.startsWith("/") || target.startsWith("//"))
    return refuse(res, 400, `invalid request target: ${JSON.stringify(target.slice(0, 100))}`);
  const host = req.headers.host ?? "";
  if (isLoopback(o.host) && !isLoopback(hostName(host)))
    return refuse(
      res,
      403,
      `Blocking request from unknown host ${JSON.stringify(host)}: this server answers to localhost only`,
    );
  let url: URL;
  let path: string;
  try {
    url = new URL(target, "http://localhost");
    path = decodeURIComponent(url.pathname);
    // URL parsing would quietly resolve "..": a path that tries it is refused as sent.
    const raw = decodeURIComponent(target.split("?")[0]);
    if (raw.split("/").some((part) => part === ".." || part === "."))
      return refuse(res, 400, `invalid path: ${JSON.stringify(raw)} (no '..' or '.' parts)`);
  } catch {
    return refuse(res, 400, "invalid URL or URL encoding");
  }
  if (path !== "/api" && !path.startsWith("/api/"))
    return serveFile(o.pageDir, path, res, Boolean(contents && o.token));
  if (!contents || !o.token) return refuse(res, 404, "no notebook folder is served here");
  const origin = req.headers.origin;
  if (origin && origin !== "null" && originHost(origin) !== host)
    return refuse(res, 403, `cross-origin request from ${JSON.stringify(origin.slice(0, 100))} refused`);
  const token = tokenOf(req, url);
  if (token === undefined) return refuse(res, 401, "this server needs its token (Authorization: token T, or ?token=T)");
  if (!sameToken(token, o.token)) return refuse(res, 403, "wrong token");
  if (path !== "/api/contents" && !path.startsWith("/api/contents/")) return refuse(res, 404, CONTENTS_ONLY);
  await api(contents, req, res, path.slice("/api/contents".length), url, o.maxBodyBytes ?? BODY_BYTES_MAX);
}

/** Starts the server; resolves once it listens (port 0: any free port). */
export function startServer(o: ServerOptions): Promise<Server> {
  const contents = o.notebookDir ? new Contents(o.notebookDir) : undefined;
  const requestTimeout = o.requestTimeoutMs ?? REQUEST_MS_MAX;
  const timeouts = {
    requestTimeout,
    headersTimeout: Math.min(requestTimeout, 10_000),
    // How often Node looks for requests past their deadline (its default, 30 s, would let one stall that long).
    connectionsCheckingInterval: Math.min(1000, requestTimeout / 2),
  };
  const server = createServer(timeouts, (req, res) => {
    handle(o, contents, req, res).catch((err: unknown) => {
      const e =
        err instanceof ContentsError
          ? err
          : typeof (err as NodeJS.ErrnoException)?.code === "string"
            ? fsErrorAnswer(err as NodeJS.ErrnoException, contents?.root ?? o.pageDir)
            : new ContentsError(500, "internal error (see the server's log)");
      if (e.status === 500) process.stderr.write(`nvmesim notebook: ${req.method} ${req.url}: ${String(err)}\n`);
      // After a refused body, the rest of it is not read: close the connection.
      refuse(res, e.status, e.message, e.status === 413 ? { Connection: "close" } : {});
    });
  });
  // Requests Node's parser refuses, or that miss their deadline, never reach the handler.
  server.on("clientError", (err: NodeJS.ErrnoException, socket) => {
    const status =
      err.code === "ERR_HTTP_REQUEST_TIMEOUT"
        ? "408 Request Timeout"
        : err.code === "HPE_HEADER_OVERFLOW"
          ? "431 Request Header Fields Too Large"
          : "400 Bad Request";
    if (socket.writable) socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    else socket.destroy();
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(o.port, o.host, () => resolve(server));
  });
}
