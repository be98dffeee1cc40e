import { firstValueFrom, toArray, take } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { connectMqtt, createMqttConnection, mqttSource, type MqttEvent } from 'streamnorm/mqtt';
import { startAedes } from '../../helpers/aedes.js';
import { freePort } from '../../helpers/free-port.js';

describe('MQTT connection handling', () => {
  it('retries with growing backoff and surfaces every error, then gives up with a fatal error', async () => {
    const port = await freePort();
    const conn = createMqttConnection({ url: `mqtt://127.0.0.1:${port}`, backoff: { initialMs: 20, factor: 2, jitter: 0 }, maxReconnectAttempts: 3 });
    const events: MqttEvent[] = [];
    conn.events$.subscribe((e) => events.push(e));
    conn.start();
    await expect(conn.ready).rejects.toThrow(/failed 3 reconnect attempts/);
    const delays = events.flatMap((e) => (e.type === 'reconnect' ? [e.delayMs] : []));
    expect(delays).toEqual([20, 40, 80]);
    const errors = events.filter((e) => e.type === 'error');
    expect(errors.filter((e) => !e.fatal).length).toBeGreaterThanOrEqual(3);
    expect(errors.at(-1)).toMatchObject({ fatal: true });
    await conn.end();
  });

  it('fails a source whose connection gives up', async () => {
    const port = await freePort();
    const source = mqttSource({ connect: { url: `mqtt://127.0.0.1:${port}`, backoff: { initialMs: 10 }, maxReconnectAttempts: 1 }, topics: 'x/#' });
    await expect(firstValueFrom(source.readings$)).rejects.toThrow(/giving up/);
  });

  it('connects once the broker comes up and reconnects after it went away', async () => {
    const port = await freePort();
    const conn = createMqttConnection({ url: `mqtt://127.0.0.1:${port}`, backoff: { initialMs: 50, maxMs: 200 } });
    const connects = firstValueFrom(conn.events$.pipe(take(100), toArray()));
    conn.start();
    await new Promise((r) => setTimeout(r, 150));
    const { startAedesOn } = await import('./aedes-on-port.js');
    let broker = await startAedesOn(port);
    await conn.ready;
    await broker.close();
    await new Promise((r) => setTimeout(r, 100));
    broker = await startAedesOn(port);
    await new Promise<void>((resolve) => {
      const check = (): void => (conn.client.connected ? resolve() : void setTimeout(check, 20));
      check();
    });
    await conn.end();
    await broker.close();
    const types = (await connects).map((e) => e.type);
    expect(types.filter((t) => t === 'connect').length).toBe(2);
    expect(types).toContain('reconnect');
  });

  it('refuses a persistent session without a client id', () => {
    expect(() => createMqttConnection({ url: 'mqtt://127.0.0.1:1', clean: false })).toThrow(/clientId/);
  });

  it('connectMqtt resolves a connected client the caller ends', async () => {
    const broker = await startAedes();
    const client = await connectMqtt({ url: broker.url, protocolVersion: 4 });
    expect(client.connected).toBe(true);
    await client.endAsync();
    await new Promise((r) => setTimeout(r, 100));
    expect(client.connected).toBe(false); // no reconnect after the user's end
    await broker.close();
  });

  it('rejects bad source options at once', () => {
    expect(() => mqttSource({ topics: 'a' })).toThrow(/client or connect/);
    expect(() => mqttSource({ connect: { url: 'mqtt://x' }, topics: 'a/b+' })).toThrow(/wildcard inside/);
    expect(() => mqttSource({ connect: { url: 'mqtt://x' }, topics: [] })).toThrow(/at least one/);
  });
});
