import type { FrozenParams } from '../../src/scalers/frozen.js';
import type { EvictionClock } from './eviction.js';

/** What an attached subscription is told of: evictions, and freezes made by the store's background sweep. */
export interface AttachmentHooks {
  /** A series was evicted. */
  evicted(series: string): void;
  /** The background sweep froze a series (its held windows can be released). */
  frozen?(series: string, params: FrozenParams): void;
  /** A slice of the background sweep ended (emit what it released). */
  sliced?(): void;
}

/** A subscription's hold on a store, released when the subscription ends. */
export interface Attachment {
  /** Ends the hold (idempotent). */
  detach(): void;
}

/**
 * The subscriptions working on one store: at most one learner at a time (a second would learn
 * every reading of a shared source twice), any number of transform-only ones; who to tell of an
 * eviction (their held windows of that series can only pass raw); and, while any is attached and
 * idle eviction runs on the wall clock, the timer that evicts when no reading arrives.
 */
export class Attachments {
  private learner = false;
  private readonly listeners = new Set<AttachmentHooks>();
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly clock: EvictionClock,
    private readonly sweep: () => void,
  ) {}

  /** Attaches a subscription; throws when it would be a second learner. */
  attach(learns: boolean, hooks: AttachmentHooks): Attachment {
    if (learns && this.learner) {
      throw new Error(
        'SeriesStore: another subscription is already learning into this store, and a second learner would learn every reading twice; ' +
          'share() the first subscription\'s output, or subscribe with normalize({ learn: false }) to transform with its statistics only',
      );
    }
    if (learns) this.learner = true;
    this.listeners.add(hooks);
    if (this.clock.needsTimer && this.timer === undefined) {
      this.clock.tick();
      this.timer = setInterval(() => {
        this.clock.tick();
        this.sweep();
      }, this.clock.period);
      this.timer.unref?.();
    }
    let attached = true;
    return {
      detach: () => {
        if (!attached) return;
        attached = false;
        if (learns) this.learner = false;
        this.listeners.delete(hooks);
        if (this.listeners.size === 0 && this.timer !== undefined) {
          clearInterval(this.timer);
          this.timer = undefined;
        }
      },
    };
  }

  /** Tells every attached subscription that a series was evicted. */
  evicted(series: string): void {
    for (const h of this.listeners) h.evicted(series);
  }

  /** Tells every attached subscription that the background sweep froze a series. */
  frozen(series: string, params: FrozenParams): void {
    for (const h of this.listeners) h.frozen?.(series, params);
  }

  /** Tells every attached subscription that a slice of the background sweep ended. */
  sliced(): void {
    for (const h of this.listeners) h.sliced?.();
  }
}
