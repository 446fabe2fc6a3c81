import type { Command } from 'commander';
import { DomainError, ErrorCode } from '../errors/index.js';

/** `forecastql train`: placeholder until its issue lands; it says so instead of pretending. */
export function register(program: Command): void {
  program
    .command('train')
    .description('(not built yet)')
    .allowUnknownOption()
    .action(() => {
      throw new DomainError(ErrorCode.INTERNAL_SERVER_ERROR, '"train" is not built yet.');
    });
}
