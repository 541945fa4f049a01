// The browser tests' chromium: a fresh profile, a page, and every console error and page error kept so
// a test can require there were none.
import type { BrowserContext, Page } from "playwright-core";
import { launchChromium } from "../../src/cli/chromium";

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
