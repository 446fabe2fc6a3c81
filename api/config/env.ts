/**
 * The one typed registry of environment variables (Cube's getEnv idea). Nothing else in the
 * product reads `process.env`: call `loadConfig()` once at start-up and pass the result down.
 */
import { resolve } from 'node:path';
import { InvalidConfigurationError } from '../errors/index.js';

export type DatabaseConfig =
  | { readonly client: 'sqlite'; readonly filename: string }
  | { readonly client: 'pg'; readonly connectionString: string };

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
export type NodeEnv = 'development' | 'production' | 'test';
export type BackendPreference = 'auto' | 'tensorflow' | 'wasm' | 'cpu';

export interface Config {
  readonly database: DatabaseConfig;
  readonly host: string;
  readonly port: number;
  readonly logLevel: LogLevel;
  readonly nodeEnv: NodeEnv;
  /** Secret that signs embed tokens; generated per process when unset (tokens then die with it). */
  readonly secret: string | undefined;
  readonly maxHorizon: number;
  readonly backend: BackendPreference;
}

type Env = Readonly<Record<string, string | undefined>>;

/** Default SQLite file, in the working directory. */
export const DEFAULT_SQLITE_FILE = 'forecastql.sqlite';

/**
 * Parses a database URL: `postgres://…`/`postgresql://…`, `sqlite:PATH`, `sqlite::memory:`, or a
 * plain path to a SQLite file.
 */
export function parseDatabaseUrl(value: string, key = 'DATABASE_URL'): DatabaseConfig {
  const v = value.trim();
  if (/^postgres(ql)?:\/\//i.test(v)) {
    if (!URL.canParse(v)) throw new InvalidConfigurationError(key, value, 'Use postgres://USER@HOST:PORT/DATABASE.');
    return { client: 'pg', connectionString: v };
  }
  if (/^sqlite:/i.test(v)) {
    const file = v.replace(/^sqlite:(\/\/)?/i, '');
    if (file === '')
      throw new InvalidConfigurationError(key, value, 'Use sqlite:PATH, e.g. sqlite:./forecastql.sqlite.');
    return { client: 'sqlite', filename: file === ':memory:' ? file : resolve(file) };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(v)) {
    throw new InvalidConfigurationError(
      key,
      value,
      'Only PostgreSQL (postgres://…) and SQLite (sqlite:PATH or a file path) are supported.',
    );
  }
  if (v === '') throw new InvalidConfigurationError(key, value, 'Give a postgres:// URL or a SQLite file path.');
  return { client: 'sqlite', filename: resolve(v) };
}

function oneOf<T extends string>(env: Env, key: string, allowed: readonly T[], fallback: T): T {
  const raw = env[key];
  if (raw === undefined || raw === '') return fallback;
  const v = raw.trim().toLowerCase();
  if (!(allowed as readonly string[]).includes(v)) {
    throw new InvalidConfigurationError(key, raw, `Use one of: ${allowed.join(', ')}.`);
  }
  return v as T;
}

function integer(env: Env, key: string, fallback: number, min: number, max: number): number {
  const raw = env[key];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new InvalidConfigurationError(key, raw, `Use a whole number from ${min} to ${max}.`);
  }
  return n;
}

/** Reads and validates the configuration from an environment (default: `process.env`). */
export function loadConfig(env: Env = process.env): Config {
  const dbKey = env['FORECASTQL_DB'] ? 'FORECASTQL_DB' : 'DATABASE_URL';
  const dbRaw = env['FORECASTQL_DB'] || env['DATABASE_URL'];
  const secret = env['FORECASTQL_SECRET'];
  if (secret !== undefined && secret !== '' && secret.length < 32) {
    throw new InvalidConfigurationError('FORECASTQL_SECRET', '(hidden)', 'Use at least 32 characters.');
  }
  return {
    database: dbRaw ? parseDatabaseUrl(dbRaw, dbKey) : { client: 'sqlite', filename: resolve(DEFAULT_SQLITE_FILE) },
    host: env['HOST'] || '127.0.0.1',
    port: integer(env, 'PORT', 4000, 0, 65535),
    logLevel: oneOf(env, 'LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], 'info'),
    nodeEnv: oneOf(env, 'NODE_ENV', ['development', 'production', 'test'], 'development'),
    secret: secret || undefined,
    maxHorizon: integer(env, 'FORECAST_MAX_HORIZON', 365, 1, 3660),
    backend: oneOf(env, 'FORECASTQL_BACKEND', ['auto', 'tensorflow', 'wasm', 'cpu'], 'auto'),
  };
}
