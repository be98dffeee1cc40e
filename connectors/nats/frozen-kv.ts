import { Observable } from 'rxjs';
import type { NatsConnection } from '@nats-io/transport-node';
import type { KV, KvEntry } from '@nats-io/kv';
import { createBucket } from './bucket.js';
import type { FrozenParams } from '../../src/scalers/frozen.js';
import type { ScalerSpec } from '../../src/scalers/create.js';
import { frozenParamsToJson, readFrozenParams } from '../../src/state/frozen-params.js';
import { refuseUnknownKeys } from '../../src/options.js';
import { decodeSeriesKey, encodeSeriesKey } from './key-codec.js';

/** The format tag of frozen statistics in the KV bucket (the same document as the MQTT stats topic's, plus the spec and the writer). */
export const FROZEN_KV_FORMAT = 'streamnorm.frozen/1';

/** Who wrote a version: the worker, its partition and the revision of its lease then (the fencing token). */
export interface FrozenWriter {
  worker: string;
  partition?: number;
  lease?: number;
}

/** One series' statistics as the bucket holds them. */
export interface FrozenEntry {
  series: string;
  params: FrozenParams;
  /** The scaler spec the statistics were fitted with (so a reader can rebuild the scaler). */
  spec?: ScalerSpec;
  writer?: FrozenWriter;
  /** The KV revision of this version. */
  revision: number;
}

/** Options of {@link openFrozenStats}. */
export interface FrozenStatsOptions {
  /** Bucket name (default `streamnorm-stats`). */
  bucket?: string;
  /** Replicas (default 1). */
  replicas?: number;
  /** Versions kept per series (default 64, the most NATS allows). */
  history?: number;
}

/** What a write did: wrote the version, found the same version already there, or found another. */
export type FrozenWriteResult = { outcome: 'written' | 'exists'; revision: number } | { outcome: 'conflict'; revision: number; existing: FrozenParams };

/**
 * The frozen statistics of every series in a NATS KV bucket: key = the series id encoded by
 * {@link encodeSeriesKey}, value = the versioned statistics; the key's revision history is the
 * series' version history, and any process can watch it (a frozen-only worker, a dashboard, a
 * model server).
 *
 * Writes are compare-and-set along the version chain: version v is written only over the
 * revision that holds the series' previous version (the first with create), so a version is
 * never overwritten nor forked; a writer that finds its version already there with the same
 * statistics counts it as `exists`, and with other statistics as a `conflict` (the bucket's
 * statistics stay: the first writer wins, one v1 for all).
 *
 * @example
 * ```ts
 * import { connect } from '@nats-io/transport-node';
 * import { StandardScaler } from 'streamnorm';
 * import { openFrozenStats } from 'streamnorm/nats';
 * const nc = await connect({ servers: natsUrl });
 * const stats = await openFrozenStats(nc, { bucket: 'doc-stats' });
 * const v1 = new StandardScaler().learnMany([1, 2, 3]).freeze();
 * (await stats.write('env,device=d1 site/temp', v1)).outcome; // => 'written'
 * (await stats.write('env,device=d1 site/temp', v1)).outcome; // => 'exists'
 * (await stats.read()).get('env,device=d1 site/temp')?.params.center; // => 2
 * await nc.close();
 * ```
 */
export class FrozenStatsBucket {
  /** The revision and version of each series' latest entry this writer wrote or found. */
  private readonly latest = new Map<string, { revision: number; version: number }>();

  /** @param kv the opened bucket (see {@link openFrozenStats}). */
  constructor(readonly kv: KV) {}

  /**
   * Writes a series' frozen statistics as its next version (compare-and-set, see the class). The
   * `writer` travels along; `fence` runs right before each write and throws to stop it (a worker
   * passes its lease check).
   */
  async write(series: string, params: FrozenParams, extra: { spec?: ScalerSpec; writer?: FrozenWriter; fence?: () => void } = {}): Promise<FrozenWriteResult> {
    const key = encodeSeriesKey(series);
    const doc: Record<string, unknown> = { format: FROZEN_KV_FORMAT, series, params: frozenParamsToJson(params) };
    if (extra.spec !== undefined) doc.spec = extra.spec;
    if (extra.writer !== undefined) doc.writer = extra.writer;
    const value = JSON.stringify(doc);
    const known = this.latest.get(series);
    let expected = known !== undefined && known.version < params.version ? known.revision : undefined;
    for (let attempt = 0; ; attempt++) {
      if (attempt > 0 || known === undefined || known.version < params.version) {
        extra.fence?.();
        try {
          const revision = expected === undefined ? await this.kv.create(key, value) : await this.kv.update(key, value, expected);
          this.latest.set(series, { revision, version: params.version });
          return { outcome: 'written', revision };
        } catch (e) {
          if (!/wrong last sequence|key exists/i.test((e as Error).message) || attempt > 8) throw e;
        }
      }
      const current = await this.kv.get(key);
      if (current === null || current.operation !== 'PUT') {
        expected = current?.revision;
        continue;
      }
      const there = decodeFrozenEntry(current);
      if (there.params.version < params.version) {
        expected = current.revision;
        continue;
      }
      if (there.params.version > params.version) return { outcome: 'conflict', revision: current.revision, existing: there.params };
      this.latest.set(series, { revision: current.revision, version: there.params.version });
      const same = JSON.stringify(frozenParamsToJson(there.params)) === JSON.stringify(frozenParamsToJson(params));
      return same ? { outcome: 'exists', revision: current.revision } : { outcome: 'conflict', revision: current.revision, existing: there.params };
    }
  }

  /** The current statistics of one series, or undefined. */
  async get(series: string): Promise<FrozenEntry | undefined> {
    const e = await this.kv.get(encodeSeriesKey(series));
    return e === null || e.operation !== 'PUT' ? undefined : decodeFrozenEntry(e);
  }

  /** Every version of a series the bucket still holds (its `history`), oldest first. */
  async versions(series: string): Promise<FrozenEntry[]> {
    const out: FrozenEntry[] = [];
    const it = await this.kv.history({ key: encodeSeriesKey(series) });
    for await (const e of it) if (e.operation === 'PUT') out.push(decodeFrozenEntry(e));
    return out;
  }

  /** The current statistics of every series, by series id. */
  async read(): Promise<Map<string, FrozenEntry>> {
    const keys: string[] = [];
    for await (const k of await this.kv.keys()) keys.push(k);
    const out = new Map<string, FrozenEntry>();
    for (let i = 0; i < keys.length; i += 64) {
      const entries = await Promise.all(keys.slice(i, i + 64).map((k) => this.kv.get(k)));
      for (const e of entries) if (e !== null && e.operation === 'PUT') out.set(decodeSeriesKey(e.key), decodeFrozenEntry(e));
    }
    return out;
  }

  /**
   * Every series' current statistics, then each new version as it is written; a version older
   * than one already seen for a series is skipped. `onBad` counts entries that cannot be read
   * (they are skipped, never served). Never completes on its own.
   */
  watch(onBad?: (key: string, error: Error) => void): Observable<FrozenEntry> {
    return new Observable<FrozenEntry>((subscriber) => {
      const seen = new Map<string, number>();
      let stop: (() => void) | undefined;
      let closed = false;
      this.kv.watch({ ignoreDeletes: true }).then(
        async (it) => {
          stop = () => it.stop();
          if (closed) return it.stop();
          for await (const e of it) {
            if (e.operation !== 'PUT') continue;
            let entry: FrozenEntry;
            try {
              entry = decodeFrozenEntry(e);
            } catch (err) {
              onBad?.(e.key, err as Error);
              continue;
            }
            if ((seen.get(entry.series) ?? 0) >= entry.params.version) continue;
            seen.set(entry.series, entry.params.version);
            subscriber.next(entry);
          }
        },
        (e: Error) => {
          if (!closed) subscriber.error(e);
        },
      );
      return () => {
        closed = true;
        stop?.();
      };
    });
  }
}

/**
 * Opens (creating when missing) the frozen-statistics bucket; see {@link FrozenStatsBucket}.
 *
 * @example
 * ```ts
 * import { connect } from '@nats-io/transport-node';
 * import { openFrozenStats } from 'streamnorm/nats';
 * const nc = await connect({ servers: natsUrl });
 * const stats = await openFrozenStats(nc, { bucket: 'doc-open' });
 * (await stats.read()).size; // => 0
 * await nc.close();
 * ```
 */
export async function openFrozenStats(nc: NatsConnection, options: FrozenStatsOptions = {}): Promise<FrozenStatsBucket> {
  refuseUnknownKeys(options, ['bucket', 'replicas', 'history'], 'openFrozenStats');
  const kv = await createBucket(nc, options.bucket ?? 'streamnorm-stats', { history: options.history ?? 64, replicas: options.replicas ?? 1 });
  return new FrozenStatsBucket(kv);
}

/**
 * Reads one KV entry of the frozen-statistics bucket, checked by the one validator of frozen
 * statistics (`readFrozenParams`); the key must decode to the series the value names.
 *
 * @throws Error naming the key and the bad field.
 *
 * @example
 * ```ts
 * import { decodeFrozenEntry } from 'streamnorm/nats';
 * const value = new TextEncoder().encode('{"format":"streamnorm.frozen/1","series":"a/b","params":{"kind":"maxabs","pre":"none","center":0,"scale":4,"invScale":0.25,"offset":0,"zeroSpread":false,"count":2,"version":1}}');
 * decodeFrozenEntry({ key: 'a_2Fb', value, revision: 3 }).params.scale; // => 4
 * ```
 */
export function decodeFrozenEntry(e: Pick<KvEntry, 'key' | 'value' | 'revision'>): FrozenEntry {
  const where = `stats key ${e.key}`;
  let doc: { format?: unknown; series?: unknown; params?: unknown; spec?: unknown; writer?: unknown };
  try {
    doc = JSON.parse(new TextDecoder().decode(e.value)) as typeof doc;
  } catch (err) {
    throw new Error(`${where}: not JSON (${(err as Error).message})`);
  }
  if (doc === null || typeof doc !== 'object' || doc.format !== FROZEN_KV_FORMAT) throw new Error(`${where}: not a ${FROZEN_KV_FORMAT} document`);
  if (typeof doc.series !== 'string' || decodeSeriesKey(e.key) !== doc.series) throw new Error(`${where}: its series ${JSON.stringify(doc.series)} is not the key's`);
  const out: FrozenEntry = { series: doc.series, params: readFrozenParams(doc.params, `${where}: params`), revision: e.revision };
  if (doc.spec !== undefined) out.spec = doc.spec as ScalerSpec;
  if (doc.writer !== undefined) out.writer = doc.writer as FrozenWriter;
  return out;
}
