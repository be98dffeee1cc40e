import { BehaviorSubject, map, Subject, type OperatorFunction, type Subscription } from 'rxjs';
import { invalidReason, type Normalized, type Reading } from '../../src/index.js';
import { batchNorm, ewmNormalize, type BatchNormMode, type InvalidPolicy, type SeriesStore } from '../../operators/index.js';
import type { RunMethod } from '../cli/config-method.js';
import type { Entry, Ledger } from './ledger.js';
import type { HeldReadings, ReadingProcessor } from './reading-processor.js';

/** The methods that learn from every reading (or from none): no training window, no freeze. */
export type RunningMethod = Exclude<RunMethod, { kind: 'fit' }>;

/**
 * The bridge's stage for `method: ewm`, `batchNorm` and `none`: runs each reading through
 * `ewmNormalize`, `batchNorm` (on the bridge's store, so its statistics are checkpointed and
 * resumed) or a passthrough, and tells the ledger what each message owes.
 *
 * - EWM outputs come while their reading is pushed in; a message with a valid value was learned
 *   from, so with a state file it waits for a checkpoint before it is acknowledged.
 * - BatchNorm in train mode keeps each valid reading until its series' mini-batch closes (with a
 *   reading of a later message, or by `window`): its message stays unacknowledged until then
 *   ({@link OpenBatches}). At the bound on unacknowledged messages, with only open batches keeping
 *   the oldest message, every open batch is closed as it is (as a switch to eval does), counted.
 *   Eval mode normalizes each reading at once with the running statistics (resumed from the state file).
 * - `none` passes each value as it is (`phase: passthrough`); an invalid one follows `invalid`.
 *
 * A message the broker sends again after a restart is learned again by EWM and BatchNorm (at most
 * the messages taken after the last checkpoint): unlike a training window, running statistics keep
 * no per-reading times to skip duplicates by.
 */
export class RunningProcessor implements ReadingProcessor {
  readonly held: OpenBatches | undefined;
  /** Invalid values met by the passthrough (`method: none`). */
  private passedInvalid = 0;
  private readonly input = new Subject<Reading>();
  private readonly subscription: Subscription;
  private current: Entry | undefined;

  constructor(
    store: SeriesStore,
    private readonly method: RunningMethod,
    invalid: InvalidPolicy,
    private readonly ledger: Ledger,
    private readonly emit: (o: Normalized, entry: Entry) => void,
    onError: (e: Error) => void,
  ) {
    let operator: OperatorFunction<Reading, Normalized>;
    if (method.kind === 'ewm') operator = ewmNormalize({ ...method.ewm, store, invalid });
    else if (method.kind === 'batchNorm') {
      const mode$ = new BehaviorSubject<BatchNormMode>(method.batchNorm.initialMode ?? 'train');
      operator = batchNorm({ ...method.batchNorm, store, invalid, mode$ });
      if (mode$.value === 'train') this.held = new OpenBatches(mode$, ledger);
    } else operator = map((r) => this.passthrough(r, invalid));
    this.subscription = this.input.pipe(operator).subscribe({ next: (o) => this.output(o), error: (e: Error) => onError(e) });
  }

  take(readings: readonly Reading[], entry: Entry): void {
    const learns = this.method.kind === 'ewm' || this.held !== undefined;
    for (const r of readings) {
      const valid = typeof r.value === 'number' && r.value - r.value === 0;
      if (valid && learns) entry.learned = true;
      if (valid && this.held !== undefined) this.held.open(r.series, entry);
      this.current = entry;
      this.input.next(r);
      this.current = undefined;
    }
  }

  stop(): void {
    this.subscription.unsubscribe();
  }

  blockedByHolds(): boolean {
    const oldest = this.ledger.oldest();
    return oldest !== undefined && oldest.held > 0 && oldest.pending === oldest.held;
  }

  bridgeState(): unknown {
    return undefined;
  }

  restoreBridgeState(): void {}

  status(): string[] {
    const held = this.held;
    return [
      `method ${this.method.kind}`,
      ...(held ? [`in open batches ${held.size} (${held.counters.atBound} closed at the bound)`] : []),
      ...(this.method.kind === 'none' ? [`passed invalid ${this.passedInvalid}`] : []),
    ];
  }

  /** A batch output (no flag: made when its batch closed) goes to its reading's message; any other to the message being handled. */
  private output(o: Normalized): void {
    if (this.held !== undefined && o.flag === undefined && o.phase === 'fitting') {
      const entry = this.held.next(o.series);
      this.emit(o, entry);
      this.held.closed(entry);
      return;
    }
    const entry = this.current;
    if (entry !== undefined) this.emit(o, entry);
  }

  private passthrough(r: Reading, invalid: InvalidPolicy): Normalized {
    const reason = invalidReason(r.value);
    const base = { series: r.series, raw: r.value, time: r.time, tags: r.tags, phase: 'passthrough' as const, version: 0 };
    if (reason === undefined) return { ...base, value: r.value as number };
    this.passedInvalid++;
    if (invalid === 'error') throw new RangeError(`invalid value in series ${r.series}: ${reason}`);
    return { ...base, value: Number.NaN, flag: 'invalid', reason };
  }
}

/**
 * BatchNorm's open mini-batches as the bridge sees them: per series, the messages of the readings
 * in the open batch, in order (a closed batch emits its outputs in reading order). Each counts as
 * held in its message's entry until its output is made.
 */
export class OpenBatches implements HeldReadings {
  readonly counters = { overflows: 0, atBound: 0 };
  private readonly waiting = new Map<string, Entry[]>();
  private count = 0;

  constructor(
    private readonly mode$: BehaviorSubject<BatchNormMode>,
    private readonly ledger: Ledger,
  ) {}

  get size(): number {
    return this.count;
  }

  /** A valid reading of `series` from the message of `entry` goes into its open batch. */
  open(series: string, entry: Entry): void {
    let q = this.waiting.get(series);
    if (q === undefined) this.waiting.set(series, (q = []));
    q.push(entry);
    entry.pending++;
    entry.held++;
    this.count++;
  }

  /** The message of the next output of `series`. */
  next(series: string): Entry {
    const q = this.waiting.get(series);
    const entry = q?.shift();
    if (entry === undefined) throw new Error(`bridge: a batch output of ${series} without a reading in an open batch`);
    if (q?.length === 0) this.waiting.delete(series);
    return entry;
  }

  /** The output of a reading of `entry` is made (and handed to the sinks). */
  closed(entry: Entry): void {
    this.count--;
    entry.held--;
    this.ledger.done(entry);
  }

  /** Closes every open batch as it is (a switch to eval trains the partial batches, and back). */
  breakAtBound(): boolean {
    const before = this.count;
    if (before === 0) return false;
    this.counters.overflows++;
    this.counters.atBound++;
    this.mode$.next('eval');
    this.mode$.next('train');
    return this.count < before;
  }
}
