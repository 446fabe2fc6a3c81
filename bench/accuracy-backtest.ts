/**
 * `forecastql backtest` alone (the same command code, without loading the server's modules), so
 * `bench/accuracy.ts` can time the command on each dataset:
 * `npx tsx bench/accuracy-backtest.ts --data FILE --horizon H --origins K --model M --out PRED.csv`.
 */
import { Command } from 'commander';
import { register } from '../api/commands/backtest.js';
import { DomainError } from '../api/errors/index.js';

const program = new Command('forecastql').exitOverride();
register(program);
try {
  await program.parseAsync(['node', 'forecastql', 'backtest', ...process.argv.slice(2)]);
} catch (e) {
  const line = e instanceof DomainError ? `${e.code}: ${e.message}` : e instanceof Error ? e.message : String(e);
  process.stderr.write(`forecastql: ${line}\n`);
  process.exitCode = 1;
}
