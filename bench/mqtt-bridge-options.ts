/**
 * What the MQTT bridge does besides connecting, shared by the bridge process and the load side.
 */
import { map, type OperatorFunction } from 'rxjs';
import type { Normalized, Reading } from '../src/reading.js';

/** Valid values per series before the normalize bridge freezes it (the warm-up sends more). */
export const BRIDGE_FREEZE_AFTER_SAMPLES = 10;

/** The no-op stage of the baseline bridge: a reading as an output, unchanged. */
export function passThrough(): OperatorFunction<Reading, Normalized> {
  return map((r): Normalized => ({ series: r.series, raw: r.value, value: typeof r.value === 'number' ? r.value : NaN, time: r.time, tags: r.tags, phase: 'passthrough', version: 0 }));
}
