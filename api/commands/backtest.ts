import type { Command } from 'commander';
import { DomainError, ErrorCode } from '../errors/index.js';

/** `forecastql backtest`: placeholder until its issue lands; it says so instead of pretending. */
export function register(program: Command): void {
  program
    .command('backtest')
    .description('(not built yet)')
    .allowUnknownOption()
    .action(() => {
      throw new DomainError(ErrorCode.INTERNAL_SERVER_ERROR, '"backtest" is not built yet.');
    });
}
