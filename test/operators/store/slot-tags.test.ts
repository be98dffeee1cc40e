/**
 * The slot records' tags (`slot-records.ts`) pack a plain series' version, spec index and count, or
 * a fitting slot's state bits, spec index and compact row, into one double below 2^53. These tests
 * decode them at the edges of every field, where the tag is far above 2^31 (the decoding takes
 * moduli with bitwise masks, exact for integers below 2^53).
 */
import { describe, expect, it } from 'vitest';
import { COMPACT, FITTING, PENDING, SHADOW, SlotRecords } from '../../../operators/store/slot-records.js';
import { StandardScaler } from '../../../src/scalers/standard.js';
import type { FrozenParams } from '../../../src/scalers/frozen.js';

/** The records with their protected encoding reachable. */
class Records extends SlotRecords {
  slot(spec: number): number {
    return this.take(spec);
  }
  plain(slot: number, p: FrozenParams): boolean {
    return this.writePlain(slot, p, 'standard');
  }
  params(slot: number): FrozenParams {
    return this.plainParams(slot, 'standard');
  }
  fitting(slot: number, state: number, row: number): void {
    this.writeFitting(slot, state, row);
  }
  stateOf(slot: number): number {
    return this.state(slot);
  }
  setStateOf(slot: number, state: number): void {
    this.setState(slot, state);
  }
  row(slot: number): number {
    return this.rowOf(slot);
  }
}

const base = new StandardScaler().learnMany([18, 22, 25, 31]).freeze();

describe('slot record tags', () => {
  it('plain records: version, spec index and count decode at every field edge', () => {
    const records = new Records();
    for (const spec of [0, 1, 63, 64, 2047]) {
      for (const version of [0, 1, 2 ** 19, 2 ** 20 - 1]) {
        for (const count of [0, 1, 2 ** 21 + 3, 2 ** 22 - 1]) {
          const slot = records.slot(spec);
          expect(records.plain(slot, { ...base, version, count })).toBe(true);
          expect(records.isPlain(slot)).toBe(true);
          expect(records.specId(slot)).toBe(spec);
          expect(records.plainVersion(slot)).toBe(version);
          expect([records.params(slot).version, records.params(slot).count]).toEqual([version, count]);
        }
      }
    }
  });

  it('fitting records: state bits, spec index and compact row decode at every field edge; a state change keeps spec and row', () => {
    const records = new Records();
    for (const spec of [0, 1, 2047, 2048, 65535]) {
      for (const row of [0, 1, 2 ** 20 + 5, 2 ** 31 - 1]) {
        for (const state of [FITTING, FITTING | COMPACT, FITTING | COMPACT | PENDING, SHADOW | FITTING, 63]) {
          const slot = records.slot(spec);
          records.fitting(slot, state, row);
          expect(records.isPlain(slot)).toBe(false);
          expect([records.stateOf(slot), records.specId(slot), records.row(slot)]).toEqual([state, spec, row]);
          records.setStateOf(slot, FITTING);
          expect([records.stateOf(slot), records.specId(slot), records.row(slot)]).toEqual([FITTING, spec, row]);
        }
      }
    }
  });
});
