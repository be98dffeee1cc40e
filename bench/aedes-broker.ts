/**
 * An aedes broker in its own process for the MQTT section: prints `{"url": ...}` once listening
 * on a free 127.0.0.1 port, closes on SIGTERM, SIGINT or the end of stdin (the parent is gone).
 */
import { startAedes } from '../test/helpers/aedes.js';

const broker = await startAedes();
process.stdout.write(`${JSON.stringify({ url: broker.url })}\n`);
const close = (): void => {
  broker.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.once('SIGTERM', close);
process.once('SIGINT', close);
process.stdin.once('end', close);
process.stdin.resume();
