/**
 * The page's lifecycle actions over HTTP, against a real store: refit, and approve a promotion that
 * waits for approval (`refit: { approval }`), as the dashboard's buttons send them.
 */
import { Subject } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeControl, storeLifecycle } from '../../bin/http/cli.js';
import type { WireHistory, WireMeta } from '../../bin/http/wire.js';
import { httpRequest, startTestPipeline, type TestPipeline } from './helpers.js';

describe('dashboard actions: refit and approve a waiting promotion (real store, free loopback port)', () => {
  let p: TestPipeline;
  const approval = new Subject<string>(); // never emits: promotions wait for the page
  const post = (action: string, series: string[]) =>
    httpRequest(p.dashboard.port, `/api/actions/${action}`, {
      method: 'POST',
      headers: { 'x-streamnorm-token': p.dashboard.token, 'content-type': 'application/json', origin: `http://127.0.0.1:${p.dashboard.port}` },
      body: JSON.stringify({ series }),
    });
  const history = async (series: string): Promise<WireHistory> =>
    JSON.parse((await httpRequest(p.dashboard.port, `/api/history?series=${series}`, { headers: { 'x-streamnorm-token': p.dashboard.token } })).body) as WireHistory;

  beforeAll(async () => {
    p = await startTestPipeline({
      normalize: { freeze: { afterSamples: 2 }, whileFitting: 'drop', refit: { approval } },
      source: (store) => ({ control: storeControl(store), ...storeLifecycle(store) }),
    });
    for (const v of [1, 3]) p.input.next({ series: 's', value: v, time: 1_000 + v });
  });
  afterAll(() => p.close());

  it('offers refit and approve; a refit started from the page waits for approval, and approve promotes it', async () => {
    const meta = JSON.parse((await httpRequest(p.dashboard.port, '/api/meta', { headers: { 'x-streamnorm-token': p.dashboard.token } })).body) as WireMeta;
    expect(meta.actions).toEqual(['freeze', 'refit', 'approve']);
    expect(p.store.params('s')?.version).toBe(1);

    expect(JSON.parse((await post('approve', ['s'])).body)).toEqual({ action: 'approve', done: [] }); // nothing waits yet
    expect(JSON.parse((await post('refit', ['s', 'nope'])).body)).toEqual({ action: 'refit', done: ['s'] });
    for (const v of [10, 30]) p.input.next({ series: 's', value: v, time: 2_000 + v });
    expect(p.store.waitingVersion('s')).toBe(2);
    await expect.poll(async () => (await history('s')).pending, { timeout: 5_000 }).toBe(2);
    p.input.next({ series: 's', value: 20, time: 3_000 });
    expect(p.outputs.at(-1)).toMatchObject({ version: 1 }); // still serving v1 while the promotion waits

    expect(JSON.parse((await post('approve', ['s'])).body)).toEqual({ action: 'approve', done: ['s'] });
    expect(p.store.params('s')).toMatchObject({ version: 2, center: 20 });
    p.input.next({ series: 's', value: 20, time: 3_001 });
    expect(p.outputs.at(-1)).toMatchObject({ version: 2, value: 0 });
    await expect.poll(async () => (await history('s')).pending, { timeout: 5_000 }).toBe(null);
  });
});
