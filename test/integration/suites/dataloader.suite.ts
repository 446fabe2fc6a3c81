/**
 * N+1 guard: a page of series with their forecasts costs a fixed number of SQL statements,
 * whatever the page size (DataLoader batches the forecast and actual reads).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Knex } from 'knex';
import { clearForecastReadCache } from '../../../api/plugin/core.js';
import { withDbs } from '../../helpers/dbs.js';
import { createTestApi, STAND_IN_PIPELINE, tinyCsv, trainToSuccess, type TestApi } from '../support/api.js';
import { seedCsv } from '../support/seed.js';

/** Runs `fn` and returns the SQL statements knex sent meanwhile (cold: read caches emptied first). */
async function countQueries(knex: Knex, fn: () => Promise<unknown>): Promise<string[]> {
  clearForecastReadCache(knex);
  const seen: string[] = [];
  const listener = (q: { sql: string }) => seen.push(q.sql);
  knex.on('query', listener);
  try {
    await fn();
  } finally {
    knex.removeListener('query', listener);
  }
  return seen;
}

const QUERY = `query($datasetId: ID!, $first: Int) {
  series(datasetId: $datasetId, first: $first) {
    totalCount
    nodes { id attributes { name value } forecast { runId points { date actual p10 p50 p90 } } }
  }
}`;

withDbs((db) => {
  let api: TestApi;
  let datasetId: string;

  before(async () => {
    api = await createTestApi(db.knex, db.config, { pipelineModule: STAND_IN_PIPELINE });
    datasetId = String(await seedCsv(db.knex, api.tenantId, 'hundred', tinyCsv(100, 21)));
    await trainToSuccess(api, datasetId);
  });
  after(async () => {
    await api?.close();
  });

  test('100 series with their forecasts run a bounded number of SQL statements', async () => {
    await api.runner.stop(); // no background queue polls in the count
    await api.alerting.dispatcher.stop(); // nor the webhook dispatcher's retry polls
    await api.alerting.arrivals.idle(); // nor the alert check the run's success started
    let result:
      | { series: { totalCount: number; nodes: Array<{ forecast: { points: Array<{ p50: number | null }> } }> } }
      | undefined;
    const big = await countQueries(db.knex, async () => {
      result = await api.ok(QUERY, { datasetId, first: 100 });
    });
    assert.equal(result!.series.totalCount, 100);
    assert.equal(result!.series.nodes.length, 100);
    for (const n of result!.series.nodes) assert.equal(n.forecast.points.filter((p) => p.p50 !== null).length, 7);
    const small = await countQueries(db.knex, () => api.ok(QUERY, { datasetId, first: 5 }));
    assert.ok(big.length <= 10, `100 series took ${big.length} statements:\n${big.join('\n')}`);
    assert.equal(
      big.length,
      small.length,
      `the statement count grows with the page size:\n${big.join('\n')}\n---\n${small.join('\n')}`,
    );
  });
});
