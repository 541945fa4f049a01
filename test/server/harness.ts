// The server tests' harness: a server on a free loopback port over a folder, requests sent as typed
// (no URL normalisation, so `..` and odd targets reach the server), and raw bytes over a socket.
import type { Server } from "node:http";
import { request } from "node:http";
import { connect } from "node:net";
import { join } from "node:path";
import { newNotebook, serializeNotebook } from "../../src/notebook/ipynb";
import { startServer, type ServerOptions } from "../../src/server/server";
import { ROOT } from "../../src/wasm/build";

export interface Answer {
  status: number;
  json: Record<string, unknown> & unknown[];
  text: string;
  headers: Record<string, string | string[] | undefined>;
}

export interface TestServer {
  server: Server;
  port: number;
  token: string;
  /** A request as typed; `headers` replace the token header when given. */
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Answer>;
  close(): Promise<void>;
}

export async function startTestServer(dir: string, options: Partial<ServerOptions> = {}): Promise<TestServer> {
  const token = options.token ?? "secret-token-123";
  const server = await startServer({
    pageDir: join(ROOT, "dist"),
    notebookDir: dir,
    token,
    host: "127.0.0.1",
    port: 0,
    ...options,
  });
  const a = server.address();
  const port = typeof a === "object" && a ? a.port : 0;
  return {
    server,
    port,
    token,
    call: (method, path, body, headers = { Authorization: `token ${token}` }) =>
      httpCall(port, method, path, body, headers),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

export function httpCall(
  port: number,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const text = body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body);
    const req = request(
      {
        host: "127.0.0.1",
        port,
        method,
        path,
        headers: { ...headers, ...(text ? { "Content-Type": "application/json" } : {}) },
      },
      (res) => {
        let data = "";
        res.on("data", (c) => (data += c));
        res.on("end", () => {
          let json: unknown = {};
          try {
            json = data ? JSON.parse(data) : {};
          } catch {
            json = {};
          }
          resolve({ status: res.statusCode ?? 0, json: json as Answer["json"], text: data, headers: res.headers });
        });
      },
    );
    req.on("error", reject);
    req.end(text);
  });
}

/** Sends raw bytes and resolves with what comes back before the server closes (or `waitMs` passes). */
export function rawRequest(port: number, bytes: string, waitMs = 2000): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    let out = "";
    const done = () => {
      socket.destroy();
      resolve(out);
    };
    const timer = setTimeout(done, waitMs);
    socket.on("data", (d) => (out += d));
    socket.on("close", () => {
      clearTimeout(timer);
      resolve(out);
    });
    socket.on("error", () => {
      clearTimeout(timer);
      resolve(out);
    });
    socket.write(bytes);
  });
}

/** A PUT body for a notebook with one code cell. */
export const nbBody = (source: string) => ({
  type: "notebook",
  format: "json",
  content: JSON.parse(serializeNotebook(newNotebook([{ cell_type: "code", source }]))),
});
