/**
 * The `forecastql` command line (ARCHITECTURE §3). Each command lives in `api/commands/<name>.ts`
 * and exports `register(program)`; this file only wires them. Errors end the process with a
 * one-line reason and a non-zero exit code.
 */
import { Command } from 'commander';
import { DomainError } from './errors/index.js';

type Register = (program: Command) => void;

/**
 * Each command's module, loaded when needed: a command line names one command, and loading all
 * of them (the GraphQL schema and Apollo for `serve`, TensorFlow.js for `train`, …) cost
 * `forecastql source sync` 1.5 CPU s of its start-up (measured on dist/, load 9: importing cli.js
 * 2.5 CPU s, commands/source.js alone 1.0). Keys are the top-level command names; the order is
 * the help's.
 */
const COMMANDS: ReadonlyArray<readonly [readonly string[], () => Promise<{ register: Register }>]> = [
  [['serve'], () => import('./commands/serve.js')],
  [['migrate'], () => import('./commands/migrate.js')],
  [['import'], () => import('./commands/import.js')],
  [['train'], () => import('./commands/train.js')],
  [['forecast'], () => import('./commands/forecast.js')],
  [['stock', 'stock-plan'], () => import('./commands/stock.js')],
  [['scenario'], () => import('./commands/scenario.js')],
  [['backtest'], () => import('./commands/backtest.js')],
  [['worker'], () => import('./commands/worker.js')],
  [['keys', 'token', 'token-revoke'], () => import('./commands/keys.js')],
  [['source'], () => import('./commands/source.js')],
];

/**
 * The program with the command that `argv` names (every command when it names none it knows:
 * help, a typo, an option first), so that only that command's modules load.
 */
export async function buildProgram(argv: readonly string[] = []): Promise<Command> {
  const program = new Command('forecastql')
    .description('Sales forecasting for online shops: GraphQL API, embeddable widgets, deep models.')
    .showHelpAfterError()
    .exitOverride();
  const named = argv[2];
  const one = COMMANDS.find(([names]) => named !== undefined && names.includes(named));
  for (const [, load] of one ? [one] : COMMANDS) (await load()).register(program);
  return program;
}

/** Formats any thrown value as the one line the CLI prints. */
export function formatCliError(e: unknown): string {
  if (e instanceof DomainError) return `forecastql: ${e.code}: ${e.message}`;
  if (e instanceof Error) return `forecastql: ${e.message}`;
  return `forecastql: ${String(e)}`;
}

export async function main(argv: string[]): Promise<void> {
  try {
    const program = await buildProgram(argv);
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
