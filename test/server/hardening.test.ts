// Goal: each way the notebook server once lost work, escaped its folder or died (issue 10, items 5-14)
// is reproduced here and now gets the safe answer: odd request targets, the empty path on checkpoint
// routes, symlinked checkpoints, broken links in listings, foreign Host and Origin headers, huge and
// stalled bodies, file modes and in-folder links, renames, long names, non-notebook files, a folder
// named `checkpoints`.
import { spawnSync } from "node:child_process";
import {
  chmodSync,
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newNotebook, serializeNotebook } from "../../src/notebook/ipynb";
import { ROOT } from "../../src/wasm/build";
import { nbBody, rawRequest, startTestServer, type TestServer } from "./harness";

const tmp = mkdtempSync(join(tmpdir(), "nvmesim-hardening-"));
const dir = join(tmp, "notebooks");
const outside = join(tmp, "outside");
const notebookText = (source: string) => serializeNotebook(newNotebook([{ cell_type: "code", source }]));
let t: TestServer;

beforeAll(async () => {
  cpSync(join(ROOT, "notebooks"), dir, { recursive: true });
  mkdirSync(outside);
  writeFileSync(join(outside, "secret.ipynb"), notebookText("// outside the folder"));
  writeFileSync(join(dir, "README.md"), "# not a notebook\n");
  mkdirSync(join(dir, ".git"));
  writeFileSync(join(dir, ".git/config"), "[core]\n");
  t = await startTestServer(dir, { requestTimeoutMs: 1500, maxBodyBytes: 4 << 20 });
});
afterAll(() => t.close());

/** What the folder's parent holds: nothing may appear there. */
const parentEntries = () => readdirSync(tmp).sort();

describe("the server survives any request (5)", () => {
  it("answers odd request targets with 400 and keeps serving", async () => {
    for (const target of ["//x:99999/", "//[", "//%", "//a b", "*", "http://evil/"]) {
      const answer = await rawRequest(t.port, `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
      expect(answer, target).toMatch(/^HTTP\/1\.1 400 /);
    }
    expect((await t.call("GET", "/api/contents/")).status).toBe(200);
  });
});

describe("nothing escapes the folder (6, 7, 8)", () => {
  it("the empty path is never a checkpoint's notebook", async () => {
    const before = parentEntries();
    expect((await t.call("POST", "/api/contents/checkpoints")).status).toBe(404);
    expect((await t.call("GET", "/api/contents/checkpoints")).status).toBe(404);
    expect((await t.call("POST", "/api/contents/checkpoints/checkpoint")).status).toBe(404);
    expect((await t.call("POST", "/api/contents//checkpoints")).status).toBe(400);
    expect(parentEntries()).toEqual(before);
  });

  it("a symlinked checkpoint file is never restored, a symlinked checkpoint folder never written", async () => {
    const sub = join(dir, "linked");
    mkdirSync(join(sub, ".ipynb_checkpoints"), { recursive: true });
    writeFileSync(join(sub, "x.ipynb"), notebookText("// mine"));
    symlinkSync(join(outside, "secret.ipynb"), join(sub, ".ipynb_checkpoints/x-checkpoint.ipynb"));
    const restore = await t.call("POST", "/api/contents/linked/x.ipynb/checkpoints/checkpoint");
    expect(restore.status).toBe(400);
    expect(String(restore.json.message)).toMatch(/symlink/);
    expect(readFileSync(join(sub, "x.ipynb"), "utf8")).toContain("// mine");

    const other = join(dir, "linkdir");
    mkdirSync(other);
    writeFileSync(join(other, "y.ipynb"), notebookText("// y"));
    symlinkSync(outside, join(other, ".ipynb_checkpoints"));
    expect((await t.call("POST", "/api/contents/linkdir/y.ipynb/checkpoints")).status).toBe(400);
    expect((await t.call("PUT", "/api/contents/linkdir/y.ipynb", nbBody("// saved"))).status).toBe(200);
    expect(readdirSync(outside)).toEqual(["secret.ipynb"]);
  });

  it("lists a folder with a broken link, and shows nothing of links leading out", async () => {
    const sub = join(dir, "links");
    mkdirSync(sub);
    writeFileSync(join(sub, "ok.ipynb"), notebookText("1"));
    symlinkSync(join(tmp, "nowhere"), join(sub, "broken.ipynb"));
    symlinkSync(join(outside, "secret.ipynb"), join(sub, "out.ipynb"));
    symlinkSync("ok.ipynb", join(sub, "in.ipynb"));
    const list = await t.call("GET", "/api/contents/links");
    expect(list.status).toBe(200);
    expect((list.json.content as unknown as { name: string }[]).map((f) => f.name)).toEqual(["in.ipynb", "ok.ipynb"]);
    expect((await t.call("GET", "/api/contents/links/out.ipynb")).status).toBe(400);
    expect((await t.call("GET", "/api/contents/links/broken.ipynb")).status).toBe(404);
  });
});

describe("the server answers only its own host and page (9)", () => {
  it("refuses a foreign Host (DNS rebinding) and a foreign Origin, with 403", async () => {
    const auth = { Authorization: `token ${t.token}` };
    expect((await t.call("GET", "/api/contents/", undefined, { ...auth, Host: "evil.example" })).status).toBe(403);
    expect((await t.call("GET", "/", undefined, { Host: "evil.example:80" })).status).toBe(403);
    for (const host of [`localhost:${t.port}`, `127.0.0.1:${t.port}`, `[::1]:${t.port}`])
      expect((await t.call("GET", "/api/contents/", undefined, { ...auth, Host: host })).status, host).toBe(200);
    const foreign = await t.call(
      "POST",
      "/api/contents/",
      { type: "notebook" },
      { ...auth, Origin: "http://evil.example" },
    );
    expect(foreign.status).toBe(403);
    const garbled = await t.call("GET", "/api/contents/", undefined, { ...auth, Origin: "::not a url" });
    expect(garbled.status).toBe(403);
    const own = { ...auth, Origin: `http://127.0.0.1:${t.port}` };
    expect((await t.call("GET", "/api/contents/", undefined, own)).status).toBe(200);
  });
});

describe("bodies have a limit and a deadline (10)", () => {
  it("refuses a body over the limit before reading it", async () => {
    const answer = await new Promise<{ status: number; message: string }>((resolve) => {
      const req = request(
        {
          host: "127.0.0.1",
          port: t.port,
          method: "PUT",
          path: "/api/contents/big.ipynb",
          headers: { Authorization: `token ${t.token}`, "Content-Length": String(190 << 20) },
        },
        (res) => {
          let data = "";
          res.on("data", (c) => (data += c));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, message: JSON.parse(data).message }));
        },
      );
      req.on("error", () => resolve({ status: -1, message: "" }));
      req.write("{"); // the rest never comes
    });
    expect(answer.status).toBe(413);
    expect(answer.message).toMatch(/over the server's limit of 4 MiB/);
    expect(existsSync(join(dir, "big.ipynb"))).toBe(false);
  });

  it("refuses a streamed body once it passes the limit", async () => {
    const big = JSON.stringify(nbBody("x".repeat(5 << 20)));
    const answer = await t.call("PUT", "/api/contents/big.ipynb", big, {
      Authorization: `token ${t.token}`,
      "Transfer-Encoding": "chunked",
    });
    expect(answer.status).toBe(413);
    expect(existsSync(join(dir, "big.ipynb"))).toBe(false);
  });

  it("cuts off a stalled body at the deadline", async () => {
    const started = Date.now();
    const head = `PUT /api/contents/stalled.ipynb HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: token ${t.token}\r\nContent-Length: 1000\r\n\r\n{`;
    const answer = await rawRequest(t.port, head, 10_000);
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(Date.now() - started).toBeLessThan(8000);
    expect(existsSync(join(dir, "stalled.ipynb"))).toBe(false);
  });
});

describe("saves keep what the file was (11)", () => {
  it("keeps a file's mode, writes through an in-folder link, and clears temporary files of dead writers", async () => {
    writeFileSync(join(dir, "private.ipynb"), notebookText("1"));
    chmodSync(join(dir, "private.ipynb"), 0o600);
    expect((await t.call("PUT", "/api/contents/private.ipynb", nbBody("2"))).status).toBe(200);
    expect(statSync(join(dir, "private.ipynb")).mode & 0o777).toBe(0o600);

    symlinkSync("private.ipynb", join(dir, "alias.ipynb"));
    expect((await t.call("PUT", "/api/contents/alias.ipynb", nbBody("// through the link"))).status).toBe(200);
    expect(lstatSync(join(dir, "alias.ipynb")).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(dir, "private.ipynb"), "utf8")).toContain("// through the link");

    // What a server killed mid-save leaves: an empty temporary file named after its (now gone) process.
    const gone = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"]).stdout.toString();
    const leftovers = [`.~nvmesim-${gone}-0123abcd.tmp`, `.private.ipynb.tmp-${gone}-89abcdef`];
    for (const name of leftovers) writeFileSync(join(dir, name), "");
    expect((await t.call("PUT", "/api/contents/private.ipynb", nbBody("3"))).status).toBe(200);
    expect(readdirSync(dir).filter((n) => n.includes("tmp"))).toEqual([]);

    // A server starting on the folder clears such leftovers at once.
    for (const name of leftovers) writeFileSync(join(dir, name), "");
    const again = await startTestServer(dir);
    await again.close();
    expect(readdirSync(dir).filter((n) => n.includes("tmp"))).toEqual([]);
  });
});

describe("renames are whole, names fit (12)", () => {
  it("moves a notebook and its checkpoint into a folder without checkpoints", async () => {
    writeFileSync(join(dir, "mover.ipynb"), notebookText("// mover"));
    mkdirSync(join(dir, "target"));
    expect((await t.call("POST", "/api/contents/mover.ipynb/checkpoints")).status).toBe(201);
    const moved = await t.call("PATCH", "/api/contents/mover.ipynb", { path: "target/mover.ipynb" });
    expect(moved.status).toBe(200);
    expect(existsSync(join(dir, "target/.ipynb_checkpoints/mover-checkpoint.ipynb"))).toBe(true);
    expect(existsSync(join(dir, ".ipynb_checkpoints/mover-checkpoint.ipynb"))).toBe(false);
  });

  it("refuses a move into a missing folder before anything moves, naming no server path", async () => {
    const missing = await t.call("PATCH", "/api/contents/target/mover.ipynb", { path: "nowhere/mover.ipynb" });
    expect(missing.status).toBe(404);
    expect(String(missing.json.message)).not.toContain(tmp);
    expect(existsSync(join(dir, "target/mover.ipynb"))).toBe(true);
  });

  it("takes names that leave room for a checkpoint, and saves them again", async () => {
    const longest = `${"n".repeat(238)}.ipynb`; // 244 bytes: its checkpoint name is 255
    expect((await t.call("PUT", `/api/contents/${longest}`, nbBody("1"))).status).toBe(201);
    expect((await t.call("POST", `/api/contents/${longest}/checkpoints`)).status).toBe(201);
    expect((await t.call("PUT", `/api/contents/${longest}`, nbBody("2"))).status).toBe(200);
    const tooLong = await t.call("PUT", `/api/contents/${"n".repeat(239)}.ipynb`, nbBody("1"));
    expect(tooLong.status).toBe(400);
    expect(String(tooLong.json.message)).toMatch(/at most 244/);
  });
});

describe("only notebooks and folders are written (13, 14)", () => {
  it("a plain file cannot become a notebook, be deleted, or be restored over", async () => {
    expect((await t.call("PATCH", "/api/contents/README.md", { path: "README.ipynb" })).status).toBe(400);
    expect((await t.call("DELETE", "/api/contents/README.md")).status).toBe(400);
    expect((await t.call("DELETE", "/api/contents/.git/config")).status).toBe(400);
    expect((await t.call("GET", "/api/contents/.git/config")).status).toBe(404);
    expect(readFileSync(join(dir, ".git/config"), "utf8")).toBe("[core]\n");
    expect(existsSync(join(dir, "README.md"))).toBe(true);

    writeFileSync(join(dir, "restored.ipynb"), notebookText("// good"));
    mkdirSync(join(dir, ".ipynb_checkpoints"), { recursive: true });
    writeFileSync(join(dir, ".ipynb_checkpoints/restored-checkpoint.ipynb"), "not json at all");
    const restore = await t.call("POST", "/api/contents/restored.ipynb/checkpoints/checkpoint");
    expect(restore.status).toBe(400);
    expect(readFileSync(join(dir, "restored.ipynb"), "utf8")).toContain("// good");
  });

  it("a folder named checkpoints holds notebooks like any other", async () => {
    mkdirSync(join(dir, "checkpoints"));
    expect((await t.call("PUT", "/api/contents/checkpoints/a.ipynb", nbBody("// a"))).status).toBe(201);
    const got = await t.call("GET", "/api/contents/checkpoints/a.ipynb");
    expect(got.status).toBe(200);
    expect(got.json.path).toBe("checkpoints/a.ipynb");
    expect((await t.call("GET", "/api/contents/checkpoints")).json.type).toBe("directory");
  });
});
