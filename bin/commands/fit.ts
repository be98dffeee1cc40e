import { KeyedScalers, createScaler, saveSnapshot, totalInvalid, type Reading, type ScalerSpec } from '../../src/index.js';
import { CliError, stringOption, type ParsedArgs } from '../cli/args.js';
import { readRecordedReadings, type FileReadReport } from '../cli/readings-file.js';
import { SCALER_OPTIONS_HELP, scalerSpecFromArgs } from '../cli/scaler-args.js';
import { writeStateFile } from '../cli/state-file.js';

export const FIT_HELP = `streamnorm fit: fit statistics from recorded readings and write a frozen snapshot

Usage: streamnorm fit --input FILE --out SNAPSHOT.json [scaler options]

  --input FILE           recorded readings: .csv (series,value[,time][,tags...]) or .ndjson
                         ({"series","value","time","tags"} per line)
  --out FILE             where to write the snapshot (JSON; every series frozen)
${SCALER_OPTIONS_HELP}

Invalid values (NaN, empty, text) are counted per series and reported, never learned.
Malformed lines are counted and reported, never fatal.`;

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
  const target = stringOption(args, 'out');
  if (!input) throw new CliError('fit: --input FILE is required (see streamnorm fit --help)');
  if (!target) throw new CliError('fit: --out FILE is required (see streamnorm fit --help)');
  const spec = scalerSpecFromArgs(args);
  createScaler(spec); // validate options before reading anything
  const file: FileReadReport = { lines: 0, readings: 0, malformed: 0, examples: [] };
  const { keyed, summary } = await fitFromReadings(readRecordedReadings(input, file), spec);
  writeStateFile(target, saveSnapshot(keyed, spec));
  out(`fitted ${summary.series} series from ${summary.readings} readings (${summary.invalid} invalid values not learned, ${file.malformed} malformed lines) -> ${target}`);
  for (const ex of file.examples) out(`  malformed ${ex}`);
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
