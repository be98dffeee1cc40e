import type { Normalized } from '../../src/index.js';
import type { NormalizeOptions, SeriesFrozen, SeriesStore } from '../../operators/index.js';
import type { RunConfig } from '../cli/run-config.js';
import type { Entry, Ledger } from './ledger.js';
import { PerSampleRows } from './per-sample-rows.js';
import { Processor } from './processor.js';
import type { ReadingProcessor } from './reading-processor.js';
import { RunningProcessor } from './running-processor.js';

/** The bridge's stages between input and outputs: the config's method, then its perSample rows if any. */
export interface Stages {
  processor: ReadingProcessor;
  rows: PerSampleRows | undefined;
  /** Handles the readings of one message (its entry is open; the caller closes it). */
  take(readings: Parameters<ReadingProcessor['take']>[0], entry: Entry, dup: boolean): void;
}

/**
 * Builds the stages of `config`: `method: fit` runs `Processor` (`normalizeOptions` are the
 * config's, with the bridge's defaults), the others `RunningProcessor`; `perSample` groups each
 * message's outputs into rows before `send`.
 */
export function bridgeStages(
  config: RunConfig,
  normalizeOptions: NormalizeOptions,
  store: SeriesStore,
  ledger: Ledger,
  send: (o: Normalized, entry: Entry) => void,
  onFreeze: (f: SeriesFrozen) => void,
  onError: (e: Error) => void,
): Stages {
  const rows = config.perSample ? new PerSampleRows(config.perSample, send) : undefined;
  const emit = rows ? (o: Normalized, entry: Entry) => rows.collect(o, entry) : send;
  const processor: ReadingProcessor =
    config.method.kind === 'fit'
      ? new Processor(store, normalizeOptions, ledger, emit, onFreeze, onError)
      : new RunningProcessor(store, config.method, normalizeOptions.invalid ?? 'flag', ledger, emit, onError);
  return {
    processor,
    rows,
    take: rows ? (readings, entry, dup) => rows.within(() => processor.take(readings, entry, dup)) : (readings, entry, dup) => processor.take(readings, entry, dup),
  };
}
