import { filter, from, lastValueFrom, map, mergeMap, scan, toArray, type OperatorFunction } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { PerSampleNorm, StandardScaler, normalize, type Normalized, type Reading } from 'streamnorm';
import { PerSampleDiagnostics, perSampleNormalize, type MultiFieldReading, type PerSampleNormalized } from '../../operators/per-sample-normalize.js';
import { loadFixture, rng } from '../helpers/fixtures.js';
import { scheduler } from './helpers.js';

const run = (rows: MultiFieldReading[], op: OperatorFunction<MultiFieldReading, PerSampleNormalized>): Promise<PerSampleNormalized[]> => lastValueFrom(from(rows).pipe(op, toArray()));

describe('perSampleNormalize', () => {
  it('matches the exact references of layernorm.json through the operator (rows as messages of named fields)', async () => {
    const c = loadFixture('layernorm').find((x) => x.name === 'layernorm/fields16_mixed_units/eps=1e-05') as unknown as { rows: number[][]; params: { eps: number }; expected: { layernorm: number[][] } };
    const names = c.rows[0]!.map((_, i) => `f${i}`);
    const rows = c.rows.map((r) => ({ series: 'dev', fields: Object.fromEntries(r.map((v, i) => [`f${i}`, v])) }));
    const out = await run(rows, perSampleNormalize({ kind: 'layernorm', eps: c.params.eps, fields: names }));
    expect(out).toHaveLength(c.rows.length);
    out.forEach((o, r) => names.forEach((f, i) => expect(Math.abs(o.fields[f]! - c.expected.layernorm[r]![i]!)).toBeLessThan(1e-12 * Math.max(1, Math.abs(c.expected.layernorm[r]![i]!)))));
  });

  it("missing or invalid fields: 'drop' drops the row, 'rest' normalizes the others with their own weights; both count per field and reason", async () => {
    const rows: MultiFieldReading[] = [
      { series: 'd', fields: { a: 1, b: 3, c: 5 }, time: 1 },
      { series: 'd', fields: { a: 1, c: 5, extra: 9 }, time: 2 },
      { series: 'd', fields: { a: 'x', b: NaN, c: 2 }, time: 3 },
      { series: 'd', fields: { a: null, b: Infinity }, time: 4 },
      { series: 'd', fields: null as never, time: 5 },
    ];
    const options = { kind: 'layernorm' as const, eps: 0, fields: ['a', 'b', 'c'], weight: [1, 2, 3] };
    const dropDiag = new PerSampleDiagnostics();
    const dropped = await run(rows, perSampleNormalize({ ...options, diagnostics: dropDiag }));
    expect(dropped.map((o) => o.time)).toEqual([1]);
    expect([dropDiag.rows, dropDiag.emitted, dropDiag.dropped, dropDiag.partial, dropDiag.extraFields]).toEqual([5, 1, 4, 0, 1]);
    const restDiag = new PerSampleDiagnostics();
    const rest = await run(rows, perSampleNormalize({ ...options, missing: 'rest', diagnostics: restDiag }));
    expect(rest.map((o) => [o.time, o.fields, o.missing])).toEqual([
      [1, { a: -1.224744871391589 * 1, b: 0, c: 1.224744871391589 * 3 }, undefined],
      [2, { a: -1, c: 3 }, ['b']], // a and c among themselves, weights 1 and 3
      [3, { c: NaN }, ['a', 'b']], // one field with eps 0: 0/0, as PyTorch
    ]);
    expect([restDiag.emitted, restDiag.dropped, restDiag.partial]).toEqual([3, 2, 2]);
    for (const d of [dropDiag, restDiag]) {
      expect(d.fields.a).toMatchObject({ 'not-a-number': 1, null: 2 });
      expect(d.fields.b).toMatchObject({ null: 2, nan: 1, infinite: 1 });
      expect(d.fields.c).toMatchObject({ null: 2 });
    }
  });

  it('fields from separate messages are never joined', async () => {
    const rows = [
      { series: 'd', fields: { a: 1 } },
      { series: 'd', fields: { b: 3 } },
    ];
    expect(await run(rows, perSampleNormalize({ kind: 'rmsnorm', fields: ['a', 'b'] }))).toEqual([]);
    const rest = await run(rows, perSampleNormalize({ kind: 'rmsnorm', eps: 0, fields: ['a', 'b'], missing: 'rest' }));
    expect(rest.map((o) => o.fields)).toEqual([{ a: 1 }, { b: 1 }]);
  });

  it('composes after a per-series scaler: standardize each field over time with normalize(), regroup, then LayerNorm across fields', async () => {
    const random = rng(9);
    const names = ['temp', 'pressure', 'humidity'];
    const centre = { temp: 20, pressure: 1013, humidity: 50 } as Record<string, number>;
    const spread = { temp: 2, pressure: 5, humidity: 10 } as Record<string, number>;
    const messages: MultiFieldReading[] = Array.from({ length: 120 }, (_, i) => ({
      series: 'dev7',
      time: i * 1000,
      fields: Object.fromEntries(names.map((f) => [f, centre[f]! + spread[f]! * (random() - 0.5)])),
    }));
    const train = 40;
    // one reading per field, tagged with its message
    const split = mergeMap((m: MultiFieldReading, i: number): Reading[] => names.map((f) => ({ series: `${m.series}/${f}`, value: m.fields[f], time: m.time, tags: { row: String(i), field: f } })));
    // back to one multi-field reading per message, once all its fields are out
    const regroup = (): OperatorFunction<Normalized, MultiFieldReading> => (source) =>
      source.pipe(
        scan(
          (state, n: Normalized) => {
            const row = n.tags!.row!;
            const fields = state.pending.get(row) ?? {};
            fields[n.tags!.field!] = n.value;
            state.pending.set(row, fields);
            state.done = Object.keys(fields).length === names.length ? { series: 'dev7', fields, time: n.time } : undefined;
            if (state.done) state.pending.delete(row);
            return state;
          },
          { pending: new Map<string, Record<string, number>>(), done: undefined as MultiFieldReading | undefined },
        ),
        filter((state) => state.done !== undefined),
        map((state) => state.done!),
      );
    const out = await lastValueFrom(
      from(messages).pipe(split, normalize({ freeze: { afterSamples: train }, whileFitting: 'drop' }), regroup(), perSampleNormalize({ kind: 'layernorm', fields: names }), toArray()),
    );

    // the same by hand: frozen z-scores per field, then LayerNorm across the three
    const scalers = names.map((f) => new StandardScaler().learnMany(messages.slice(0, train).map((m) => m.fields[f])));
    scalers.forEach((s) => s.freeze());
    const ln = new PerSampleNorm({ kind: 'layernorm' });
    expect(out).toHaveLength(messages.length - train);
    out.forEach((o, k) => {
      const m = messages[train + k]!;
      const z = names.map((f, i) => scalers[i]!.transform(m.fields[f] as number));
      const expected = ln.apply(z);
      expect(o.time).toBe(m.time);
      names.forEach((f, i) => expect(o.fields[f]).toBe(expected[i]));
    });
  });

  it('marbles: never, empty, one, error, early unsubscription', () => {
    scheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const a: MultiFieldReading = { series: 's', fields: { x: 1, y: 3 } };
      const z: PerSampleNormalized = { series: 's', fields: { x: -1, y: 1 }, raw: a.fields };
      const op = (): OperatorFunction<MultiFieldReading, PerSampleNormalized> => perSampleNormalize({ kind: 'layernorm', eps: 0, fields: ['x', 'y'] });
      expectObservable(cold<MultiFieldReading>('-').pipe(op())).toBe('-');
      expectObservable(cold<MultiFieldReading>('|').pipe(op())).toBe('|');
      expectObservable(cold<MultiFieldReading>('a|', { a }).pipe(op())).toBe('z|', { z });
      expectObservable(cold<MultiFieldReading>('a#', { a }).pipe(op())).toBe('z#', { z });
      const src = hot<MultiFieldReading>('a-a-a-a', { a });
      expectObservable(src.pipe(op()), '^-!').toBe('z--', { z });
      expectSubscriptions(src.subscriptions).toBe('^-!');
    });
  });

  it('options are checked up front, naming the problem', () => {
    expect(() => perSampleNormalize({ kind: 'layernorm', fields: [] })).toThrow(/fields must be/);
    expect(() => perSampleNormalize({ kind: 'layernorm', fields: ['a', 'a'] })).toThrow(/distinct/);
    expect(() => perSampleNormalize({ kind: 'layernorm', fields: ['a'], missing: 'skip' as never })).toThrow(/missing must be/);
    expect(() => perSampleNormalize({ kind: 'layernorm', fields: ['a', 'b'], weight: [1] })).toThrow(/1 entries for 2 fields/);
    expect(() => perSampleNormalize({ kind: 'layernorm', fields: ['a'], feilds: 1 } as never)).toThrow(/unknown option 'feilds'/);
    expect(() => perSampleNormalize({ kind: 'zscore' as never, fields: ['a'] })).toThrow(/kind must be/);
  });
});
