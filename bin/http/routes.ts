import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Asset } from './assets.js';
import type { EventStream } from './event-stream.js';
import type { RequestGuard } from './guard.js';
import type { DashboardMetrics } from './metrics.js';
import type { SeriesBoard } from './series-board.js';
import { ACTIONS, type ActionName, type ControlPlane, type ReadinessProbes } from './source.js';
import type { WireActionResult, WireMeta } from './wire.js';

/** What the request handler serves from. */
export interface RouteContext {
  assets: ReadonlyMap<string, Asset>;
  board: SeriesBoard;
  stream: EventStream;
  guard: RequestGuard;
  metrics: DashboardMetrics;
  meta: WireMeta;
  control: ControlPlane | undefined;
  readiness: ReadinessProbes;
  started: number;
}

/** Headers on every answer: no sniffing, no framing, no referrer, nothing loaded from elsewhere. */
const SECURITY_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Content-Security-Policy': "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
};

/** Largest action body accepted. */
const MAX_BODY = 1 << 20;
/** A probe that takes longer than this counts as not ready. */
const PROBE_TIMEOUT_MS = 2000;

function send(res: ServerResponse, status: number, type: string, body: string | Buffer, extra: Record<string, string> = {}): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': type, 'Cache-Control': 'no-store', ...extra });
  res.end(body);
}

const json = (res: ServerResponse, status: number, value: unknown): void => send(res, status, 'application/json; charset=utf-8', JSON.stringify(value));

/** A glob (`*` any text, `?` one character) as an anchored regular expression. */
export function globToRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}

/** The request handler of the dashboard server. */
export function handleRequest(ctx: RouteContext): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    route(ctx, req, res).catch((e: unknown) => {
      if (!res.headersSent) json(res, 500, { error: (e as Error).message });
      else res.destroy();
    });
  };
}

async function route(ctx: RouteContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://dashboard.invalid');
  const path = url.pathname;
  const method = req.method ?? 'GET';
  if (method === 'POST' && path.startsWith('/api/actions/')) return action(ctx, req, res, path.slice('/api/actions/'.length));
  if (method !== 'GET' && method !== 'HEAD') return json(res, 405, { error: `${method} is not allowed here` });

  // Operations endpoints: no token and no Host check, so that any scraper or probe can read them.
  if (path === '/metrics') return send(res, 200, ctx.metrics.contentType, await ctx.metrics.text());
  if (path === '/healthz') return json(res, 200, { status: 'ok', uptimeMs: Date.now() - ctx.started });
  if (path === '/readyz') return ready(ctx, res);

  if (!ctx.guard.hostAllowed(req)) return json(res, 403, { error: 'unknown Host' });
  const asset = ctx.assets.get(path);
  if (asset !== undefined) return send(res, 200, asset.type, asset.body);
  if (path !== '/events' && !path.startsWith('/api/')) return json(res, 404, { error: 'not found' });

  const refusal = ctx.guard.readRefusal(req, url);
  if (refusal !== undefined) return json(res, 403, { error: refusal });
  if (path === '/events') return ctx.stream.connect(req, res);
  if (path === '/api/meta') return json(res, 200, ctx.meta);
  if (path === '/api/series') {
    const match = url.searchParams.get('match');
    const re = match ? globToRegExp(match) : undefined;
    const rows = ctx.board.rows().filter((r) => re === undefined || re.test(r[0]));
    rows.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    return json(res, 200, { columns: ['series', 'phase', 'version', 'raw', 'value', 'time', 'flag', 'drift'], rows });
  }
  if (path === '/api/history') {
    const series = url.searchParams.get('series');
    if (series === null) return json(res, 400, { error: 'series is required' });
    const after = Number(url.searchParams.get('after') ?? 0);
    const history = ctx.board.history(series, Number.isFinite(after) ? after : 0);
    return history === undefined ? json(res, 404, { error: `unknown series ${JSON.stringify(series)}` }) : json(res, 200, history);
  }
  return json(res, 404, { error: 'not found' });
}

async function ready(ctx: RouteContext, res: ServerResponse): Promise<void> {
  const names = Object.keys(ctx.readiness);
  const results = await Promise.all(
    names.map(async (name) => {
      try {
        const probe = Promise.resolve((ctx.readiness[name] as () => boolean | Promise<boolean>)());
        const timeout = new Promise<boolean>((resolve) => setTimeout(resolve, PROBE_TIMEOUT_MS, false).unref());
        return (await Promise.race([probe, timeout])) === true;
      } catch {
        return false;
      }
    }),
  );
  const probes = Object.fromEntries(names.map((n, i) => [n, results[i] as boolean]));
  const failing = names.filter((n) => !probes[n]);
  json(res, failing.length === 0 ? 200 : 503, { ready: failing.length === 0, probes, ...(failing.length ? { failing } : {}) });
}

async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The series ids of an action body, or why it is refused. */
function seriesOf(body: string): string[] | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return 'body is not JSON';
  }
  const series = (parsed as { series?: unknown } | null)?.series;
  if (!Array.isArray(series) || !series.every((s) => typeof s === 'string')) return 'expected {"series": ["id", ...]}';
  if (series.length > 100_000) return 'at most 100000 series per action';
  return series as string[];
}

async function action(ctx: RouteContext, req: IncomingMessage, res: ServerResponse, name: string): Promise<void> {
  const refusal = ctx.guard.actionRefusal(req);
  if (refusal !== undefined) return json(res, 403, { error: refusal });
  const fn = (ACTIONS as readonly string[]).includes(name) ? ctx.control?.[name as ActionName] : undefined;
  if (fn === undefined) return json(res, 404, { error: `action ${JSON.stringify(name)} is not offered` });
  const body = await readBody(req);
  if (body === undefined) return json(res, 413, { error: `body larger than ${MAX_BODY} bytes` });
  const series = seriesOf(body);
  if (typeof series === 'string') return json(res, 400, { error: series });
  const done = await fn.call(ctx.control, series);
  ctx.stream.flush(); // the page sees the effect at once
  const result: WireActionResult = { action: name, done: [...done] };
  json(res, 200, result);
}
