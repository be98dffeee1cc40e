import { Subject, type Observable } from 'rxjs';
import type { MalformedReason } from './malformed.js';
import type { MqttEvent } from './events.js';

/** One refused message or field, as reported on {@link SourceDiagnostics.malformed$}. */
export interface MalformedMessage {
  topic: string;
  reason: MalformedReason;
  detail: string;
  /** The field or SenML name concerned, when the refusal is about one value of the message. */
  name?: string;
  /** The original payload. */
  payload: Uint8Array;
  /** Receive time, ms since the epoch. */
  receivedAt: number;
}

/** Counters of a source (plain numbers; read them any time). */
export interface SourceCounters {
  /** Messages handed to the source by the client. */
  messages: number;
  /** Readings delivered to the subscriber. */
  readings: number;
  /** Refused messages or fields (the sum of all per-topic counts). */
  malformed: number;
  /** Messages acknowledged (for QoS 0: handled). */
  acknowledged: number;
  /** Messages left unacknowledged because the subscriber stopped before taking all their readings. */
  unacknowledged: number;
  /** Messages published to the dead-letter topic. */
  deadLettered: number;
  /** Dead-letter publishes that failed (each also reported as an `error` event). */
  deadLetterFailures: number;
}

/** The per-topic bucket used once `maxTopics` distinct topics have been counted. */
export const OTHER_TOPICS = '(other topics)';

/**
 * What a source has seen: counts of malformed messages per topic and reason, totals, and two
 * hot streams, `malformed$` (every refusal, with the payload) and `events$` (connection events).
 * Memory is bounded: beyond `maxTopics` distinct topics, counts go to {@link OTHER_TOPICS}.
 *
 * @example
 * ```ts
 * import { SourceDiagnostics } from 'streamnorm/mqtt';
 * const d = new SourceDiagnostics();
 * d.recordMalformed({ topic: 't/1', reason: 'bad-json', detail: 'x', payload: new Uint8Array(), receivedAt: 0 });
 * d.byTopic(); // => { 't/1': { 'bad-json': 1 } }
 * d.count('bad-json'); // => 1
 * d.counters.malformed; // => 1
 * ```
 */
export class SourceDiagnostics {
  readonly counters: SourceCounters = {
    messages: 0,
    readings: 0,
    malformed: 0,
    acknowledged: 0,
    unacknowledged: 0,
    deadLettered: 0,
    deadLetterFailures: 0,
  };
  private readonly perTopic = new Map<string, Partial<Record<MalformedReason, number>>>();
  private readonly malformed = new Subject<MalformedMessage>();
  private readonly events = new Subject<MqttEvent>();
  /** Every refusal as it happens (hot: subscribe before the source runs to see them all). */
  readonly malformed$: Observable<MalformedMessage> = this.malformed.asObservable();
  /** Connection events of the source's client (hot). */
  readonly events$: Observable<MqttEvent> = this.events.asObservable();

  constructor(private readonly maxTopics = 10_000) {}

  /** Counts one refusal and reports it on `malformed$`. */
  recordMalformed(m: MalformedMessage): void {
    const key = this.perTopic.has(m.topic) || this.perTopic.size < this.maxTopics ? m.topic : OTHER_TOPICS;
    const counts = this.perTopic.get(key) ?? {};
    counts[m.reason] = (counts[m.reason] ?? 0) + 1;
    this.perTopic.set(key, counts);
    this.counters.malformed += 1;
    this.malformed.next(m);
  }

  /** Reports a connection event on `events$`. */
  recordEvent(e: MqttEvent): void {
    this.events.next(e);
  }

  /** Malformed counts per topic and reason (a copy). */
  byTopic(): Record<string, Partial<Record<MalformedReason, number>>> {
    const out: Record<string, Partial<Record<MalformedReason, number>>> = {};
    for (const [topic, counts] of this.perTopic) out[topic] = { ...counts };
    return out;
  }

  /** Malformed count for a reason (all topics), or for a reason on one topic. */
  count(reason: MalformedReason, topic?: string): number {
    if (topic !== undefined) return this.perTopic.get(topic)?.[reason] ?? 0;
    let n = 0;
    for (const counts of this.perTopic.values()) n += counts[reason] ?? 0;
    return n;
  }
}
