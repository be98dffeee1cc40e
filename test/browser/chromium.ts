import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** Debian's Chromium (`.ci/run` installs the `chromium` package; `npx playwright install` cannot download here). */
export const CHROMIUM = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';

/** The flags every browser test runs with: headless, no sandbox (root in CI), nothing phoning home. */
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

/** Where browser tests save screenshots (ignored by git: test/browser/.gitignore). */
export const OUTPUT_DIR = fileURLToPath(new URL('./.output/', import.meta.url));

/** True when Chromium is installed. */
export function hasChromium(): boolean {
  return existsSync(CHROMIUM);
}

/** A browser with a fresh user-data directory (removed on close). */
export interface TestBrowser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** Launches headless Chromium with a fresh profile; `extraArgs` add flags (e.g. host resolver rules). */
export async function launchChromium(extraArgs: readonly string[] = []): Promise<TestBrowser> {
  const userDataDir = mkdtempSync(join(tmpdir(), 'streamnorm-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: [...CHROMIUM_ARGS, ...extraArgs],
    viewport: { width: 1280, height: 900 },
  });
  context.setDefaultTimeout(15_000); // fail with the step's name before the test's own timeout
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/** What a page did: console errors, uncaught exceptions, every request, and requests to other hosts (aborted). */
export interface PageWatch {
  consoleErrors: string[];
  pageErrors: string[];
  requests: string[];
  /** Requests to anything but `allowedHost`: aborted by route interception, and listed here. */
  offHost: string[];
}

/**
 * Watches a page: console errors and uncaught exceptions are collected, and every request that
 * would leave `allowedHost` (default 127.0.0.1) is aborted by route interception and recorded.
 */
export async function watchPage(context: BrowserContext, page: Page, allowedHost = '127.0.0.1'): Promise<PageWatch> {
  const watch: PageWatch = { consoleErrors: [], pageErrors: [], requests: [], offHost: [] };
  page.on('console', (m) => {
    if (m.type() === 'error') watch.consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => watch.pageErrors.push(e.message));
  page.on('request', (r) => watch.requests.push(r.url()));
  await context.route(
    (url) => url.hostname !== allowedHost,
    (route) => {
      watch.offHost.push(route.request().url());
      return route.abort();
    },
  );
  return watch;
}

/** Makes the output folder. */
export function outputDir(): string {
  mkdirSync(OUTPUT_DIR, { recursive: true });
  return OUTPUT_DIR;
}

/** `text` as an anchored regular expression (a locator's `hasText` otherwise matches substrings). */
export function exactly(text: string): RegExp {
  return new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
}

/**
 * Waits until the element `selector` shows exactly `text` (or matches the pattern). The page's
 * DOM is typed only in the page's own program, so tests wait through locators, not page functions.
 */
export async function waitText(page: Page, selector: string, text: string | RegExp, timeout?: number): Promise<void> {
  await page
    .locator(selector)
    .filter({ hasText: typeof text === 'string' ? exactly(text) : text })
    .first()
    .waitFor(timeout === undefined ? {} : { timeout });
}

/** Evaluates an expression in the page (a string: the Node program has no DOM types). */
export async function inPage<T>(page: Page, expression: string): Promise<T> {
  return (await page.evaluate(expression)) as T;
}
