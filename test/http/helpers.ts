import { request } from 'node:http';
import { Subject, tap, type Subscription } from 'rxjs';
import { SeriesStore, normalize, type Normalized, type NormalizeOptions, type Reading } from 'streamnorm';
import { startDashboard, type Dashboard, type DashboardOptions } from '../../bin/http/dashboard.js';
import type { DashboardSource } from '../../bin/http/source.js';

/** A real pipeline (a Subject of readings through `normalize` on a store) with its dashboard. */
export interface TestPipeline {
  input: Subject<Reading>;
  store: SeriesStore;
  /** Every output so far. */
  outputs: Normalized[];
  source: DashboardSource;
  dashboard: Dashboard;
  close(): Promise<void>;
}

/** Starts a pipeline and a dashboard on a free loopback port (freeze-now as the control plane). */
export async function startTestPipeline(
  options: { normalize?: NormalizeOptions; dashboard?: Partial<DashboardOptions>; source?: Partial<DashboardSource> | ((store: SeriesStore) => Partial<DashboardSource>) } = {},
): Promise<TestPipeline> {
  const input = new Subject<Reading>();
  const store = new SeriesStore();
  const tapped = new Subject<Normalized>();
  const outputs: Normalized[] = [];
  const sub: Subscription = input
    .pipe(
      normalize({ freeze: { afterSamples: 5 }, ...options.normalize, store }),
      tap((n) => {
        outputs.push(n);
        tapped.next(n);
      }),
    )
    .subscribe();
  const extra = typeof options.source === 'function' ? options.source(store) : options.source;
  const source: DashboardSource = { store, normalized$: tapped, control: { freeze: (ids) => store.freeze(ids) }, ...extra };
  const dashboard = await startDashboard({ source, processMetrics: false, ...options.dashboard });
  return {
    input,
    store,
    outputs,
    source,
    dashboard,
    close: async () => {
      sub.unsubscribe();
      await dashboard.close();
    },
  };
}

/** An HTTP answer, read whole. */
export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One request with exactly the headers given (Host included: node:http lets a test set it). */
export function httpRequest(port: number, path: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: options.method ?? 'GET', headers: { host: `127.0.0.1:${port}`, ...options.headers } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

/** One Server-Sent Event. */
export interface SseEvent {
  id?: string;
  event: string;
  data: string;
}

/** A raw event-stream connection: the events so far, a wait, and a way to cut it. */
export interface SseConnection {
  status: Promise<number>;
  events: SseEvent[];
  /** Resolves with the first event (from `from` on) that `pred` accepts. */
  next(pred: (e: SseEvent) => boolean, from?: number, timeoutMs?: number): Promise<SseEvent>;
  close(): void;
}

/** Opens `/events` as a browser's EventSource would (optionally with `Last-Event-ID`). */
export function openEvents(port: number, token: string, lastEventId?: string): SseConnection {
  const events: SseEvent[] = [];
  const waiters = new Set<() => void>();
  let closeIt = (): void => undefined;
  const status = new Promise<number>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: `/events?token=${encodeURIComponent(token)}`, headers: { host: `127.0.0.1:${port}`, accept: 'text/event-stream', ...(lastEventId ? { 'last-event-id': lastEventId } : {}) } }, (res) => {
      resolve(res.statusCode ?? 0);
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const e: SseEvent = { event: 'message', data: '' };
          let data: string[] = [];
          for (const line of block.split('\n')) {
            const i = line.indexOf(':');
            if (i === 0) continue; // a comment
            const [field, value] = i < 0 ? [line, ''] : [line.slice(0, i), line.slice(i + 1).replace(/^ /, '')];
            if (field === 'id') e.id = value;
            else if (field === 'event') e.event = value;
            else if (field === 'data') data = [...data, value];
          }
          if (data.length === 0) continue; // e.g. the retry line
          e.data = data.join('\n');
          events.push(e);
          for (const w of waiters) w();
        }
      });
    });
    req.on('error', (e) => (events.length === 0 ? reject(e) : undefined));
    req.end();
    closeIt = () => req.destroy();
  });
  return {
    status,
    events,
    close: () => closeIt(),
    next: (pred, from = 0, timeoutMs = 5000) =>
      new Promise((resolve, reject) => {
        const check = (): boolean => {
          const found = events.slice(from).find(pred);
          if (found === undefined) return false;
          waiters.delete(check as () => void);
          clearTimeout(timer);
          resolve(found);
          return true;
        };
        const timer = setTimeout(() => {
          waiters.delete(check as () => void);
          reject(new Error(`no matching event in ${timeoutMs} ms; got ${events.map((e) => e.event).join(', ')}`));
        }, timeoutMs);
        if (!check()) waiters.add(check as () => void);
      }),
  };
}

/** Readings for `n` series named `s0..s{n-1}` with values from `value(i)`. */
export function readingsFor(n: number, value: (i: number) => unknown, time?: number): Reading[] {
  return Array.from({ length: n }, (_, i) => ({ series: `s${i}`, value: value(i), ...(time !== undefined ? { time } : {}) }));
}
