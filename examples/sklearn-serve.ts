/**
 * Serve a scaler fitted in Python: load scikit-learn `StandardScaler` attributes from JSON, normalize
 * a stream with them (every series starts frozen, nothing is learned here), and map a model's
 * output back to the raw scale with the same statistics.
 *
 * In Python:  json.dump({k: v.tolist() for k, v in vars(scaler).items() if k.endswith('_')}, f)
 * (int attributes like n_features_in_ have no .tolist(); write them as they are).
 *
 * Run:  node dist/examples/sklearn-serve.js [--file scaler.json] [--json]
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { from, lastValueFrom, toArray } from 'rxjs';
import { fromSklearnFeatures, inverseNormalize, normalize, type Reading } from 'streamnorm';

/** Options of {@link main}: which scikit-learn dump to serve. */
export interface SklearnServeOptions {
  /** The JSON dump of the fitted scaler (default: examples/data/sklearn-standard-scaler.json). */
  file?: string;
}

/** What {@link main} returns: the outputs, the mapped-back predictions and the counters (NaN as null). */
export interface SklearnServeSummary {
  /** Feature names of the Python scaler (`feature_names_in_`). */
  features: string[];
  /** One row per reading: what came in and what came out. */
  outputs: { series: string; raw: unknown; value: number | null; phase: string; flag: string | null }[];
  /** Model outputs (normalized) mapped back to the raw scale. */
  predictions: { series: string; normalized: number; value: number | null; version: number }[];
  /** Outputs flagged invalid, and outputs passed raw (no statistics for their feature). */
  invalid: number;
  passedRaw: number;
}

/** examples/data/... next to this file, also when it runs from dist/examples. */
function defaultFile(): string {
  const name = 'sklearn-standard-scaler.json';
  const candidates = [`./data/${name}`, `../../examples/data/${name}`].map((p) => fileURLToPath(new URL(p, import.meta.url)));
  return candidates.find((p) => existsSync(p)) ?? (candidates[0] as string);
}

/** The feature a series id belongs to: its last level (`line1/temperature` -> `temperature`). */
const featureOf = (series: string): string => series.slice(series.lastIndexOf('/') + 1);

/** JSON has no NaN: show a missing number as null. */
const num = (x: number): number | null => (Number.isNaN(x) ? null : x);

/**
 * Runs the example: imports the scaler, normalizes a few readings with it and maps predictions
 * back. No I/O but reading the file; rejects when the file is missing or an attribute is bad
 * (the error names it).
 */
export async function main(options: SklearnServeOptions = {}): Promise<SklearnServeSummary> {
  // 1. One frozen scaler per feature, keyed by feature_names_in_ (version 1, phase 'frozen').
  const attributes = JSON.parse(readFileSync(options.file ?? defaultFile(), 'utf8')) as Record<string, unknown>;
  const scalers = fromSklearnFeatures('standard', attributes);

  // 2. Live readings from two production lines. Their series ids are not the feature names, so
  //    an unknown series falls back to the statistics of its feature. A feature Python never
  //    saw (vibration) has no fallback: it passes raw, counted. 'ERR' is flagged invalid.
  const t0 = Date.UTC(2024, 0, 1);
  const readings: Reading[] = [
    { series: 'line1/temperature', value: 24.37, time: t0 },
    { series: 'line1/pressure', value: 100125.4, time: t0 },
    { series: 'line1/humidity', value: 54.7, time: t0 },
    { series: 'line2/temperature', value: 'ERR', time: t0 },
    { series: 'line2/vibration', value: 3.2, time: t0 },
    { series: 'temperature', value: 21.84, time: t0 + 1000 }, // a feature name itself: its own statistics
  ];
  let invalid = 0;
  let passedRaw = 0;
  const outputs = await lastValueFrom(
    from(readings).pipe(
      // `initial`: these series start frozen; nothing is fitted, so serving == training.
      normalize({ initial: scalers, unknownSeries: { fallback: featureOf } }),
      toArray(),
    ),
  );
  for (const n of outputs) {
    if (n.flag === 'invalid') invalid++;
    if (n.flag === 'raw') passedRaw++;
  }

  // 3. A model predicted normalized values; map them back to °C, Pa, %RH with the same
  //    statistics (a series without statistics gives NaN, shown as null).
  const predicted = [
    { series: 'line1/temperature', value: 0.5 },
    { series: 'line1/humidity', value: -1 },
    { series: 'line2/vibration', value: 0.3 },
  ];
  const predictions = await lastValueFrom(from(predicted).pipe(inverseNormalize({ params: (s) => scalers.get(featureOf(s))?.params() }), toArray()));

  return {
    features: [...scalers.keys()],
    outputs: outputs.map((n) => ({ series: n.series, raw: n.raw, value: num(n.value), phase: n.phase, flag: n.flag ?? null })),
    predictions: predictions.map((p) => ({ series: p.series, normalized: p.normalized, value: num(p.value), version: p.version })),
    invalid,
    passedRaw,
  };
}

/** Prints the summary as a table (or as JSON with --json). */
function print(summary: SklearnServeSummary, json: boolean): void {
  if (json) {
    console.log(JSON.stringify(summary));
    return;
  }
  console.log(`scikit-learn StandardScaler features: ${summary.features.join(', ')}`);
  const fmt = (x: number | null): string => (x === null ? 'NaN' : x.toFixed(4)).padStart(10);
  for (const o of summary.outputs) console.log(`  ${o.series.padEnd(18)} raw ${String(o.raw).padStart(9)} -> ${fmt(o.value)}  ${o.phase}${o.flag ? ` (${o.flag})` : ''}`);
  for (const p of summary.predictions) console.log(`  prediction ${p.series.padEnd(18)} ${fmt(p.normalized)} -> ${fmt(p.value)}  (statistics v${p.version})`);
  console.log(`invalid ${summary.invalid}, passed raw ${summary.passedRaw}`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({ options: { file: { type: 'string' }, json: { type: 'boolean' } } });
  main(values.file === undefined ? {} : { file: values.file }).then(
    (summary) => print(summary, values.json === true),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
