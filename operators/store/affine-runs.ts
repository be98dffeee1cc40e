import { affine } from '../../src/scalers/frozen.js';

/**
 * The frozen affine transform (`affine`, offset 0) over a run of a column, `values[from…]` into
 * `out[i + shift]`, up to the first value that is not a finite number: returns its index (the
 * length when all were finite). Two loops, one per element type, so that each stays monomorphic.
 * The columnar paths' inner loop (`SlotRecords.transformPlainInto`).
 */
export function affineTyped(values: Float64Array, from: number, out: Float64Array, shift: number, c: number, s: number): number {
  const n = values.length;
  for (let i = from; i < n; i++) {
    const x = values[i] as number;
    if (x - x !== 0) return i;
    out[i + shift] = affine(x, c, s, 0);
  }
  return n;
}

/** {@link affineTyped} over a plain array, whose elements may be anything (a non-number ends the run). */
export function affineArray(values: readonly unknown[], from: number, out: Float64Array, shift: number, c: number, s: number): number {
  const n = values.length;
  for (let i = from; i < n; i++) {
    const x = values[i];
    if (typeof x !== 'number' || x - x !== 0) return i;
    out[i + shift] = affine(x, c, s, 0);
  }
  return n;
}
