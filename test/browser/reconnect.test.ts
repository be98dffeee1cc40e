import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPipeline, type TestPipeline } from '../http/helpers.js';
import { hasChromium, inPage, launchChromium, waitText, watchPage, type PageWatch, type TestBrowser } from './chromium.js';

const SERIES = 20;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Every row the list shows: series → raw value text. */
const shownRows = (page: Page) => page.locator('.rows .row:not([hidden])').evaluateAll((rows) => Object.fromEntries(rows.map((r) => [r.getAttribute('data-series'), r.querySelector('.c-raw')?.textContent])));
/** The same from the server's side. */
const serverRows = (p: TestPipeline) => Object.fromEntries(p.dashboard.board.rows().map((r) => [r[0], String(r[3])]));
const opens = (page: Page) => inPage<number>(page, 'window.streamnormStats.opens');
const waitAll = (page: Page, n: number) => waitText(page, '#series-count', `${n} of ${n} series`);

/**
 * Loads the list, cuts the page's event stream on the server side, changes every series (and adds
 * one) while the browser reconnects, and returns once the page is connected again.
 */
async function dropAndChange(p: TestPipeline, page: Page): Promise<void> {
  await page.goto(`${p.dashboard.url}#/series`);
  await waitAll(page, SERIES);
  expect(await opens(page)).toBe(1);
  p.dashboard.stream.dropAll(); // the connection drops; EventSource retries after 1 s with Last-Event-ID
  for (let k = 1; k <= 12; k++) {
    for (let i = 0; i < SERIES; i++) p.input.next({ series: `s${i}`, value: 1000 * k + i });
    if (k === 6) p.input.next({ series: 'late/series', value: 7 });
    await sleep(40);
  }
  await expect.poll(() => opens(page), { timeout: 10_000 }).toBe(2); // (the page's CSP forbids string predicates: no eval)
}

describe.skipIf(!hasChromium())('a reconnecting page misses no series update (headless Chromium)', () => {
  let browser: TestBrowser;
  let page: Page;
  let watch: PageWatch;
  const pipelines: TestPipeline[] = [];

  beforeAll(async () => {
    browser = await launchChromium();
    page = await browser.context.newPage();
    watch = await watchPage(browser.context, page);
  });
  afterAll(async () => {
    await browser?.close();
    for (const p of pipelines) await p.close();
  });

  const start = async (replayEvents: number): Promise<TestPipeline> => {
    const p = await startTestPipeline({ normalize: { freeze: { afterSamples: 2 } }, dashboard: { intervalMs: 50, replayEvents } });
    pipelines.push(p);
    for (let i = 0; i < SERIES; i++) p.input.next({ series: `s${i}`, value: i });
    return p;
  };

  it('replays the events after Last-Event-ID', async () => {
    const p = await start(512);
    await dropAndChange(p, page);
    await waitAll(page, SERIES + 1);
    await sleep(200);
    expect(await shownRows(page)).toEqual(serverRows(p));
    expect((await shownRows(page))['s3']).toBe('12003');
    expect(p.dashboard.stream.stats()).toMatchObject({ replays: 1, snapshots: 1, clients: 1 }); // one snapshot at the first load, then a replay
    expect(await inPage<number>(page, 'window.streamnormStats.snapshots')).toBe(1);
  });

  it('sends a snapshot when the events it missed are no longer kept', async () => {
    const p = await start(2);
    await dropAndChange(p, page);
    await waitAll(page, SERIES + 1);
    await sleep(200);
    expect(await shownRows(page)).toEqual(serverRows(p));
    expect(p.dashboard.stream.stats()).toMatchObject({ replays: 0, snapshots: 2 });
  });

  it('no page errors; the only console errors are the dropped connections', () => {
    expect(watch.pageErrors).toEqual([]);
    expect(watch.offHost).toEqual([]);
    for (const e of watch.consoleErrors) expect(e).toMatch(/ERR_INCOMPLETE_CHUNKED_ENCODING|net::ERR_/);
  });
});
