import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/** A canned answer the proxy gives instead of forwarding: status, body, headers. */
export interface Fault {
  status: number;
  body?: string;
  headers?: Record<string, string>;
}

/**
 * An HTTP proxy on 127.0.0.1 in front of a real server that answers the next requests with
 * injected faults (503, 429, 400 ...) and forwards everything else unchanged. Counts requests.
 */
export interface FaultProxy {
  url: string;
  /** Requests received, faulted or forwarded. */
  requests: number;
  /** Bodies of the requests received, in order. */
  bodies: string[];
  /** Answers the next `faults.length` requests with these faults, in order. */
  inject(...faults: Fault[]): void;
  close(): Promise<void>;
}

/** Starts a {@link FaultProxy} forwarding to `target` (`http://127.0.0.1:PORT`). */
export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const to = new URL(target);
  const queue: Fault[] = [];
  const proxy: FaultProxy = {
    url: '',
    requests: 0,
    bodies: [],
    inject: (...faults) => void queue.push(...faults),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      proxy.requests++;
      const body = Buffer.concat(chunks);
      proxy.bodies.push(body.toString('utf8'));
      const fault = queue.shift();
      if (fault) {
        res.writeHead(fault.status, { 'content-type': 'application/json', ...fault.headers });
        res.end(fault.body ?? '');
        return;
      }
      const fwd = request(
        { hostname: to.hostname, port: to.port, path: req.url, method: req.method, headers: req.headers },
        (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        },
      );
      fwd.on('error', (err) => {
        res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(`proxy: ${err.message}`);
      });
      fwd.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  proxy.url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  return proxy;
}
