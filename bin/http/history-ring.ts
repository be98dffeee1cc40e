/**
 * The last `capacity` outputs of one series in typed arrays (about 38 bytes a point), for the
 * series view's chart. Each point carries the board-wide output number `n`, so a page can ask for
 * the points after the last one it has.
 */
export class HistoryRing {
  private readonly n: Float64Array;
  private readonly time: Float64Array;
  private readonly raw: Float64Array;
  private readonly value: Float64Array;
  private readonly version: Int32Array;
  private readonly phase: Uint8Array;
  /** Points written so far (the newest is at `(count - 1) % capacity`). */
  private count = 0;

  constructor(readonly capacity: number) {
    this.n = new Float64Array(capacity);
    this.time = new Float64Array(capacity);
    this.raw = new Float64Array(capacity);
    this.value = new Float64Array(capacity);
    this.version = new Int32Array(capacity);
    this.phase = new Uint8Array(capacity);
  }

  /** Appends one point; `raw` is NaN when the raw value was not a finite number. */
  push(n: number, time: number, raw: number, value: number, phase: number, version: number): void {
    const i = this.count % this.capacity;
    this.n[i] = n;
    this.time[i] = time;
    this.raw[i] = raw;
    this.value[i] = value;
    this.phase[i] = phase;
    this.version[i] = version;
    this.count++;
  }

  /** Output number of the newest point (0 when empty). */
  get last(): number {
    return this.count === 0 ? 0 : (this.n[(this.count - 1) % this.capacity] as number);
  }

  /** The points with output number above `after`, oldest first; NaN becomes null (JSON). */
  since(after: number, phases: readonly string[]): { time: number[]; raw: (number | null)[]; value: (number | null)[]; phase: string[]; version: number[] } {
    const out = { time: [] as number[], raw: [] as (number | null)[], value: [] as (number | null)[], phase: [] as string[], version: [] as number[] };
    const held = Math.min(this.count, this.capacity);
    for (let k = this.count - held; k < this.count; k++) {
      const i = k % this.capacity;
      if ((this.n[i] as number) <= after) continue;
      const raw = this.raw[i] as number;
      const value = this.value[i] as number;
      out.time.push(this.time[i] as number);
      out.raw.push(Number.isNaN(raw) ? null : raw);
      out.value.push(Number.isNaN(value) ? null : value);
      out.phase.push(phases[this.phase[i] as number] ?? 'unknown');
      out.version.push(this.version[i] as number);
    }
    return out;
  }
}
