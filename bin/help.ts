/** The CLI's commands. */
export const COMMANDS = ['demo', 'run', 'fit', 'inspect', 'help'] as const;

export const HELP = `streamnorm: streaming normalization for sensor and time-series data

Fit statistics per series on a training window, freeze them, and normalize the live stream
with the frozen statistics (no leakage: the same numbers at serving time as at training time).

Usage: streamnorm <command> [options]

Commands:
  demo      embedded MQTT broker + simulated sensors -> normalize -> publish, with a live view
  run       bridge real brokers and databases from a config file (--config FILE)
  fit       fit statistics from a recorded CSV/NDJSON file and write a snapshot
  inspect   print a snapshot as a table
  help      this text

Run 'streamnorm <command> --help' for a command's options.`;
