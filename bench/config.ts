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
  /** Series of the memory section's kinds, the sizes of its frozen standard figures, and fresh processes (runs) per configuration. */
  memorySeries: number;
  memorySizes: readonly number[];
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
  /** Latency section: ids, readings per run. */
  latencyIds: number;
  latencyReadings: number;
  /** New series of the growth section. */
  growthSeries: number;
  /** Fitting series frozen at once, and rounds (each way) of the freeze section. */
  freezeSeries: number;
  freezeRounds: number;
  /**
   * Peers: series counts and readings of the `Map`-of-scalers comparison, objects for bytes, the
   * sketch comparison's series and values (timed and for the rank error), and for its bytes the
   * series that learn and how many copies of them each peer keeps (so that each state is megabytes).
   */
  peerCardinalities: readonly { ids: number; label: string }[];
  peerReadings: number;
  peerObjects: number;
  sketchSeries: number;
  sketchValues: number;
  sketchBytes: { series: number; copies: { ddsketch: number; robust: number } };
  /** Repeats of the CPU sections, of the server sections. */
  cpu: RepeatPlan;
  servers: RepeatPlan;
  /**
   * Rounds of the MQTT section's latency and throughput runs: an even number, so that each bridge
   * runs first in as many rounds as the other (in the 5 of the other server sections one ran first
   * 3 times); more than 5, since a throughput run's rate spreads ±15% on a machine whose two cores
   * the broker, the bridge and the load process share.
   */
  mqttRounds: RepeatPlan;
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
  chunkSize: 1000,
  memorySeries: 1_000_000,
  memorySizes: [100_000, 600_000, 1_000_000, 1_048_577, 2_000_000],
  memoryRuns: 3,
  batchNormSeries: 1_000,
  batchNormReadings: 1_024_000,
  mqttSeries: 100,
  mqttThroughputReadings: 20_000,
  mqttLatencyReadings: 3_000,
  mqttLatencyRate: 1_000,
  influxPoints: 200_000,
  latencyIds: 100_000,
  latencyReadings: 1_000_000,
  growthSeries: 2_000_000,
  freezeSeries: 1_000_000,
  freezeRounds: 5,
  peerCardinalities: [
    { ids: 1_000, label: '1k' },
    { ids: 100_000, label: '100k' },
  ],
  peerReadings: 2_000_000,
  peerObjects: 100_000,
  sketchSeries: 100,
  sketchValues: 20_000,
  sketchBytes: { series: 1_000, copies: { ddsketch: 10, robust: 1 } },
  cpu: { warmup: 1, repeats: 5, minRepeats: 5, budgetSeconds: 60 },
  servers: { warmup: 1, repeats: 5, minRepeats: 3, budgetSeconds: 30 },
  mqttRounds: { warmup: 0, repeats: 8, minRepeats: 6, budgetSeconds: 90 },
};

export const QUICK: BenchConfig = {
  mode: 'quick',
  loopValues: 1 << 20,
  cardinalities: [
    { ids: 1_000, label: '1k' },
    { ids: 10_000, label: '10k' },
  ],
  keyedReadings: 200_000,
  chunkSize: 1000,
  memorySeries: 100_000,
  memorySizes: [100_000],
  memoryRuns: 1,
  batchNormSeries: 100,
  batchNormReadings: 204_800,
  mqttSeries: 20,
  mqttThroughputReadings: 2_000,
  mqttLatencyReadings: 300,
  mqttLatencyRate: 500,
  influxPoints: 20_000,
  latencyIds: 10_000,
  latencyReadings: 200_000,
  growthSeries: 200_000,
  freezeSeries: 100_000,
  freezeRounds: 1,
  peerCardinalities: [{ ids: 1_000, label: '1k' }],
  peerReadings: 200_000,
  peerObjects: 10_000,
  sketchSeries: 20,
  sketchValues: 5_000,
  sketchBytes: { series: 100, copies: { ddsketch: 1, robust: 1 } },
  cpu: { warmup: 1, repeats: 3, minRepeats: 1, budgetSeconds: 5 },
  servers: { warmup: 1, repeats: 2, minRepeats: 1, budgetSeconds: 10 },
  mqttRounds: { warmup: 0, repeats: 2, minRepeats: 1, budgetSeconds: 10 },
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
  chunkSize: 250,
  memorySeries: 1_000,
  memorySizes: [1_000],
  batchNormSeries: 10,
  batchNormReadings: 4_096,
  latencyIds: 100,
  latencyReadings: 2_000,
  growthSeries: 5_000,
  freezeSeries: 2_000,
  freezeRounds: 1,
  peerCardinalities: [{ ids: 100, label: '100' }],
  peerReadings: 5_000,
  peerObjects: 500,
  sketchSeries: 3,
  sketchValues: 500,
  sketchBytes: { series: 3, copies: { ddsketch: 2, robust: 1 } },
  cpu: { warmup: 0, repeats: 1, minRepeats: 1, budgetSeconds: 1 },
};
