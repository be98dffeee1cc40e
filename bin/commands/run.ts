import { SeriesStore } from '../../operators/index.js';
import type { TimeInput } from '../../connectors/influx/index.js';
import { readHistory } from '../cli/influx-read.js';
import { CliError, durationOption, flag, stringOption, type ParsedArgs } from '../cli/args.js';
import { checkBroker } from '../cli/broker-check.js';
import type { MqttConnectOptions } from '../../connectors/mqtt/index.js';
import { loadConfigFile } from '../cli/config-file.js';
import { configWarnings } from '../cli/config-warnings.js';
import { lifecycleOptions } from '../cli/config-lifecycle.js';
import { readRunConfig, type InfluxReadConfig, type RunConfig } from '../cli/run-config.js';
import { readStateFile } from '../cli/state-file.js';
import { fitWindow } from '../cli/fit-window.js';
import { httpFromArgs } from '../http/cli.js';
import { bridge } from '../run/bridge.js';
import { BRIDGE_NORMALIZE_DEFAULTS } from '../run/defaults.js';
import { runCluster } from '../cluster/run-cluster.js';

/** `streamnorm run --config FILE` (options in bin/help.ts). */
export async function runCommand(args: ParsedArgs, out: (line: string) => void): Promise<number> {
  const path = stringOption(args, 'config');
  if (!path) throw new CliError('run: --config FILE is required (see streamnorm run --help)');
  const durationMs = durationOption(args, 'duration');
  const statusMs = durationOption(args, 'status-interval', 10_000) as number;
  const config = readRunConfig(loadConfigFile(path));
  if (config.cluster) return runCluster(config, { check: flag(args, 'check'), durationMs, statusMs, http: httpFromArgs(args, config.http) }, out);
  const http = httpFromArgs(args, config.http);
  const lifecycle = lifecycleOptions(config);
  config.normalize = lifecycle.normalize;
  const store = new SeriesStore(lifecycle.store);
  const resumed = config.state ? readStateFile(config.state.file) : undefined;
  for (const [connect, what] of brokers(config)) await checkBroker(connect, undefined, what);
  const warnings = configWarnings(config);
  if (flag(args, 'check')) {
    for (const w of warnings) out(`warning: ${w}`);
    out(`config ${path} is valid${resumed ? `; state file holds ${resumed.read.series.size} series` : ''}`);
    return 0;
  }
  if (resumed) {
    store.restore(resumed.snapshot);
    out(`resumed ${resumed.read.series.size} series from ${config.state?.file}`);
  }
  if (config.fit) await fitFromHistory(config.fit.influx, config, store, out);
  return bridge(config, store, out, { durationMs, statusMs }, http, resumed?.snapshot as { bridge?: unknown } | undefined);
}

/** The brokers to check at start, each with the words that name it in an error. */
function brokers(config: RunConfig): [MqttConnectOptions, string][] {
  const list: [MqttConnectOptions, string][] = [];
  const input = 'mqtt' in config.input ? config.input.mqtt.connect : undefined;
  const output = config.output.mqtt?.connect;
  if (input !== undefined) list.push([input, output === undefined || output.url === input.url ? 'the MQTT broker' : 'the input MQTT broker']);
  if (output !== undefined && output.url !== input?.url) list.push([output, input === undefined ? 'the MQTT broker' : 'the output MQTT broker']);
  return list;
}

/** Learns a stored window, then freezes every series: statistics ready before live data. */
async function fitFromHistory(source: InfluxReadConfig & { start: TimeInput; stop?: TimeInput }, config: RunConfig, store: SeriesStore, out: (l: string) => void): Promise<void> {
  const history$ = readHistory(source);
  const summary = await fitWindow(history$, store, { ...BRIDGE_NORMALIZE_DEFAULTS, ...config.normalize });
  out(`fitted ${summary.series} series on ${summary.readings} stored readings (${source.query}, from ${String(source.start)}) and froze them`);
}
