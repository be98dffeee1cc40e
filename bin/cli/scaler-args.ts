import { SCALER_KINDS, type ScalerSpec } from '../../src/index.js';
import { CliError, stringOption, type ParsedArgs } from './args.js';

/** Help text for the scaler options shared by `fit` and `demo`. */
export const SCALER_OPTIONS_HELP = `  --scaler KIND          standard | minmax | maxabs | robust (default standard)
  --pre P                none | log | log1p pre-transform (default none)
  --feature-range LO,HI  minmax output range (default 0,1)
  --clip                 minmax: clip outputs to the feature range
  --quantile-range LO,HI robust: percentiles of the scale (default 25,75)
  --zero-spread P        unit | nan: what a stuck sensor's zero spread does (default unit)`;

/** Builds a {@link ScalerSpec} from `--scaler` and its options. */
export function scalerSpecFromArgs(args: ParsedArgs): ScalerSpec {
  const kind = stringOption(args, 'scaler', 'standard') as string;
  if (!(SCALER_KINDS as readonly string[]).includes(kind)) throw new CliError(`--scaler: expected one of ${SCALER_KINDS.join(', ')}, got ${JSON.stringify(kind)}`);
  const spec: Record<string, unknown> = { kind };
  const pre = stringOption(args, 'pre');
  if (pre !== undefined) spec.pre = pre;
  const zero = stringOption(args, 'zero-spread');
  if (zero !== undefined) spec.zeroSpread = zero;
  const pair = (name: string): [number, number] | undefined => {
    const v = stringOption(args, name);
    if (v === undefined) return undefined;
    const parts = v.split(',').map(Number);
    if (parts.length !== 2 || parts.some((p) => !Number.isFinite(p))) throw new CliError(`--${name}: expected two numbers LO,HI, got ${JSON.stringify(v)}`);
    return parts as [number, number];
  };
  const fr = pair('feature-range');
  if (fr) spec.featureRange = fr;
  if (args.options.get('clip') === true) spec.clip = true;
  const qr = pair('quantile-range');
  if (qr) spec.quantileRange = qr;
  return spec as unknown as ScalerSpec;
}
