/**
 * The split index's router: it learns where a fleet's ids differ from the ids held at the split,
 * and the shards then take their intended shares of the ids (shard i about 2^(i/16) parts), for id
 * shapes the ten fixed places it used before spread badly on (MQTT topics with a field suffix, MAC
 * addresses, Home Assistant entity ids) as for plain ones.
 */
import { describe, expect, it } from 'vitest';
import { IdRouter, SAMPLE, SHARDS } from '../../../operators/store/id-router.js';
import { SeriesIndex, SPLIT_AT } from '../../../operators/store/series-index.js';

const hex = (i: number): string => {
  let s = '';
  let x = Math.imul(i + 1, 2654435761) >>> 0;
  for (let k = 0; k < 32; k++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    s += (x >>> 28).toString(16);
  }
  return s;
};
const byte = (b: number): string => (b & 255).toString(16).padStart(2, '0');

const shapes: Record<string, (i: number) => string> = {
  'site and device': (i) => `site${i % 97}/dev${i}/temperature`,
  sequential: (i) => `sensor-${i}`,
  'zero-padded': (i) => `sensor-${String(i).padStart(7, '0')}`,
  hex,
  'MQTT topic with a field suffix': (i) => `plant/${i % 5}/line-${(i >> 3) % 40}/machine-${i >> 3}/vibration_${'xyzw'[i & 3]}${'ab'[(i >> 2) & 1]}`,
  'MAC address': (i) => `gw-01/${byte(i >> 16)}:${byte(i >> 8)}:${byte(i)}/rssi`,
  'Home Assistant entity': (i) => `sensor.room_${i >> 2}_${['temp', 'hum', 'co2', 'lux'][i & 3]}`,
};

/** A router fitted as the index fits it at its split: on ids spread over the first {@link SPLIT_AT}. */
function fitted(shape: (i: number) => string): IdRouter {
  return IdRouter.fit(Array.from({ length: SAMPLE }, (_, k) => shape(Math.floor((k * (SPLIT_AT - 1)) / (SAMPLE - 1)))));
}

/** Each shard's share of `n` ids routed by `router`, divided by its intended share. */
function shareRatios(router: IdRouter, shape: (i: number) => string, n: number): number[] {
  const counts = new Array<number>(SHARDS).fill(0);
  for (let i = 0; i < n; i++) {
    const s = router.shard(shape(i));
    counts[s] = (counts[s] as number) + 1;
  }
  const weights = Array.from({ length: SHARDS }, (_, i) => 2 ** (i / SHARDS));
  const total = weights.reduce((a, b) => a + b, 0);
  return counts.map((c, i) => c / n / ((weights[i] as number) / total));
}

describe('IdRouter', () => {
  for (const [name, shape] of Object.entries(shapes)) {
    it(`spreads ids shaped "${shape(123456)}" over the shards in their intended shares`, () => {
      const router = fitted(shape);
      expect(router.fixed).toBe(false);
      const ratios = shareRatios(router, shape, 300_000);
      expect(Math.min(...ratios), name).toBeGreaterThan(0.75);
      expect(Math.max(...ratios), name).toBeLessThan(1.3);
    });
  }

  it('reads the characters that vary: for a field suffix, the device number before it', () => {
    const shape = shapes['MQTT topic with a field suffix'] as (i: number) => string;
    const router = fitted(shape);
    // `…/machine-15432/vibration_xa`: the suffix is 13 characters; −14 and −15 are the last digits.
    expect(router.places).toContain(-14);
    expect(router.places).toContain(-15);
    for (const p of router.places) {
      const at = (id: string): string => (p >= 0 ? (id[Math.min(p, id.length - 1)] as string) : (id[Math.max(0, id.length + p)] as string));
      const seen = new Set(Array.from({ length: SAMPLE }, (_, i) => at(shape(i))));
      expect(seen.size, `place ${p}`).toBeGreaterThan(1);
    }
  });

  it('reads the ten fixed places when the part that varies lies beyond its reach, and they still spread', () => {
    const shape = (i: number): string => `${'x'.repeat(40)}${i}${'y'.repeat(40)}`;
    const router = fitted(shape);
    expect(router.fixed).toBe(true);
    const ratios = shareRatios(router, shape, 100_000);
    expect(Math.min(...ratios)).toBeGreaterThan(0.6);
    expect(Math.max(...ratios)).toBeLessThan(1.5);
  });

  it('routes any id, the empty one and ids shorter than its places included; fitting the same ids gives the same routes', () => {
    const router = fitted((i) => `sensor-${i}`);
    const again = fitted((i) => `sensor-${i}`);
    expect(again.places).toEqual(router.places);
    for (const id of ['', 'x', 'ab', 'é', '長い名前', 'sensor-1', 'a'.repeat(1000)]) {
      const s = router.shard(id);
      expect(Number.isInteger(s) && s >= 0 && s < SHARDS).toBe(true);
      expect(again.shard(id)).toBe(s);
    }
    expect(IdRouter.fit([]).fixed).toBe(true);
  });

  it('never takes a place whose character does not vary', () => {
    const same = IdRouter.fit(Array.from({ length: 10 }, () => 'one-id'));
    expect(same.fixed).toBe(false);
    expect(same.places).toEqual([-1, -1, -1, -1]); // none taken: the placeholder, the last character
    const s = same.shard('one-id');
    expect(Number.isInteger(s) && s >= 0 && s < SHARDS).toBe(true);
  });
});

describe('SeriesIndex with a learned router', () => {
  it('answers as a Map for ids shaped like MQTT topics, across the split and after it', () => {
    const shape = shapes['MQTT topic with a field suffix'] as (i: number) => string;
    const ix = new SeriesIndex();
    const n = SPLIT_AT * 4;
    for (let i = 0; i < n; i++) ix.set(shape(i), i);
    expect(ix.size).toBe(n);
    for (let i = 0; i < n; i += 3) expect(ix.get(shape(i))).toBe(i);
    expect(ix.get(shape(n))).toBeUndefined();
    const slots = new Int32Array(4);
    ix.lookupMany([shape(0), shape(n - 1), shape(n), shape(5)].map((series) => ({ series })), 4, slots);
    expect(Array.from(slots)).toEqual([0, n - 1, -1, 5]);
  });
});
