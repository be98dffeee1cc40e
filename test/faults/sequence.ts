import { Subject } from 'rxjs';
import { compileTopicPattern, messageReadings, type CodecSpec } from 'streamnorm/mqtt';
import { normalize, type NormalizeOptions, type Normalized, type Reading } from 'streamnorm';
import { rng } from '../helpers/fixtures.js';

/** One message to publish: topic and payload (text or bytes). */
export interface Message {
  topic: string;
  payload: string | Buffer;
  /** Refused by the codec (dead-lettered). */
  malformed?: boolean;
}

export const TOPICS = 'plant/+site/+device';
export const CODEC: CodecSpec = { kind: 'json', fields: '*', time: 'time' };

/**
 * The known sequence of a fault test: `devices` devices on two sites publish `{temp, hum, time}`
 * every step (event times unique per series, a millisecond apart from a base an hour ago), with the
 * bad input of the issue mixed in when `bad` is set: malformed JSON, invalid UTF-8, a 10 MB
 * payload, NaN / a string / null / "Infinity" values, a message with no value fields, wrong times
 * (-5, 1e20, seconds where milliseconds are configured), out-of-order times, and a device that
 * appears late (an unknown series).
 */
export function faultSequence(o: { devices: number; steps: number; bad?: boolean; seed?: number; big?: boolean; outOfOrder?: boolean }): Message[] {
  const rnd = rng(o.seed ?? 7);
  const base = Date.now() - 3_600_000;
  const out: Message[] = [];
  for (let step = 0; step < o.steps; step++) {
    for (let d = 0; d < o.devices; d++) {
      const topic = `plant/s${d % 2}/d${d}`;
      const time = base + step * 1000 + d;
      const temp = 20 + d + Math.round(rnd() * 1000) / 100;
      const hum = 40 + Math.round(rnd() * 2000) / 100;
      out.push({ topic, payload: JSON.stringify({ temp, hum, time }) });
    }
    if (!o.bad) continue;
    const t = base + step * 1000 + 500;
    if (step === 3) out.push({ topic: 'plant/s0/d0', payload: '{"temp": 2', malformed: true });
    if (step === 5) out.push({ topic: 'plant/s1/d1', payload: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), malformed: true });
    if (step === 7 && o.big) out.push({ topic: 'plant/s0/d0', payload: Buffer.alloc(10 * 1024 * 1024, 0x31), malformed: true });
    if (step === 9) out.push({ topic: 'plant/s0/d0', payload: JSON.stringify({ temp: 'NaN', hum: 'warm', time: t }), malformed: true });
    if (step === 11) out.push({ topic: 'plant/s1/d1', payload: JSON.stringify({ temp: null, hum: 'Infinity', time: t }) });
    if (step === 13) out.push({ topic: 'plant/s0/d0', payload: JSON.stringify({ time: t }) });
    if (step === 15) out.push({ topic: 'plant/s0/d2', payload: JSON.stringify({ temp: 1, hum: 2, time: -5 }) });
    if (step === 17) out.push({ topic: 'plant/s1/d3', payload: JSON.stringify({ temp: 1, hum: 2, time: 1e20 }) });
    if (step === 19) out.push({ topic: 'plant/s0/d2', payload: JSON.stringify({ temp: 3, hum: 4, time: Math.floor(t / 1000) }) });
    if (step === 21 && o.outOfOrder !== false) out.push({ topic: 'plant/s1/d1', payload: JSON.stringify({ temp: 25, hum: 45, time: base + 250 }) });
    if (step >= 23) out.push({ topic: 'plant/s1/late', payload: JSON.stringify({ temp: 10 + step, time: t }) });
  }
  return out;
}

/** The readings the bridge decodes from the messages, in order (as its source does). */
export function decodeAll(messages: readonly Message[], topics = TOPICS): Reading[] {
  const recipe = { pattern: compileTopicPattern(topics), codec: CODEC, timeUnit: 'ms' as const, maxPayloadBytes: 256 * 1024 };
  return messages.flatMap((m) => messageReadings(recipe, m.topic, typeof m.payload === 'string' ? Buffer.from(m.payload) : m.payload, 0).readings);
}

/** The outputs of a fault-free run: the same readings through `normalize` in one process, never completed. */
export function faultFreeOutputs(readings: readonly Reading[], options: NormalizeOptions): Normalized[] {
  const out: Normalized[] = [];
  const input = new Subject<Reading>();
  const sub = input.pipe(normalize(options)).subscribe((n) => out.push(n));
  for (const r of readings) input.next(r);
  sub.unsubscribe();
  return out;
}

/** Keys of the out-of-order readings of a sequence (see `expectSameOutputs`). */
export function outOfOrderKeys(messages: readonly Message[]): Set<string> {
  const latest = new Map<string, number>();
  const keys = new Set<string>();
  for (const r of decodeAll(messages)) {
    const t = r.time as number;
    if (t < (latest.get(r.series) ?? -Infinity)) keys.add(outputKey(r));
    else latest.set(r.series, t);
  }
  return keys;
}

/** The key of an output: its series and time (unique in a fault sequence). */
export function outputKey(o: { series?: string; time?: number | null }, topic?: string): string {
  return `${o.series ?? topic}@${o.time}`;
}
