/**
 * Throughput and memory of the per-item and columnar forms against a hand-written baseline
 * (`map` + `Map` lookup + inline math). Not a test (no timed assertions): run it with
 * `node test/operators/perf/run.mjs` and read the numbers.
 */
import { Subject, map } from 'rxjs';
import { normalize, normalizeColumns, SeriesStore, StandardScaler, type Normalized, type Reading } from '../../../index.js';
import { heapBytes } from '../../../bench/drive.js';

const N = 3_000_000;

function readingsFor(ids: number): Reading[] {
  const names = Array.from({ length: ids }, (_, i) => `site${i % 97}/dev${i}/temperature`);
  const out: Reading[] = new Array(N);
  let s = 12345;
  for (let i = 0; i < N; i++) {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    out[i] = { series: names[s % ids] as string, value: 20 + (s % 1000) / 100, time: i };
  }
  return out;
}

function frozenStore(ids: number): SeriesStore {
  const store = new SeriesStore();
  const scaler = new StandardScaler().learnMany([18, 22, 25]);
  const params = scaler.freeze();
  for (let i = 0; i < ids; i++) store.versions.setFrozen(`site${i % 97}/dev${i}/temperature`, params, { kind: 'standard' });
  return store;
}

function rate(label: string, run: () => number): void {
  run(); // warm up
  let best = 0;
  for (let k = 0; k < 3; k++) {
    const t0 = performance.now();
    const n = run();
    const dt = performance.now() - t0;
    best = Math.max(best, n / dt / 1000);
  }
  console.log(`${label.padEnd(44)} ${best.toFixed(2)} M/s`);
}

let sink = 0;
for (const ids of [1_000, 100_000, 1_000_000]) {
  const readings = readingsFor(ids);
  console.log(`--- ${ids} series ids, ${N} readings`);
  // Baseline: what a user would write by hand.
  const stats = new Map<string, { mean: number; inv: number; version: number }>();
  for (let i = 0; i < ids; i++) stats.set(`site${i % 97}/dev${i}/temperature`, { mean: 21.666666666666668, inv: 1 / 2.8674417556808756, version: 1 });
  rate('hand-written map + Map lookup', () => {
    const src = new Subject<Reading>();
    let n = 0;
    src
      .pipe(
        map((r): Normalized => {
          const s = stats.get(r.series);
          const v = r.value as number;
          return { series: r.series, raw: v, value: s ? (v - s.mean) * s.inv : NaN, time: r.time, tags: r.tags, phase: 'frozen', version: s ? s.version : 0 };
        }),
      )
      .subscribe((o) => {
        n++;
        sink += o.value;
      });
    for (let i = 0; i < readings.length; i++) src.next(readings[i] as Reading);
    return n;
  });
  const store = frozenStore(ids);
  rate('normalize (all series frozen)', () => {
    const src = new Subject<Reading>();
    let n = 0;
    src.pipe(normalize({ store })).subscribe((o) => {
      n++;
      sink += o.value;
    });
    for (let i = 0; i < readings.length; i++) src.next(readings[i] as Reading);
    return n;
  });
  rate('normalizeColumns (batches of 1024 values)', () => {
    const src = new Subject<{ series: string; values: Float64Array }>();
    let n = 0;
    src.pipe(normalizeColumns({ store })).subscribe((c) => {
      n += c.values.length;
      sink += c.values[0] as number;
    });
    const values = new Float64Array(1024).map((_, i) => 20 + (i % 100) / 10);
    for (let i = 0; i < N / 1024; i++) src.next({ series: readings[i]!.series, values });
    return n;
  });
}

// Memory per frozen standard series (columns + Map entry, excluding the id strings).
const gc = (globalThis as { gc?: () => void }).gc;
if (gc) {
  const ids = Array.from({ length: 1_000_000 }, (_, i) => `site${i % 97}/dev${i}/temperature`);
  const params = new StandardScaler().learnMany([1, 2]).freeze();
  gc();
  const before = heapBytes();
  const store = new SeriesStore();
  for (const id of ids) store.versions.setFrozen(id, params, { kind: 'standard' });
  gc();
  const bytes = heapBytes() - before;
  console.log(`memory: ${(bytes / ids.length).toFixed(1)} bytes per frozen standard series (1M series, ids excluded; ${store.size} series)`);
}
console.log(sink === 42 ? '' : 'done');
