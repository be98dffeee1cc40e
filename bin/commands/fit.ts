import { createScaler } from '../../src/index.js';
import { SeriesStore } from '../../operators/index.js';
import { fitWindow } from '../cli/fit-window.js';
import { CliError, stringOption, type ParsedArgs } from '../cli/args.js';
import { readRecordedReadings, type FileReadReport } from '../cli/readings-file.js';
import { scalerSpecFromArgs } from '../cli/scaler-args.js';
import { writeStateFile } from '../cli/state-file.js';
import { loadConfigFile } from '../cli/config-file.js';
import { readRunConfig } from '../cli/run-config.js';
import { trackProgress } from '../cli/progress.js';
import { readHistory } from '../cli/influx-read.js';
import { BRIDGE_NORMALIZE_DEFAULTS } from '../run/defaults.js';

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
  const store = new SeriesStore();
  const progress = trackProgress(readRecordedReadings(input, file), { fraction: () => (file.size ? (file.bytes ?? 0) / file.size : undefined) });
  const summary = await fitWindow(progress.readings, store, { scaler: spec });
  writeStateFile(target, store.snapshot());
  out(`fitted ${summary.series} series from ${summary.readings} readings (${summary.invalid} invalid values not learned, ${file.malformed} malformed lines) -> ${target}`);
  for (const ex of file.examples) out(`  malformed ${ex}`);
  return 0;
}

/** `fit --config`: the history named in the config's fit.influx section. */
async function fitFromConfig(path: string, target: string, out: (line: string) => void): Promise<number> {
  const config = readRunConfig(loadConfigFile(path));
  if (!config.fit) throw new CliError(`config ${path}: fit --config needs a fit.influx section (the history to fit on)`);
  const source = config.fit.influx;
  const scaler = config.normalize.scaler ?? { kind: 'standard' as const };
  const history$ = readHistory(source);
  const store = new SeriesStore();
  // as `run` fits its history: duplicates and implausible times (before 2000, a day ahead) not learned
  const { late, plausibleTime } = { ...BRIDGE_NORMALIZE_DEFAULTS, ...config.normalize };
  const summary = await fitWindow(trackProgress(history$).readings, store, { scaler, ...(late ? { late } : {}), ...(plausibleTime !== undefined ? { plausibleTime } : {}) });
  writeStateFile(target, store.snapshot());
  out(`fitted ${summary.series} series from ${summary.readings} stored readings (${source.query}; ${summary.invalid} invalid values not learned) -> ${target}`);
  return 0;
}
