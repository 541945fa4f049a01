// The browser tests' chromium: a fresh profile, a page, and every console error and page error kept so
// a test can require there were none.
import { join } from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { expect } from "vitest";
import { launchChromium } from "../../src/cli/chromium";
import { ROOT } from "../../src/wasm/build";

/** Where the browser tests leave their screenshots. */
export const SHOTS = join(ROOT, "test-results/e2e");

export interface Browser {
  context: BrowserContext;
  page: Page;
  errors: string[];
}

export async function openBrowser(profileDir: string): Promise<Browser> {
  const context = await launchChromium(profileDir, { acceptDownloads: true });
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  page.on("console", (m) => void (m.type() === "error" && errors.push(m.text())));
  page.on("pageerror", (e) => errors.push(String(e)));
  return { context, page, errors };
}

/** Ends a browser test: a screenshot named `shot`, the browser closed, and no console or page errors. */
export async function finish(b: Browser, shot: string): Promise<void> {
  await b.page.screenshot({ path: join(SHOTS, `${shot}.png`) });
  await b.context.close();
  expect(b.errors, b.errors.join("\n")).toEqual([]);
}

/** Resolves once no cell is running or queued and the kernel is idle. */
export const idle = (page: Page, timeout = 60_000) =>
  page.waitForFunction(
    () =>
      !document.querySelector(".cell.busy") && document.querySelector("#kernel")?.getAttribute("data-state") === "idle",
    null,
    { timeout },
  );
