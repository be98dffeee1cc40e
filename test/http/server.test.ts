import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDashboard } from '../../bin/http/dashboard.js';
import { globToRegExp } from '../../bin/http/routes.js';
import type { WireHistory, WireMeta } from '../../bin/http/wire.js';
import { httpRequest, readingsFor, startTestPipeline, type TestPipeline } from './helpers.js';

describe('dashboard server: pages, data and actions (real pipeline, free loopback port)', () => {
  let p: TestPipeline;
  let port: number;
  let token: string;
  const auth = (): Record<string, string> => ({ 'x-streamnorm-token': token });
  /** A POST as a same-origin page sends it, with `headers` changed ('' removes one). */
  const post = (action: string, body: unknown, headers: Record<string, string> = {}) => {
    const all: Record<string, string> = { ...auth(), 'content-type': 'application/json', origin: `http://127.0.0.1:${port}`, ...headers };
    for (const k of Object.keys(all)) if (all[k] === '') delete all[k];
    return httpRequest(port, `/api/actions/${action}`, { method: 'POST', headers: all, body: JSON.stringify(body) });
  };

  beforeAll(async () => {
    p = await startTestPipeline({ normalize: { freeze: { afterSamples: 3 } } });
    ({ port, token } = p.dashboard);
    for (let k = 0; k < 4; k++) for (const r of readingsFor(4, (i) => i * 10 + k, 1_000 + k)) p.input.next(r); // s0..s3 freeze after 3 values
    p.input.next({ series: 'fitting/a', value: 1 });
    p.input.next({ series: 'fitting/b', value: 'ERR' }); // invalid: fitting/b has no valid value yet
  });
  afterAll(() => p.close());

  it('prints an address on loopback with a long random token', () => {
    expect(p.dashboard.url).toBe(`http://127.0.0.1:${port}/?token=${token}`);
    expect(token).toMatch(/^[\w-]{43}$/);
  });

  it('serves the page, its scripts and uPlot from itself, with a CSP that allows nothing else', async () => {
    const page = await httpRequest(port, '/');
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toContain("default-src 'none'; script-src 'self'");
    expect(page.headers['x-frame-options']).toBe('DENY');
    const srcs = [...page.body.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] as string).filter((s) => !s.startsWith('#'));
    expect(srcs.length).toBeGreaterThan(3);
    for (const src of srcs) {
      expect(src, 'nothing from outside').toMatch(/^\/static\//);
      const asset = await httpRequest(port, src);
      expect(asset.status, src).toBe(200);
    }
    const uplot = await httpRequest(port, '/static/uplot.js');
    expect(uplot.headers['content-type']).toMatch(/^text\/javascript/);
    expect(uplot.body).toContain('uPlot');
    expect((await httpRequest(port, '/static/../package.json')).status).toBe(404);
    expect((await httpRequest(port, '/nope')).status).toBe(404);
  });

  it('data needs the token (query or header)', async () => {
    expect((await httpRequest(port, '/api/meta')).status).toBe(403);
    expect((await httpRequest(port, `/api/meta?token=${token}x`)).status).toBe(403);
    expect((await httpRequest(port, '/events')).status).toBe(403);
    const meta = JSON.parse((await httpRequest(port, `/api/meta?token=${token}`)).body) as WireMeta;
    expect(meta).toMatchObject({ title: 'streamnorm', actions: ['freeze'], drift: false, historyPoints: 300, intervalMs: 250 });
    expect((await httpRequest(port, '/api/meta', { headers: auth() })).status).toBe(200);
  });

  it('lists series (filtered by a glob) and gives one series history with its frozen statistics', async () => {
    const all = JSON.parse((await httpRequest(port, '/api/series', { headers: auth() })).body) as { columns: string[]; rows: unknown[][] };
    expect(all.columns).toEqual(['series', 'phase', 'version', 'raw', 'value', 'time', 'flag', 'drift']);
    expect(all.rows.map((r) => r[0])).toEqual(['fitting/a', 'fitting/b', 's0', 's1', 's2', 's3']);
    expect(all.rows[1]).toEqual(['fitting/b', 'fitting', 0, 'ERR', null, null, 'invalid', null]);
    const some = JSON.parse((await httpRequest(port, `/api/series?match=${encodeURIComponent('s[13]?')}`, { headers: auth() })).body) as { rows: unknown[][] };
    expect(some.rows).toEqual([]); // [ is literal in a glob
    const glob = JSON.parse((await httpRequest(port, '/api/series?match=s*', { headers: auth() })).body) as { rows: unknown[][] };
    expect(glob.rows.map((r) => r[0])).toEqual(['s0', 's1', 's2', 's3']);

    const h = JSON.parse((await httpRequest(port, '/api/history?series=s1', { headers: auth() })).body) as WireHistory;
    expect(h.row.slice(0, 4)).toEqual(['s1', 'frozen', 1, 13]);
    expect(h.row[4]).toBeCloseTo(2 / Math.sqrt(2 / 3), 12); // (13 − 11) / population sd of 10, 11, 12
    expect(h.points.raw).toEqual([10, 11, 12, 13]);
    expect(h.points.time).toEqual([1000, 1001, 1002, 1003]);
    expect(h.points.phase).toEqual(['fitting', 'fitting', 'fitting', 'frozen']); // the 3rd value is in the window
    expect(h.points.version).toEqual([0, 0, 0, 1]);
    expect(h.params).toMatchObject({ version: 1, kind: 'standard', center: 11, count: 3, zeroSpread: false });
    expect(h.versions.map((v) => v.version)).toEqual([1]);
    const later = JSON.parse((await httpRequest(port, `/api/history?series=s1&after=${h.last}`, { headers: auth() })).body) as WireHistory;
    expect(later.points.time).toEqual([]);
    expect((await httpRequest(port, '/api/history?series=nope', { headers: auth() })).status).toBe(404);
    expect((await httpRequest(port, '/api/history', { headers: auth() })).status).toBe(400);
  });

  it('freeze now: a same-origin POST with the token and a JSON body freezes', async () => {
    const res = await post('freeze', { series: ['fitting/a', 'fitting/b', 's0', 'nope'] });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ action: 'freeze', done: ['fitting/a'] }); // b has no valid value; s0 is frozen already
    expect(p.store.phase('fitting/a')).toBe('frozen');
    expect(p.store.phase('fitting/b')).toBe('fitting');
  });

  it('refuses actions without the token, from a foreign Origin or Host, cross-site, or without a JSON body (on loopback too)', async () => {
    p.input.next({ series: 'fitting/c', value: 1 });
    const body = { series: ['fitting/c'] };
    const cases: [string, Record<string, string>, string][] = [
      ['no token', { 'x-streamnorm-token': '' }, 'missing or wrong token'],
      ['wrong token', { 'x-streamnorm-token': token.replace(/^./, (c) => (c === 'a' ? 'b' : 'a')) }, 'missing or wrong token'],
      ['foreign Origin', { origin: 'http://evil.example' }, 'foreign Origin'],
      ['Origin of another local port', { origin: `http://127.0.0.1:${port + 1}` }, 'foreign Origin'],
      ['null Origin (sandboxed frame)', { origin: 'null' }, 'foreign Origin'],
      ['rebound Host', { host: `evil.example:${port}`, origin: `http://evil.example:${port}` }, 'unknown Host'],
      ['Host on another port', { host: `127.0.0.1:${port + 1}`, origin: `http://127.0.0.1:${port + 1}` }, 'unknown Host'],
      ['cross-site fetch', { 'sec-fetch-site': 'cross-site' }, 'cross-site request'],
      ['form post', { 'content-type': 'application/x-www-form-urlencoded' }, 'expected Content-Type: application/json'],
      ['text/plain (no preflight)', { 'content-type': 'text/plain' }, 'expected Content-Type: application/json'],
    ];
    for (const [name, headers, error] of cases) {
      const res = await post('freeze', body, headers);
      expect([name, res.status, JSON.parse(res.body).error]).toEqual([name, 403, error]);
    }
    expect(p.store.phase('fitting/c')).toBe('fitting');
    // A tool without Origin (curl) acts with the token; so does a page on localhost or [::1].
    expect((await post('freeze', body, { origin: '' })).status).toBe(200);
    expect(p.store.phase('fitting/c')).toBe('frozen');
    p.input.next({ series: 'fitting/d', value: 1 });
    expect((await post('freeze', { series: ['fitting/d'] }, { host: `localhost:${port}`, origin: `http://localhost:${port}`, 'sec-fetch-site': 'same-origin' })).status).toBe(200);
  });

  it('answers 404 for actions the control plane does not offer, 400 for a bad body, 413 for a huge one', async () => {
    expect((await post('refit', { series: ['s0'] })).status).toBe(404);
    expect((await post('approve', { series: ['s0'] })).status).toBe(404);
    expect((await post('delete', { series: ['s0'] })).status).toBe(404);
    expect(JSON.parse((await post('freeze', { series: 's0' })).body)).toEqual({ error: 'expected {"series": ["id", ...]}' });
    const bad = await httpRequest(port, '/api/actions/freeze', { method: 'POST', headers: { ...auth(), 'content-type': 'application/json' }, body: '{' });
    expect([bad.status, JSON.parse(bad.body).error]).toEqual([400, 'body is not JSON']);
    const huge = await post('freeze', { series: ['x'.repeat(1 << 20)] });
    expect(huge.status).toBe(413);
    expect((await httpRequest(port, '/api/meta', { method: 'DELETE', headers: auth() })).status).toBe(405);
  });

  it('checks Host on the page and data too (DNS rebinding), but not on /metrics and probes', async () => {
    const evil = { host: `attacker.example:${port}` };
    expect((await httpRequest(port, '/', { headers: evil })).status).toBe(403);
    expect((await httpRequest(port, `/api/series?token=${token}`, { headers: evil })).status).toBe(403);
    expect((await httpRequest(port, '/', { headers: { host: `localhost:${port}` } })).status).toBe(200);
    expect((await httpRequest(port, '/', { headers: { host: `[::1]:${port}` } })).status).toBe(200);
    expect((await httpRequest(port, '/metrics', { headers: evil })).status).toBe(200);
    expect((await httpRequest(port, '/healthz', { headers: evil })).status).toBe(200);
  });

  it('globs: * and ? only, everything else literal', () => {
    expect(globToRegExp('site1/*/temp').test('site1/dev7/temp')).toBe(true);
    expect(globToRegExp('site1/*/temp').test('site10/dev7/temp')).toBe(false);
    expect(globToRegExp('a.b?').test('a.bc')).toBe(true);
    expect(globToRegExp('a.b?').test('axbc')).toBe(false);
  });
});

describe('dashboard server: options', () => {
  it('accepts Host names the operator allows (a reverse proxy) and a fixed token', async () => {
    const p = await startTestPipeline({ dashboard: { allowedHosts: ['streamnorm.plant.local'], token: 'a-fixed-token-of-24-chars' } });
    try {
      const { port } = p.dashboard;
      expect((await httpRequest(port, '/', { headers: { host: 'streamnorm.plant.local' } })).status).toBe(200);
      expect((await httpRequest(port, '/api/meta?token=a-fixed-token-of-24-chars', { headers: { host: 'streamnorm.plant.local:8443' } })).status).toBe(200);
      expect((await httpRequest(port, '/', { headers: { host: 'other.plant.local' } })).status).toBe(403);
    } finally {
      await p.close();
    }
  });

  it('refuses a short token and a busy port', async () => {
    const p = await startTestPipeline();
    try {
      await expect(startDashboard({ source: p.source, token: 'short' })).rejects.toThrow('at least 16 characters');
      await expect(startDashboard({ source: p.source, port: p.dashboard.port, processMetrics: false })).rejects.toThrow(/EADDRINUSE/);
    } finally {
      await p.close();
    }
  });
});

describe('/healthz and /readyz', () => {
  it('/readyz is 200 only when every probe says ready; a probe that throws or hangs is not ready', async () => {
    let broker = false;
    const p = await startTestPipeline({
      dashboard: {
        readiness: {
          'mqtt-in': () => broker,
          influx: async () => true,
          broken: () => {
            throw new Error('x');
          },
        },
      },
    });
    try {
      const { port } = p.dashboard;
      const health = await httpRequest(port, '/healthz');
      expect([health.status, JSON.parse(health.body).status]).toEqual([200, 'ok']);
      let ready = await httpRequest(port, '/readyz');
      expect([ready.status, JSON.parse(ready.body)]).toEqual([503, { ready: false, probes: { 'mqtt-in': false, influx: true, broken: false }, failing: ['mqtt-in', 'broken'] }]);
      broker = true;
      ready = await httpRequest(port, '/readyz');
      expect(JSON.parse(ready.body).failing).toEqual(['broken']);
    } finally {
      await p.close();
    }
    const q = await startTestPipeline({ dashboard: { readiness: { ok: () => true, slow: () => new Promise<boolean>(() => undefined) } } });
    try {
      const ready = await httpRequest(q.dashboard.port, '/readyz');
      expect([ready.status, JSON.parse(ready.body).failing]).toEqual([503, ['slow']]);
    } finally {
      await q.close();
    }
    const r = await startTestPipeline();
    try {
      expect((await httpRequest(r.dashboard.port, '/readyz')).status).toBe(200); // no probes: ready
    } finally {
      await r.close();
    }
  });
});
