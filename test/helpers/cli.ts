/**
 * Runs several `forecastql` invocations through the real CLI entry (`main` of api/cli.ts) in ONE
 * child process (starting the app is the slow part), capturing each one's stdout, stderr and exit
 * code. The child compiles with the api project's settings: the CLI imports the decorated GraphQL
 * resolvers.
 */
import { spawn, spawnSync } from 'node:child_process';

const ROOT = new URL('../../', import.meta.url).pathname;

export interface CliRun {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

function script(invocations: readonly (readonly string[])[]): string {
  return `
    await import('reflect-metadata');
    const { main } = await import(${JSON.stringify(ROOT + 'api/cli.ts')});
    const out = [];
    for (const args of ${JSON.stringify(invocations)}) {
      let stdout = '', stderr = '';
      const w1 = process.stdout.write.bind(process.stdout), w2 = process.stderr.write.bind(process.stderr);
      process.stdout.write = (c) => { stdout += c; return true; };
      process.stderr.write = (c) => { stderr += c; return true; };
      process.exitCode = 0;
      try { await main(['node', 'forecastql', ...args]); } finally { process.stdout.write = w1; process.stderr.write = w2; }
      out.push({ status: process.exitCode ?? 0, stdout, stderr });
    }
    process.exitCode = 0;
    process.stdout.write(JSON.stringify(out));`;
}

function childArgs(invocations: readonly (readonly string[])[]): string[] {
  return ['--import', 'tsx', '--input-type=module', '-e', script(invocations)];
}

/** This process's environment (without node:test's context), a silent log, then `env`. */
function childEnv(env: Readonly<Record<string, string>>): NodeJS.ProcessEnv {
  const { NODE_TEST_CONTEXT: _ignored, ...base } = process.env;
  return { ...base, LOG_LEVEL: 'silent', TSX_TSCONFIG_PATH: ROOT + 'api/tsconfig.json', ...env };
}

function parse(status: number | null, stdout: string, stderr: string): CliRun[] {
  if (status !== 0) throw new Error(`the CLI child exited ${status}: ${stderr}`);
  return JSON.parse(stdout) as CliRun[];
}

/** Blocks until the child is done. */
export function runCli(
  invocations: readonly (readonly string[])[],
  env: Readonly<Record<string, string>> = {},
): CliRun[] {
  const r = spawnSync(process.execPath, childArgs(invocations), { cwd: ROOT, encoding: 'utf8', env: childEnv(env) });
  return parse(r.status, r.stdout, r.stderr);
}

/** Without blocking this process (a test that also runs a server must keep its event loop). */
export async function runCliAsync(
  invocations: readonly (readonly string[])[],
  env: Readonly<Record<string, string>> = {},
): Promise<CliRun[]> {
  const child = spawn(process.execPath, childArgs(invocations), {
    cwd: ROOT,
    env: childEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const status = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return parse(status, stdout, stderr);
}
