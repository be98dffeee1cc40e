/**
 * The bridge's acknowledgement ledger: one entry per input message, settled (acknowledged to the
 * broker) once everything it owes is done: its readings handled, every output confirmed by every
 * sink, its held readings released, and, when a fit may have learned one of its readings, a
 * checkpoint taken after it. Entries are numbered in receipt order; the connector sends the
 * acknowledgements themselves in that order.
 */

/** One input message in the ledger. */
export interface Entry {
  /** Receipt number, from 1. */
  readonly seq: number;
  /** What is still owed: outputs not confirmed, held readings, and the handling itself. */
  pending: number;
  /** Of `pending`, readings held back until their series freezes. */
  held: number;
  /** A fit may have learned one of its readings: it waits for a checkpoint taken after it. */
  learned: boolean;
  /** An output could not be confirmed: never acknowledged (the broker sends it again). */
  failed: boolean;
  /** Acknowledges the message (the connector's `settle`). */
  readonly settle: () => void;
}

/** The ledger (see the file's first comment). */
export class Ledger {
  /** Entries acknowledged, and those left unacknowledged because an output failed. */
  readonly counters = { settled: 0, failed: 0 };
  private seq = 0;
  private durable: number;
  private readonly open: Entry[] = [];
  private openHead = 0;
  private readonly waiting: Entry[] = [];
  private waitingHead = 0;

  /**
   * @param checkpoints Whether there is a state file: without one, learned readings wait for no checkpoint.
   * @param needCheckpoint Called when an entry starts waiting for a checkpoint, with how many wait.
   */
  constructor(
    checkpoints: boolean,
    private readonly needCheckpoint: (waiting: number) => void,
  ) {
    this.durable = checkpoints ? 0 : Infinity;
  }

  /** The receipt number of the latest entry. */
  get lastSeq(): number {
    return this.seq;
  }

  /** Entries waiting for a checkpoint. */
  get waitingForCheckpoint(): number {
    return this.waiting.length - this.waitingHead;
  }

  /** Opens the entry of a message being handled (one `pending` for the handling; call {@link Ledger.done} after it). */
  openEntry(settle: () => void): Entry {
    const entry: Entry = { seq: ++this.seq, pending: 1, held: 0, learned: false, failed: false, settle };
    this.open.push(entry);
    return entry;
  }

  /** One thing owed by `entry` is done. */
  done(entry: Entry): void {
    if (--entry.pending > 0 || entry.failed) return;
    if (entry.learned && entry.seq > this.durable) {
      this.waiting.push(entry);
      this.needCheckpoint(this.waitingForCheckpoint);
      return;
    }
    this.settle(entry);
  }

  /** An output of `entry` could not be confirmed: the entry is never acknowledged. */
  fail(entry: Entry): void {
    if (entry.failed) return;
    entry.failed = true;
    this.counters.failed++;
    this.prune();
  }

  /** A checkpoint holding every reading of entries up to `seq` is written. */
  checkpointed(seq: number): void {
    this.durable = Math.max(this.durable, seq);
    while (this.waitingHead < this.waiting.length && (this.waiting[this.waitingHead] as Entry).seq <= this.durable) {
      const e = this.waiting[this.waitingHead] as Entry;
      this.waiting[this.waitingHead++] = undefined as never;
      this.settle(e);
    }
    if (this.waitingHead > 1024 && this.waitingHead * 2 > this.waiting.length) {
      this.waiting.splice(0, this.waitingHead);
      this.waitingHead = 0;
    }
  }

  /** The oldest entry not acknowledged yet (undefined when none). */
  oldest(): Entry | undefined {
    this.prune();
    return this.open[this.openHead];
  }

  /** Drops the entries at the head that owe nothing more (acknowledged, or failed). */
  private prune(): void {
    while (this.openHead < this.open.length) {
      const e = this.open[this.openHead] as Entry;
      if (e.pending > 0 || (e.learned && e.seq > this.durable && !e.failed)) break;
      this.open[this.openHead++] = undefined as never;
    }
    if (this.openHead > 1024 && this.openHead * 2 > this.open.length) {
      this.open.splice(0, this.openHead);
      this.openHead = 0;
    }
  }

  private settle(entry: Entry): void {
    this.counters.settled++;
    entry.settle();
    if (this.open[this.openHead] === entry) this.prune();
  }
}
