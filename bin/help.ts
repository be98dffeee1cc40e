import type { CommandUsage, FlagOptions } from './cli/args.js';

/**
 * What each command takes and says about itself. This module imports nothing heavy, so `--help`
 * works even where the packages a command needs (mqtt, aedes, the InfluxDB client) are missing.
 */

/** The CLI's commands. */
export const COMMANDS = ['demo', 'run', 'fit', 'inspect', 'help'] as const;

export const HELP = `streamnorm: streaming normalization for sensor and time-series data

Fit statistics per series on a training window, freeze them, and normalize the live stream
with the frozen statistics (no leakage: the same numbers at serving time as at training time).

Usage: streamnorm <command> [options]

Commands:
  demo      embedded MQTT broker + simulated sensors -> normalize -> publish, with a live view
  run       bridge real brokers and databases from a config file (--config FILE)
  fit       fit statistics from a recorded CSV/NDJSON file (or InfluxDB history) and write a snapshot
  inspect   print a snapshot as a table
  help      this text ('streamnorm help COMMAND' for a command's)

Run 'streamnorm <command> --help' for a command's options. Unknown options are refused.`;

/** Help text for the scaler options shared by `fit` and `demo`. */
export const SCALER_OPTIONS_HELP = `  --scaler KIND          standard | minmax | maxabs | robust | quantile (default standard)
  --pre P                none | log | log1p pre-transform (default none)
  --feature-range LO,HI  minmax output range (default 0,1)
  --clip                 minmax, quantile: clip outputs to the kind's own range
  --clip-range LO,HI     any kind: clip outputs to [LO, HI] (e.g. -5,5)
  --quantile-range LO,HI robust: percentiles of the scale (default 25,75)
  --n-quantiles N        quantile: quantiles of the map (default 1000)
  --output-distribution D quantile: uniform | normal (default uniform)
  --zero-spread P        unit | nan: what a stuck sensor's zero spread does (default unit)`;

const SCALER_FLAGS: FlagOptions = {
  scaler: { type: 'string' },
  pre: { type: 'string' },
  'feature-range': { type: 'string' },
  clip: { type: 'boolean' },
  'quantile-range': { type: 'string' },
  'clip-range': { type: 'string' },
  'n-quantiles': { type: 'string' },
  'output-distribution': { type: 'string' },
  'zero-spread': { type: 'string' },
};

const HELP_FLAG: FlagOptions = { help: { type: 'boolean', short: 'h' } };

const HTTP_FLAGS: FlagOptions = { http: { type: 'string' }, 'no-http': { type: 'boolean' } };

/** Help lines of the dashboard flags of `demo` and `run`. */
const HTTP_OPTIONS_HELP = `  --http HOST:PORT       serve the dashboard and /metrics there (e.g. 127.0.0.1:9464; port 0: a free one)
  --no-http              no dashboard and no /metrics`;

const DEMO: CommandUsage = {
  flags: {
    ...HELP_FLAG,
    ...SCALER_FLAGS,
    train: { type: 'string' },
    period: { type: 'string' },
    speed: { type: 'string' },
    'no-step': { type: 'boolean' },
    sites: { type: 'string' },
    devices: { type: 'string' },
    duration: { type: 'string' },
    port: { type: 'string' },
    save: { type: 'string' },
    'no-view': { type: 'boolean' },
    ...HTTP_FLAGS,
  },
  help: `streamnorm demo: the whole pipeline on an embedded broker with simulated sensors

Starts an embedded MQTT broker (aedes) on a free port of 127.0.0.1, a simulated fleet publishing
temperature (°C), pressure (Pa), vibration (mm/s), humidity (%RH) and light (lx) per device with
noise, outliers, dropouts, garbage values, corrupt payloads and one stuck sensor (simulated time
runs 20x faster than real time, so the slow cycles show); subscribes to
sensors/+site/+device, fits each series on its first --train samples (light on a log scale),
freezes, normalizes, and publishes the results to normalized/{site}/{device}/{field} and the
frozen statistics (retained) to streamnorm/stats/{series}. After twice the training window the
last site's dev1 temperature steps by +8 °C: its drift alarm starts a refit, and the new version
is promoted (printed with --no-view; on the dashboard, the version changes). Serves a live dashboard and /metrics on a free loopback port (the
address is printed); with --no-http, shows a live view in the terminal. Ctrl-C ends it cleanly.

Usage: streamnorm demo [options]

  --train N              valid samples each series learns before it freezes (default: the
                         ticks of the slowest cycle, 300 simulated seconds: 76 at the defaults)
  --period D             time between simulated ticks (default 200ms)
  --speed N              simulated seconds per real second (default 20)
  --no-step              do not inject the step
  --sites N              simulated sites (default 2)
  --devices N            devices per site (default 2)
  --duration D           stop after D (e.g. 30s); default: run until Ctrl-C
  --port P               broker port (default: a free port)
  --save FILE            write the final snapshot (statistics of every series) to FILE
  --no-view              print a status line every 2 s instead of the live view
${HTTP_OPTIONS_HELP}
${SCALER_OPTIONS_HELP}`,
};

const RUN: CommandUsage = {
  flags: { ...HELP_FLAG, config: { type: 'string' }, check: { type: 'boolean' }, duration: { type: 'string' }, 'status-interval': { type: 'string' }, ...HTTP_FLAGS },
  help: `streamnorm run: bridge real brokers and databases from a config file

Usage: streamnorm run --config FILE [--check] [--duration D] [--status-interval D] [--http HOST:PORT]

  --config FILE          streamnorm.config.json or .yaml (see the README for every key)
  --check                check the config (every section, unknown keys refused) and that the
                         brokers answer, then exit
  --duration D           stop after D (default: run until SIGINT/SIGTERM)
  --status-interval D    print a status line every D (default 10s; 0 for none)
${HTTP_OPTIONS_HELP}
                         (default: the config's http.listen, else no dashboard)

The config names an input (MQTT topics or an InfluxDB tail), optionally an InfluxDB history to fit
on before live data, the scaler and freeze policy (or normalize.method: ewm, batchNorm or none,
and a perSample LayerNorm/RMSNorm stage), the outputs (an MQTT topic template, InfluxDB), and a
state file. Values like \${MQTT_PASSWORD} or \${VAR:-default} come from the environment.
Delivery is at least once: an input message is acknowledged once its outputs are confirmed (at
most delivery.maxUnacknowledged wait; the broker keeps the rest). With a state file, statistics
are checkpointed at every freeze, before learned readings are acknowledged, on an interval and at
SIGINT/SIGTERM (after draining for delivery.drainTimeout; a second signal skips the wait), and a
start resumes from it; a corrupt state file is refused (exit 3) and left untouched.
With a cluster: section, run joins a worker group on NATS JetStream instead (roles worker,
frozen-only, bridge, share; see docs/scale-out.md): --check then also makes or checks the streams.
Exit codes: 0 done, 1 failed while running, 2 bad usage or config, 3 bad state file,
4 broker unreachable, 5 credentials refused, 6 TLS failed.`,
};

const FIT: CommandUsage = {
  flags: { ...HELP_FLAG, ...SCALER_FLAGS, input: { type: 'string' }, config: { type: 'string' }, out: { type: 'string' } },
  help: `streamnorm fit: fit statistics from recorded readings and write a frozen snapshot

Usage: streamnorm fit --input FILE --out SNAPSHOT.json [scaler options]
       streamnorm fit --config FILE --out SNAPSHOT.json

  --input FILE           recorded readings: .csv (series,value[,time][,tags...]) or .ndjson
                         ({"series","value","time","tags"} per line)
  --config FILE          a run config: fit on its fit.influx history (InfluxQL or Flux) with its
                         normalize.scaler
  --out FILE             where to write the snapshot (JSON; every series frozen)
${SCALER_OPTIONS_HELP}

Invalid values (NaN, empty, text) are counted per series and reported, never learned.
Malformed lines are counted and reported, never fatal. On a terminal, a progress line shows
readings, series and rate; piped, fit prints only its summary.`,
};

const INSPECT: CommandUsage = {
  flags: { ...HELP_FLAG, json: { type: 'boolean' } },
  positionals: { min: 1, max: 1, name: 'the snapshot file' },
  help: `streamnorm inspect: print a snapshot (state file) as a table

Usage: streamnorm inspect SNAPSHOT.json [--json]

  --json   print the statistics as JSON (one object per series) instead of a table

Columns: series, kind, phase, version, n (valid values fitted), center, scale,
zero (spread was zero: stuck sensor), invalid (values refused, all reasons).`,
};

/** Each command's usage, by name (`help` takes an optional command name). */
export const USAGE: Readonly<Record<(typeof COMMANDS)[number], CommandUsage>> = {
  demo: DEMO,
  run: RUN,
  fit: FIT,
  inspect: INSPECT,
  help: { flags: HELP_FLAG, positionals: { min: 0, max: 1 }, help: HELP },
};
