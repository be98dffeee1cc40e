import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SeriesBoard } from './series-board.js';
import type { WireSnapshot, WireUpdates } from './wire.js';

/** Options of {@link EventStream}. */
export interface EventStreamOptions {
  /** Conflation interval: at most one `updates` event per interval (default 250 ms). */
  intervalMs?: number;
  /** The overview goes out at least this often (default 1000 ms); it is also the stream's heartbeat. */
  overviewMs?: number;
  /** Events kept for `Last-Event-ID` replay (default 512: two minutes at the default interval). */
  replayEvents?: number;
  /** Bytes kept for replay at most (default 16 MiB); older events are dropped first. */
  replayBytes?: number;
  /** Reconnect delay the page's EventSource is told (default 1000 ms). */
  retryMs?: number;
  /** A client whose socket stays full this long is disconnected (default 30 s); it reconnects. */
  stallMs?: number;
  /** How often the board forgets idle series (default 30 s). */
  sweepMs?: number;
}

/** One connected page. */
interface Client {
  res: ServerResponse;
  /** The socket's buffer is full: events are skipped until it drains. */
  blocked: boolean;
  /** Events were skipped: a fresh snapshot goes out when the socket drains. */
  missed: boolean;
  blockedSince: number;
}

/** How connections started, and what was sent (read by `/metrics` and the tests). */
export interface EventStreamStats {
  clients: number;
  /** Connections answered by replaying events after their `Last-Event-ID`. */
  replays: number;
  /** Connections answered with a snapshot (new, or `Last-Event-ID` too old or from another run). */
  snapshots: number;
  /** Snapshots sent to a client whose socket had been full (it skipped events). */
  resyncs: number;
  /** `updates` events broadcast. */
  events: number;
}

/**
 * One multiplexed Server-Sent Events stream for every page: `snapshot` (every series) on
 * connect, then `updates` (the latest row of each series that changed) at most once per
 * `intervalMs`, however fast the outputs come: conflated to the latest value per series.
 *
 * Nothing is missed across a reconnect: event ids are `${run}:${seq}`, and the last
 * `replayEvents` updates are kept, so a page that reconnects with `Last-Event-ID` gets the
 * events after it replayed; if they are gone (or the id is from another run) it gets a fresh
 * snapshot, which holds the latest state of every series. A page whose socket cannot keep up skips
 * events and gets a snapshot when its socket drains.
 */
export class EventStream {
  /** This server run's id (event ids start with it). */
  readonly run = randomBytes(6).toString('base64url');
  private seq = 0;
  private readonly clients = new Set<Client>();
  private readonly replay: { seq: number; text: string }[] = [];
  private replayed = 0;
  private lastOverview = 0;
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly counts = { replays: 0, snapshots: 0, resyncs: 0, events: 0 };
  private readonly intervalMs: number;
  private readonly overviewMs: number;
  private readonly replayEvents: number;
  private readonly replayBytes: number;
  private readonly retryMs: number;
  private readonly stallMs: number;
  private readonly sweepMs: number;

  constructor(
    private readonly board: SeriesBoard,
    private readonly counters: () => Record<string, number>,
    options: EventStreamOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? 250;
    this.overviewMs = options.overviewMs ?? 1000;
    this.replayEvents = options.replayEvents ?? 512;
    this.replayBytes = options.replayBytes ?? 16 * 1024 * 1024;
    this.retryMs = options.retryMs ?? 1000;
    this.stallMs = options.stallMs ?? 30_000;
    this.sweepMs = options.sweepMs ?? 30_000;
  }

  /** The conflation interval, ms. */
  get interval(): number {
    return this.intervalMs;
  }

  /** Starts the flush and sweep timers. */
  start(): this {
    this.timers.push(setInterval(() => this.flush(), this.intervalMs));
    this.timers.push(setInterval(() => this.board.sweep(), this.sweepMs));
    for (const t of this.timers) t.unref();
    return this;
  }

  /** Counts so far. */
  stats(): EventStreamStats {
    return { clients: this.clients.size, ...this.counts };
  }

  /** Answers `GET /events`: replays after `Last-Event-ID` when possible, else sends a snapshot. */
  connect(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.socket?.setNoDelay(true);
    const client: Client = { res, blocked: false, missed: false, blockedSince: 0 };
    this.clients.add(client);
    res.on('close', () => this.clients.delete(client));
    res.on('drain', () => {
      client.blocked = false;
      if (!client.missed) return;
      client.missed = false;
      this.counts.resyncs++;
      this.write(client, this.snapshotText());
    });
    this.write(client, `retry: ${this.retryMs}\n\n`);
    const events = this.replayAfter(req.headers['last-event-id']);
    if (events !== undefined) {
      this.counts.replays++;
      for (const text of events) this.write(client, text);
    } else {
      this.counts.snapshots++;
      this.write(client, this.snapshotText());
    }
  }

  /** The events after `Last-Event-ID`, or undefined when they cannot all be replayed. */
  private replayAfter(header: string | string[] | undefined): string[] | undefined {
    if (typeof header !== 'string') return undefined;
    const m = /^([\w-]+):(\d+)$/.exec(header.trim());
    if (m === null || m[1] !== this.run) return undefined;
    const after = Number(m[2]);
    if (after > this.seq) return undefined;
    const first = this.replay[0]?.seq ?? this.seq + 1;
    if (after + 1 < first) return undefined; // some events after it are gone
    return this.replay.filter((e) => e.seq > after).map((e) => e.text);
  }

  private snapshotText(): string {
    const snapshot: WireSnapshot = { run: this.run, seq: this.seq, at: this.board.now(), rows: this.board.rows(), overview: this.board.overview(this.counters()), alarms: this.board.recentAlarms() };
    return `id: ${this.run}:${this.seq}\nevent: snapshot\ndata: ${JSON.stringify(snapshot)}\n\n`;
  }

  /** Sends the changes since the last flush (and the overview when due) to every page. */
  flush(): void {
    const now = this.board.now();
    const overviewDue = now - this.lastOverview >= this.overviewMs;
    if (!this.board.changed && !overviewDue) return;
    const { rows, removed, alarms } = this.board.takeUpdates();
    const seq = ++this.seq;
    const updates: WireUpdates = { seq, at: now, rows };
    if (removed.length > 0) updates.removed = removed;
    if (alarms.length > 0) updates.alarms = alarms;
    if (overviewDue) {
      updates.overview = this.board.overview(this.counters());
      this.lastOverview = now;
    }
    const text = `id: ${this.run}:${seq}\nevent: updates\ndata: ${JSON.stringify(updates)}\n\n`;
    this.keep(seq, text);
    this.counts.events++;
    for (const c of this.clients) {
      if (c.blocked) {
        c.missed = true;
        if (now - c.blockedSince > this.stallMs) c.res.destroy();
      } else this.write(c, text);
    }
  }

  private keep(seq: number, text: string): void {
    this.replay.push({ seq, text });
    this.replayed += text.length;
    while (this.replay.length > this.replayEvents || (this.replayed > this.replayBytes && this.replay.length > 1)) {
      this.replayed -= (this.replay.shift() as { text: string }).text.length;
    }
  }

  private write(c: Client, text: string): void {
    if (c.res.write(text)) return;
    c.blocked = true;
    c.blockedSince = this.board.now();
  }

  /** Cuts every page's connection (their EventSource reconnects with `Last-Event-ID`). */
  dropAll(): void {
    for (const c of this.clients) c.res.destroy();
    this.clients.clear();
  }

  /** Stops the timers and ends every connection. */
  close(): void {
    for (const t of this.timers) clearInterval(t);
    this.timers.length = 0;
    for (const c of this.clients) c.res.end();
    this.clients.clear();
  }
}
