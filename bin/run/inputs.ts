import type { Subscription } from 'rxjs';
import type { Reading } from '../../src/index.js';
import { openMqttDeliveries, type DeliverySource } from '../../connectors/mqtt/deliveries.js';
import type { MqttEvent, SourceDiagnostics } from '../../connectors/mqtt/index.js';
import { readTail } from '../cli/influx-read.js';
import type { RunConfig } from '../cli/run-config.js';

/** The bridge's input: MQTT with acknowledgements (at-least-once), or an InfluxDB tail (nothing to acknowledge). */
export interface Input {
  /** Starts taking messages; `take` gets each message's readings and the function that acknowledges it. */
  start(take: (readings: readonly Reading[], settle: () => void, dup: boolean) => void): void;
  /** Takes no further message (those that arrive stay with the broker). */
  stopTaking(): void;
  /** Ends the connection (acknowledgements already due are written first). */
  end(): Promise<void>;
  /** Messages taken and not acknowledged. */
  unacknowledged(): number;
  /** Whether the bound on unacknowledged messages is reached (a message waits). */
  full(): boolean;
  /** Messages or fields refused as malformed. */
  malformed(): number;
  diagnostics?: SourceDiagnostics;
  /** The MQTT source, for its counters. */
  mqtt?: DeliverySource;
}

/**
 * Builds the input of a run config. MQTT: `openMqttDeliveries` with the bound of
 * `delivery.maxUnacknowledged`, `onEvent` gets its connection events. InfluxDB: the tail's
 * readings, one message each; `onError` gets a tail that fails.
 */
export function openInput(config: RunConfig, onEvent: (e: MqttEvent) => void, onFull: () => void, onError: (e: Error) => void): Input {
  if ('mqtt' in config.input) {
    const options = config.input.mqtt;
    let source: DeliverySource | undefined;
    return {
      start(take) {
        source = openMqttDeliveries({ ...options, connect: options.connect, maxUnacknowledged: config.delivery.maxUnacknowledged }, (d) => take(d.readings, d.settle, d.dup), onFull);
        source.events$.subscribe(onEvent);
        this.diagnostics = source.diagnostics;
        this.mqtt = source;
      },
      stopTaking: () => source?.stopTaking(),
      end: async () => source?.end(),
      unacknowledged: () => source?.unacknowledged() ?? 0,
      full: () => source?.full ?? false,
      malformed: () => source?.diagnostics.counters.malformed ?? 0,
    };
  }
  const influx = config.input.influx;
  let sub: Subscription | undefined;
  const noop = (): void => undefined;
  return {
    start(take) {
      const readings$ = readTail(influx);
      sub = readings$.subscribe({ next: (r) => take([r], noop, false), error: onError });
    },
    stopTaking: () => sub?.unsubscribe(),
    end: async () => sub?.unsubscribe(),
    unacknowledged: () => 0,
    full: () => false,
    malformed: () => 0,
  };
}
