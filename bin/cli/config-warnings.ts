import type { RunConfig } from './config-schema.js';

/**
 * What a valid config cannot guarantee, said at `--check` and at start: at-least-once delivery
 * needs a persistent session (`clean: false`, a fixed client id) and QoS 1 input; without a state
 * file a restart fits every series again.
 */
export function configWarnings(config: RunConfig): string[] {
  const warnings: string[] = [];
  if ('mqtt' in config.input) {
    const { connect, qos } = config.input.mqtt;
    if (connect.clean !== false) {
      warnings.push('config.input.mqtt.clean: a clean session loses the messages the broker holds for the bridge whenever it disconnects; set clean: false (with a fixed clientId) for at-least-once delivery');
    }
    if (qos === 0) warnings.push('config.input.mqtt.qos: QoS 0 input is never acknowledged nor sent again; use qos: 1 for at-least-once delivery');
    if (qos === 2) warnings.push('config.input.mqtt.qos: QoS 2 input is acknowledged by the client library on receipt (PUBREC), before its outputs are confirmed; use qos: 1 for at-least-once delivery');
  }
  if (config.state === undefined) warnings.push('config.state: no state file, so a restart fits every series again (and learned readings are acknowledged without a checkpoint)');
  return warnings;
}
