import { timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import type { IncomingMessage } from 'node:http';

/**
 * Who may read and act. Another page in the same browser can send requests to a loopback server
 * (CSRF) and, through a name it controls that resolves to 127.0.0.1, read its answers (DNS
 * rebinding). So, on loopback too:
 * - every request's `Host` must be an IP literal or `localhost` with our port, or a name the
 *   operator allowed (a rebinding attack always uses a name of its own);
 * - data (`/api/*`, `/events`) needs the per-run token (query `token` or header);
 * - actions (POST) need the token in the `X-Streamnorm-Token` header, a JSON body (a cross-site
 *   form cannot send one without a CORS preflight, which we never answer), and, when the browser
 *   says where the request comes from (`Origin`, `Sec-Fetch-Site`), our own origin.
 */
export class RequestGuard {
  private readonly token: Buffer;
  private readonly names: ReadonlySet<string>;

  /**
   * @param token the per-run secret
   * @param port the port the server listens on
   * @param allowedHosts further `Host` values to accept: `name` (any port) or `name:port`
   */
  constructor(
    token: string,
    private readonly port: number,
    allowedHosts: readonly string[] = [],
  ) {
    this.token = Buffer.from(token);
    this.names = new Set(allowedHosts.map((h) => h.toLowerCase()));
  }

  /** Whether the request's `Host` names this server (see the class comment). */
  hostAllowed(req: IncomingMessage): boolean {
    const host = req.headers.host?.toLowerCase();
    if (host === undefined) return false;
    const m = /^(\[[0-9a-f:.]+\]|[^:[\]]+)(?::(\d+))?$/.exec(host);
    if (m === null) return false;
    const name = m[1] as string;
    const port = m[2] === undefined ? 80 : Number(m[2]);
    if (this.names.has(host) || this.names.has(name)) return true;
    const bare = name.startsWith('[') ? name.slice(1, -1) : name;
    return port === this.port && (name === 'localhost' || isIP(bare) !== 0);
  }

  /** Whether `candidate` is the token (constant time). */
  tokenMatches(candidate: string | null | undefined): boolean {
    if (typeof candidate !== 'string') return false;
    const given = Buffer.from(candidate);
    return given.length === this.token.length && timingSafeEqual(given, this.token);
  }

  /** Why a data request (`/api/*` GET, `/events`) is refused, or undefined when it may read. */
  readRefusal(req: IncomingMessage, url: URL): string | undefined {
    if (!this.hostAllowed(req)) return 'unknown Host';
    const header = req.headers['x-streamnorm-token'];
    if (!this.tokenMatches(typeof header === 'string' ? header : url.searchParams.get('token'))) return 'missing or wrong token';
    return undefined;
  }

  /** Why an action (POST) is refused, or undefined when it may act. */
  actionRefusal(req: IncomingMessage): string | undefined {
    if (!this.hostAllowed(req)) return 'unknown Host';
    const header = req.headers['x-streamnorm-token'];
    if (!this.tokenMatches(typeof header === 'string' ? header : undefined)) return 'missing or wrong token';
    const origin = req.headers.origin;
    if (origin !== undefined) {
      const host = req.headers.host ?? '';
      if (origin !== `http://${host}` && origin !== `https://${host}`) return 'foreign Origin';
    }
    const site = req.headers['sec-fetch-site'];
    if (site !== undefined && site !== 'same-origin' && site !== 'none') return 'cross-site request';
    if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) return 'expected Content-Type: application/json';
    return undefined;
  }
}
