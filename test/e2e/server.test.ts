// Goal: through `npm start`, a newcomer's path works end to end: the printed URL (with its token) opens
// the notebook list, a shipped notebook opens from it, Run all works, and Ctrl+S writes the file back to
// disk, changed and valid.
import { spawn, type ChildProcess } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openBrowser } from "./browser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { notebookProblems } from "../../src/notebook/check";
import { ROOT } from "../../src/wasm/build";

const tmp = mkdtempSync(join(tmpdir(), "nvmesim-start-"));
const dir = join(tmp, "notebooks");
cpSync(join(ROOT, "notebooks"), dir, { recursive: true });
let child: ChildProcess | undefined;
afterAll(() => {
  if (child?.pid) process.kill(-child.pid, "SIGTERM");
});

/** Starts `npm start` on a free port for `dir`; resolves with the URL it prints. */
function npmStart(): Promise<string> {
  return new Promise((resolve, reject) => {
    child = spawn("npm", ["start", "--", "--port", "0", "--dir", dir], {
      cwd: ROOT,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const started = child;
    let out = "";
    let err = "";
    started.stdout!.on("data", (d) => {
      out += d;
      const m = /http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]+/.exec(out);
      if (m) resolve(m[0]);
    });
    started.stderr!.on("data", (d) => (err += d));
    started.on("exit", (code) => reject(new Error(`npm start exited (${code}): ${out}\n${err}`)));
  });
}

let url = "";
beforeAll(async () => {
  url = await npmStart();
}, 120_000);

describe("npm start", () => {
  it("serves the shipped notebooks: open one, Run all, save it back to disk", async () => {
    const shots = join(ROOT, "test-results/e2e");
    mkdirSync(shots, { recursive: true });
    const { context, page, errors } = await openBrowser(mkdtempSync(join(tmp, "profile-")));
    try {
      await page.goto(url);
      await page.waitForSelector("#files a");
      expect(await page.locator("#files a").allTextContents()).toEqual([
        "data", // the measurements this-machine.ipynb stored
        "jens-answer.ipynb",
        "prp-anatomy.ipynb",
        "queue-depth.ipynb",
        "rw_page-today.ipynb",
        "seed-2014.ipynb",
        "this-machine.ipynb",
        "where-rw_page-wins.ipynb",
      ]);
      expect(page.url()).not.toContain("token="); // kept by the tab, out of the address bar
      await page.click("#files a:text('prp-anatomy.ipynb')");
      await page.waitForSelector("#kernel[data-state=idle]");
      expect(await page.locator("#name").textContent()).toBe("prp-anatomy.ipynb");
      const before = readFileSync(join(dir, "prp-anatomy.ipynb"), "utf8");
      await page.locator(".cell.code .cm-content").first().click();
      await page.keyboard.press("Control+Home");
      await page.keyboard.type("// edited in the browser\n");
      await page.keyboard.press("Escape");
      await page.click("[data-action=run-all]");
      await page.waitForFunction(
        () =>
          !document.querySelector(".cell.busy") &&
          document.querySelector("#kernel")?.getAttribute("data-state") === "idle",
        null,
        { timeout: 30_000 },
      );
      await page.keyboard.press("Control+s");
      await page.waitForSelector("text=Saved prp-anatomy.ipynb");
      const after = readFileSync(join(dir, "prp-anatomy.ipynb"), "utf8");
      expect(after).not.toBe(before);
      expect(after).toContain("// edited in the browser");
      expect(notebookProblems(JSON.parse(after))).toEqual([]);
      expect(
        JSON.parse(after)
          .cells.filter((c: { cell_type: string }) => c.cell_type === "code")
          .every((c: { outputs: unknown[] }) => c.outputs.length > 0),
      ).toBe(true);
      await page.screenshot({ path: join(shots, "npm-start.png") });
    } finally {
      await context.close();
    }
    expect(errors, errors.join("\n")).toEqual([]);
  });

  it("asks before overwriting a file changed on disk, and overwrites only when told to", async () => {
    const { context, page, errors } = await openBrowser(mkdtempSync(join(tmp, "profile-")));
    const file = join(dir, "jens-answer.ipynb");
    try {
      await page.goto(`${url}&path=jens-answer.ipynb`);
      await page.waitForSelector("#kernel[data-state=idle]");
      expect(await page.locator("#name").textContent()).toBe("jens-answer.ipynb");
      const theirs = readFileSync(file, "utf8").replace("Jens Axboe", "J. Axboe (edited elsewhere)");
      writeFileSync(file, theirs); // someone else saves the file meanwhile
      await page.locator(".cell.code .cm-content").first().click();
      await page.keyboard.press("Control+Home");
      await page.keyboard.type("// mine\n");
      page.once("dialog", (d) => {
        expect(d.message()).toContain("jens-answer.ipynb changed on disk since you opened it");
        void d.dismiss();
      });
      await page.keyboard.press("Control+s");
      await page.waitForSelector("text=changed on disk and was not overwritten");
      expect(readFileSync(file, "utf8")).toBe(theirs);
      page.once("dialog", (d) => void d.accept());
      await page.keyboard.press("Control+s");
      await page.waitForSelector("text=Saved jens-answer.ipynb");
      expect(readFileSync(file, "utf8")).toContain("// mine");
      expect(existsSync(join(dir, ".ipynb_checkpoints/jens-answer-checkpoint.ipynb"))).toBe(true);
      await page.screenshot({ path: join(ROOT, "test-results/e2e/npm-start-conflict.png") });
    } finally {
      await context.close();
    }
    expect(errors, errors.join("\n")).toEqual([]);
  });

  it("stops its server when npm itself gets SIGTERM or SIGINT (Ctrl-C), and warns when it listens beyond loopback", async () => {
    for (const [signal, host] of [
      ["SIGTERM", "127.0.0.1"],
      ["SIGINT", "0.0.0.0"],
    ] as const) {
      const npm = spawn("npm", ["start", "--", "--port", "0", "--host", host, "--dir", dir], {
        cwd: ROOT,
        stdio: ["ignore", "pipe", "pipe"],
      });
      let out = "";
      let err = "";
      npm.stderr!.on("data", (d) => (err += d));
      const port = await new Promise<number>((resolve, reject) => {
        npm.stdout!.on("data", (d) => {
          out += d;
          const m = /:(\d+)\/\?token=/.exec(out);
          if (m) resolve(Number(m[1]));
        });
        npm.on("exit", (code) => reject(new Error(`npm start exited (${code}): ${out}\n${err}`)));
      });
      const answers = () =>
        fetch(`http://127.0.0.1:${port}/`).then(
          (r) => r.status,
          () => 0,
        );
      expect(await answers()).toBe(200);
      if (host === "0.0.0.0") expect(err).toMatch(/warning: listening on 0\.0\.0\.0, not loopback/);
      else expect(err).not.toMatch(/warning/);
      npm.kill(signal); // npm alone, as a terminal or a supervisor signals it
      await new Promise((r) => npm.once("exit", r));
      const deadline = Date.now() + 10_000;
      while ((await answers()) !== 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(await answers(), `the server still answers after ${signal} to npm`).toBe(0);
    }
  }, 120_000);
});
