/**
 * The `forecastql` command line (ARCHITECTURE §3). Each command lives in `api/commands/<name>.ts`
 * and exports `register(program)`; this file only wires them. Errors end the process with a
 * one-line reason and a non-zero exit code.
 */
import { Command } from 'commander';
import { DomainError } from './errors/index.js';
import { register as registerBacktest } from './commands/backtest.js';
import { register as registerForecast } from './commands/forecast.js';
import { register as registerImport } from './commands/import.js';
import { register as registerKeys } from './commands/keys.js';
import { register as registerMigrate } from './commands/migrate.js';
import { register as registerScenario } from './commands/scenario.js';
import { register as registerServe } from './commands/serve.js';
import { register as registerSource } from './commands/source.js';
import { register as registerStock } from './commands/stock.js';
import { register as registerTrain } from './commands/train.js';
import { register as registerWorker } from './commands/worker.js';

export function buildProgram(): Command {
  const program = new Command('forecastql')
    .description('Sales forecasting for online shops: GraphQL API, embeddable widgets, deep models.')
    .showHelpAfterError()
    .exitOverride();
  for (const register of [
    registerServe,
    registerMigrate,
    registerImport,
    registerTrain,
    registerForecast,
    registerStock,
    registerScenario,
    registerBacktest,
    registerWorker,
    registerKeys,
    registerSource,
  ]) {
    register(program);
  }
  return program;
}

/** Formats any thrown value as the one line the CLI prints. */
export function formatCliError(e: unknown): string {
  if (e instanceof DomainError) return `forecastql: ${e.code}: ${e.message}`;
  if (e instanceof Error) return `forecastql: ${e.message}`;
  return `forecastql: ${String(e)}`;
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'commander.helpDisplayed' || code === 'commander.version' || code === 'commander.help') return;
    if (typeof code === 'string' && code.startsWith('commander.')) {
      process.exitCode = 2;
      return;
    }
    process.stderr.write(formatCliError(e) + '\n');
    process.exitCode = 1;
  }
}
