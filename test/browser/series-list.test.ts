import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPipeline, type TestPipeline } from '../http/helpers.js';
import { hasChromium, launchChromium, outputDir, waitText, watchPage, type PageWatch, type TestBrowser } from './chromium.js';

const N = 10_000;
const FITTING = 1_000;
/** Series ids: 9 000 frozen ones over 10 sites, and 1 000 still fitting. */
const id = (i: number): string => (i < N - FITTING ? `site${i % 10}/dev${i}/temp` : `new/dev${i}/temp`);
/** The raw value of series i after its freeze (distinct for every series). */
const value = (i: number): number => ((i * 7919) % 10007) / 100;
/** A made-up drift score, as the lifecycle would provide. */
const drift = (series: string): number | undefined => (series.startsWith('new/') ? undefined : (Number(/dev(\d+)/.exec(series)?.[1]) * 31) % 1000);

async function feed(p: TestPipeline): Promise<void> {
  // Two values freeze each series (center 1, scale 1), the third is normalized: value − 1.
  for (let i = 0; i < N - FITTING; i++) p.input.next({ series: id(i), value: 0 });
  for (let i = 0; i < N - FITTING; i++) p.input.next({ series: id(i), value: 2 });
  for (let i = 0; i < N; i++) p.input.next({ series: id(i), value: value(i), time: 1_700_000_000_000 + i });
}

const count = (page: Page) => page.locator('#series-count').textContent();
const visibleIds = (page: Page) => page.locator('.rows .row:not([hidden])').evaluateAll((rows) => rows.map((r) => ({ id: r.getAttribute('data-series') as string, top: r.getBoundingClientRect().top as number })).sort((a, b) => a.top - b.top).map((r) => r.id));
const waitCount = (page: Page, text: string) => waitText(page, '#series-count', text);

describe.skipIf(!hasChromium())('series list with 10 000 series in headless Chromium', () => {
  let browser: TestBrowser;
  let plain: TestPipeline;
  let withDrift: TestPipeline;
  let page: Page;
  let watch: PageWatch;

  beforeAll(async () => {
    plain = await startTestPipeline({ normalize: { freeze: { afterSamples: 2 } } });
    withDrift = await startTestPipeline({ normalize: { freeze: { afterSamples: 2 } }, source: { driftScore: drift } });
    await feed(plain);
    await feed(withDrift);
    browser = await launchChromium();
    page = await browser.context.newPage();
    watch = await watchPage(browser.context, page);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await plain?.close();
    await withDrift?.close();
  });

  it('shows all 10 000, with only the rows in view in the DOM', async () => {
    await page.goto(`${plain.dashboard.url}#/series`);
    await waitCount(page, '10,000 of 10,000 series');
    const rows = await page.locator('.rows .row').count();
    expect(rows).toBeGreaterThan(20);
    expect(rows).toBeLessThan(80);
    expect((await visibleIds(page)).slice(0, 3)).toEqual(['new/dev9000/temp', 'new/dev9001/temp', 'new/dev9002/temp']); // natural order
  });

  it('filters by substring, glob, /regex/ and phase', async () => {
    const filter = page.locator('#series-filter');
    await filter.fill('site3/*');
    await waitCount(page, '900 of 10,000 series');
    expect((await visibleIds(page)).every((s) => s.startsWith('site3/'))).toBe(true);
    await filter.fill('DEV12');
    const expected = Array.from({ length: N }, (_, i) => id(i)).filter((s) => s.includes('dev12')).length;
    await waitCount(page, `${expected} of 10,000 series`);
    await filter.fill('/dev1\\d{3}\\//');
    await waitCount(page, '1,000 of 10,000 series');
    await filter.fill('/dev(/');
    await page.locator('#series-filter.invalid').waitFor();
    await filter.fill('');
    await page.locator('#series-phase').selectOption('fitting');
    await waitCount(page, '1,000 of 10,000 series');
    await page.locator('#series-phase').selectOption('');
    await waitCount(page, '10,000 of 10,000 series');
  });

  it('sorts by a column (both ways) and scrolls to the end of the sorted list', async () => {
    // The order the page must show: by normalized value, ties by id in natural order, no value last.
    const collator = new Intl.Collator('en', { numeric: true });
    const rows = plain.dashboard.board.rows().map((r) => ({ s: r[0], v: r[4] }));
    const by = (dir: number) => [...rows].sort((a, b) => (a.v === b.v ? collator.compare(a.s, b.s) : a.v === null ? 1 : b.v === null ? -1 : dir * (a.v - b.v))).map((r) => r.s);
    await page.locator('[data-sort="value"]').click();
    await page.locator('[data-sort="value"][aria-sort="descending"]').waitFor();
    expect((await visibleIds(page)).slice(0, 10)).toEqual(by(-1).slice(0, 10));
    await page.locator('[data-sort="value"]').click();
    await page.locator('[data-sort="value"][aria-sort="ascending"]').waitFor();
    const ascending = by(1);
    expect((await visibleIds(page)).slice(0, 10)).toEqual(ascending.slice(0, 10));
    // Scrolled to the end: the last rows of the sorted list.
    await page.locator('#series-viewport').evaluate((el) => (el.scrollTop = el.scrollHeight));
    await page.locator(`.rows .row:not([hidden])[data-series="${ascending[N - 1]}"]`).waitFor();
    expect((await visibleIds(page)).slice(-5)).toEqual(ascending.slice(-5));
    await page.screenshot({ path: join(outputDir(), 'list-10k.png') });
    await page.locator('#series-viewport').evaluate((el) => (el.scrollTop = 0));
  });

  it("the drift column shows '–' until drift scores exist; with scores it sorts by them", async () => {
    expect(await page.locator('.rows .row:not([hidden]) .c-drift').evaluateAll((cells) => [...new Set(cells.map((c) => c.textContent))])).toEqual(['–']);
    await page.goto(`${withDrift.dashboard.url}#/series`);
    await waitCount(page, '10,000 of 10,000 series');
    await page.locator('[data-sort="drift"]').click(); // descending first: the worst drift on top
    await page.locator('[data-sort="drift"][aria-sort="descending"]').waitFor();
    const top = await visibleIds(page);
    const scores = top.slice(0, 5).map((s) => drift(s));
    expect(scores).toEqual([...scores].sort((a, b) => (b as number) - (a as number)));
    expect(scores[0]).toBe(999);
    expect(await page.locator(`.rows .row[data-series="${top[0]}"] .c-drift`).textContent()).toBe('999');
    expect(await count(page)).toBe('10,000 of 10,000 series');
  });

  it('no console errors, nothing requested outside 127.0.0.1', () => {
    expect([...watch.pageErrors, ...watch.consoleErrors, ...watch.offHost]).toEqual([]);
  });
});
