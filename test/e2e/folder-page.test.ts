// Goal: on a folder served by the notebook server, nothing a user types or saves is lost, in chromium: a
// sweep cell with its live chart saves to a valid file; New leaves the open file as it was; the landing
// scratch notebook saves under a name the user gives; toolbar buttons give the keys back to the notebook;
// I,I and 0,0 act as in Jupyter; the file list renames, duplicates, deletes and reverts.
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from "node:fs";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DIST, ensurePage } from "../../src/cli/notebook";
import { notebookProblems } from "../../src/notebook/check";
import { newNotebook, serializeNotebook } from "../../src/notebook/ipynb";
import { startServer } from "../../src/server/server";
import { ROOT } from "../../src/wasm/build";
import { finish, idle, openBrowser, type Browser } from "./browser";

const tmp = mkdtempSync(join(tmpdir(), "nvmesim-folder-page-"));
const dir = join(tmp, "notebooks");
const TOKEN = "folder-page-token";
let server: Server;
let base = "";

beforeAll(async () => {
  cpSync(join(ROOT, "notebooks"), dir, { recursive: true });
  await ensurePage(() => {});
  server = await startServer({ pageDir: DIST, notebookDir: dir, token: TOKEN, host: "127.0.0.1", port: 0 });
  const a = server.address();
  base = `http://127.0.0.1:${typeof a === "object" && a ? a.port : 0}/`;
}, 120_000);
afterAll(() => new Promise<void>((r) => server.close(() => r())));

/** A fresh browser on `query` (a path of the folder, or the landing page). */
async function open(query = ""): Promise<Browser> {
  const b = await openBrowser(mkdtempSync(join(tmp, "profile-")));
  await b.page.goto(`${base}?token=${TOKEN}${query}`);
  await b.page.waitForSelector("#kernel[data-state=idle]", { timeout: 30_000 });
  return b;
}

const read = (name: string) => readFileSync(join(dir, name), "utf8");

describe("the page on a folder of the notebook server", () => {
  it("saves a notebook with a live sweep chart: the file on disk is valid and has the chart once", async () => {
    const b = await open("&path=jens-answer.ipynb");
    await b.page.locator(".cell.code .cm-content").first().click();
    await b.page.keyboard.press("Control+a");
    await b.page.keyboard.type(
      'const live = await sweep({ base: { workload: { number_ios: 20_000 } }, axes: { path: ["blk-mq", "rw_page"], iodepth: [1, 8] } });',
    );
    await b.page.keyboard.press("Control+Enter");
    await idle(b.page);
    expect(await b.page.locator(".cell.code").first().locator(".outputs svg").count()).toBe(1);
    await b.page.keyboard.press("Control+s");
    await b.page.waitForSelector("text=Saved jens-answer.ipynb");
    const saved = JSON.parse(read("jens-answer.ipynb"));
    expect(notebookProblems(saved)).toEqual([]);
    expect(saved.cells.find((c: { cell_type: string }) => c.cell_type === "code").outputs).toMatchObject([
      { output_type: "display_data", data: { "image/svg+xml": expect.any(Array) } },
    ]);
    expect(read(".ipynb_checkpoints/jens-answer-checkpoint.ipynb")).toBe(read("jens-answer.ipynb"));
    await finish(b, "folder-sweep-save");
  });

  it("New leaves the open file as it was and opens a new file beside it", async () => {
    const before = read("prp-anatomy.ipynb");
    const b = await open("&path=prp-anatomy.ipynb");
    await b.page.click("[data-action=new]");
    await b.page.waitForURL(/path=Untitled\.ipynb/);
    await b.page.waitForSelector("#kernel[data-state=idle]");
    expect(await b.page.locator("#name").textContent()).toBe("Untitled.ipynb");
    expect(read("prp-anatomy.ipynb")).toBe(before);
    expect(existsSync(join(dir, "Untitled.ipynb"))).toBe(true);
    await finish(b, "folder-new");
  });

  it("the landing scratch notebook is not a file; Ctrl+S asks for a name and saves it into the folder", async () => {
    const b = await open();
    expect(await b.page.locator("#name").textContent()).toMatch(/^scratch notebook/);
    b.page.once("dialog", (d) => void d.accept("from-scratch"));
    await b.page.keyboard.press("Control+s");
    await b.page.waitForURL(/path=from-scratch\.ipynb/);
    expect(notebookProblems(JSON.parse(read("from-scratch.ipynb")))).toEqual([]);
    await b.page.waitForSelector("#kernel[data-state=idle]");
    expect(await b.page.locator("#name").textContent()).toBe("from-scratch.ipynb");
    await finish(b, "folder-scratch-save");
  });

  it("after a toolbar button, B, Esc and Enter go to the notebook, not the button", async () => {
    const b = await open("&path=queue-depth.ipynb");
    const cells = await b.page.locator(".cell").count();
    await b.page.click("[data-action=clear]");
    await b.page.keyboard.press("Escape");
    await b.page.keyboard.press("b");
    expect(await b.page.locator(".cell").count()).toBe(cells + 1);
    await b.page.click("[data-action=restart]");
    await b.page.waitForSelector("#kernel[data-state=idle]");
    const restarts = await b.page.evaluate(
      () => (window as never as { nvmesimApp: { kernel: { generation: number } } }).nvmesimApp.kernel.generation,
    );
    await b.page.keyboard.press("Enter"); // edit mode on the selected cell, not a second restart
    expect(await b.page.locator("#mode").textContent()).toBe("edit mode");
    expect(
      await b.page.evaluate(
        () => (window as never as { nvmesimApp: { kernel: { generation: number } } }).nvmesimApp.kernel.generation,
      ),
    ).toBe(restarts);
    await finish(b, "folder-toolbar-focus");
  });

  it("I, I interrupts and says a loop needs Restart; 0, 0 restarts after asking", async () => {
    const b = await open("&path=where-rw_page-wins.ipynb");
    await b.page.locator(".cell.code .cm-content").first().click();
    await b.page.keyboard.press("Control+a");
    await b.page.keyboard.type("while (true) {}");
    await b.page.keyboard.press("Control+Enter");
    await b.page.waitForSelector("#kernel[data-state=busy]");
    await b.page.keyboard.press("Escape");
    await b.page.keyboard.press("i");
    await b.page.keyboard.press("i");
    await b.page.waitForSelector("text=a JavaScript loop runs until it ends", { timeout: 5000 });
    let asked = "";
    b.page.once("dialog", (d) => {
      asked = d.message();
      void d.accept();
    });
    await b.page.keyboard.press("0");
    await b.page.keyboard.press("0");
    await b.page.waitForSelector("#kernel[data-state=idle]", { timeout: 30_000 });
    expect(asked).toMatch(/^Restart the kernel\?/);
    await finish(b, "folder-ii-00");
  });

  it("the file list renames, duplicates and deletes (asking first), marks the open notebook, and reverts", async () => {
    const b = await open("&path=seed-2014.ipynb");
    await b.page.click("[data-action=files]");
    await b.page.waitForSelector(".file-list li.open");
    expect(await b.page.locator(".file-list li.open .file-name").textContent()).toBe("seed-2014.ipynb");
    const row = (name: string) =>
      b.page.locator(".file-list li", { has: b.page.locator(`.file-name:text-is("${name}")`) });

    await row("queue-depth.ipynb").locator("[data-file-action=duplicate]").click();
    await b.page.waitForSelector('.file-name:text-is("queue-depth-Copy1.ipynb")');
    b.page.once("dialog", (d) => void d.accept("qd-copy.ipynb"));
    await row("queue-depth-Copy1.ipynb").locator("[data-file-action=rename]").click();
    await b.page.waitForSelector('.file-name:text-is("qd-copy.ipynb")');
    expect(read("qd-copy.ipynb")).toBe(read("queue-depth.ipynb"));
    b.page.once("dialog", (d) => void d.dismiss());
    await row("qd-copy.ipynb").locator("[data-file-action=delete]").click();
    await b.page.waitForTimeout(300);
    expect(existsSync(join(dir, "qd-copy.ipynb"))).toBe(true); // dismissed: kept
    b.page.once("dialog", (d) => void d.accept());
    await row("qd-copy.ipynb").locator("[data-file-action=delete]").click();
    await b.page.waitForSelector('.file-name:text-is("qd-copy.ipynb")', { state: "detached" });
    expect(existsSync(join(dir, "qd-copy.ipynb"))).toBe(false);

    // Upload: a notebook lands in the folder; a file that is not one is refused and nothing is written.
    const upload = join(tmp, "uploaded.ipynb");
    writeFileSync(upload, read("prp-anatomy.ipynb"));
    await b.page.setInputFiles(".files input[type=file]", upload);
    await b.page.waitForSelector('.file-name:text-is("uploaded.ipynb")');
    expect(read("uploaded.ipynb")).toBe(read("prp-anatomy.ipynb"));
    const bogus = join(tmp, "bogus.ipynb");
    writeFileSync(bogus, "{ not a notebook");
    await b.page.setInputFiles(".files input[type=file]", bogus);
    await b.page.waitForSelector("text=bogus.ipynb was not uploaded");
    expect(existsSync(join(dir, "bogus.ipynb"))).toBe(false);
    await b.page.click("[data-file-action='new folder']");
    await b.page.waitForSelector('.file-name:text-is("Untitled Folder")');

    // An edit saved by autosave only; Revert goes back to the checkpoint made when the file was opened.
    const opened = read(".ipynb_checkpoints/seed-2014-checkpoint.ipynb");
    await b.page.locator(".cell.code .cm-content").first().click();
    await b.page.keyboard.press("Control+Home");
    await b.page.keyboard.type("// to be reverted\n");
    await b.page.waitForFunction(
      () => document.querySelector("#autosaved")?.textContent?.startsWith("saved to"),
      null,
      {
        timeout: 15_000,
      },
    );
    expect(read("seed-2014.ipynb")).toContain("// to be reverted");
    b.page.once("dialog", (d) => void d.accept());
    await b.page.keyboard.press("Escape");
    await b.page.click("[data-action=revert]");
    await b.page.waitForSelector("text=Reverted seed-2014.ipynb");
    expect(read("seed-2014.ipynb")).toBe(opened);
    expect(await b.page.locator(".cell.code .cm-content").first().textContent()).not.toContain("// to be reverted");
    expect(readdirSync(dir).filter((n) => n.includes("tmp"))).toEqual([]);
    await finish(b, "folder-file-list");
  });

  it("running every shipped notebook leaves its file as it was; a widget's rerun alone writes nothing", async () => {
    // A folder of its own, as shipped (the other tests here change theirs).
    const shipped = join(tmp, "shipped");
    cpSync(join(ROOT, "notebooks"), shipped, { recursive: true });
    const own = await startServer({ pageDir: DIST, notebookDir: shipped, token: TOKEN, host: "127.0.0.1", port: 0 });
    const a = own.address();
    const at = `http://127.0.0.1:${typeof a === "object" && a ? a.port : 0}/?token=${TOKEN}`;
    const names = readdirSync(shipped).filter((f) => f.endsWith(".ipynb"));
    const mtime = (name: string) => statSync(join(shipped, name)).mtimeMs;
    try {
      for (const name of names) {
        const before = readFileSync(join(shipped, name), "utf8");
        const changed = mtime(name);
        const b = await openBrowser(mkdtempSync(join(tmp, "profile-")));
        await b.page.goto(`${at}&path=${encodeURIComponent(name)}`);
        await b.page.waitForSelector("#kernel[data-state=idle]", { timeout: 30_000 });
        await b.page.click("[data-action=run-all]");
        await idle(b.page, 300_000);
        // Past the file's autosave interval: the page saw the same notebook and wrote nothing.
        await b.page.waitForFunction(() => !document.querySelector("#dirty:not([hidden])"), null, { timeout: 15_000 });
        expect(readFileSync(join(shipped, name), "utf8"), name).toBe(before);
        expect(mtime(name), name).toBe(changed);
        if (name === "this-machine.ipynb")
          expect(await b.page.locator(".outputs").allTextContents()).toEqual(
            expect.arrayContaining([expect.stringMatching(/^Measured on Linux /)]),
          );
        if (name === "queue-depth.ipynb") {
          await b.page.locator(".outputs select").first().selectOption("ram");
          await idle(b.page, 300_000);
          await b.page.waitForTimeout(5_000); // longer than the file's autosave interval
          expect(readFileSync(join(shipped, name), "utf8")).toBe(before);
          expect(await b.page.locator("#dirty").isHidden()).toBe(false); // kept on the page, unsaved
        }
        await finish(b, `shipped-${name.replace(".ipynb", "")}`);
      }
    } finally {
      await new Promise<void>((r) => own.close(() => r()));
    }
  });

  it("the file list's kind label ends before the name begins", async () => {
    const b = await open();
    await b.page.waitForSelector("#files li[data-type=notebook]");
    const gaps = await b.page.evaluate(() =>
      [...document.querySelectorAll("#files li")].map((li) => {
        const label = li.querySelector(".file-kind") as HTMLElement;
        // The label's text may overflow its box: measure the text itself.
        const range = document.createRange();
        range.selectNodeContents(label);
        const text = range.getBoundingClientRect();
        const name = li.querySelector(".file-name")!.getBoundingClientRect();
        return name.left - Math.max(text.right, label.getBoundingClientRect().right);
      }),
    );
    expect(gaps.length).toBeGreaterThan(0);
    expect(Math.min(...gaps)).toBeGreaterThan(2);
    await finish(b, "folder-list-kinds");
  });

  it("a link without the token says so instead of opening a silent scratch notebook", async () => {
    const b = await openBrowser(mkdtempSync(join(tmp, "profile-")));
    await b.page.goto(`${base}?path=prp-anatomy.ipynb`);
    await b.page.waitForSelector("#kernel[data-state=idle]", { timeout: 30_000 });
    expect(await b.page.locator("#notice").textContent()).toMatch(
      /^This page comes from the notebook server, but the link has no token \(or a wrong one\)/,
    );
    await finish(b, "folder-no-token");
  });

  it("a cell replays a recorded log that sits beside its notebook, read through the server", async () => {
    mkdirSync(join(dir, "replays"), { recursive: true });
    writeFileSync(
      join(dir, "replays", "rec.log"),
      "fio version 3 iolog\n0 f add\n0 f open\n1 f read 0 4096\n2 f write 8192 8192\n3 f read 65536 4096\n",
    );
    const nb = newNotebook([
      {
        cell_type: "code",
        source:
          'const r = await simulate({ path: "rw_page", workload: { kind: "iolog", file: "rec.log", ioengine: "libaio", iodepth: 2 } });\n`replayed ${r.jobs[0].read.total_ios} reads and ${r.jobs[0].write.total_ios} write`',
      },
    ]);
    writeFileSync(join(dir, "replays", "replay.ipynb"), serializeNotebook(nb));
    const b = await open("&path=replays/replay.ipynb");
    await b.page.locator(".cell.code .cm-content").first().click();
    await b.page.keyboard.press("Control+Enter");
    await idle(b.page);
    expect(await b.page.locator(".cell.code .outputs").first().textContent()).toContain("replayed 2 reads and 1 write");
    await finish(b, "folder-iolog-replay");
  });

  it("a file the page cannot read is never saved over: the page shows a scratch notebook", async () => {
    const broken = '{"cells": "not a list", "nbformat": 4, "nbformat_minor": 5, "metadata": {}}\n';
    writeFileSync(join(dir, "broken.ipynb"), broken);
    const b = await open("&path=broken.ipynb");
    await b.page.waitForSelector("text=broken.ipynb could not be opened");
    expect(await b.page.locator("#name").textContent()).toMatch(/^scratch notebook/);
    await b.page.locator(".cell.code .cm-content").first().click();
    await b.page.keyboard.type("// typed on the scratch");
    await b.page.waitForTimeout(5500); // past the file autosave's interval
    expect(read("broken.ipynb")).toBe(broken);
    await finish(b, "folder-broken-file");
  });
});
