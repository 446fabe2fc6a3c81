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
  /** Request limits of the API (issue 6): GraphQL document limits and HTTP limits. */
  readonly limits: LimitsConfig;
}

export interface LimitsConfig {
  /** Deepest field nesting of an operation (FORECASTQL_MAX_DEPTH). */
  readonly maxDepth: number;
  /** Largest estimated cost of an operation (FORECASTQL_MAX_COST). */
  readonly maxCost: number;
  /** Most aliases in one operation (FORECASTQL_MAX_ALIASES). */
  readonly maxAliases: number;
  /** Most directives in one operation (FORECASTQL_MAX_DIRECTIVES). */
  readonly maxDirectives: number;
  /** Most lexical tokens in one document (FORECASTQL_MAX_TOKENS). */
  readonly maxTokens: number;
  /** Most items in one list argument, inline or in variables (FORECASTQL_MAX_LIST_ITEMS). */
  readonly maxListItems: number;
  /** Largest request body in bytes (FORECASTQL_MAX_BODY_BYTES); importObservations carries CSV. */
  readonly maxBodyBytes: number;
  /** Requests per rate window per token (or client IP); 0 turns the limit off (FORECASTQL_RATE_LIMIT). */
  readonly rateLimit: number;
  /** The rate window in seconds (FORECASTQL_RATE_WINDOW_S). */
  readonly rateWindowSeconds: number;
  /** Browser origins allowed to call the API (FORECASTQL_CORS_ORIGINS, comma-separated; `*` = any). */
  readonly corsOrigins: readonly string[];
  /** Failed authentications per rate window per client address before 429 (FORECASTQL_AUTH_FAILURE_LIMIT; 0 = off). */
  readonly authFailureLimit: number;
  /** Time a client has to send a request's headers, in ms (FORECASTQL_HEADER_TIMEOUT_MS). */
  readonly headerTimeoutMs: number;
  /** Time a client has to send a whole request, headers and body, in ms (FORECASTQL_REQUEST_TIMEOUT_MS). */
  readonly requestTimeoutMs: number;
  /**
   * Aggregation work (series × dates × quantiles) one credential may ask for per rate window
   * (FORECASTQL_READ_BUDGET; 0 = off): totals and groups are priced by what they touch.
   */
  readonly readBudget: number;
}

/** Default limits: generous for the widgets and dashboards, tight enough to stop abuse. */
export const DEFAULT_LIMITS: LimitsConfig = {
  maxDepth: 10,
  maxCost: 5_000,
  maxAliases: 30,
  maxDirectives: 50,
  maxTokens: 5_000,
  maxListItems: 1_000,
  maxBodyBytes: 64 * 1024 * 1024,
  rateLimit: 1_200,
  rateWindowSeconds: 60,
  corsOrigins: [],
  authFailureLimit: 60,
  headerTimeoutMs: 10_000,
  requestTimeoutMs: 120_000,
  readBudget: 50_000_000,
};

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

/** A comma-separated list of origins (`https://shop.example`), or `*` for any origin. */
function origins(env: Env, key: string): string[] {
  const raw = env[key];
  if (raw === undefined || raw.trim() === '') return [];
  const list = raw
    .split(',')
    .map((o) => o.trim())
    .filter((o) => o !== '');
  for (const o of list) {
    if (o === '*') continue;
    if (!URL.canParse(o) || new URL(o).origin !== o) {
      throw new InvalidConfigurationError(
        key,
        raw,
        `"${o}" is not an origin: use scheme://host[:port] without a path, e.g. https://admin.shop.example, or *.`,
      );
    }
  }
  return list;
}

function limits(env: Env): LimitsConfig {
  const d = DEFAULT_LIMITS;
  return {
    maxDepth: integer(env, 'FORECASTQL_MAX_DEPTH', d.maxDepth, 1, 1000),
    maxCost: integer(env, 'FORECASTQL_MAX_COST', d.maxCost, 1, 100_000_000),
    maxAliases: integer(env, 'FORECASTQL_MAX_ALIASES', d.maxAliases, 0, 100_000),
    maxDirectives: integer(env, 'FORECASTQL_MAX_DIRECTIVES', d.maxDirectives, 0, 100_000),
    maxTokens: integer(env, 'FORECASTQL_MAX_TOKENS', d.maxTokens, 100, 10_000_000),
    maxListItems: integer(env, 'FORECASTQL_MAX_LIST_ITEMS', d.maxListItems, 1, 10_000_000),
    maxBodyBytes: integer(env, 'FORECASTQL_MAX_BODY_BYTES', d.maxBodyBytes, 1024, 1024 * 1024 * 1024),
    rateLimit: integer(env, 'FORECASTQL_RATE_LIMIT', d.rateLimit, 0, 100_000_000),
    rateWindowSeconds: integer(env, 'FORECASTQL_RATE_WINDOW_S', d.rateWindowSeconds, 1, 86_400),
    corsOrigins: origins(env, 'FORECASTQL_CORS_ORIGINS'),
    authFailureLimit: integer(env, 'FORECASTQL_AUTH_FAILURE_LIMIT', d.authFailureLimit, 0, 100_000_000),
    headerTimeoutMs: integer(env, 'FORECASTQL_HEADER_TIMEOUT_MS', d.headerTimeoutMs, 100, 600_000),
    requestTimeoutMs: integer(env, 'FORECASTQL_REQUEST_TIMEOUT_MS', d.requestTimeoutMs, 100, 3_600_000),
    readBudget: integer(env, 'FORECASTQL_READ_BUDGET', d.readBudget, 0, 1e15),
  };
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
    limits: limits(env),
  };
}

/** The PostgreSQL job queue and its workers (README "Scaling out"). */
export interface QueueConfig {
  /** Attempts a training run gets before it ends FAILED (FORECASTQL_MAX_ATTEMPTS, default 3). */
  readonly maxAttempts: number;
  /** Wait before the first retry, doubled for each further one (FORECASTQL_RETRY_DELAY_S, default 30). */
  readonly retryDelaySeconds: number;
  /**
   * Longest an attempt may hold its job (FORECASTQL_JOB_EXPIRE_S, default 4 h): the backstop that
   * frees the job of a worker that died while no other worker was watching.
   */
  readonly expireSeconds: number;
  /** How often a worker writes its runs' heartbeats and looks for cancels (FORECASTQL_HEARTBEAT_MS, default 2000). */
  readonly heartbeatMs: number;
  /** A run whose heartbeat is older than this lost its worker and is retried (FORECASTQL_STALE_AFTER_S, default 60). */
  readonly staleAfterSeconds: number;
  /** Runs one worker process trains at once (FORECASTQL_WORKER_CONCURRENCY, default 1). */
  readonly concurrency: number;
  /** Heap limit of each training thread in MB (FORECASTQL_WORKER_HEAP_MB; 0 = V8's default). */
  readonly threadHeapMb: number;
}

/** Reads the queue settings (validated like loadConfig). */
export function loadQueueConfig(env: Env = process.env): QueueConfig {
  return {
    maxAttempts: integer(env, 'FORECASTQL_MAX_ATTEMPTS', 3, 1, 20),
    retryDelaySeconds: integer(env, 'FORECASTQL_RETRY_DELAY_S', 30, 0, 86_400),
    expireSeconds: integer(env, 'FORECASTQL_JOB_EXPIRE_S', 4 * 3600, 10, 23 * 3600),
    heartbeatMs: integer(env, 'FORECASTQL_HEARTBEAT_MS', 2000, 100, 600_000),
    staleAfterSeconds: integer(env, 'FORECASTQL_STALE_AFTER_S', 60, 1, 86_400),
    concurrency: integer(env, 'FORECASTQL_WORKER_CONCURRENCY', 1, 1, 64),
    threadHeapMb: integer(env, 'FORECASTQL_WORKER_HEAP_MB', 0, 0, 1_000_000),
  };
}

/** Alert webhooks (README "Alerts and webhooks"). */
export interface WebhookConfig {
  /**
   * Let webhooks reach private, loopback and link-local addresses (FORECASTQL_WEBHOOK_ALLOW_PRIVATE,
   * default false: refused, against server-side request forgery; set it for a closed network).
   */
  readonly allowPrivate: boolean;
  /** Wait before the first retry, doubled for each further one (FORECASTQL_WEBHOOK_RETRY_MS, default 30000). */
  readonly backoffMs: number;
  /** Attempts before a delivery is FAILED (FORECASTQL_WEBHOOK_MAX_ATTEMPTS, default 8). */
  readonly maxAttempts: number;
  /** Time one POST may take (FORECASTQL_WEBHOOK_TIMEOUT_MS, default 10000). */
  readonly timeoutMs: number;
}

function flag(env: Env, key: string, fallback: boolean): boolean {
  const raw = env[key];
  if (raw === undefined || raw === '') return fallback;
  const v = raw.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(v)) return true;
  if (['0', 'false', 'no', 'off'].includes(v)) return false;
  throw new InvalidConfigurationError(key, raw, 'Use true or false.');
}

/** Reads the webhook settings (validated like loadConfig). */
export function loadWebhookConfig(env: Env = process.env): WebhookConfig {
  return {
    allowPrivate: flag(env, 'FORECASTQL_WEBHOOK_ALLOW_PRIVATE', false),
    backoffMs: integer(env, 'FORECASTQL_WEBHOOK_RETRY_MS', 30_000, 1, 86_400_000),
    maxAttempts: integer(env, 'FORECASTQL_WEBHOOK_MAX_ATTEMPTS', 8, 1, 50),
    timeoutMs: integer(env, 'FORECASTQL_WEBHOOK_TIMEOUT_MS', 10_000, 100, 600_000),
  };
}
