// Debian's chromium driven by playwright-core (a dev dependency, loaded only
// when used): the browser benchmark and the browser tests start it the same
// way, with a fresh profile and without a downloaded browser.
import type { BrowserContext } from "playwright-core";

export const CHROMIUM = "/usr/bin/chromium";

const ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

/** A headless chromium on `profileDir` (a fresh directory for a fresh profile). */
export async function launchChromium(
  profileDir: string,
  options: { acceptDownloads?: boolean } = {},
): Promise<BrowserContext> {
  const { chromium } = await import("playwright-core");
  return chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    ...options,
  });
}
