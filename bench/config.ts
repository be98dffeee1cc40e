/**
 * Sizes and repeat counts of the suite: `full` (npm run bench), `quick` (--quick, a smoke run of
 * a minute or two) and `tiny` (the in-process vitest smoke test: shape only, numbers meaningless).
 */
import type { RepeatPlan } from './interleave.js';

export interface BenchConfig {
  mode: 'full' | 'quick' | 'tiny';
  /** Values per run of the plain loops (section 1). */
  loopValues: number;
  /** Series cardinalities of the keyed and chunked sections, with a short label each. */
  cardinalities: readonly { ids: number; label: string }[];
  /** Readings per run of the keyed and chunked sections. */
  keyedReadings: number;
  /** Readings per emission of the chunked form. */
  chunkSize: number;
  /** Series of the memory section, and fresh processes (runs) per configuration. */
  memorySeries: number;
  memoryRuns: number;
  /** Series and readings per run of the BatchNorm section. */
  batchNormSeries: number;
  batchNormReadings: number;
  /** MQTT: series, readings per throughput run, readings and rate of a latency run. */
  mqttSeries: number;
  mqttThroughputReadings: number;
  mqttLatencyReadings: number;
  mqttLatencyRate: number;
  /** Points per run of the InfluxDB section. */
  influxPoints: number;
  /** Repeats of the CPU sections, of the server sections. */
  cpu: RepeatPlan;
  servers: RepeatPlan;
}

export const FULL: BenchConfig = {
  mode: 'full',
  loopValues: 1 << 24,
  cardinalities: [
    { ids: 1_000, label: '1k' },
    { ids: 100_000, label: '100k' },
    { ids: 1_000_000, label: '1M' },
  ],
  keyedReadings: 1_000_000,
  chunkSize: 1024,
  memorySeries: 1_000_000,
  memoryRuns: 2,
  batchNormSeries: 1_000,
  batchNormReadings: 1_024_000,
  mqttSeries: 100,
  mqttThroughputReadings: 20_000,
  mqttLatencyReadings: 3_000,
  mqttLatencyRate: 1_000,
  influxPoints: 200_000,
  cpu: { warmup: 1, repeats: 5, minRepeats: 3, budgetSeconds: 20 },
  servers: { warmup: 1, repeats: 5, minRepeats: 3, budgetSeconds: 30 },
};

export const QUICK: BenchConfig = {
  mode: 'quick',
  loopValues: 1 << 20,
  cardinalities: [
    { ids: 1_000, label: '1k' },
    { ids: 10_000, label: '10k' },
  ],
  keyedReadings: 200_000,
  chunkSize: 1024,
  memorySeries: 100_000,
  memoryRuns: 1,
  batchNormSeries: 100,
  batchNormReadings: 204_800,
  mqttSeries: 20,
  mqttThroughputReadings: 2_000,
  mqttLatencyReadings: 300,
  mqttLatencyRate: 500,
  influxPoints: 20_000,
  cpu: { warmup: 1, repeats: 3, minRepeats: 1, budgetSeconds: 5 },
  servers: { warmup: 1, repeats: 2, minRepeats: 1, budgetSeconds: 10 },
};

export const TINY: BenchConfig = {
  ...QUICK,
  mode: 'tiny',
  loopValues: 1 << 12,
  cardinalities: [
    { ids: 10, label: '10' },
    { ids: 100, label: '100' },
  ],
  keyedReadings: 4_096,
  chunkSize: 256,
  memorySeries: 1_000,
  batchNormSeries: 10,
  batchNormReadings: 4_096,
  cpu: { warmup: 0, repeats: 1, minRepeats: 1, budgetSeconds: 1 },
};
