/**
 * The flat per-slot arrays of a store grow by copying while small and in place (in a shared
 * WebAssembly memory) from 1 MiB on, falling back to copying where no wasm memory can be had. These tests check
 * that every growth keeps what was written and zeroes the new room, on each route, and that slot
 * records read back exactly after growing far past the switch.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { GrowableDoubles, IN_PLACE_BYTES, wasmMemoryBytes } from '../../../operators/store/growable-doubles.js';
import { SlotRecords } from '../../../operators/store/slot-records.js';
import type { FrozenParams } from '../../../src/scalers/frozen.js';
import { MinMaxScaler } from '../../../src/scalers/minmax.js';
import { StandardScaler } from '../../../src/scalers/standard.js';

/** Grows `g` in steps to `doubles`, writing a distinct value at each new index, and checks all. */
function fillAndCheck(g: GrowableDoubles, doubles: number): void {
  let written = 0;
  while (written < doubles) {
    const a = g.grow(written + 1);
    let dirty = 0;
    for (let i = written; i < a.length; i++) if (a[i] !== 0) dirty++;
    expect(dirty).toBe(0);
    const upto = Math.min(a.length, doubles);
    for (let i = written; i < upto; i++) a[i] = i + 0.5;
    written = upto;
  }
  const a = g.array;
  let wrong = 0;
  for (let i = 0; i < doubles; i++) if (a[i] !== i + 0.5) wrong++;
  expect(wrong).toBe(0);
}

const wasm = (globalThis as { WebAssembly?: unknown }).WebAssembly;
afterEach(() => {
  (globalThis as { WebAssembly?: unknown }).WebAssembly = wasm;
});

describe('GrowableDoubles', () => {
  it('keeps every value while copying, across the switch and while growing in place', () => {
    const g = new GrowableDoubles();
    const doubles = (IN_PLACE_BYTES / 8) * 5;
    fillAndCheck(g, doubles);
    expect(g.inPlace).toBe(true);
    expect(g.array.length).toBeGreaterThanOrEqual(doubles);
    // In place, the room beyond what is asked is under a sixteenth plus one 64 KiB page.
    expect(g.array.length - doubles).toBeLessThan(doubles / 16 + 8192);
  });

  it('copies below the switch, a sixteenth more each time', () => {
    const g = new GrowableDoubles();
    expect(g.grow(1).length).toBe(256);
    expect(g.grow(257).length).toBe(256 + 256);
    expect(g.grow(10_000).length).toBe(10_000);
    expect(g.grow(10_001).length).toBe(10_000 + 625);
    expect(g.inPlace).toBe(false);
  });

  it('growing in place detaches nothing: the array before stays valid at its old length', () => {
    const g = new GrowableDoubles();
    const first = g.grow(IN_PLACE_BYTES / 8);
    expect(g.inPlace).toBe(true);
    first[7] = 7;
    const second = g.grow(first.length + 1);
    expect(second === first).toBe(false);
    expect(first.length).toBe(IN_PLACE_BYTES / 8);
    expect(second.length).toBeGreaterThan(first.length);
    expect(second[7]).toBe(7);
    second[8] = 8;
    expect(first[8]).toBe(8); // one memory
    expect(first.buffer instanceof SharedArrayBuffer).toBe(true);
  });

  it('wasmMemoryBytes counts the pages an in-place array holds, which memoryUsage() does not', () => {
    const before = wasmMemoryBytes();
    const external = process.memoryUsage().external;
    const g = new GrowableDoubles();
    g.grow((IN_PLACE_BYTES / 8) * 4);
    expect(g.inPlace).toBe(true);
    expect(wasmMemoryBytes() - before).toBe(g.array.byteLength);
    g.grow(g.array.length + 1);
    expect(wasmMemoryBytes() - before).toBe(g.array.byteLength);
    expect(process.memoryUsage().external - external).toBeLessThan(IN_PLACE_BYTES);
  });

  it('without WebAssembly (as under --jitless) it goes on copying, contents kept', () => {
    (globalThis as { WebAssembly?: unknown }).WebAssembly = undefined;
    const g = new GrowableDoubles();
    fillAndCheck(g, (IN_PLACE_BYTES / 8) * 3);
    expect(g.inPlace).toBe(false);
  });

  it('when a wasm memory refuses to grow (address space, the 4 GiB limit) it copies from then on', () => {
    class RefusingMemory {
      readonly buffer: SharedArrayBuffer;
      constructor(d: { initial: number }) {
        this.buffer = new SharedArrayBuffer(d.initial * 65536);
      }
      grow(): number {
        throw new RangeError('WebAssembly.Memory.grow(): Maximum memory size exceeded');
      }
    }
    (globalThis as { WebAssembly?: unknown }).WebAssembly = { Memory: RefusingMemory };
    const g = new GrowableDoubles();
    const doubles = (IN_PLACE_BYTES / 8) * 3;
    let written = 0;
    let wentInPlace = false;
    while (written < doubles) {
      const a = g.grow(written + 1);
      wentInPlace ||= g.inPlace;
      for (let i = written; i < Math.min(a.length, doubles); i++) a[i] = i + 0.5;
      written = Math.min(a.length, doubles);
    }
    expect(wentInPlace).toBe(true);
    expect(g.inPlace).toBe(false);
    let wrong = 0;
    for (let i = 0; i < doubles; i++) if (g.array[i] !== i + 0.5) wrong++;
    expect(wrong).toBe(0);
  });
});

/** The records with their protected encoding reachable. */
class Records extends SlotRecords {
  slot(spec: number): number {
    return this.take(spec);
  }
  plain(slot: number, p: FrozenParams, kind: 'standard' | 'minmax'): boolean {
    return this.writePlain(slot, p, kind);
  }
  params(slot: number, kind: 'standard' | 'minmax'): FrozenParams {
    return this.plainParams(slot, kind);
  }
}

describe('slot records past the in-place switch', () => {
  it('100k plain records of two kinds (one with a side column) read back exactly', () => {
    const r = new Records();
    const n = 100_000; // 2.4 MB of records, 1.6 MB of side column: both grow in place
    const written: FrozenParams[] = [];
    for (let i = 0; i < n; i++) {
      const slot = r.slot(i % 2);
      expect(slot).toBe(i);
      const p = i % 2 === 0 ? new StandardScaler().learnMany([i, i + 1 + (i % 7)]).freeze() : new MinMaxScaler().learnMany([-i, i + 3]).freeze();
      expect(r.plain(slot, p, p.kind as 'standard' | 'minmax')).toBe(true);
      written.push(p);
    }
    let wrong = 0;
    for (let i = 0; i < n; i++) {
      const p = written[i] as FrozenParams;
      const q = r.params(i, p.kind as 'standard' | 'minmax');
      if (q.center !== p.center || q.scale !== p.scale || q.count !== p.count || q.trainMean !== p.trainMean || q.trainStd !== p.trainStd) wrong++;
    }
    expect(wrong).toBe(0);
  });
});
