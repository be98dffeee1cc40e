/**
 * Options of {@link PerSampleNorm}: LayerNorm or RMSNorm over the fields of one reading, with
 * PyTorch's parameters (`eps`, and the per-field `weight` and `bias` of a trained model).
 */
export interface PerSampleNormOptions {
  /** `layernorm`: `(x − mean) / sqrt(var + eps)`; `rmsnorm`: `x / sqrt(mean(x²) + eps)`. */
  kind: 'layernorm' | 'rmsnorm';
  /** Added to the variance (or mean square) inside the square root, >= 0 (default 1e-5, as PyTorch). */
  eps?: number;
  /** Per-field multiplier (PyTorch's `weight`, e.g. a JSON array exported from a model); fixes the field count. */
  weight?: readonly number[];
  /** Per-field offset added last (PyTorch's LayerNorm `bias`); LayerNorm only; fixes the field count. */
  bias?: readonly number[];
}

const OPTION_KEYS = new Set(['kind', 'eps', 'weight', 'bias']);

/**
 * Per-sample normalization across the fields of one reading (one device's vector of sensors
 * feeding a model): no statistics over time, statistics over the row. LayerNorm (Ba, Kiros &
 * Hinton 2016) gives `(x − mean) / sqrt(var + eps) · weight + bias` with the biased (population)
 * variance of the row; RMSNorm (Zhang & Sennrich 2019) gives `x / sqrt(mean(x²) + eps) · weight`.
 *
 * Under the hood: the mean is a compensated (Neumaier) sum of the values shifted by the first,
 * and the variance is the corrected two-pass sum `(Σd² − (Σd)²/n)/n` of the deviations
 * `d = (x − shift) − mean` (Chan, Golub & LeVeque 1983), never `E[x²] − E[x]²`: a row at
 * 1e9 ± 1e-3 keeps its digits (PyTorch's float64 LayerNorm is off by ~1e-5 relative there). Rows
 * beyond 2^±500 are scaled by a power of two first (exact), so squares neither overflow nor
 * underflow; the result does not depend on it.
 *
 * Semantics: a row is finite numbers (a `RangeError` otherwise: the operator's policy deals with
 * missing and invalid fields first); with `weight` or `bias` it must have their length. A row
 * whose fields are all equal gives 0 (LayerNorm) with eps > 0, NaN with eps = 0 (0/0, as PyTorch).
 *
 * @example
 * ```ts
 * import { PerSampleNorm } from 'streamnorm';
 * const ln = new PerSampleNorm({ kind: 'layernorm', eps: 0 });
 * Array.from(ln.apply([2, 4, 4, 4, 5, 5, 7, 9])); // => [-1.5, -0.5, -0.5, -0.5, 0, 0, 1, 2]
 * const rms = new PerSampleNorm({ kind: 'rmsnorm', eps: 0, weight: [1, 2] });
 * Array.from(rms.apply([3, 4])); // => [0.848528137423857, 2.262741699796952]
 * ```
 */
export class PerSampleNorm {
  readonly kind: 'layernorm' | 'rmsnorm';
  readonly eps: number;
  readonly weight: readonly number[] | undefined;
  readonly bias: readonly number[] | undefined;
  /** The field count fixed by `weight` or `bias`, else undefined (any length >= 1). */
  readonly fields: number | undefined;

  constructor(options: PerSampleNormOptions) {
    for (const key of Object.keys(options)) if (!OPTION_KEYS.has(key)) throw new RangeError(`PerSampleNorm: unknown option ${JSON.stringify(key)}`);
    const { kind, eps = 1e-5, weight, bias } = options;
    if (kind !== 'layernorm' && kind !== 'rmsnorm') throw new RangeError(`PerSampleNorm: kind must be 'layernorm' or 'rmsnorm', got ${JSON.stringify(kind)}`);
    if (!(typeof eps === 'number' && eps >= 0 && Number.isFinite(eps))) throw new RangeError(`PerSampleNorm: eps must be a finite number >= 0, got ${String(eps)}`);
    if (bias !== undefined && kind === 'rmsnorm') throw new RangeError('PerSampleNorm: bias is LayerNorm only');
    const vector = (name: string, v: readonly number[] | undefined): readonly number[] | undefined => {
      if (v === undefined) return undefined;
      if (!Array.isArray(v) || v.length === 0 || v.some((w) => typeof w !== 'number' || !Number.isFinite(w))) {
        throw new RangeError(`PerSampleNorm: ${name} must be a non-empty array of finite numbers`);
      }
      return Object.freeze(v.slice());
    };
    this.kind = kind;
    this.eps = eps;
    this.weight = vector('weight', weight);
    this.bias = vector('bias', bias);
    if (this.weight && this.bias && this.weight.length !== this.bias.length) {
      throw new RangeError(`PerSampleNorm: weight and bias must be as long, got ${this.weight.length} and ${this.bias.length}`);
    }
    this.fields = (this.weight ?? this.bias)?.length;
  }

  /**
   * Normalizes one row into `out` (a new array by default). `pick`, when given, lists the
   * positions of the fields in the row, so a row that lacks some fields uses the weight and bias
   * of those it has (the operator's `rest` policy).
   */
  apply(row: ArrayLike<number>, out: Float64Array = new Float64Array(row.length), pick?: ArrayLike<number>): Float64Array {
    const n = row.length;
    if (n === 0) throw new RangeError('PerSampleNorm.apply: a row needs at least one field');
    if (pick === undefined && this.fields !== undefined && n !== this.fields) throw new RangeError(`PerSampleNorm.apply: expected ${this.fields} fields, got ${n}`);
    if (pick !== undefined && pick.length !== n) throw new RangeError(`PerSampleNorm.apply: pick has ${pick.length} positions for ${n} fields`);
    let max = 0;
    for (let i = 0; i < n; i++) {
      const x = row[i] as number;
      if (x - x !== 0) throw new RangeError(`PerSampleNorm.apply: field ${i} must be a finite number, got ${String(x)}`);
      const a = Math.abs(x);
      if (a > max) max = a;
    }
    // Exact power-of-two scaling for rows whose squares would overflow or underflow.
    const k = max > 2 ** 500 || (max > 0 && max < 2 ** -500) ? Math.floor(Math.log2(max)) : 0;
    const c = 2 ** -k;
    const eps = this.eps * c * c;
    if (this.kind === 'layernorm') this.layerNorm(row, c, eps, out);
    else this.rmsNorm(row, c, eps, out);
    const w = this.weight;
    const b = this.bias;
    if (w || b) {
      for (let i = 0; i < n; i++) {
        const at = pick === undefined ? i : (pick[i] as number);
        out[i] = (out[i] as number) * (w ? (w[at] as number) : 1) + (b ? (b[at] as number) : 0);
      }
    }
    return out;
  }

  private layerNorm(row: ArrayLike<number>, c: number, eps: number, out: Float64Array): void {
    const n = row.length;
    const shift = (row[0] as number) * c;
    let sum = 0;
    let comp = 0;
    for (let i = 0; i < n; i++) {
      const v = (row[i] as number) * c - shift;
      const t = sum + v;
      comp += Math.abs(sum) >= Math.abs(v) ? sum - t + v : v - t + sum;
      sum = t;
    }
    const mean = (sum + comp) / n;
    let ss = 0;
    let sd = 0;
    for (let i = 0; i < n; i++) {
      const d = (row[i] as number) * c - shift - mean;
      out[i] = d;
      ss += d * d;
      sd += d;
    }
    const variance = Math.max(0, (ss - (sd * sd) / n) / n);
    const denominator = Math.sqrt(variance + eps);
    for (let i = 0; i < n; i++) out[i] = (out[i] as number) / denominator + 0;
  }

  private rmsNorm(row: ArrayLike<number>, c: number, eps: number, out: Float64Array): void {
    const n = row.length;
    let sum = 0;
    let comp = 0;
    for (let i = 0; i < n; i++) {
      const x = (row[i] as number) * c;
      const v = x * x;
      const t = sum + v;
      comp += sum >= v ? sum - t + v : v - t + sum;
      sum = t;
    }
    const denominator = Math.sqrt((sum + comp) / n + eps);
    for (let i = 0; i < n; i++) out[i] = ((row[i] as number) * c) / denominator;
  }
}
