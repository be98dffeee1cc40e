import { Subject, type Subscription } from 'rxjs';
import type { Normalized, Reading } from '../../src/index.js';
import { normalize, type NormalizeOptions, type SeriesFrozen, type SeriesStore } from '../../operators/index.js';
import { BridgeHold } from './held.js';
import { TrainingWindows } from './training-window.js';
import type { Entry, Ledger } from './ledger.js';
import type { ReadingProcessor } from './reading-processor.js';

/**
 * Runs each message's readings through `normalize` and tells the ledger what the message owes.
 *
 * `normalize` is synchronous: every output it emits while one reading is pushed in belongs to that
 * reading, as long as the operator holds nothing back, which is why `whileFitting: 'hold'` is the
 * bridge's ({@link BridgeHold}) and the operator runs with `drop` then. A reading of a series that
 * was fitting before it (or that it created) may have been learned: its message then waits for a
 * checkpoint before it is acknowledged. A freeze or promotion, seen synchronously on the store's
 * `frozen$` before any output with the new statistics, closes the outputs' gate and asks for a
 * checkpoint at once (`onFreeze`).
 */
export class Processor implements ReadingProcessor {
  readonly held: BridgeHold | undefined;
  readonly training: TrainingWindows;
  private readonly input = new Subject<Reading>();
  private readonly subscriptions: Subscription[] = [];
  private current: Entry | undefined;
  private outputs = 0;
  private lastPhase: string | undefined;
  private frozeCurrent: SeriesFrozen | undefined;
  private currentSeries: string | undefined;
  private listening = false;

  constructor(
    private readonly store: SeriesStore,
    options: NormalizeOptions,
    private readonly ledger: Ledger,
    private readonly emit: (o: Normalized, entry: Entry) => void,
    private readonly onFreeze: (f: SeriesFrozen) => void,
    onError: (e: Error) => void,
  ) {
    const holding = options.whileFitting === 'hold';
    if (holding) {
      this.held = new BridgeHold({ holdLimit: options.holdLimit ?? 10_000, holdOverflow: options.holdOverflow ?? 'provisional' }, store, ledger, emit);
    }
    this.training = new TrainingWindows(store, { whileFitting: options.whileFitting ?? 'provisional', invalid: options.invalid ?? 'flag', ...(options.plausibleTime === undefined ? {} : { plausibleTime: options.plausibleTime }) });
    const operatorOptions: NormalizeOptions = { ...options, store, ...(holding ? { whileFitting: 'drop' } : {}) };
    delete operatorOptions.holdLimit;
    delete operatorOptions.holdOverflow;
    this.subscriptions.push(
      this.input.pipe(normalize(operatorOptions)).subscribe({
        next: (o) => this.output(o),
        error: (e: Error) => onError(e),
      }),
    );
    // frozen$ first replays the series frozen now (restored or fitted from history: durable already)
    this.subscriptions.push(store.frozen$.subscribe((f) => this.frozen(f)));
    this.listening = true;
  }

  /**
   * Handles the readings of one message (its entry is open; the caller closes it with
   * `ledger.done`). `dup`: the broker sends it again (a training reading of a series frozen since
   * is then made as the fitting phase made it, see `TrainingWindows`).
   */
  take(readings: readonly Reading[], entry: Entry, dup = false): void {
    const store = this.store;
    const hold = this.held;
    const training = this.training;
    for (const r of readings) {
      const id = r.series;
      const before = store.phase(id);
      if (dup && before === 'frozen') {
        const again = training.again(id, r);
        if (again !== undefined) {
          for (const o of again) this.emit(o, entry);
          continue;
        }
      }
      if (hold !== undefined && hold.has(id) && before === undefined) hold.sweepEvicted();
      const fitting = before === 'fitting' || before === undefined;
      const prevFit = fitting ? training.peek(id) : undefined;
      if (fitting) training.fitted(id, r);
      this.current = entry;
      this.currentSeries = id;
      this.outputs = 0;
      this.lastPhase = undefined;
      this.frozeCurrent = undefined;
      this.input.next(r);
      this.current = undefined;
      this.currentSeries = undefined;
      const froze = this.frozeCurrent as SeriesFrozen | undefined; // set by frozen() during next(r)
      // a time freeze point: the reading that reached it is not in the window (it came out frozen)
      if (froze !== undefined && fitting) training.froze(id, froze.params.version, this.lastPhase === 'frozen' ? prevFit : training.peek(id));
      const learned = before === 'fitting' || (before === undefined && store.phase(id) !== undefined);
      if (!learned) continue;
      entry.learned = true;
      if (hold === undefined || this.outputs > 0 || typeof r.value !== 'number' || !Number.isFinite(r.value)) continue;
      // learned, no output under `drop`: held (released now if this very reading froze its series)
      if (froze !== undefined) hold.releaseOne(id, r, entry, froze.params);
      else if (store.phase(id) === 'fitting') hold.hold(id, r, entry);
    }
  }

  /** Ends the operator (no windows are flushed: their messages stay unacknowledged). */
  stop(): void {
    for (const s of this.subscriptions) s.unsubscribe();
  }

  private output(o: Normalized): void {
    const entry = this.current;
    if (entry === undefined) return; // nothing is emitted outside a reading while the operator holds nothing
    this.outputs++;
    if (o.series === this.currentSeries) this.lastPhase = o.phase;
    this.emit(o, entry);
  }

  private frozen(f: SeriesFrozen): void {
    if (!this.listening) return;
    if (this.current !== undefined && f.series === this.currentSeries) this.frozeCurrent = f;
    else this.training.froze(f.series, f.params.version);
    this.onFreeze(f);
    this.held?.release(f.series, f.params);
  }

  bridgeState(): unknown {
    return this.training.state();
  }

  restoreBridgeState(state: unknown): void {
    this.training.restore(state);
  }

  status(): string[] {
    const held = this.held;
    return [`training readings again ${this.training.count}`, ...(held ? [`held ${held.size} (${held.counters.overflows} overflows, ${held.counters.atBound} at the bound)`] : [])];
  }

  /** Whether the ledger's oldest entry waits only for held readings (the bound would then never be left). */
  blockedByHolds(): boolean {
    const oldest = this.ledger.oldest();
    return oldest !== undefined && oldest.held > 0 && oldest.pending === oldest.held;
  }
}
