// Goal: nvmesim's contents API answers as Debian's Jupyter Server (the reference a client such as
// @jupyterlab/services was written against) does: the same requests, in the same order, go to both on
// two copies of one folder, and each answer's status and model shape must match, except the listed
// differences, each with its reason, where nvmesim is deliberately stricter. (After a difference the two
// folders differ, so later listings are compared without their content.)
import { spawn, type ChildProcess } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../../src/wasm/build";
import { httpCall, startTestServer, type Answer, type TestServer } from "./harness";

const tmp = mkdtempSync(join(tmpdir(), "nvmesim-conformance-"));
const TOKEN = "conformance-token";
let ours: TestServer;
let jupyter: ChildProcess | undefined;
let jupyterPort = 0;

function folder(name: string): string {
  const dir = join(tmp, name);
  cpSync(join(ROOT, "notebooks"), dir, { recursive: true });
  writeFileSync(join(dir, "README.md"), "# readme\n");
  mkdirSync(join(dir, ".git"));
  writeFileSync(join(dir, ".git/config"), "[core]\n");
  return dir;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const a = s.address();
      s.close(() => resolve(typeof a === "object" && a ? a.port : 0));
    });
  });
}

/** Debian's Jupyter Server (python3-jupyter-server) on `dir`; resolves once it answers. */
async function startJupyter(dir: string): Promise<void> {
  jupyterPort = await freePort();
  const state = join(tmp, "jupyter-state");
  jupyter = spawn(
    "/usr/bin/python3",
    [
      "-m",
      "jupyter_server",
      "--allow-root",
      "--no-browser",
      `--port=${jupyterPort}`,
      "--ip=127.0.0.1",
      `--ServerApp.root_dir=${dir}`,
      `--IdentityProvider.token=${TOKEN}`,
      `--ServerApp.token=${TOKEN}`,
      "--FileContentsManager.delete_to_trash=False",
    ],
    {
      stdio: ["ignore", "ignore", "pipe"],
      env: { ...process.env, JUPYTER_CONFIG_DIR: state, JUPYTER_DATA_DIR: state, JUPYTER_RUNTIME_DIR: state },
    },
  );
  let log = "";
  jupyter.stderr!.on("data", (d) => (log += d));
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (jupyter.exitCode !== null)
      throw new Error(`Debian's jupyter-server did not start (apt-get install python3-jupyter-server):\n${log}`);
    const up = await httpCall(jupyterPort, "GET", "/api/contents/", undefined, {
      Authorization: `token ${TOKEN}`,
    }).catch(() => undefined);
    if (up?.status === 200) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`Debian's jupyter-server did not answer within 60 s:\n${log}`);
}

beforeAll(async () => {
  ours = await startTestServer(folder("ours"), { token: TOKEN });
  await startJupyter(folder("jupyter"));
}, 90_000);
afterAll(async () => {
  jupyter?.kill("SIGTERM");
  await ours?.close();
});

interface Step {
  method: string;
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** nvmesim answers otherwise on purpose: its status, and why. */
  differs?: { ours: number; jupyter: number; why: string };
}

const auth = (scheme = "token") => ({ Authorization: `${scheme} ${TOKEN}` });
const nb44 = {
  type: "notebook",
  format: "json",
  content: {
    cells: [{ cell_type: "code", source: "1", metadata: {}, outputs: [], execution_count: null }],
    metadata: {},
    nbformat: 4,
    nbformat_minor: 4,
  },
};

const STEPS: Step[] = [
  { method: "GET", path: "/api/contents/?content=0" },
  { method: "GET", path: "/api/contents/" },
  { method: "GET", path: "/api/contents/seed-2014.ipynb" },
  { method: "GET", path: "/api/contents/seed-2014.ipynb?content=0" },
  { method: "GET", path: "/api/contents/README.md" },
  { method: "GET", path: "/api/contents/nothing.ipynb" },
  { method: "GET", path: "/api/contents/.git/config" },
  { method: "GET", path: "/api/contents/seed-2014.ipynb?type=directory" },
  { method: "POST", path: "/api/contents/", body: { type: "notebook" } },
  { method: "POST", path: "/api/contents/", body: { type: "notebook" } },
  { method: "POST", path: "/api/contents/", body: { type: "directory" } },
  { method: "POST", path: "/api/contents/", body: { copy_from: "seed-2014.ipynb" } },
  { method: "POST", path: "/api/contents/", body: { ext: ".ipynb" } },
  {
    method: "POST",
    path: "/api/contents/",
    body: { type: "file" },
    differs: { ours: 400, jupyter: 201, why: "nvmesim writes notebooks and folders only" },
  },
  { method: "POST", path: "/api/contents/README.md", body: { type: "notebook" } },
  { method: "POST", path: "/api/contents/nodir", body: { type: "notebook" } },
  { method: "PUT", path: "/api/contents/old.ipynb", body: nb44 },
  { method: "PUT", path: "/api/contents/old.ipynb", body: nb44 },
  { method: "GET", path: "/api/contents/old.ipynb" },
  { method: "PUT", path: "/api/contents/y.ipynb", body: { copy_from: "old.ipynb" } },
  { method: "PUT", path: "/api/contents/newdir", body: { type: "directory" } },
  { method: "PUT", path: "/api/contents/.hidden", body: { type: "directory" } },
  { method: "GET", path: "/api/contents/old.ipynb/checkpoints" },
  { method: "POST", path: "/api/contents/old.ipynb/checkpoints" },
  { method: "GET", path: "/api/contents/old.ipynb/checkpoints" },
  { method: "POST", path: "/api/contents/old.ipynb/checkpoints/checkpoint" },
  { method: "DELETE", path: "/api/contents/old.ipynb/checkpoints/checkpoint" },
  { method: "DELETE", path: "/api/contents/old.ipynb/checkpoints/checkpoint" },
  { method: "GET", path: "/api/contents/old.ipynb/checkpoints/checkpoint" },
  { method: "PATCH", path: "/api/contents/Untitled.ipynb", body: { path: "renamed.ipynb" } },
  { method: "PATCH", path: "/api/contents/renamed.ipynb", body: { path: "Untitled1.ipynb" } },
  { method: "PATCH", path: "/api/contents/renamed.ipynb", body: { path: ".renamed.ipynb" } },
  {
    method: "PATCH",
    path: "/api/contents/renamed.ipynb",
    body: { path: "nodir/renamed.ipynb" },
    differs: {
      ours: 404,
      jupyter: 500,
      why: "a missing folder is the client's mistake, answered before anything moves",
    },
  },
  { method: "PATCH", path: "/api/contents/Untitled%20Folder", body: { path: "Folder" } },
  { method: "DELETE", path: "/api/contents/renamed.ipynb" },
  { method: "DELETE", path: "/api/contents/renamed.ipynb" },
  { method: "DELETE", path: "/api/contents/Folder" },
  { method: "DELETE", path: "/api/contents/.git/config" },
  {
    method: "DELETE",
    path: "/api/contents/README.md",
    differs: { ours: 400, jupyter: 204, why: "nvmesim deletes notebooks and folders only" },
  },
  { method: "GET", path: "/api/contents/?content=0", headers: auth("Token") },
  {
    method: "GET",
    path: "/api/contents/?content=0",
    headers: auth("Bearer"),
    differs: { ours: 200, jupyter: 403, why: "clients send Bearer too; nvmesim takes either scheme" },
  },
  {
    method: "GET",
    path: "/api/contents/?content=0",
    headers: {},
    differs: { ours: 401, jupyter: 403, why: "no token is 401, a wrong one 403" },
  },
  { method: "GET", path: "/api/contents/?content=0", headers: { ...auth(), Host: "evil.example" } },
  {
    method: "GET",
    path: "/api/kernelspecs",
    differs: { ours: 404, jupyter: 200, why: "nvmesim serves contents only; cells run in the page" },
  },
  {
    method: "PUT",
    path: "/api/contents/bad.ipynb",
    body: { type: "notebook", format: "json", content: { nbformat: 4, nbformat_minor: 5, metadata: {}, cells: "no" } },
    differs: { ours: 400, jupyter: 500, why: "an invalid notebook is the client's mistake, and is not written" },
  },
];

/** The fields of a model (or a list's items) that must agree: key set and what they say. */
function shape(a: Answer): unknown {
  const model = (m: Record<string, unknown>): Record<string, unknown> => {
    const keys = Object.keys(m)
      .filter((k) => k !== "hash" && k !== "hash_algorithm" && k !== "traceback")
      .sort();
    // A plain file is writable: false here (nvmesim does not write plain files), so a client opens it read-only.
    const compared = ["name", "path", "type", "format", "mimetype", "id", ...(m.type === "file" ? [] : ["writable"])];
    const fields = Object.fromEntries(compared.filter((k) => k in m).map((k) => [k, m[k]]));
    // Jupyter lists in directory order: compare listings by name.
    const content = Array.isArray(m.content)
      ? (m.content as Record<string, unknown>[])
          .map((c) => model(c))
          .sort((a, b) => String(a.name).localeCompare(String(b.name)))
      : undefined;
    return { keys, ...fields, ...(content ? { content } : {}) };
  };
  if (Array.isArray(a.json)) return a.json.map((m) => model(m as Record<string, unknown>));
  return a.status < 300 && a.text ? model(a.json) : { error: "message" in a.json };
}

describe("the contents API beside Debian's Jupyter Server", () => {
  it("gives Jupyter's answers, request by request, save for the listed differences", async () => {
    const rows: string[] = [];
    for (const step of STEPS) {
      const headers = step.headers ?? auth();
      const mine = await ours.call(step.method, step.path, step.body, headers);
      const theirs = await httpCall(jupyterPort, step.method, step.path, step.body, headers);
      const label = `${step.method} ${step.path} ${step.body ? JSON.stringify(step.body).slice(0, 60) : ""}`;
      if (step.differs) {
        expect([mine.status, theirs.status], `${label}: ${step.differs.why}`).toEqual([
          step.differs.ours,
          step.differs.jupyter,
        ]);
        rows.push(`${label}: ${mine.status} (Jupyter ${theirs.status}: ${step.differs.why})`);
        continue;
      }
      expect(mine.status, `${label}: ${mine.text.slice(0, 200)} / Jupyter: ${theirs.text.slice(0, 200)}`).toBe(
        theirs.status,
      );
      expect(shape(mine), label).toEqual(shape(theirs));
      rows.push(`${label}: ${mine.status}`);
    }
    expect(rows).toHaveLength(STEPS.length);
  });
});
