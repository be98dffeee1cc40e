import type { MqttClient } from 'mqtt';
import { SensorFleet, type FleetMessage, type FleetOptions } from './fleet.js';

/** Options of {@link runSimulator}. */
export interface SimulatorOptions extends FleetOptions {
  /** Time between ticks, ms (each tick publishes one message per device). */
  periodMs: number;
  /** Topic prefix; messages go to `${prefix}/{site}/{device}`. */
  prefix?: string;
  /** Every this many messages, one corrupt payload (truncated JSON) is sent (0: never). */
  corruptEvery?: number;
}

/** A running simulator. */
export interface Simulator {
  /** Messages published so far. */
  readonly published: () => number;
  /** Stops publishing (pending publishes still complete). */
  stop(): void;
}

/**
 * Publishes a {@link SensorFleet}'s messages as JSON (`{"time": ms, "<field>": value, ...}`; NaN
 * as the string "NaN", garbage as "ERR", dropouts as null) on a timer, plus an occasional corrupt
 * payload, so the pipeline shows every kind of bad input it copes with.
 */
export function runSimulator(client: MqttClient, options: SimulatorOptions): Simulator {
  const fleet = new SensorFleet(options);
  const prefix = options.prefix ?? 'sensors';
  const corruptEvery = options.corruptEvery ?? 97;
  let tick = 0;
  let count = 0;
  const send = (): void => {
    for (const m of fleet.tick(tick, options.periodMs)) {
      count++;
      const payload = corruptEvery > 0 && count % corruptEvery === 0 ? encode(m).slice(0, 17) : encode(m);
      client.publish(`${prefix}/${m.site}/${m.device}`, payload, { qos: 0 });
    }
    tick++;
  };
  send();
  const timer = setInterval(send, options.periodMs);
  return {
    published: () => count,
    stop: () => clearInterval(timer),
  };
}

/** JSON of one message; NaN (which JSON cannot carry) becomes the string "NaN". */
export function encode(m: FleetMessage): string {
  const body: Record<string, unknown> = { time: m.time };
  for (const [k, v] of Object.entries(m.values)) body[k] = typeof v === 'number' && Number.isNaN(v) ? 'NaN' : v;
  return JSON.stringify(body);
}
