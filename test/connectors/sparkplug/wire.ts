/**
 * A hand-written protobuf wire encoder and decoder for the Sparkplug B fields the tests use,
 * written from the protobuf encoding rules (varints, length-delimited fields, fixed64 doubles):
 * independent of protobufjs, which the connector uses, so the tests are not our codec checking
 * itself.
 */

export interface WireMetric {
  name?: string;
  alias?: number | bigint;
  timestamp?: number;
  datatype?: number;
  isHistorical?: boolean;
  isNull?: boolean;
  intValue?: number;
  longValue?: bigint;
  doubleValue?: number;
  booleanValue?: boolean;
  stringValue?: string;
}

export interface WirePayload {
  timestamp?: number;
  seq?: number;
  metrics?: WireMetric[];
}

function varint(v: bigint): number[] {
  const out: number[] = [];
  let x = BigInt.asUintN(64, v);
  do {
    let byte = Number(x & 0x7fn);
    x >>= 7n;
    if (x > 0n) byte |= 0x80;
    out.push(byte);
  } while (x > 0n);
  return out;
}

const key = (field: number, wire: number): number[] => varint(BigInt((field << 3) | wire));
const vField = (field: number, v: bigint | number | boolean): number[] => [...key(field, 0), ...varint(BigInt(typeof v === 'boolean' ? Number(v) : v))];
const lenField = (field: number, bytes: number[]): number[] => [...key(field, 2), ...varint(BigInt(bytes.length)), ...bytes];

function doubleField(field: number, v: number): number[] {
  const b = new DataView(new ArrayBuffer(8));
  b.setFloat64(0, v, true);
  return [...key(field, 1), ...new Uint8Array(b.buffer)];
}

function metricBytes(m: WireMetric): number[] {
  const out: number[] = [];
  if (m.name !== undefined) out.push(...lenField(1, [...Buffer.from(m.name, 'utf8')]));
  if (m.alias !== undefined) out.push(...vField(2, m.alias));
  if (m.timestamp !== undefined) out.push(...vField(3, m.timestamp));
  if (m.datatype !== undefined) out.push(...vField(4, m.datatype));
  if (m.isHistorical !== undefined) out.push(...vField(5, m.isHistorical));
  if (m.isNull !== undefined) out.push(...vField(7, m.isNull));
  if (m.intValue !== undefined) out.push(...vField(10, m.intValue >>> 0));
  if (m.longValue !== undefined) out.push(...vField(11, m.longValue));
  if (m.doubleValue !== undefined) out.push(...doubleField(13, m.doubleValue));
  if (m.booleanValue !== undefined) out.push(...vField(14, m.booleanValue));
  if (m.stringValue !== undefined) out.push(...lenField(15, [...Buffer.from(m.stringValue, 'utf8')]));
  return out;
}

/** Encodes a Sparkplug B payload (field numbers of the specification). */
export function encodeWire(p: WirePayload): Buffer {
  const out: number[] = [];
  if (p.timestamp !== undefined) out.push(...vField(1, p.timestamp));
  for (const m of p.metrics ?? []) out.push(...lenField(2, metricBytes(m)));
  if (p.seq !== undefined) out.push(...vField(3, p.seq));
  return Buffer.from(out);
}

type Field = { field: number; value: bigint | Uint8Array };

function fields(bytes: Uint8Array): Field[] {
  const out: Field[] = [];
  let i = 0;
  const readVarint = (): bigint => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const b = bytes[i++];
      if (b === undefined) throw new Error('truncated varint');
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
      shift += 7n;
    }
  };
  while (i < bytes.length) {
    const k = Number(readVarint());
    const field = k >> 3;
    const wire = k & 7;
    if (wire === 0) out.push({ field, value: readVarint() });
    else if (wire === 1) {
      out.push({ field, value: bytes.slice(i, i + 8) });
      i += 8;
    } else if (wire === 2) {
      const n = Number(readVarint());
      out.push({ field, value: bytes.slice(i, i + n) });
      i += n;
    } else if (wire === 5) {
      out.push({ field, value: bytes.slice(i, i + 4) });
      i += 4;
    } else throw new Error(`wire type ${wire}`);
  }
  return out;
}

/** Decodes the Sparkplug B fields the tests check. */
export function decodeWire(bytes: Uint8Array): WirePayload {
  const p: WirePayload = { metrics: [] };
  for (const f of fields(bytes)) {
    if (f.field === 1) p.timestamp = Number(f.value as bigint);
    else if (f.field === 3) p.seq = Number(f.value as bigint);
    else if (f.field === 2) {
      const m: WireMetric = {};
      for (const g of fields(f.value as Uint8Array)) {
        const v = g.value;
        if (g.field === 1) m.name = Buffer.from(v as Uint8Array).toString('utf8');
        else if (g.field === 2) m.alias = Number(v as bigint);
        else if (g.field === 3) m.timestamp = Number(v as bigint);
        else if (g.field === 4) m.datatype = Number(v as bigint);
        else if (g.field === 5) m.isHistorical = v === 1n;
        else if (g.field === 7) m.isNull = v === 1n;
        else if (g.field === 10) m.intValue = Number(v as bigint);
        else if (g.field === 11) m.longValue = v as bigint;
        else if (g.field === 13) m.doubleValue = new DataView(Uint8Array.from(v as Uint8Array).buffer).getFloat64(0, true);
        else if (g.field === 14) m.booleanValue = v === 1n;
        else if (g.field === 15) m.stringValue = Buffer.from(v as Uint8Array).toString('utf8');
      }
      p.metrics!.push(m);
    }
  }
  return p;
}
