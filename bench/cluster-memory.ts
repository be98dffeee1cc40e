/**
 * What a partition costs: heap bytes per series in a worker's store (frozen standard series, drift
 * alarms on and off; fitting ones), and the gzipped checkpoint bytes per series (what a partition's
 * KV value holds). Run in a fresh process with --expose-gc; prints one JSON line.
 *
 * Usage: node --expose-gc dist/bench/cluster-memory.js [series]
 */
import { gzipSync } from 'node:zlib';
import { Subject } from 'rxjs';
import { SeriesStore, normalize } from '../operators/index.js';
import { heapBytes } from './drive.js';
import { collectGarbage } from './interleave.js';

const N = Number(process.argv[2] ?? 200_000);
const ids = Array.from({ length: N }, (_, i) => `site${i % 100}/dev${i}/temperature`);

function fill(drift: boolean, frozen: boolean): SeriesStore {
  const store = new SeriesStore(drift ? {} : { drift: false });
  const source = new Subject<{ series: string; value: number; time: number }>();
  source.pipe(normalize({ store, freeze: frozen ? { afterSamples: 8 } : 'never', whileFitting: 'drop' })).subscribe();
  let seed = 12345;
  const noise = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31; // realistic (incompressible) statistics
  for (let k = 0; k < 8; k++) for (let i = 0; i < N; i++) source.next({ series: ids[i] as string, value: 20 + (i % 13) + noise() * 4, time: k * 1000 });
  source.complete();
  return store;
}

function perSeries(drift: boolean, frozen: boolean): { heap: number; checkpoint: number; json: number } {
  collectGarbage();
  collectGarbage();
  const before = heapBytes();
  const store = fill(drift, frozen);
  collectGarbage();
  collectGarbage();
  const heap = (heapBytes() - before) / N;
  const json = Buffer.from(JSON.stringify(store.snapshot()));
  const checkpoint = gzipSync(json).byteLength / N;
  if (store.size !== N) throw new Error('store size');
  return { heap: Math.round(heap), checkpoint: +checkpoint.toFixed(1), json: Math.round(json.byteLength / N) };
}

const out = {
  series: N,
  frozenStandardDriftOff: perSeries(false, true),
  frozenStandardDriftOn: perSeries(true, true),
  fittingStandard: perSeries(false, false),
};
process.stdout.write(`${JSON.stringify(out)}\n`);
