import type { Reading } from '../../src/reading.js';
import { datatypeName, metricNumber } from './metric-value.js';
import { decodeSparkplugPayload, type SparkplugMetric, type SparkplugPayload } from './payload.js';
import { parseSparkplugTopic, type SparkplugTopic } from './topic.js';

/** Why a rebirth was requested: a `seq` gap, an alias no BIRTH defined, data from a node or device not born. */
export type RebirthReason = 'seq-gap' | 'unknown-alias' | 'not-born';

/** What one Sparkplug message produced. */
export interface SparkplugOutcome {
  /** One reading per numeric (or null) metric value, in payload order. */
  readings: Reading[];
  /** The node to ask for a rebirth (`NCMD` `Node Control/Rebirth`), when this message calls for one. */
  rebirth?: { group: string; edge: string; reason: RebirthReason };
  /** Series that went stale with this message (an NDEATH matched by bdSeq, or a DDEATH). */
  stale?: { group: string; edge: string; device?: string; series: string[] };
  /** A payload that is not Sparkplug B protobuf: counted, and dead-lettered by the source. */
  malformed?: string;
}

/** Counters of a {@link SparkplugHostSession} (plain numbers). */
export interface SparkplugCounters {
  messages: number;
  readings: number;
  births: number;
  /** NDEATH and DDEATH messages that marked series stale. */
  deaths: number;
  /** NDEATHs whose bdSeq did not match the node's birth (an older session's will): ignored. */
  deathsIgnored: number;
  rebirthRequests: number;
  seqGaps: number;
  /** Metrics by an alias that no live BIRTH defines (unknown, or of a node or device not born). */
  unknownAliases: number;
  /** DATA or DBIRTH messages from a node (or device) with no BIRTH seen. */
  notBorn: number;
  /** Payloads that are not protobuf. */
  malformed: number;
  /** Historical values (`is_historical`): tagged, or dropped. */
  historical: number;
  /** Metric values that are not numbers (Boolean, String, ...; not series). */
  nonNumeric: number;
  /** Metrics without a value, or whose data type is unknown. */
  noValue: number;
  /** Messages on other topics (STATE, commands, unknown shapes), ignored. */
  ignored: number;
}

/** Options of {@link SparkplugHostSession}. */
export interface SparkplugSessionOptions {
  /** Historical values: `tag` (default: readings tagged `historical: 'true'`) or `drop` (counted). */
  historical?: 'tag' | 'drop';
  /** Least time between two rebirth requests to one node while it has not reborn (default 5000 ms). */
  rebirthIntervalMs?: number;
}

interface MetricInfo {
  name: string;
  datatype: number;
}

interface Scope {
  born: boolean;
  byAlias: Map<bigint, MetricInfo>;
  byName: Map<string, MetricInfo>;
}

interface NodeState extends Scope {
  bdSeq: bigint | undefined;
  nextSeq: number | undefined;
  devices: Map<string, Scope>;
  lastRebirthRequest: number;
}

const scope = (): Scope => ({ born: false, byAlias: new Map(), byName: new Map() });

/**
 * A Sparkplug B host application's view of the edge nodes it hears: the pure state machine
 * behind `sparkplugSource` (no MQTT here), one instance per source.
 *
 * Semantics:
 * 1. BIRTH certificates define metric names, aliases and data types; NBIRTH resets the node (its
 *    devices must be born again) and carries its `bdSeq`. DATA may name metrics by alias only.
 * 2. One series per metric: `{group}/{edge}/{device}/{metric}`, or `{group}/{edge}/{metric}`
 *    for node metrics; tags `group`, `edge`, `device`, `metric`, `datatype`. Numeric types
 *    become numbers, `is_null` becomes a null value (the operators count it as missing), other
 *    types are skipped and counted. `bdSeq` and `Node Control/…` metrics are not series. Time is
 *    the metric's timestamp, else the payload's.
 * 3. `seq` (0–255, wrapping) is checked on every node-scoped message after NBIRTH; a gap, an
 *    unknown alias, or data from a node or device with no BIRTH asks for a rebirth (at most one
 *    request per `rebirthIntervalMs` while the node has not reborn), counted by reason.
 * 4. An NDEATH whose `bdSeq` matches the NBIRTH marks every series of the node stale; a DDEATH
 *    marks its device's; a new value makes a series fresh again.
 *
 * @example
 * ```ts
 * import { SparkplugHostSession, encodeSparkplugPayload } from 'streamnorm/sparkplug';
 * const s = new SparkplugHostSession();
 * const birth = encodeSparkplugPayload({ seq: 0n, metrics: [{ name: 'bdSeq', datatype: 8, long_value: 1n }, { name: 'temp', alias: 1n, datatype: 10, double_value: 20 }] });
 * s.handle('spBv1.0/g/NBIRTH/e', birth, 0).readings.map((r) => [r.series, r.value]); // => [['g/e/temp', 20]]
 * const data = encodeSparkplugPayload({ seq: 2n, metrics: [{ alias: 1n, double_value: 21 }] });
 * const out = s.handle('spBv1.0/g/NDATA/e', data, 0);
 * [out.readings[0]?.value, out.rebirth?.reason]; // => [21, 'seq-gap']
 * ```
 */
export class SparkplugHostSession {
  readonly counters: SparkplugCounters = {
    ...{ messages: 0, readings: 0, births: 0, deaths: 0, deathsIgnored: 0, rebirthRequests: 0, seqGaps: 0 },
    ...{ unknownAliases: 0, notBorn: 0, malformed: 0, historical: 0, nonNumeric: 0, noValue: 0, ignored: 0 },
  };
  private readonly nodes = new Map<string, NodeState>();
  private readonly stale = new Set<string>();
  private readonly historical: 'tag' | 'drop';
  private readonly rebirthIntervalMs: number;

  constructor(options: SparkplugSessionOptions = {}) {
    this.historical = options.historical ?? 'tag';
    this.rebirthIntervalMs = options.rebirthIntervalMs ?? 5000;
    if (this.historical !== 'tag' && this.historical !== 'drop') throw new Error(`historical must be 'tag' or 'drop', got ${JSON.stringify(this.historical)}`);
    if (!(this.rebirthIntervalMs >= 0)) throw new Error(`rebirthIntervalMs must be >= 0, got ${String(this.rebirthIntervalMs)}`);
  }

  /** Whether a series is stale: its node or device died and it has had no value since. */
  isStale(series: string): boolean {
    return this.stale.has(series);
  }

  /** Every stale series. */
  staleSeries(): string[] {
    return [...this.stale];
  }

  /** Takes one message: its topic, payload and receive time (ms; default now). */
  handle(topicName: string, bytes: Uint8Array, receivedAt: number = Date.now()): SparkplugOutcome {
    const c = this.counters;
    c.messages++;
    const topic = parseSparkplugTopic(topicName);
    if (topic === undefined || topic.type === 'NCMD' || topic.type === 'DCMD') {
      c.ignored++;
      return { readings: [] };
    }
    let payload: SparkplugPayload;
    try {
      payload = decodeSparkplugPayload(bytes);
    } catch (e) {
      c.malformed++;
      return { readings: [], malformed: `not a Sparkplug B payload: ${(e as Error).message}` };
    }
    const key = `${topic.group}/${topic.edge}`;
    let node = this.nodes.get(key);
    if (node === undefined) {
      node = { ...scope(), bdSeq: undefined, nextSeq: undefined, devices: new Map(), lastRebirthRequest: -Infinity };
      this.nodes.set(key, node);
    }
    const out: SparkplugOutcome = { readings: [] };
    let reason: RebirthReason | undefined;
    const seq = payload.seq === undefined ? undefined : Number(payload.seq);
    if (topic.type === 'NBIRTH') {
      Object.assign(node, scope(), { devices: new Map(), born: true, bdSeq: bdSeqOf(payload), nextSeq: seq === undefined ? undefined : (seq + 1) % 256, lastRebirthRequest: -Infinity });
      c.births++;
      this.values(topic, node, payload, true, out);
      return out;
    }
    if (topic.type === 'NDEATH') {
      const bdSeq = bdSeqOf(payload);
      if (!node.born || bdSeq === undefined || bdSeq !== node.bdSeq) {
        c.deathsIgnored++;
        return out;
      }
      c.deaths++;
      node.born = false;
      node.nextSeq = undefined;
      out.stale = { group: topic.group, edge: topic.edge, series: this.markStale(topic, node, undefined) };
      for (const d of node.devices.values()) d.born = false;
      return out;
    }
    // NDATA, DBIRTH, DDATA, DDEATH: node-scoped sequence numbers
    if (!node.born) {
      c.notBorn++;
      reason = 'not-born';
    } else if (seq === undefined || (node.nextSeq !== undefined && seq !== node.nextSeq)) {
      c.seqGaps++;
      reason = 'seq-gap';
    }
    if (seq !== undefined) node.nextSeq = (seq + 1) % 256;
    let target: Scope = node;
    if (topic.device !== undefined) {
      let device = node.devices.get(topic.device);
      if (device === undefined) {
        device = scope();
        node.devices.set(topic.device, device);
      }
      target = device;
      if (topic.type === 'DBIRTH') {
        Object.assign(device, scope(), { born: node.born });
        c.births++;
      } else if (topic.type === 'DDEATH') {
        device.born = false;
        c.deaths++;
        out.stale = { group: topic.group, edge: topic.edge, device: topic.device, series: this.markStale(topic, device, topic.device) };
      } else if (!device.born && reason === undefined) {
        c.notBorn++;
        reason = 'not-born';
      }
    }
    if (topic.type !== 'DDEATH' && this.values(topic, target, payload, topic.type === 'DBIRTH', out) && reason === undefined) reason = 'unknown-alias';
    if (reason !== undefined) this.requestRebirth(topic, node, reason, receivedAt, out);
    return out;
  }

  /** Turns the metrics into readings (learning them first in a BIRTH); true when an alias was unknown. */
  private values(topic: SparkplugTopic, target: Scope, payload: SparkplugPayload, birth: boolean, out: SparkplugOutcome): boolean {
    const c = this.counters;
    let unknown = false;
    const payloadTime = payload.timestamp === undefined ? undefined : Number(payload.timestamp);
    for (const m of payload.metrics ?? []) {
      let info: MetricInfo | undefined;
      if (birth && m.name !== undefined && m.datatype !== undefined) {
        info = { name: m.name, datatype: m.datatype };
        target.byName.set(m.name, info);
        if (m.alias !== undefined) target.byAlias.set(m.alias, info);
      } else {
        // aliases of a node or device that is not alive may have been given to other metrics since
        const known = target.born || birth;
        info = !known ? undefined : m.alias !== undefined ? target.byAlias.get(m.alias) : m.name !== undefined ? target.byName.get(m.name) : undefined;
        if (info === undefined && m.alias === undefined && m.name !== undefined && m.datatype !== undefined) info = { name: m.name, datatype: m.datatype };
      }
      if (info === undefined) {
        if (m.alias !== undefined) {
          c.unknownAliases++;
          unknown = true;
        } else c.noValue++;
        continue;
      }
      if (info.name === 'bdSeq' || info.name.startsWith('Node Control/') || info.name.startsWith('Device Control/')) continue;
      const reading = this.reading(topic, info, m, payloadTime);
      if (reading !== undefined) out.readings.push(reading);
    }
    return unknown;
  }

  private reading(topic: SparkplugTopic, info: MetricInfo, m: SparkplugMetric, payloadTime: number | undefined): Reading | undefined {
    const c = this.counters;
    const value = metricNumber(m, m.datatype ?? info.datatype);
    if (value === 'non-numeric') {
      c.nonNumeric++;
      return undefined;
    }
    if (value === 'no-value') {
      c.noValue++;
      return undefined;
    }
    const historical = m.is_historical === true;
    if (historical) {
      c.historical++;
      if (this.historical === 'drop') return undefined;
    }
    const series = seriesOf(topic, info.name);
    this.stale.delete(series);
    const tags: Record<string, string> = { group: topic.group, edge: topic.edge, metric: info.name, datatype: datatypeName(m.datatype ?? info.datatype) };
    if (topic.device !== undefined) tags.device = topic.device;
    if (historical) tags.historical = 'true';
    const time = m.timestamp === undefined ? payloadTime : Number(m.timestamp);
    c.readings++;
    return time === undefined ? { series, value, tags } : { series, value, time, tags };
  }

  private markStale(topic: SparkplugTopic, target: Scope, device: string | undefined): string[] {
    const series: string[] = [];
    const add = (t: SparkplugTopic, s: Scope): void => {
      for (const info of s.byName.values()) {
        const id = seriesOf(t, info.name);
        this.stale.add(id);
        series.push(id);
      }
    };
    add(device === undefined ? { group: topic.group, type: topic.type, edge: topic.edge } : topic, target);
    if (device === undefined) {
      for (const [name, d] of (target as NodeState).devices) add({ group: topic.group, type: topic.type, edge: topic.edge, device: name }, d);
    }
    return series;
  }

  private requestRebirth(topic: SparkplugTopic, node: NodeState, reason: RebirthReason, now: number, out: SparkplugOutcome): void {
    if (now - node.lastRebirthRequest < this.rebirthIntervalMs) return;
    node.lastRebirthRequest = now;
    this.counters.rebirthRequests++;
    out.rebirth = { group: topic.group, edge: topic.edge, reason };
  }
}

/** The series id of a metric: `{group}/{edge}[/{device}]/{metric}`. */
function seriesOf(topic: SparkplugTopic, metric: string): string {
  return topic.device === undefined ? `${topic.group}/${topic.edge}/${metric}` : `${topic.group}/${topic.edge}/${topic.device}/${metric}`;
}

function bdSeqOf(payload: SparkplugPayload): bigint | undefined {
  const m = payload.metrics?.find((x) => x.name === 'bdSeq');
  return m?.long_value ?? (m?.int_value === undefined ? undefined : BigInt(m.int_value));
}
