import type { Reading } from '../../src/index.js';
import type { Entry } from './ledger.js';

/** Readings a processor keeps back for a later output (held training windows, open mini-batches). */
export interface HeldReadings {
  /** Readings kept back now, all series. */
  readonly size: number;
  /** Windows or batches let go early: by their own limit, and of them at the bound on unacknowledged messages. */
  readonly counters: { readonly overflows: number; readonly atBound: number };
  /** Lets go of what keeps the oldest message back (the bound is reached); false when nothing could be. */
  breakAtBound(): boolean;
}

/**
 * What the bridge needs of the stage that turns each message's readings into outputs: the fit
 * and freeze `Processor`, or the `RunningProcessor` of EWM, BatchNorm and passthrough.
 */
export interface ReadingProcessor {
  /** Handles the readings of one message (`dup`: the broker sends it again); the caller closes its entry. */
  take(readings: readonly Reading[], entry: Entry, dup?: boolean): void;
  /** Ends the operator (nothing kept back is flushed: its messages stay unacknowledged). */
  stop(): void;
  /** What is kept back, if this processor keeps anything back. */
  readonly held: HeldReadings | undefined;
  /** Whether the ledger's oldest entry waits only for readings kept back (the bound would then never be left). */
  blockedByHolds(): boolean;
  /** The bridge's own state for the checkpoint (beside the store's snapshot), and its restore. */
  bridgeState(): unknown;
  restoreBridgeState(state: unknown): void;
  /** The status line's words for this processor's own counters. */
  status(): string[];
}
