import { SCALER_KINDS, createScaler, type ScalerSpec } from '../../src/index.js';
import type { FreezePoint, NormalizeOptions } from '../../operators/index.js';
import { CliError } from './args.js';
import { ConfigReader } from './config-check.js';

/**
 * Reads the `normalize` section of a config:
 *
 * ```yaml
 * normalize:
 *   scaler: { kind: robust, quantileRange: [10, 90] }   # any scaler spec
 *   freeze: { afterSamples: 500 }       # or { afterSpan: 1h }, { atTime: 2026-01-01T00:00:00Z }, never, or a list
 *   whileFitting: drop                  # drop | raw | provisional | hold
 *   holdLimit: 10000
 *   invalid: flag                       # drop | flag | error
 *   unknownSeries: fit                  # fit | raw | drop | { fallback: series-id }
 *   idleEvict: 1d
 * ```
 */
export function readNormalizeConfig(r: ConfigReader): NormalizeOptions {
  r.only(['scaler', 'freeze', 'whileFitting', 'holdLimit', 'invalid', 'unknownSeries', 'idleEvict']);
  const options: NormalizeOptions = {};
  const scaler = r.object('scaler');
  if (scaler) options.scaler = readScalerSpec(scaler);
  if (r.has('freeze')) options.freeze = readFreeze(r.raw('freeze'), r.at('freeze'));
  const wf = r.oneOf('whileFitting', ['drop', 'raw', 'provisional', 'hold'] as const);
  if (wf) options.whileFitting = wf;
  const hl = r.number('holdLimit', { min: 1, integer: true });
  if (hl !== undefined) options.holdLimit = hl;
  const inv = r.oneOf('invalid', ['drop', 'flag', 'error'] as const);
  if (inv) options.invalid = inv;
  const unknown = r.raw('unknownSeries');
  if (unknown !== undefined) {
    if (unknown === 'fit' || unknown === 'raw' || unknown === 'drop') options.unknownSeries = unknown;
    else {
      const u = ConfigReader.of(unknown, r.at('unknownSeries')).only(['fallback']);
      options.unknownSeries = { fallback: u.requiredString('fallback') };
    }
  }
  const idle = r.duration('idleEvict');
  if (idle !== undefined) options.idleEvictMs = idle;
  return options;
}

/** A scaler spec from config, checked by building one. */
export function readScalerSpec(r: ConfigReader): ScalerSpec {
  r.oneOf('kind', SCALER_KINDS);
  if (!r.has('kind')) throw new CliError(`${r.at('kind')}: required (one of ${SCALER_KINDS.join(', ')})`);
  const spec = { ...r.value } as unknown as ScalerSpec;
  try {
    createScaler(spec);
  } catch (e) {
    throw new CliError(`${r.path}: ${(e as Error).message}`);
  }
  return spec;
}

function readFreeze(value: unknown, path: string): FreezePoint | FreezePoint[] {
  if (Array.isArray(value)) return value.map((v, i) => readFreezePoint(v, `${path}[${i}]`));
  return readFreezePoint(value, path);
}

function readFreezePoint(value: unknown, path: string): FreezePoint {
  if (value === 'never') return 'never';
  const r = ConfigReader.of(value, path).only(['afterSamples', 'afterSpan', 'atTime']);
  const keys = Object.keys(r.value);
  if (keys.length !== 1) throw new CliError(`${path}: give exactly one of afterSamples, afterSpan, atTime (or "never")`);
  if (r.has('afterSamples')) return { afterSamples: r.number('afterSamples', { min: 1, integer: true }) as number };
  if (r.has('afterSpan')) return { afterSpanMs: r.duration('afterSpan') as number };
  const at = r.raw('atTime');
  const t = typeof at === 'number' ? at : typeof at === 'string' ? Date.parse(at) : NaN;
  if (Number.isNaN(t)) throw new CliError(`${r.at('atTime')}: expected an ISO 8601 time or ms since the epoch, got ${JSON.stringify(at)}`);
  return { atTime: t };
}
