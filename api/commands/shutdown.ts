/**
 * SIGINT/SIGTERM handling shared by the long-running commands (`serve`, `worker`): say what is
 * happening, stop the process's work, close the database pool, exit 0 (1 when stopping failed).
 * A second signal while stopping is ignored.
 */
import type { Knex } from 'knex';
import type { Logger } from 'pino';

export function stopOnSignals(options: {
  /** Written to stderr after the signal's name, e.g. "shutting down…" (nothing when empty). */
  readonly message: string;
  readonly stop: () => Promise<void>;
  readonly knex: Knex;
  readonly logger: Logger;
}): void {
  let stopping = false;
  const onSignal = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    if (options.message) process.stderr.write(`\n${signal}: ${options.message}\n`);
    void options
      .stop()
      .then(() => options.knex.destroy())
      .then(() => process.exit(0))
      .catch((e: unknown) => {
        options.logger.error({ err: e }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));
}
