/**
 * One of this repository's TypeScript entry points in a child process under tsx, with the API's
 * tsconfig (type-graphql needs its decorators), that announces itself with one JSON line on stdout
 * (e.g. `{"url": …, "key": …}`). The e2e, robustness and queue tests start their servers and
 * workers with it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { DatabaseConfig } from '../../api/config/env.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

export interface AnnouncedChild {
  readonly child: ChildProcess;
  /** The first JSON line the child printed on stdout. */
  readonly announced: Readonly<Record<string, string>>;
  /** Everything the child wrote on stderr so far. */
  stderr(): string;
  /** Graceful stop (SIGTERM); resolves when the child has exited. */
  stop(): Promise<void>;
}

/** What `--db` takes: a PostgreSQL URL or a SQLite file. */
export function databaseUrl(config: DatabaseConfig): string {
  return config.client === 'pg' ? config.connectionString : config.filename;
}

/**
 * Starts `node --import tsx SCRIPT ARGS…` in the repository root and waits for its announcement.
 * The environment is this process's (without node:test's context) with a quiet log and the cpu
 * backend, then `env` on top.
 */
export async function spawnAnnounced(
  script: string,
  args: readonly string[],
  env: Readonly<Record<string, string>> = {},
  startTimeoutMs = 60_000,
): Promise<AnnouncedChild> {
  const { NODE_TEST_CONTEXT: _ignored, ...base } = process.env;
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: root,
    env: { ...base, TSX_TSCONFIG_PATH: 'api/tsconfig.json', LOG_LEVEL: 'warn', FORECASTQL_BACKEND: 'cpu', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const announced = await new Promise<Record<string, string>>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${script} did not start in ${startTimeoutMs / 1000} s:\n${err}`)),
      startTimeoutMs,
    );
    child.once('exit', (code) => reject(new Error(`${script} exited (${code}) before it started:\n${err}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        const parsed = JSON.parse(line) as Record<string, string>;
        clearTimeout(timer);
        resolve(parsed);
      } catch {
        // not the start-up line
      }
    });
  });
  return {
    child,
    announced,
    stderr: () => err,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
