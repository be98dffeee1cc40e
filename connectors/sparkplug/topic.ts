/** The Sparkplug B message types a host application reads. */
export type SparkplugMessageType = 'NBIRTH' | 'NDEATH' | 'NDATA' | 'NCMD' | 'DBIRTH' | 'DDEATH' | 'DDATA' | 'DCMD';

/** A parsed Sparkplug B topic: `spBv1.0/{group}/{type}/{edge}[/{device}]`. */
export interface SparkplugTopic {
  group: string;
  type: SparkplugMessageType;
  edge: string;
  /** The device, for D* messages. */
  device?: string;
}

/** The namespace of Sparkplug B topics. */
export const SPARKPLUG_NAMESPACE = 'spBv1.0';

const NODE_TYPES = new Set(['NBIRTH', 'NDEATH', 'NDATA', 'NCMD']);
const DEVICE_TYPES = new Set(['DBIRTH', 'DDEATH', 'DDATA', 'DCMD']);

/**
 * Parses a Sparkplug B topic; undefined for anything else (other namespaces, `STATE` topics, a
 * node message with a device part, a device message without one, empty or wildcard parts).
 *
 * @example
 * ```ts
 * import { parseSparkplugTopic } from 'streamnorm/sparkplug';
 * parseSparkplugTopic('spBv1.0/plant1/DDATA/gw7/press2'); // => { group: 'plant1', type: 'DDATA', edge: 'gw7', device: 'press2' }
 * parseSparkplugTopic('spBv1.0/plant1/NDATA/gw7/press2'); // => undefined
 * ```
 */
export function parseSparkplugTopic(topic: string): SparkplugTopic | undefined {
  const parts = topic.split('/');
  if (parts[0] !== SPARKPLUG_NAMESPACE || parts.length < 4 || parts.length > 5) return undefined;
  if (parts.some((p) => p === '' || p === '+' || p === '#')) return undefined;
  const [, group, type, edge, device] = parts as [string, string, string, string, string | undefined];
  if (device === undefined ? !NODE_TYPES.has(type) : !DEVICE_TYPES.has(type)) return undefined;
  return device === undefined ? { group, type: type as SparkplugMessageType, edge } : { group, type: type as SparkplugMessageType, edge, device };
}

/**
 * The topic of a Sparkplug B message (the inverse of {@link parseSparkplugTopic}).
 *
 * @example
 * ```ts
 * import { sparkplugTopic } from 'streamnorm/sparkplug';
 * sparkplugTopic({ group: 'plant1', type: 'NCMD', edge: 'gw7' }); // => 'spBv1.0/plant1/NCMD/gw7'
 * ```
 */
export function sparkplugTopic(t: SparkplugTopic): string {
  return [SPARKPLUG_NAMESPACE, t.group, t.type, t.edge, ...(t.device === undefined ? [] : [t.device])].join('/');
}
