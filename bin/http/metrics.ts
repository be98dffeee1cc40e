import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';

/** Labels of one value of a {@link MetricSource}. */
export type MetricLabels = Readonly<Record<string, string>>;

/**
 * A metric whose values are read from somewhere else at each scrape (a store's counters, a
 * sink's report), never counted a second time. How the lifecycle and delivery parts add theirs:
 *
 * ```ts
 * dashboard.metrics.add({ name: 'streamnorm_unacknowledged_messages', help: 'Messages taken but not yet acknowledged', type: 'gauge', read: () => bridge.unacknowledged });
 * ```
 */
export interface MetricSource {
  /** Prometheus name (`snake_case`; counters end in `_total`). */
  name: string;
  help: string;
  type: 'counter' | 'gauge';
  /** Label names, when `read` returns labelled values. */
  labelNames?: readonly string[];
  /** The current value, or one value per label set. Counters must never go down. */
  read(): number | Iterable<readonly [MetricLabels, number]>;
}

/**
 * The `/metrics` registry: a prom-client {@link Registry} with the process metrics and
 * {@link MetricSource}s read by `collect()` callbacks at each scrape. Sources that read the same
 * costly report share one read per scrape through {@link DashboardMetrics.perScrape}.
 */
export class DashboardMetrics {
  /** The prom-client registry (register any prom-client metric on it directly, too). */
  readonly registry = new Registry();
  private scrape = 0;

  constructor(options: { processMetrics?: boolean } = {}) {
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry });
  }

  /** Registers a source; throws if a metric of that name exists (prom-client's check). */
  add(source: MetricSource): void {
    const labelNames = [...(source.labelNames ?? [])];
    if (source.type === 'gauge') {
      new Gauge({
        name: source.name,
        help: source.help,
        labelNames,
        registers: [this.registry],
        collect() {
          const v = source.read();
          if (typeof v === 'number') return void this.set(v);
          this.reset();
          for (const [labels, x] of v) this.set(labels, x);
        },
      });
      return;
    }
    new Counter({
      name: source.name,
      help: source.help,
      labelNames,
      registers: [this.registry],
      collect() {
        const v = source.read();
        this.reset();
        if (typeof v === 'number') return void this.inc(v);
        for (const [labels, x] of v) this.inc(labels, x);
      },
    });
  }

  /** Wraps a read so that it runs once per scrape (e.g. `store.diagnostics()` for every store metric). */
  perScrape<T>(read: () => T): () => T {
    let at = -1;
    let value: T;
    return () => {
      if (at !== this.scrape) {
        value = read();
        at = this.scrape;
      }
      return value;
    };
  }

  /** The exposition text (Prometheus text format 0.0.4). */
  async text(): Promise<string> {
    this.scrape++;
    return this.registry.metrics();
  }

  /** The exposition's content type. */
  get contentType(): string {
    return this.registry.contentType;
  }
}
