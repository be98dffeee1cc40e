import { createScaler } from '../../src/index.js';
import { SeriesStore } from '../../operators/index.js';
import { fitWindow } from '../cli/fit-window.js';
import { CliError, stringOption, type ParsedArgs } from '../cli/args.js';
import { readRecordedReadings, type FileReadReport } from '../cli/readings-file.js';
import { SCALER_OPTIONS_HELP, scalerSpecFromArgs } from '../cli/scaler-args.js';
import { writeStateFile } from '../cli/state-file.js';
import { loadConfigFile } from '../cli/config-file.js';
import { readRunConfig } from '../cli/run-config.js';
import { fluxHistory, influxqlHistory } from '../../connectors/influx/index.js';

export const FIT_HELP = `streamnorm fit: fit statistics from recorded readings and write a frozen snapshot

Usage: streamnorm fit --input FILE --out SNAPSHOT.json [scaler options]
       streamnorm fit --config FILE --out SNAPSHOT.json

  --input FILE           recorded readings: .csv (series,value[,time][,tags...]) or .ndjson
                         ({"series","value","time","tags"} per line)
  --config FILE          a run config: fit on its fit.influx history (InfluxQL or Flux) with its
                         normalize.scaler
  --out FILE             where to write the snapshot (JSON; every series frozen)
${SCALER_OPTIONS_HELP}

Invalid values (NaN, empty, text) are counted per series and reported, never learned.
Malformed lines are counted and reported, never fatal.`;

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
  const summary = await fitWindow(readRecordedReadings(input, file), store, { scaler: spec });
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
  const spec = (typeof config.normalize.scaler === 'object' ? config.normalize.scaler : undefined) ?? { kind: 'standard' as const };
  const history$ = source.query === 'flux' ? fluxHistory(source) : influxqlHistory(source);
  const store = new SeriesStore();
  const summary = await fitWindow(history$, store, { scaler: spec });
  writeStateFile(target, store.snapshot());
  out(`fitted ${summary.series} series from ${summary.readings} stored readings (${source.query}; ${summary.invalid} invalid values not learned) -> ${target}`);
  return 0;
}
