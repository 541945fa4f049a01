// Goal: the notebook server's contents API is safe to leave running: the token is required, nothing
// outside the notebook folder can be read or written (.., absolute paths, symlinks), only .ipynb files
// are written and always whole, a checkpoint is kept and can be restored, a file changed on disk is not
// silently overwritten, and it listens on loopback unless told otherwise.
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { request, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newNotebook, serializeNotebook } from "../../src/notebook/ipynb";
import { startServer } from "../../src/server/server";
import { ROOT } from "../../src/wasm/build";

const tmp = mkdtempSync(join(tmpdir(), "nvmesim-server-"));
const dir = join(tmp, "notebooks");
const outside = join(tmp, "outside");
const TOKEN = "secret-token-123";
let server: Server;
let port = 0;

beforeAll(async () => {
  cpSync(join(ROOT, "notebooks"), dir, { recursive: true });
  mkdirSync(outside);
  writeFileSync(join(outside, "private.ipynb"), serializeNotebook(newNotebook()));
  symlinkSync(outside, join(dir, "escape"));
  server = await startServer({
    pageDir: join(ROOT, "dist"),
    notebookDir: dir,
    token: TOKEN,
    host: "127.0.0.1",
    port: 0,
  });
  const a = server.address();
  port = typeof a === "object" && a ? a.port : 0;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

/** A raw request (no URL normalisation, so `..` reaches the server as typed). */
function call(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = { Authorization: `token ${TOKEN}` },
) {
  return new Promise<{ status: number; json: Record<string, unknown>; headers: Record<string, unknown> }>(
    (resolve, reject) => {
      const text = body === undefined ? undefined : JSON.stringify(body);
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
          res.on("end", () =>
            resolve({ status: res.statusCode ?? 0, json: data ? JSON.parse(data) : {}, headers: res.headers }),
          );
        },
      );
      req.on("error", reject);
      req.end(text);
    },
  );
}

const nbBody = (source: string) => ({
  type: "notebook",
  format: "json",
  content: JSON.parse(serializeNotebook(newNotebook([{ cell_type: "code", source }]))),
});

describe("the contents API", () => {
  it("needs the token: none is 401, a wrong one 403; by header or ?token=", async () => {
    expect((await call("GET", "/api/contents/", undefined, {})).status).toBe(401);
    expect((await call("GET", "/api/contents/", undefined, { Authorization: "token nope" })).status).toBe(403);
    expect((await call("GET", `/api/contents/?token=${TOKEN}`, undefined, {})).status).toBe(200);
    const list = await call("GET", "/api/contents/");
    expect(list.status).toBe(200);
    expect((list.json.content as { name: string }[]).map((f) => f.name)).toContain("seed-2014.ipynb");
    expect(list.headers["cross-origin-opener-policy"]).toBe("same-origin");
    expect(list.headers["cross-origin-embedder-policy"]).toBe("require-corp");
  });

  it("refuses paths out of the folder: .., encoded .., absolute, and symlinks leading out", async () => {
    for (const path of [
      "/api/contents/../package.json",
      "/api/contents/%2e%2e/%2e%2e/etc/passwd",
      "/api/contents//etc/passwd",
      "/api/contents/escape/private.ipynb",
    ]) {
      const r = await call("GET", path);
      expect(r.status, path).toBe(400);
      expect(String(r.json.message)).toMatch(/invalid path/);
    }
    expect((await call("PUT", "/api/contents/escape/new.ipynb", nbBody("1"))).status).toBe(400);
    expect(existsSync(join(outside, "new.ipynb"))).toBe(false);
  });

  it("writes only .ipynb files, and only valid notebooks", async () => {
    expect((await call("PUT", "/api/contents/notes.txt", nbBody("1"))).status).toBe(400);
    const bad = await call("PUT", "/api/contents/bad.ipynb", {
      type: "notebook",
      format: "json",
      content: { nbformat: 4, cells: "no" },
    });
    expect(bad.status).toBe(400);
    expect(String(bad.json.message)).toMatch(/^not a valid notebook: /);
    expect(existsSync(join(dir, "notes.txt")) || existsSync(join(dir, "bad.ipynb"))).toBe(false);
  });

  it("keeps a checkpoint before overwriting and reverts to it", async () => {
    const before = readFileSync(join(dir, "jens-answer.ipynb"), "utf8");
    const put = await call("PUT", "/api/contents/jens-answer.ipynb", nbBody("// replaced"));
    expect(put.status).toBe(200);
    expect(readFileSync(join(dir, ".ipynb_checkpoints/jens-answer-checkpoint.ipynb"), "utf8")).toBe(before);
    expect((await call("GET", "/api/contents/jens-answer.ipynb/checkpoints")).json).toEqual([
      { id: "checkpoint", last_modified: expect.any(String) },
    ]);
    expect((await call("POST", "/api/contents/jens-answer.ipynb/checkpoints/checkpoint")).status).toBe(204);
    expect(readFileSync(join(dir, "jens-answer.ipynb"), "utf8")).toBe(before);
  });

  it("does not overwrite a file changed on disk since it was opened", async () => {
    const opened = await call("GET", "/api/contents/queue-depth.ipynb");
    const theirs = serializeNotebook(newNotebook([{ cell_type: "code", source: "// changed by someone else" }]));
    writeFileSync(join(dir, "queue-depth.ipynb"), theirs);
    const stale = await call("PUT", "/api/contents/queue-depth.ipynb", nbBody("// mine"), {
      Authorization: `token ${TOKEN}`,
      "If-Match": `"${opened.json.hash}"`,
    });
    expect(stale.status).toBe(409);
    expect(readFileSync(join(dir, "queue-depth.ipynb"), "utf8")).toBe(theirs);
    const fresh = await call("GET", "/api/contents/queue-depth.ipynb");
    const ok = await call("PUT", "/api/contents/queue-depth.ipynb", nbBody("// mine"), {
      Authorization: `token ${TOKEN}`,
      "If-Match": `"${fresh.json.hash}"`,
    });
    expect(ok.status).toBe(200);
    expect(readFileSync(join(dir, "queue-depth.ipynb"), "utf8")).toContain("// mine");
  });

  it("a save cut off midway leaves the old file whole and no temporary file", async () => {
    const before = readFileSync(join(dir, "prp-anatomy.ipynb"), "utf8");
    const body = JSON.stringify(nbBody("x".repeat(1_000_000)));
    await new Promise<void>((resolve) => {
      const req = request({
        host: "127.0.0.1",
        port,
        method: "PUT",
        path: "/api/contents/prp-anatomy.ipynb",
        headers: {
          Authorization: `token ${TOKEN}`,
          "Content-Type": "application/json",
          "Content-Length": String(body.length),
        },
      });
      req.on("error", () => resolve());
      req.write(body.slice(0, body.length / 2), () => {
        req.destroy(); // the client dies mid-request
        setTimeout(resolve, 200);
      });
    });
    expect(readFileSync(join(dir, "prp-anatomy.ipynb"), "utf8")).toBe(before);
    expect(readdirSync(dir).filter((n) => n.includes(".tmp-"))).toEqual([]);
  });

  it("creates, renames and deletes notebooks", async () => {
    const created = await call("POST", "/api/contents/", {});
    expect(created.status).toBe(201);
    expect(created.json.path).toBe("Untitled.ipynb");
    expect((await call("POST", "/api/contents/", {})).json.path).toBe("Untitled1.ipynb");
    expect((await call("PATCH", "/api/contents/Untitled.ipynb", { path: "renamed.ipynb" })).json.path).toBe(
      "renamed.ipynb",
    );
    expect((await call("PATCH", "/api/contents/renamed.ipynb", { path: "Untitled1.ipynb" })).status).toBe(409);
    expect((await call("DELETE", "/api/contents/renamed.ipynb")).status).toBe(204);
    expect(existsSync(join(dir, "renamed.ipynb"))).toBe(false);
    expect((await call("GET", "/api/contents/renamed.ipynb")).status).toBe(404);
  });

  it("listens on loopback unless told otherwise", () => {
    const a = server.address();
    expect(typeof a === "object" && a?.address).toBe("127.0.0.1");
  });
});
