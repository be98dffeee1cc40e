import { KeyedScalers, createScaler, saveSnapshot, totalInvalid, type Reading, type ScalerSpec } from '../../src/index.js';
import { CliError, stringOption, type ParsedArgs } from '../cli/args.js';
import { readRecordedReadings, type FileReadReport } from '../cli/readings-file.js';
import { scalerSpecFromArgs } from '../cli/scaler-args.js';
import { writeStateFile } from '../cli/state-file.js';
import { loadConfigFile } from '../cli/config-file.js';
import { readRunConfig } from '../cli/run-config.js';
import { observableToAsyncIterable } from '../cli/async-iterable.js';
import { trackProgress } from '../cli/progress.js';
import { fluxHistory, influxqlHistory } from '../../connectors/influx/index.js';

/** What {@link fitFromReadings} learned. */
export interface FitSummary {
  series: number;
  readings: number;
  /** Invalid values counted (never learned), all series together. */
  invalid: number;
}

/** `streamnorm fit`: learns every series of a recorded file, freezes them and writes a snapshot. */
export async function fitCommand(args: ParsedArgs, out: (line: string) => void): Promise<number> {
  const input = stringOption(args, 'input');
  const configPath = stringOption(args, 'config');
  const target = stringOption(args, 'out');
  if (!target) throw new CliError('fit: --out FILE is required (see streamnorm fit --help)');
  if (configPath) return fitFromConfig(configPath, target, out);
  if (!input) throw new CliError('fit: --input FILE or --config FILE is required (see streamnorm fit --help)');
  const spec = scalerSpecFromArgs(args);
  createScaler(spec); // validate options before reading anything
  const file: FileReadReport = { lines: 0, readings: 0, malformed: 0, examples: [] };
  const progress = trackProgress(readRecordedReadings(input, file), { fraction: () => (file.size ? (file.bytes ?? 0) / file.size : undefined) });
  const { keyed, summary } = await fitFromReadings(progress.readings, spec);
  writeStateFile(target, saveSnapshot(keyed, spec));
  out(`fitted ${summary.series} series from ${summary.readings} readings (${summary.invalid} invalid values not learned, ${file.malformed} malformed lines) -> ${target}`);
  for (const ex of file.examples) out(`  malformed ${ex}`);
  return 0;
}

/** `fit --config`: the history named in the config's fit.influx section. */
async function fitFromConfig(path: string, target: string, out: (line: string) => void): Promise<number> {
  const config = readRunConfig(loadConfigFile(path));
  if (!config.fit) throw new CliError(`config ${path}: fit --config needs a fit.influx section (the history to fit on)`);
  const source = config.fit.influx;
  const spec = (typeof config.normalize.scaler === 'object' ? config.normalize.scaler : undefined) ?? { kind: 'standard' as const };
  const history$ = source.query === 'flux' ? fluxHistory(source) : influxqlHistory(source);
  const { keyed, summary } = await fitFromReadings(observableToAsyncIterable(trackProgress(history$).readings), spec);
  writeStateFile(target, saveSnapshot(keyed, spec));
  out(`fitted ${summary.series} series from ${summary.readings} stored readings (${source.query}; ${summary.invalid} invalid values not learned) -> ${target}`);
  return 0;
}

/** Learns every reading into a {@link KeyedScalers} and freezes all series. */
export async function fitFromReadings(readings: AsyncIterable<Reading>, spec: ScalerSpec): Promise<{ keyed: KeyedScalers; summary: FitSummary }> {
  const keyed = new KeyedScalers(spec);
  let count = 0;
  for await (const r of readings) {
    keyed.learn(r.series, r.value);
    count++;
  }
  let invalid = 0;
  for (const [, s] of keyed.entries()) invalid += totalInvalid(s.invalid);
  keyed.freeze();
  return { keyed, summary: { series: keyed.size, readings: count, invalid } };
}
