import { CliError } from '../cli/args.js';

/** What stopping the bridge does, step by step (see {@link shutdownSequence}). */
export interface StopSteps {
  /** Take no further input. */
  stopInput(): void;
  /** Resolves once every output handed to a sink is confirmed. */
  drained(): Promise<void>;
  /** Writes the final checkpoint (acknowledging what waited for it). */
  checkpoint(): void;
  /** Ends the connections and sinks (`abandon` after a drain time-out: unconfirmed outputs stay unacknowledged). */
  close(abandon: boolean): Promise<void>;
  /** Says how it went (the last lines of the run). */
  report(drainedInTime: boolean): void;
}

/** A running shutdown: `stop` starts it (once; again to skip the wait), `finished` resolves to the exit code. */
export interface Shutdown {
  stop(error?: Error): void;
  readonly finished: Promise<number>;
  readonly stopping: boolean;
}

/**
 * Stops the bridge: stops the input, waits up to `drainTimeoutMs` for the outputs in flight to be
 * confirmed, then checkpoints, then ends the connections, then resolves the exit code. Always:
 * a second SIGINT/SIGTERM (or another `stop`) skips the rest of the wait, and if closing hangs the
 * process checkpoints (if it has not yet) and exits `graceMs` after the drain time-out all the
 * same. An error gives exit code 1, or its own for a {@link CliError}; the first one is printed on
 * stderr.
 */
export function shutdownSequence(steps: StopSteps, drainTimeoutMs: number, graceMs = 5_000): Shutdown {
  let stopping = false;
  let checkpointed = false;
  let skipWait: () => void = () => undefined;
  let settle!: (code: number) => void;
  const finished = new Promise<number>((resolve) => (settle = resolve));
  let code = 0;
  const checkpointOnce = (): void => {
    if (checkpointed) return;
    checkpointed = true;
    steps.checkpoint();
  };
  const run = async (): Promise<void> => {
    steps.stopInput();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = await Promise.race([
      steps.drained().then(() => false),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(true), drainTimeoutMs);
        skipWait = () => resolve(true);
      }),
    ]);
    clearTimeout(timer);
    const hard = setTimeout(() => {
      checkpointOnce();
      process.stderr.write(`streamnorm: the connections did not close within ${graceMs} ms; exiting\n`);
      process.exit(code === 0 ? 1 : code);
    }, graceMs);
    checkpointOnce();
    await steps.close(timedOut).catch(() => undefined);
    clearTimeout(hard);
    steps.report(!timedOut);
    settle(code);
  };
  const stop = (error?: Error): void => {
    if (error !== undefined && code === 0) {
      // The first error is why the bridge stops: said once, on stderr, as the CLI says its errors.
      code = error instanceof CliError ? error.exitCode : 1;
      process.stderr.write(`streamnorm: ${error.message}\n`);
    }
    if (stopping) {
      skipWait();
      return;
    }
    stopping = true;
    void run();
  };
  return {
    stop,
    finished,
    get stopping() {
      return stopping;
    },
  };
}
