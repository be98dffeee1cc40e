import { createServer, type Socket } from 'node:net';
import { Aedes } from 'aedes';

/** A running embedded MQTT broker. */
export interface EmbeddedBroker {
  url: string;
  port: number;
  /** The aedes instance (to observe subscriptions or publish from the same process). */
  broker: Aedes;
  /** Closes every connection, the listener and the broker. */
  close(): Promise<void>;
}

/**
 * Starts an in-process aedes broker (MQTT 3.1.1) on `host` and `port` (0, the default, lets the
 * OS choose a free port), so the demo needs no external broker.
 */
export async function startEmbeddedBroker(port = 0, host = '127.0.0.1'): Promise<EmbeddedBroker> {
  const broker = await Aedes.createBroker();
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    broker.handle(socket);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  const bound = typeof address === 'object' && address ? address.port : port;
  let closing: Promise<void> | undefined;
  return {
    url: `mqtt://${host}:${bound}`,
    port: bound,
    broker,
    close: () =>
      (closing ??= (async () => {
        for (const s of sockets) s.destroy();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await new Promise<void>((resolve) => broker.close(() => resolve()));
      })()),
  };
}
