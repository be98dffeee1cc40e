/**
 * The bridge under test, in its own process: subscribe `bench/{mode}/in/+device` (JSON payloads
 * with value and time in ms) → normalize (or pass through, mode `noop`) → publish to
 * `bench/{mode}/out/{series}`, QoS 1 both ways. Prints `{"ready": true}` once started; answers each
 * line `cpu` on stdin with `{"cpuMicros": n}`, the CPU time (user + system) it has used so far; ends
 * its clients and exits on SIGTERM or when stdin closes.
 *
 * Usage: node dist/bench/mqtt-bridge.js <brokerUrl> <normalize|noop>
 */
import { createInterface } from 'node:readline';
import { mqttSource } from '../connectors/mqtt/source.js';
import { publishNormalized } from '../connectors/mqtt/sink.js';
import { normalize } from '../operators/index.js';
import { BRIDGE_FREEZE_AFTER_SAMPLES, passThrough } from './mqtt-bridge-options.js';

const [url, mode] = process.argv.slice(2);
if (url === undefined || (mode !== 'normalize' && mode !== 'noop')) {
  console.error('usage: mqtt-bridge.js <brokerUrl> <normalize|noop>');
  process.exit(2);
}
const source = mqttSource({ connect: { url, clientId: `bench-bridge-${mode}-in-${process.pid}` }, topics: `bench/${mode}/in/+device`, codec: { kind: 'json' }, timeUnit: 'ms', qos: 1 });
const stage = mode === 'normalize' ? normalize({ freeze: { afterSamples: BRIDGE_FREEZE_AFTER_SAMPLES } }) : passThrough();
const subscription = source.readings$.pipe(stage, publishNormalized({ connect: { url, clientId: `bench-bridge-${mode}-out-${process.pid}` }, topic: `bench/${mode}/out/{series}`, qos: 1 })).subscribe({
  error: (e: unknown) => {
    console.error(`bridge ${mode}:`, e);
    process.exit(1);
  },
});
process.stdout.write(`${JSON.stringify({ ready: true })}\n`);
const stop = (): void => {
  subscription.unsubscribe();
  setTimeout(() => process.exit(0), 200);
};
process.once('SIGTERM', stop);
process.stdin.once('end', stop);
// Lines, not chunks: `cpu` may arrive split or several to a chunk.
createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.trim() !== 'cpu') return;
  const used = process.cpuUsage();
  process.stdout.write(`${JSON.stringify({ cpuMicros: used.user + used.system })}\n`);
});
