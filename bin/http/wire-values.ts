import type { FrozenParams } from '../../src/index.js';
import type { WireVersion } from './wire.js';

/** A raw value as the wire carries it: a finite number, a short text, or null. */
export function wireRaw(raw: unknown): number | string | null {
  if (typeof raw === 'number') return Number.isFinite(raw) ? raw : String(raw);
  if (raw === null || raw === undefined) return null;
  const text = typeof raw === 'string' ? raw : (JSON.stringify(raw) ?? String(raw));
  return text.length > 64 ? `${text.slice(0, 63)}…` : text;
}

/** Frozen statistics as the wire carries them. */
export function wireVersion(p: FrozenParams, at: number | null): WireVersion {
  return { version: p.version, kind: p.kind, pre: p.pre, center: p.center, scale: p.scale, offset: p.offset, count: p.count, zeroSpread: p.zeroSpread, at };
}

/** A finite number, or null (JSON has no NaN). */
export const finiteOrNull = (x: number | undefined): number | null => (x !== undefined && Number.isFinite(x) ? x : null);
