import type { Command } from 'commander';
import { DomainError, ErrorCode } from '../errors/index.js';

/** `forecastql migrate`: placeholder until its issue lands; it says so instead of pretending. */
export function register(program: Command): void {
  program
    .command('migrate')
    .description('(not built yet)')
    .allowUnknownOption()
    .action(() => {
      throw new DomainError(ErrorCode.INTERNAL_SERVER_ERROR, '"migrate" is not built yet.');
    });
}
