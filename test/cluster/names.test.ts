import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/transport-node';
import { StandardScaler } from '../../src/index.js';
import { decodeSeriesKey, encodeSeriesKey, openFrozenStats, partitionMapping, partitionOf } from '../../connectors/nats/index.js';
import { natsSkipReason, startNats, type NatsServer } from '../helpers/nats.js';

const IDS = ['env,device=d1 site/temp', 'a.b.c', 'x/y/z', ' lead and trail ', 'Zürich °C', '温度/センサー', '🙂', '_5F', 'a_b', 'key=value,k2=v2', '-', 'tab\there', '.', '>', '*'];

describe('series ids as KV keys', () => {
  it('encode to [A-Za-z0-9_-] only and decode back', () => {
    for (const id of IDS) {
      const key = encodeSeriesKey(id);
      expect(key, id).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(decodeSeriesKey(key)).toBe(id);
    }
    expect(new Set(IDS.map(encodeSeriesKey)).size).toBe(IDS.length);
  });
  it('refuses what it never writes, naming the key', () => {
    expect(() => encodeSeriesKey('')).toThrow('a series id must be a non-empty string');
    expect(() => decodeSeriesKey('a.b')).toThrow('not a series key: "a.b"');
    expect(() => decodeSeriesKey('a_2')).toThrow('an _ must be followed by two upper-case hex digits');
    expect(() => decodeSeriesKey('_2f')).toThrow('an _ must be followed');
    expect(() => decodeSeriesKey('_FF')).toThrow('not the canonical UTF-8');
    expect(() => decodeSeriesKey('_41')).toThrow('not the canonical UTF-8'); // "A" is written as A
  });
});

describe.skipIf(natsSkipReason())('on a nats-server', () => {
  let server: NatsServer;
  let nc: NatsConnection;
  beforeAll(async () => {
    server = await startNats({ mappings: partitionMapping('sensors/+/+', 16) });
    nc = await connect({ servers: server.url });
  });
  afterAll(async () => {
    await nc?.close();
    await server?.stop();
  });

  it('series ids with , spaces . / and Unicode round-trip through the KV bucket, with their version history', async () => {
    const stats = await openFrozenStats(nc, { bucket: 'names-stats' });
    for (const [i, id] of IDS.entries()) {
      const v1 = new StandardScaler().learnMany([i, i + 2]).freeze();
      expect((await stats.write(id, v1)).outcome).toBe('written');
      const v2 = new StandardScaler().learnMany([i, i + 4]).freeze(2);
      expect((await stats.write(id, v2)).outcome).toBe('written');
    }
    const back = await stats.read();
    expect(new Set(back.keys())).toEqual(new Set(IDS));
    for (const [i, id] of IDS.entries()) {
      expect(back.get(id)?.params).toMatchObject({ version: 2, center: i + 2 });
      expect((await stats.versions(id)).map((e) => [e.params.version, e.params.center])).toEqual([
        [1, i + 1],
        [2, i + 2],
      ]);
    }
  });

  it('a stale writer can neither overwrite nor fork a version', async () => {
    const a = await openFrozenStats(nc, { bucket: 'names-cas' });
    const b = await openFrozenStats(nc, { bucket: 'names-cas' });
    const v1 = new StandardScaler().learnMany([1, 2, 3]).freeze();
    const other = new StandardScaler().learnMany([5, 6, 9]).freeze();
    expect((await a.write('s', v1)).outcome).toBe('written');
    expect(await b.write('s', other)).toMatchObject({ outcome: 'conflict', existing: { center: 2 } });
    expect((await b.write('s', v1)).outcome).toBe('exists');
    expect((await a.versions('s')).length).toBe(1);
  });

  it("partitionOf is the server's {{partition(n, …)}}: 300 topics land where the mapping puts them", async () => {
    const seen = new Map<string, number>();
    const sub = nc.subscribe('part.>');
    const done = (async () => {
      for await (const m of sub) {
        const [, p, , site, device] = m.subject.split('.');
        seen.set(`${site}/${device}`, Number(p));
        if (seen.size === 300) break;
      }
    })();
    for (let i = 0; i < 300; i++) nc.publish(`sensors.site${i % 13}.dev-${i}-é`);
    await done;
    for (const [key, p] of seen) expect(partitionOf(key.split('/'), 16), key).toBe(p);
    expect(new Set(seen.values()).size).toBe(16);
  });
});
