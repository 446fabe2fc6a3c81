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
