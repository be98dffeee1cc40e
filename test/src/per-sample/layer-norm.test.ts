import { describe, expect, it } from 'vitest';
import { PerSampleNorm } from 'streamnorm';
import { close, loadFixture } from '../../helpers/fixtures.js';

interface LayerNormCase {
  name: string;
  params: { eps: number; fields: number };
  rows: number[][];
  expected: { layernorm: number[][]; rmsnorm: number[][]; layernorm_torch: number[][] };
}

const cases = loadFixture('layernorm') as unknown as LayerNormCase[];

describe('PerSampleNorm against the exact references (layernorm.json: rational mean and variance, 60-digit square root)', () => {
  for (const c of cases) {
    for (const kind of ['layernorm', 'rmsnorm'] as const) {
      it(`${c.name} ${kind}: every row to 1e-12 (relative, absolute below 1)`, () => {
        const norm = new PerSampleNorm({ kind, eps: c.params.eps });
        let worst = 0;
        c.rows.forEach((row, r) => {
          expect(row).toHaveLength(c.params.fields);
          const y = norm.apply(row);
          c.expected[kind][r]!.forEach((ref, i) => {
            expect(close(y[i]!, ref, 1e-12, 1), `row ${r} field ${i}: ${y[i]} vs ${ref}`).toBe(true);
            worst = Math.max(worst, Math.abs(y[i]! - ref) / Math.max(1, Math.abs(ref)));
          });
        });
        expect(worst).toBeLessThan(1e-14);
      });
    }
  }

  it('row 0 (all fields equal) is all 0 for LayerNorm, and row 1 at 1e9 ± 1e-3 is exact where PyTorch is not', () => {
    for (const c of cases.filter((x) => x.name.includes('fields4'))) {
      const norm = new PerSampleNorm({ kind: 'layernorm', eps: c.params.eps });
      expect(Array.from(norm.apply(c.rows[0]!))).toEqual([0, 0, 0, 0]);
      const ours = norm.apply(c.rows[1]!);
      const exact = c.expected.layernorm[1]!;
      const torch = c.expected.layernorm_torch[1]!;
      const err = (ys: ArrayLike<number>): number => Math.max(...exact.map((e, i) => Math.abs(ys[i]! - e) / Math.abs(e)));
      // PyTorch's float64 LayerNorm loses ~1e-5 relative on this row; we stay within a few ulps of exact.
      expect(err(torch)).toBeGreaterThan(1e-6);
      expect(err(ours)).toBeLessThan(1e-14);
    }
  });

  it('measured: worst relative error over every case, row and field', () => {
    let worst = 0;
    for (const c of cases) {
      for (const kind of ['layernorm', 'rmsnorm'] as const) {
        const norm = new PerSampleNorm({ kind, eps: c.params.eps });
        c.rows.forEach((row, r) => {
          const y = norm.apply(row);
          c.expected[kind][r]!.forEach((ref, i) => (worst = Math.max(worst, Math.abs(y[i]! - ref) / Math.max(Math.abs(ref), 1e-300))));
        });
      }
    }
    console.log(`layernorm.json: worst relative error ${worst.toExponential(2)}`);
    expect(worst).toBeLessThan(1e-12);
  });
});

describe('PerSampleNorm semantics', () => {
  it('weight and bias per field, as PyTorch: y·weight + bias', () => {
    const plain = new PerSampleNorm({ kind: 'layernorm' }).apply([1, 5, 9]);
    const affine = new PerSampleNorm({ kind: 'layernorm', weight: [2, 1, 0.5], bias: [0, 1, -1] }).apply([1, 5, 9]);
    expect(Array.from(affine)).toEqual([plain[0]! * 2, plain[1]! + 1, plain[2]! * 0.5 - 1]);
    const rms = new PerSampleNorm({ kind: 'rmsnorm', eps: 0, weight: [3, 3] }).apply([1, 1]);
    expect(Array.from(rms)).toEqual([3, 3]);
  });

  it('pick: a row missing some fields uses the weights of those it has', () => {
    const norm = new PerSampleNorm({ kind: 'layernorm', eps: 0, weight: [1, 10, 100] });
    expect(Array.from(norm.apply([1, 3], undefined, [0, 2]))).toEqual([-1, 100]);
  });

  it('rows beyond 2^±500 are scaled exactly: the same outputs as the row at unit scale', () => {
    const row = [1.5, -2, 3.25, 7];
    for (const kind of ['layernorm', 'rmsnorm'] as const) {
      const norm = new PerSampleNorm({ kind, eps: 0 });
      const unit = Array.from(norm.apply(row));
      expect(Array.from(norm.apply(row.map((x) => x * 2 ** 900)))).toEqual(unit);
      expect(Array.from(norm.apply(row.map((x) => x * 2 ** -900)))).toEqual(unit);
    }
  });

  it('eps 0 on an all-equal row is 0/0 = NaN (as PyTorch); a one-field row is 0', () => {
    expect(Array.from(new PerSampleNorm({ kind: 'layernorm', eps: 0 }).apply([2, 2]))).toEqual([NaN, NaN]);
    expect(Array.from(new PerSampleNorm({ kind: 'layernorm' }).apply([5]))).toEqual([0]);
  });

  it('refuses bad options and rows, naming what is wrong', () => {
    expect(() => new PerSampleNorm({ kind: 'batchnorm' } as never)).toThrow(/kind must be/);
    expect(() => new PerSampleNorm({ kind: 'layernorm', eps: -1 })).toThrow(/eps must be/);
    expect(() => new PerSampleNorm({ kind: 'rmsnorm', bias: [1] })).toThrow(/bias is LayerNorm only/);
    expect(() => new PerSampleNorm({ kind: 'layernorm', weight: [1, NaN] })).toThrow(/weight must be/);
    expect(() => new PerSampleNorm({ kind: 'layernorm', weight: [1, 2], bias: [1] })).toThrow(/as long/);
    expect(() => new PerSampleNorm({ kind: 'layernorm', epsilon: 1 } as never)).toThrow(/unknown option "epsilon"/);
    const norm = new PerSampleNorm({ kind: 'layernorm', weight: [1, 2] });
    expect(() => norm.apply([1, 2, 3])).toThrow(/expected 2 fields/);
    expect(() => norm.apply([1, NaN])).toThrow(/field 1 must be a finite number/);
    expect(() => norm.apply([])).toThrow(/at least one field/);
  });
});
