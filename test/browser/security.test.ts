import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPipeline, type TestPipeline } from '../http/helpers.js';
import { hasChromium, launchChromium, type TestBrowser } from './chromium.js';

/** A page on another origin (another port of 127.0.0.1): what a malicious local page can do. */
async function startOtherOrigin(): Promise<{ server: Server; origin: string }> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html' });
    res.end('<!doctype html><title>elsewhere</title><p>another site</p>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe.skipIf(!hasChromium())('another page in the same browser cannot act or read (headless Chromium)', () => {
  let p: TestPipeline;
  let other: { server: Server; origin: string };
  let browser: TestBrowser;

  beforeAll(async () => {
    p = await startTestPipeline();
    for (const series of ['victim', 'mine']) p.input.next({ series, value: 1 });
    other = await startOtherOrigin();
    browser = await launchChromium([`--host-resolver-rules=MAP rebind.test 127.0.0.1`]);
  });
  afterAll(async () => {
    await browser?.close();
    other?.server.close();
    await p?.close();
  });

  it('cross-site requests (fetch, a form, even with the token) do not freeze anything, and cannot read data', async () => {
    const page = await browser.context.newPage();
    await page.goto(other.origin);
    const { origin, token } = p.dashboard;
    const results = await page.evaluate(
      async ({ origin, token }) => {
        const body = JSON.stringify({ series: ['victim'] });
        const attempt = async (f: () => Promise<Response>): Promise<string> => {
          try {
            const r = await f();
            return `answered ${r.type} ${r.status}`;
          } catch (e) {
            return `failed: ${(e as Error).name}`;
          }
        };
        return {
          noCors: await attempt(() => fetch(`${origin}/api/actions/freeze`, { method: 'POST', mode: 'no-cors', headers: { 'Content-Type': 'text/plain' }, body })),
          noCorsJson: await attempt(() => fetch(`${origin}/api/actions/freeze`, { method: 'POST', mode: 'no-cors', headers: { 'Content-Type': 'application/json', 'X-Streamnorm-Token': token }, body })),
          withToken: await attempt(() => fetch(`${origin}/api/actions/freeze`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Streamnorm-Token': token }, body })),
          read: await attempt(() => fetch(`${origin}/api/series?token=${token}`)),
        };
      },
      { origin, token },
    );
    // no-cors requests go out but are refused (a no-cors request carries neither the token header
    // nor a JSON content type), and Cross-Origin-Resource-Policy hides even the opaque answer;
    // with the token header a CORS preflight is needed, which is never granted; reads need CORS too.
    expect(results).toEqual({ noCors: 'failed: TypeError', noCorsJson: 'failed: TypeError', withToken: 'failed: TypeError', read: 'failed: TypeError' });
    // A form post (navigates to the answer).
    // (a string: the Node program has no DOM types)
    await page.evaluate(`{
      const form = document.createElement('form');
      form.method = 'POST';
      form.action = ${JSON.stringify(`${origin}/api/actions/freeze?token=${token}`)};
      form.enctype = 'text/plain';
      const input = document.createElement('input');
      input.name = '{"series":["victim"],"x":"';
      input.value = '"}';
      form.append(input);
      document.body.append(form);
      form.submit();
    }`);
    await page.waitForURL(/api\/actions\/freeze/);
    expect(await page.textContent('body')).toContain('missing or wrong token');
    expect(p.store.phase('victim')).toBe('fitting');
    await page.close();
  });

  it('a name rebound to 127.0.0.1 (DNS rebinding) gets neither the page nor the data nor the actions', async () => {
    const page = await browser.context.newPage();
    const { port, token } = p.dashboard;
    const res = await page.goto(`http://rebind.test:${port}/?token=${token}`);
    expect(res?.status()).toBe(403);
    const answers = await page.evaluate(async (token) => {
      const read = await fetch(`/api/series?token=${token}`);
      const act = await fetch('/api/actions/freeze', { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Streamnorm-Token': token }, body: JSON.stringify({ series: ['victim'] }) });
      return [read.status, await read.text(), act.status, await act.text()];
    }, token);
    expect(answers).toEqual([403, '{"error":"unknown Host"}', 403, '{"error":"unknown Host"}']);
    expect(p.store.phase('victim')).toBe('fitting');
    await page.close();
  });

  it('the dashboard page itself can act (the refusals above are not refusing everything)', async () => {
    const page = await browser.context.newPage();
    await page.goto(p.dashboard.url);
    const status = await page.evaluate(async (token) => (await fetch('/api/actions/freeze', { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Streamnorm-Token': token }, body: JSON.stringify({ series: ['mine'] }) })).status, p.dashboard.token);
    expect(status).toBe(200);
    expect([p.store.phase('mine'), p.store.phase('victim')]).toEqual(['frozen', 'fitting']);
    await page.close();
  });
});
