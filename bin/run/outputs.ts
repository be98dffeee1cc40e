import type { Normalized } from '../../src/index.js';
import { createMqttConnection, encodeFrozenStats, encodeNormalized, fillTemplate, topicNameProblem, type MqttConnection, type MqttEvent, type SeriesParams } from '../../connectors/mqtt/index.js';
import { PublishWindow } from '../../connectors/mqtt/publish-window.js';
import { influxSink, type InfluxSink, type WriteOutcome } from '../../connectors/influx/index.js';
import type { RunConfig } from '../cli/run-config.js';
import type { Entry, Ledger } from './ledger.js';

/** Counts of the outputs (plain numbers). */
export interface OutputCounters {
  /** MQTT publishes the broker acknowledged. */
  published: number;
  /** MQTT outputs refused: by the broker (e.g. an ACL, MQTT 5 reason code), or no topic could be made. */
  publishRefused: number;
  /** InfluxDB lines written, spilled (safe in the spill file), refused by the server (4xx). */
  written: number;
  spilled: number;
  writeRefused: number;
}

/**
 * The bridge's outputs: every normalized output goes to each sink (an MQTT topic through a bounded
 * publish window, InfluxDB through the sink with per-line outcomes), and its entry in the ledger
 * learns when each sink confirmed it. Refusals (a topic the broker's ACL forbids, a line the
 * server refuses as bad data) are counted, reported once per reason, and confirm the output: sent
 * again, they would be refused again. An output that cannot be confirmed (the InfluxDB server away
 * past the retry budget without a spill file, the client ended) leaves its message unacknowledged
 * and calls `onFatal` (InfluxDB) so that the bridge stops and the broker keeps the message.
 *
 * The gate: after a freeze (or promotion) nothing more is handed to a sink until the checkpoint
 * that holds the new statistics is written (`open()`), so no output ever carries a version that
 * a restart could fit differently. The frozen statistics for the stats topic wait behind it too.
 */
export class Outputs {
  readonly counters: OutputCounters = { published: 0, publishRefused: 0, written: 0, spilled: 0, writeRefused: 0 };
  readonly mqtt: MqttConnection | undefined;
  readonly stats: MqttConnection | undefined;
  readonly influx: InfluxSink | undefined;
  private readonly window: PublishWindow | undefined;
  private readonly statsWindow: PublishWindow | undefined;
  private readonly reported = new Set<string>();
  private gated = false;
  private readonly queue: ([Normalized, Entry] | SeriesParams)[] = [];
  private inFlight = 0;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly config: RunConfig,
    private readonly ledger: Ledger,
    private readonly say: (line: string) => void,
    private readonly onFatal: (e: Error) => void,
    onEvent: (e: MqttEvent, which: 'mqtt-out' | 'stats') => void,
  ) {
    const out = config.output.mqtt;
    if (out !== undefined) {
      this.mqtt = createMqttConnection(out.connect);
      this.mqtt.events$.subscribe((e) => onEvent(e, 'mqtt-out'));
      this.window = new PublishWindow(this.mqtt.client, out.maxInflight);
      this.mqtt.start();
      if (out.statsTopic !== undefined) {
        this.stats = createMqttConnection({ ...out.connect, clientId: `${out.connect.clientId ?? 'streamnorm'}-stats` });
        this.stats.events$.subscribe((e) => onEvent(e, 'stats'));
        this.statsWindow = new PublishWindow(this.stats.client, out.maxInflight);
        this.stats.start();
      }
    }
    if (config.output.influx !== undefined) this.influx = influxSink(config.output.influx);
  }

  /** Outputs waiting behind the gate, and outputs handed to a sink and not confirmed yet. */
  get pending(): number {
    return this.queue.length + this.inFlight;
  }

  /** Hands one output of `entry` to every sink (or queues it behind the gate). */
  send(o: Normalized, entry: Entry): void {
    entry.pending++;
    if (this.gated) this.queue.push([o, entry]);
    else this.dispatch(o, entry);
  }

  /** Publishes frozen statistics to the stats topic (behind the gate). */
  sendStats(sp: SeriesParams): void {
    if (this.statsWindow === undefined) return;
    if (this.gated) this.queue.push(sp);
    else this.publishStats(sp);
  }

  /** Closes the gate: a freeze waits for its checkpoint. */
  gate(): void {
    this.gated = true;
  }

  /** Opens the gate: what waited behind it goes to the sinks, in order. */
  open(): void {
    this.gated = false;
    const waiting = this.queue.splice(0);
    for (const item of waiting) {
      if (Array.isArray(item)) this.dispatch(item[0], item[1]);
      else this.publishStats(item);
    }
    this.checkIdle();
  }

  /** Resolves once nothing waits behind the gate and every output handed to a sink is confirmed (or failed). */
  idle(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Ends the sinks: gracefully, or at once (`abandon`: unconfirmed outputs stay unacknowledged). */
  async close(abandon: boolean): Promise<void> {
    const error = new Error('the bridge stopped before the output was confirmed');
    this.window?.abandon(error);
    this.statsWindow?.abandon(error);
    await Promise.all([
      this.mqtt ? (abandon ? this.mqtt.client.endAsync(true).catch(() => undefined) : this.mqtt.end()) : undefined,
      this.stats ? (abandon ? this.stats.client.endAsync(true).catch(() => undefined) : this.stats.end()) : undefined,
      this.influx?.close({ abandon }),
    ]);
  }

  private dispatch(o: Normalized, entry: Entry): void {
    const out = this.config.output.mqtt;
    if (out !== undefined && this.window !== undefined) {
      entry.pending++;
      this.inFlight++;
      const topic = fillTemplate(out.topic, { ...o.tags, series: o.series });
      const problem = typeof topic === 'string' ? topicNameProblem(topic) : `the topic template ${out.topic} needs {${topic.missing}}, which the output of ${o.series} has not`;
      if (problem !== undefined) {
        this.refused('publishRefused', `mqtt output: ${problem}`);
        this.sinkDone(entry);
      } else {
        this.window.publish(topic as string, encodeNormalized(o, false), { qos: out.qos }, (err) => {
          if (err === undefined) this.counters.published++;
          else if (typeof err.code === 'number') this.refused('publishRefused', `mqtt output to ${topic as string}: the broker refused it: ${err.message}`);
          else this.ledger.fail(entry);
          this.sinkDone(entry);
        });
      }
    }
    if (this.influx !== undefined) {
      entry.pending++;
      this.inFlight++;
      this.influx.write(o, (outcome) => this.influxDone(outcome, entry));
    }
    this.ledger.done(entry); // the send itself
  }

  private influxDone(outcome: WriteOutcome, entry: Entry): void {
    if (outcome.status === 'written') this.counters.written++;
    else if (outcome.status === 'failed' && outcome.spilled) this.counters.spilled++;
    else if (outcome.status === 'failed' && outcome.reason === 'rejected') this.refused('writeRefused', `influx output: the server refused a line: ${outcome.message}`);
    else if (outcome.status === 'failed') {
      this.ledger.fail(entry);
      if (outcome.reason !== 'closed') {
        this.onFatal(new Error(`influx output: lines could not be written (${outcome.reason}: ${outcome.message}) and there is no spill file; stopping so that the broker keeps their messages (set output.influx.spill to go on through outages)`));
      }
    }
    this.sinkDone(entry);
  }

  private publishStats(sp: SeriesParams): void {
    const template = this.config.output.mqtt?.statsTopic as string;
    const topic = fillTemplate(template, { series: sp.series });
    if (typeof topic !== 'string' || topicNameProblem(topic) !== undefined) return this.refused('publishRefused', `stats topic for ${sp.series}: cannot be made from ${template}`);
    this.inFlight++;
    (this.statsWindow as PublishWindow).publish(topic, encodeFrozenStats(sp.series, sp.params), { qos: 1, retain: true }, (err) => {
      this.inFlight--;
      if (err !== undefined && typeof err.code === 'number') this.refused('publishRefused', `stats topic ${topic}: the broker refused it: ${err.message}`);
      this.checkIdle();
    });
  }

  /** Counts a refusal and says it once per distinct reason. */
  private refused(counter: 'publishRefused' | 'writeRefused', reason: string): void {
    this.counters[counter]++;
    if (this.reported.size < 100 && !this.reported.has(reason)) {
      this.reported.add(reason);
      this.say(`${reason} (counted; further ones are counted without a line)`);
    }
  }

  /** One sink confirmed (or refused, or failed) one output of `entry`. */
  private sinkDone(entry: Entry): void {
    this.inFlight--;
    this.ledger.done(entry);
    this.checkIdle();
  }

  private checkIdle(): void {
    if (this.pending > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}
