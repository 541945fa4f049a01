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
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newNotebook, serializeNotebook } from "../../src/notebook/ipynb";
import { ROOT } from "../../src/wasm/build";
import { nbBody, startTestServer, type TestServer } from "./harness";

const tmp = mkdtempSync(join(tmpdir(), "nvmesim-server-"));
const dir = join(tmp, "notebooks");
const outside = join(tmp, "outside");
let t: TestServer;
let TOKEN = "";
let port = 0;
const call = (...args: Parameters<TestServer["call"]>) => t.call(...args);

beforeAll(async () => {
  cpSync(join(ROOT, "notebooks"), dir, { recursive: true });
  mkdirSync(outside);
  writeFileSync(join(outside, "private.ipynb"), serializeNotebook(newNotebook()));
  symlinkSync(outside, join(dir, "escape"));
  t = await startTestServer(dir);
  TOKEN = t.token;
  port = t.port;
});
afterAll(() => t.close());

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

  it("keeps a checkpoint when asked, not on every save, and reverts to it", async () => {
    const before = readFileSync(join(dir, "jens-answer.ipynb"), "utf8");
    expect((await call("GET", "/api/contents/jens-answer.ipynb/checkpoints")).json).toEqual([]);
    expect((await call("POST", "/api/contents/jens-answer.ipynb/checkpoints")).status).toBe(201);
    for (const source of ["// first save", "// second save"]) {
      const put = await call("PUT", "/api/contents/jens-answer.ipynb", nbBody(source));
      expect(put.status).toBe(200);
    }
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
    const created = await call("POST", "/api/contents/", { type: "notebook" });
    expect(created.status).toBe(201);
    expect(created.json.path).toBe("Untitled.ipynb");
    expect((await call("POST", "/api/contents/", { type: "notebook" })).json.path).toBe("Untitled1.ipynb");
    expect((await call("PATCH", "/api/contents/Untitled.ipynb", { path: "renamed.ipynb" })).json.path).toBe(
      "renamed.ipynb",
    );
    expect((await call("PATCH", "/api/contents/renamed.ipynb", { path: "Untitled1.ipynb" })).status).toBe(409);
    expect((await call("DELETE", "/api/contents/renamed.ipynb")).status).toBe(204);
    expect(existsSync(join(dir, "renamed.ipynb"))).toBe(false);
    expect((await call("GET", "/api/contents/renamed.ipynb")).status).toBe(404);
  });

  it("creates folders and copies, refuses plain files, and says so", async () => {
    const folder = await call("POST", "/api/contents/", { type: "directory" });
    expect([folder.status, folder.json.name, folder.json.type]).toEqual([201, "Untitled Folder", "directory"]);
    const copy = await call("POST", "/api/contents/", { copy_from: "seed-2014.ipynb" });
    expect([copy.status, copy.json.name]).toEqual([201, "seed-2014-Copy1.ipynb"]);
    expect(readFileSync(join(dir, "seed-2014-Copy1.ipynb"), "utf8")).toBe(
      readFileSync(join(dir, "seed-2014.ipynb"), "utf8"),
    );
    for (const body of [{ type: "file" }, {}]) {
      const refused = await call("POST", "/api/contents/", body);
      expect(refused.status).toBe(400);
      expect(String(refused.json.message)).toMatch(/^say what to create: /);
    }
  });

  it("takes Jupyter's If-Match forms, token schemes and older notebooks", async () => {
    const auth = { Authorization: `token ${TOKEN}` };
    for (const form of [() => "*", (hash: string) => `W/"${hash}"`, (hash: string) => `"nope", "${hash}"`]) {
      const hash = String((await call("GET", "/api/contents/where-rw_page-wins.ipynb")).json.hash);
      const ifMatch = form(hash);
      const r = await call("PUT", "/api/contents/where-rw_page-wins.ipynb", nbBody(ifMatch), {
        ...auth,
        "If-Match": ifMatch,
      });
      expect(r.status, ifMatch).toBe(200);
    }
    for (const scheme of ["token", "Token", "TOKEN", "Bearer", "bearer"])
      expect(
        (await call("GET", "/api/contents/", undefined, { Authorization: `${scheme} ${TOKEN}` })).status,
        scheme,
      ).toBe(200);
    const old = nbBody("old");
    delete (old.content.cells[0] as { id?: string }).id;
    old.content.nbformat_minor = 4;
    expect((await call("PUT", "/api/contents/old.ipynb", old)).status).toBe(201);
    const saved = JSON.parse(readFileSync(join(dir, "old.ipynb"), "utf8"));
    expect(saved.nbformat_minor).toBe(5);
    expect(saved.cells[0].id).toMatch(/^[0-9a-f]{12}$/);
  });

  it("saves a live display's output without its transient id, and says briefly what is wrong otherwise", async () => {
    const live = nbBody("display");
    live.content.cells[0].outputs = [
      { output_type: "display_data", data: { "text/plain": "x" }, metadata: {}, transient: { display_id: "sweep-1" } },
    ];
    expect((await call("PUT", "/api/contents/live.ipynb", live)).status).toBe(201);
    expect(readFileSync(join(dir, "live.ipynb"), "utf8")).not.toContain("transient");
    const bad = nbBody("bad");
    bad.content.cells[0].outputs = [{ output_type: "stream", name: "stdout" }];
    const r = await call("PUT", "/api/contents/bad.ipynb", bad);
    expect(r.status).toBe(400);
    expect(r.json.message).toBe(
      "not a valid notebook: cells[0].outputs[0].text: must be a string or a list of strings",
    );
  });

  it("deletes a checkpoint; answers Jupyter's other APIs with a clear 404", async () => {
    expect((await call("POST", "/api/contents/seed-2014.ipynb/checkpoints")).status).toBe(201);
    expect((await call("DELETE", "/api/contents/seed-2014.ipynb/checkpoints/checkpoint")).status).toBe(204);
    expect((await call("GET", "/api/contents/seed-2014.ipynb/checkpoints")).json).toEqual([]);
    for (const path of ["/api", "/api/kernelspecs", "/api/sessions", "/api/kernels"]) {
      const r = await call("GET", path);
      expect(r.status, path).toBe(404);
      expect(String(r.json.message)).toMatch(/serves notebook contents only/);
    }
  });

  it("listens on loopback unless told otherwise", () => {
    const a = t.server.address();
    expect(typeof a === "object" && a?.address).toBe("127.0.0.1");
  });
});
