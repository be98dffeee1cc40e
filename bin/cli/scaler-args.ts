import { SCALER_KINDS, type ScalerSpec } from '../../src/index.js';
import { CliError, flag, stringOption, type ParsedArgs } from './args.js';

/** Builds a {@link ScalerSpec} from `--scaler` and its options (see `SCALER_OPTIONS_HELP`). */
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
  const clipRange = pair('clip-range');
  if (clipRange) spec.clip = clipRange;
  else if (flag(args, 'clip')) spec.clip = true;
  const qr = pair('quantile-range');
  if (qr) spec.quantileRange = qr;
  const nq = stringOption(args, 'n-quantiles');
  if (nq !== undefined) {
    if (!/^\d+$/.test(nq)) throw new CliError(`--n-quantiles: expected an integer, got ${JSON.stringify(nq)}`);
    spec.nQuantiles = Number(nq);
  }
  const od = stringOption(args, 'output-distribution');
  if (od !== undefined) spec.outputDistribution = od;
  return spec as unknown as ScalerSpec;
}
