/** `serve --processes N` options (api/commands/cluster.ts): the count and each process's rate-limit share. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_PROCESSES, resolveProcesses, workerConfig } from '../../api/commands/cluster.js';
import { loadConfig } from '../../api/config/env.js';
import { InvalidConfigurationError } from '../../api/errors/index.js';

describe('serve --processes', () => {
  it('defaults to one process, and reads the flag before FORECASTQL_PROCESSES', () => {
    assert.equal(resolveProcesses(undefined, {}), 1);
    assert.equal(resolveProcesses(undefined, { FORECASTQL_PROCESSES: '3' }), 3);
    assert.equal(resolveProcesses('2', { FORECASTQL_PROCESSES: '3' }), 2);
  });

  it('refuses a count that is not a whole number from 1 to the maximum, naming the value and the fix', () => {
    for (const bad of ['0', '-1', '1.5', 'two', String(MAX_PROCESSES + 1)]) {
      assert.throws(
        () => resolveProcesses(bad, {}),
        (e: unknown) =>
          e instanceof InvalidConfigurationError &&
          e.message.includes('--processes') &&
          e.message.includes(bad) &&
          e.message.includes(`1 to ${MAX_PROCESSES}`),
        `--processes ${bad}`,
      );
    }
    assert.throws(() => resolveProcesses(undefined, { FORECASTQL_PROCESSES: '0' }), /FORECASTQL_PROCESSES/);
  });

  it('gives each HTTP process its share of the per-key rate limit (rounded up), and keeps "off" off', () => {
    const base = loadConfig({ FORECASTQL_RATE_LIMIT: '1200' });
    assert.equal(workerConfig(base, 2).limits.rateLimit, 600);
    assert.equal(workerConfig(base, 7).limits.rateLimit, 172);
    assert.equal(workerConfig(base, 1).limits.rateLimit, 1200);
    const off = loadConfig({ FORECASTQL_RATE_LIMIT: '0' });
    assert.equal(workerConfig(off, 4).limits.rateLimit, 0, 'a limit of 0 (off) stays off');
  });
});
