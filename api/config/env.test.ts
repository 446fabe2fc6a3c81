import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { InvalidConfigurationError } from '../errors/index.js';
import { loadConfig, parseDatabaseUrl } from './env.js';

test('defaults to a SQLite file in the working directory, port 4000', () => {
  const c = loadConfig({});
  assert.deepEqual(c.database, { client: 'sqlite', filename: resolve('forecastql.sqlite') });
  assert.equal(c.port, 4000);
  assert.equal(c.logLevel, 'info');
});

test('FORECASTQL_DB wins over DATABASE_URL', () => {
  const c = loadConfig({ FORECASTQL_DB: 'postgres://u@h:5432/d', DATABASE_URL: 'sqlite:x.db' });
  assert.deepEqual(c.database, { client: 'pg', connectionString: 'postgres://u@h:5432/d' });
});

test('parses sqlite: URLs and plain paths', () => {
  assert.deepEqual(parseDatabaseUrl('sqlite::memory:'), { client: 'sqlite', filename: ':memory:' });
  assert.deepEqual(parseDatabaseUrl('sqlite:./a.db'), { client: 'sqlite', filename: resolve('a.db') });
  assert.deepEqual(parseDatabaseUrl('b.sqlite'), { client: 'sqlite', filename: resolve('b.sqlite') });
});

for (const [env, key] of [
  [{ PORT: 'http' }, 'PORT'],
  [{ PORT: '70000' }, 'PORT'],
  [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
  [{ DATABASE_URL: 'mysql://root@localhost/db' }, 'DATABASE_URL'],
  [{ FORECAST_MAX_HORIZON: '0' }, 'FORECAST_MAX_HORIZON'],
  [{ FORECASTQL_SECRET: 'short' }, 'FORECASTQL_SECRET'],
] as const) {
  test(`rejects a bad ${key} with a message naming it`, () => {
    assert.throws(
      () => loadConfig(env),
      (e: unknown) => e instanceof InvalidConfigurationError && e.message.includes(key),
    );
  });
}

test('limits: defaults, overrides and the CORS allow-list', () => {
  const d = loadConfig({}).limits;
  assert.equal(d.maxDepth, 10);
  assert.equal(d.maxBodyBytes, 64 * 1024 * 1024);
  assert.equal(d.rateLimit, 1200);
  assert.deepEqual(d.corsOrigins, [], 'no cross-origin access unless configured');
  const c = loadConfig({
    FORECASTQL_MAX_DEPTH: '7',
    FORECASTQL_RATE_LIMIT: '0',
    FORECASTQL_MAX_BODY_BYTES: '1048576',
    FORECASTQL_CORS_ORIGINS: ' https://a.example , http://localhost:6006',
  }).limits;
  assert.equal(c.maxDepth, 7);
  assert.equal(c.rateLimit, 0, '0 turns the rate limit off');
  assert.equal(c.maxBodyBytes, 1048576);
  assert.deepEqual(c.corsOrigins, ['https://a.example', 'http://localhost:6006']);
  assert.deepEqual(loadConfig({ FORECASTQL_CORS_ORIGINS: '*' }).limits.corsOrigins, ['*']);
});

for (const [env, key] of [
  [{ FORECASTQL_MAX_DEPTH: '0' }, 'FORECASTQL_MAX_DEPTH'],
  [{ FORECASTQL_RATE_LIMIT: 'lots' }, 'FORECASTQL_RATE_LIMIT'],
  [{ FORECASTQL_MAX_BODY_BYTES: '10' }, 'FORECASTQL_MAX_BODY_BYTES'],
  [{ FORECASTQL_CORS_ORIGINS: 'https://a.example/path' }, 'FORECASTQL_CORS_ORIGINS'],
] as const) {
  test(`rejects a bad ${key} with a message naming it`, () => {
    assert.throws(
      () => loadConfig(env),
      (e: unknown) => e instanceof InvalidConfigurationError && e.message.includes(key),
    );
  });
}
