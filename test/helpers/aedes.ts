import { createServer, type Socket } from 'node:net';
import { Aedes } from 'aedes';

/** An embedded aedes broker on 127.0.0.1 (MQTT 3.1.1; no MQTT 5, no shared subscriptions). */
export interface AedesBroker {
  url: string;
  port: number;
  /** The broker itself, to publish or observe from a test. */
  broker: Aedes;
  /** Closes every connection, the listener and the broker. */
  close(): Promise<void>;
}

/** Starts an in-memory aedes broker on a free port of 127.0.0.1. */
export async function startAedes(): Promise<AedesBroker> {
  const broker = await Aedes.createBroker();
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    broker.handle(socket);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  let closed: Promise<void> | undefined;
  return {
    url: `mqtt://127.0.0.1:${port}`,
    port,
    broker,
    close: () =>
      (closed ??= (async () => {
        for (const s of sockets) s.destroy();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await new Promise<void>((resolve) => broker.close(() => resolve()));
      })()),
  };
}
