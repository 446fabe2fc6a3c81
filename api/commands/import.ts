import type { Command } from 'commander';
import { DomainError, ErrorCode } from '../errors/index.js';

/** `forecastql import`: placeholder until its issue lands; it says so instead of pretending. */
export function register(program: Command): void {
  program
    .command('import')
    .description('(not built yet)')
    .allowUnknownOption()
    .action(() => {
      throw new DomainError(ErrorCode.INTERNAL_SERVER_ERROR, '"import" is not built yet.');
    });
}
