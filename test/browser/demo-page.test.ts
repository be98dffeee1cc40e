import { copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCli, type CliProcess } from '../bin/cli-process.js';
import { parsePrometheusText, valueOf } from '../http/prom-text.js';
import { hasChromium, inPage, launchChromium, outputDir, waitText, watchPage, type PageWatch, type TestBrowser } from './chromium.js';

/** The README's screenshot; rewritten when STREAMNORM_UPDATE_SCREENSHOT=1 (or when missing). */
const README_SHOT = fileURLToPath(new URL('../../docs/dashboard.png', import.meta.url));
const SERIES = 'site1/dev2/temperature';
/**
 * The demo's training window: 600 ticks of 50 ms, 30 s. The series must still be fitting when the
 * test presses "Freeze now", and a refit window (the same rule) must end within the refit test. The
 * browser is launched before the demo starts, so only the demo's own start and the page's first
 * steps spend the window (3 s here, alone or with the cores busy; a CI run that launched Chromium
 * inside the demo's window spent more than 20 s of it).
 */
const TRAIN = 600;
const PERIOD_MS = 50;
const WINDOW_MS = TRAIN * PERIOD_MS;

if (!hasChromium()) console.warn('browser tests skipped: /usr/bin/chromium is not installed (.ci/run installs the Debian package chromium)');

/**
 * Refit, then see the version change: the step the statistics lifecycle enables (it wires
 * `refit`, and `approve` when promotions need approval, into the demo's control plane).
 */
async function refitAndSeeVersionChange(page: Page, actions: readonly string[]): Promise<void> {
  const before = Number((await page.locator('#series-version').textContent())?.replace(/^v/, ''));
  await page.locator('[data-action="refit"]').click();
  await waitText(page, '#action-message', 'refit: done');
  // The refit window learns with the demo's freeze rule; the promotion follows, or waits for approval.
  const approve = page.locator('[data-action="approve"]:not([disabled])');
  await expect.poll(async () => (await page.locator('#series-version').textContent()) === `v${before + 1}` || (actions.includes('approve') && (await approve.count()) > 0), { timeout: WINDOW_MS + 20_000 }).toBe(true);
  if ((await page.locator('#series-version').textContent()) !== `v${before + 1}`) {
    await approve.click();
    await waitText(page, '#action-message', 'approve: done');
  }
  await waitText(page, '#series-version', `v${before + 1}`, 20_000);
  await page.locator(`#series-versions tr[data-version="${before + 1}"]`).waitFor();
}

describe.skipIf(!hasChromium())('the demo dashboard in headless Chromium (demo started as a process)', () => {
  let demo: CliProcess;
  let url: string;
  let origin: string;
  let browser: TestBrowser;
  let page: Page;
  let watch: PageWatch;
  let actions: string[] = [];
  let demoStarted = 0;
  /** Why a series is no longer fitting when the test expects it to be: the window ran out first. */
  const windowSpent = () => `${Date.now() - demoStarted} ms after the demo started, of its ${WINDOW_MS} ms training window`;

  beforeAll(async () => {
    browser = await launchChromium();
    page = await browser.context.newPage();
    watch = await watchPage(browser.context, page);
    demo = startCli(['demo', '--train', String(TRAIN), '--period', `${PERIOD_MS}ms`], {}, { killAfterMs: 4 * WINDOW_MS + 60_000 }); // the suite's length: not killed before its end
    demoStarted = Date.now();
    await demo.waitFor(/dashboard: (http:\S+)/);
    url = /dashboard: (http:\S+)/.exec(demo.stdout())?.[1] as string;
    origin = new URL(url).origin;
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    demo?.child.kill('SIGINT');
    expect(await demo?.exit).toBe(0);
  });

  it('prints the address: loopback, a free port, a token', () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{43}$/);
    expect(demo.stdout()).toContain(`metrics:   ${origin}/metrics`);
  });

  it('the overview shows the series appear and the readings flow', async () => {
    await page.goto(url);
    await page.locator('#conn[data-state="live"]').waitFor();
    await waitText(page, '[data-metric="series-total"]', '20');
    const meta = await fetch(`${origin}/api/meta`, { headers: { 'X-Streamnorm-Token': new URL(url).searchParams.get('token') as string } });
    actions = ((await meta.json()) as { actions: string[] }).actions;
    expect(actions).toContain('freeze');
    await waitText(page, '[data-metric="readings-rate"]', /^[1-9]/);
    expect(await page.locator('[data-metric="series-fitting"]').textContent(), windowSpent()).toBe('20');
    expect(await page.locator('[data-metric="alarms"]').textContent()).toContain('No drift alarms so far.'); // drift is on; nothing frozen yet
    await page.screenshot({ path: join(outputDir(), 'demo-overview.png') });
  });

  it('the series list: every series, values updating, filter by pattern', async () => {
    await page.locator('[data-nav="series"]').click();
    await waitText(page, '#series-count', '20 of 20 series');
    const raw = page.locator(`.rows .row[data-series="${SERIES}"] .c-raw`);
    const first = (await raw.textContent()) as string;
    await expect.poll(() => raw.textContent(), { timeout: 10_000 }).not.toBe(first); // values update
    await page.locator('#series-filter').fill('site1/*/temperature');
    await waitText(page, '#series-count', '2 of 20 series');
    expect(await page.locator('.rows .row:not([hidden])').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-series')))).toEqual(['site1/dev1/temperature', 'site1/dev2/temperature']);
    await page.screenshot({ path: join(outputDir(), 'demo-list.png') });
  });

  it('opens a series and freezes it now: phase, version and frozen statistics follow', async () => {
    await page.locator(`.rows .row[data-series="${SERIES}"]`).click();
    await page.locator('#series-title').waitFor();
    expect(await page.locator('#series-title').textContent()).toBe(SERIES);
    expect(await page.locator('#series-phase-badge').textContent(), windowSpent()).toBe('fitting');
    expect(await inPage<number>(page, 'window.streamnormStats.events')).toBeGreaterThan(0);
    const freeze = page.locator('[data-action="freeze"]');
    expect(await freeze.isEnabled()).toBe(true);
    expect(await page.locator('[data-action="refit"]').count()).toBe(actions.includes('refit') ? 1 : 0); // not offered: not shown
    await freeze.click();
    await waitText(page, '#action-message', 'freeze: done');
    await waitText(page, '#series-phase-badge', 'frozen');
    expect(await page.locator('#series-version').textContent()).toBe('v1');
    expect(await freeze.isDisabled()).toBe(true);
    await page.locator('#series-versions tr[data-version="1"]').waitFor();
    const fitted = Number((await page.locator('[data-field="stats-fitted on"]').textContent())?.replace(/\D/g, ''));
    expect(fitted).toBeGreaterThan(0);
    expect(fitted).toBeLessThan(TRAIN); // frozen by the button, before its training window was full
    // Frozen outputs keep coming: the normalized value updates with the frozen statistics.
    const value = await page.locator('#series-value').textContent();
    await expect.poll(() => page.locator('#series-value').textContent(), { timeout: 10_000 }).not.toBe(value);
    await page.waitForTimeout(2500); // a few frozen points on the chart after the freeze line
    await page.screenshot({ path: join(outputDir(), 'demo-series.png'), fullPage: true });
    if (process.env.STREAMNORM_UPDATE_SCREENSHOT === '1' || !existsSync(README_SHOT)) copyFileSync(join(outputDir(), 'demo-series.png'), README_SHOT);
  });

  it('refit: the version changes', async () => {
    expect(actions).toContain('refit');
    await refitAndSeeVersionChange(page, actions);
  }, WINDOW_MS + 60_000);

  it('no console errors, and no request left 127.0.0.1', () => {
    expect(watch.pageErrors).toEqual([]);
    expect(watch.consoleErrors).toEqual([]);
    expect(watch.offHost).toEqual([]);
    expect(watch.requests.length).toBeGreaterThan(10);
    for (const r of watch.requests) expect(new URL(r).host).toBe(new URL(origin).host);
  });

  it('/metrics and /readyz of the demo', async () => {
    const m = parsePrometheusText(await (await fetch(`${origin}/metrics`)).text());
    expect(valueOf(m, 'streamnorm_received_readings_total')).toBeGreaterThan(100);
    expect(valueOf(m, 'streamnorm_readings_total')).toBeGreaterThan(100);
    expect(valueOf(m, 'streamnorm_freezes_total')).toBeGreaterThanOrEqual(1);
    expect(valueOf(m, 'streamnorm_dashboard_clients')).toBe(1);
    const ready = await fetch(`${origin}/readyz`);
    expect([ready.status, await ready.json()]).toEqual([200, { ready: true, probes: { 'mqtt-in': true, 'mqtt-out': true } }]);
  });
});
