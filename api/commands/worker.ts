/**
 * `forecastql worker --db postgres://…`: the scale-out training worker (ARCHITECTURE §7). It
 * arrives with the scale-out issue (a PostgreSQL job queue); until then `forecastql serve` trains
 * in worker threads of its own process, and `forecastql train` trains from the command line.
 */
import type { Command } from 'commander';
import { DomainError, ErrorCode } from '../errors/index.js';

export function register(program: Command): void {
  program
    .command('worker')
    .description('(scale-out training worker: needs PostgreSQL; arrives with the scale-out issue)')
    .option('--db <url>', 'PostgreSQL URL')
    .action(() => {
      throw new DomainError(
        ErrorCode.INTERNAL_SERVER_ERROR,
        '"worker" needs the PostgreSQL job queue that arrives with the scale-out issue. Until then `forecastql serve` trains runs in its own worker threads, and `forecastql train --dataset NAME` trains from the command line.',
      );
    });
}
