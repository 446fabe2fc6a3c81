/**
 * Settings of the job queue and its workers: defaults, environment overrides, and a clear error
 * naming the variable (or option) and the fix for a bad value.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadQueueConfig } from '../../api/config/env.js';
import { workerQueueConfig } from '../../api/commands/worker.js';

test('defaults: 3 attempts, 30 s first retry delay, 60 s to presume a worker dead, one run per worker', () => {
  assert.deepEqual(loadQueueConfig({}), {
    maxAttempts: 3,
    retryDelaySeconds: 30,
    expireSeconds: 4 * 3600,
    heartbeatMs: 2000,
    staleAfterSeconds: 60,
    concurrency: 1,
    threadHeapMb: 0,
  });
});

test('the environment overrides each setting', () => {
  const c = loadQueueConfig({
    FORECASTQL_MAX_ATTEMPTS: '5',
    FORECASTQL_RETRY_DELAY_S: '0',
    FORECASTQL_JOB_EXPIRE_S: '600',
    FORECASTQL_HEARTBEAT_MS: '250',
    FORECASTQL_STALE_AFTER_S: '5',
    FORECASTQL_WORKER_CONCURRENCY: '4',
    FORECASTQL_WORKER_HEAP_MB: '2048',
  });
  assert.deepEqual(c, {
    maxAttempts: 5,
    retryDelaySeconds: 0,
    expireSeconds: 600,
    heartbeatMs: 250,
    staleAfterSeconds: 5,
    concurrency: 4,
    threadHeapMb: 2048,
  });
});

test('a bad value names the variable and the allowed range', () => {
  assert.throws(
    () => loadQueueConfig({ FORECASTQL_MAX_ATTEMPTS: '0' }),
    /Value "0" is not valid for FORECASTQL_MAX_ATTEMPTS\. Use a whole number from 1 to 20\./,
  );
  assert.throws(
    () => loadQueueConfig({ FORECASTQL_JOB_EXPIRE_S: '100000' }),
    /FORECASTQL_JOB_EXPIRE_S\. Use a whole number from 10 to 82800\./,
    'pg-boss refuses expirations of 24 h or more',
  );
  assert.throws(() => loadQueueConfig({ FORECASTQL_HEARTBEAT_MS: 'often' }), /FORECASTQL_HEARTBEAT_MS/);
});

test('worker --concurrency wins over the environment and is checked', () => {
  const base = loadQueueConfig({ FORECASTQL_WORKER_CONCURRENCY: '2' });
  assert.equal(workerQueueConfig({}, base).concurrency, 2, 'the environment when the option is absent');
  assert.equal(workerQueueConfig({ concurrency: '3' }, base).concurrency, 3, 'the option when given');
  assert.throws(
    () => workerQueueConfig({ concurrency: 'two' }, base),
    /Value "two" is not valid for --concurrency\. Use a whole number from 1 to 64\./,
  );
});
