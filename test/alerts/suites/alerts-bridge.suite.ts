/**
 * `alertRaised` across processes on PostgreSQL (issue 18): two app instances on one database, each
 * with the alert bridge the server starts (queue/alert-notify.ts `startAlertBridge`, its own knex
 * and LISTEN connection). An alert raised by an import on instance A reaches a subscriber of
 * instance B, and A's own subscriber hears it once (not again through its own NOTIFY). On SQLite
 * there is no bridge: one process owns the file.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { parse, subscribe } from 'graphql';
import type { Knex } from 'knex';
import { createForecastsRepository } from '../../../api/db/forecasts.repository.js';
import { createKnex } from '../../../api/db/knex.js';
import { createRunsRepository } from '../../../api/db/runs.repository.js';
import { startAlertBridge, type AlertListener } from '../../../api/queue/alert-notify.js';
import { withDbs, type TestDb } from '../../helpers/dbs.js';
import { createTestApi, type TestApi } from '../../integration/support/api.js';

const day = (i: number): string => new Date(Date.UTC(2024, 0, 1 + i)).toISOString().slice(0, 10);
const HISTORY_DAYS = 60;
const HORIZON = 14;
const silent = { warn: () => undefined };

/** A SUCCEEDED run of `datasetId` with a band 8–12 (p50 10) for every series and forecast day. */
async function storeRun(knex: Knex, tenantId: number, datasetId: number): Promise<number> {
  const runs = createRunsRepository(knex);
  const run = await runs.create(tenantId, {
    datasetId,
    model: 'snaive',
    horizon: HORIZON,
    quantiles: [0.1, 0.5, 0.9],
    epochs: null,
    seed: 1,
  });
  const forecasts = createForecastsRepository(knex);
  const ids = await forecasts.seriesIdsByKey(tenantId, datasetId);
  await forecasts.insertMany(
    tenantId,
    run.id,
    [...ids.values()].flatMap((seriesId) =>
      Array.from({ length: HORIZON }, (_, i) => ({
        seriesId,
        date: day(HISTORY_DAYS + i),
        values: new Map([
          [0.1, 8],
          [0.5, 10],
          [0.9, 12],
        ]),
      })),
    ),
  );
  const now = new Date();
  await knex('training_runs')
    .where({ id: run.id })
    .update({ status: 'SUCCEEDED', started_at: now, finished_at: now, updated_at: now });
  return run.id;
}

type Raised = AsyncIterableIterator<{ data?: { alertRaised: { seriesId: string; kind: string } } }>;

async function subscribeOn(api: TestApi, datasetId: string): Promise<Raised> {
  const s = (await subscribe({
    schema: api.app.schema,
    document: parse(`subscription($d: ID) { alertRaised(datasetId: $d) { seriesId kind } }`),
    variableValues: { d: datasetId },
    contextValue: await api.app.context(api.adminKey.headers),
  })) as Raised;
  assert.equal(typeof s.next, 'function', 'alertRaised subscribes');
  return s;
}

/** The next event within `ms`, or 'none'. */
function nextWithin(s: Raised, ms: number): Promise<{ seriesId: string; kind: string } | 'none'> {
  return Promise.race([
    // graphql-js builds null-prototype objects: compared as a client sees them.
    s.next().then((r) => {
      const raised = r.value?.data?.alertRaised;
      return raised ? { seriesId: raised.seriesId, kind: raised.kind } : 'none';
    }),
    new Promise<'none'>((resolve) => setTimeout(() => resolve('none'), ms)),
  ]);
}

withDbs((db) => {
  describe('alertRaised across processes', () => suite(db));
});

function suite(db: TestDb): void {
  if (db.dialect !== 'postgres') {
    test('SQLite: no bridge (one process owns the file)', async () => {
      const api = await createTestApi(db.knex, db.config);
      try {
        assert.equal(await startAlertBridge(db.config, db.knex, api.alerting, silent), undefined);
      } finally {
        await api.close();
      }
    });
    return;
  }
  let a: TestApi;
  let b: TestApi;
  let knexB: Knex;
  let bridges: (AlertListener | undefined)[] = [];

  before(async () => {
    knexB = createKnex(db.config);
    a = await createTestApi(db.knex, db.config);
    b = await createTestApi(knexB, db.config);
    bridges = [
      await startAlertBridge(db.config, db.knex, a.alerting, silent),
      await startAlertBridge(db.config, knexB, b.alerting, silent),
    ];
  });

  after(async () => {
    for (const bridge of bridges) await bridge?.close();
    await a?.close();
    await b?.close();
    await knexB?.destroy();
  });

  test("an alert raised by an import on instance A reaches instance B's subscriber, and A's once", async () => {
    const created = await a.ok<{ createDataset: { id: string } }>(
      `mutation { createDataset(input: { name: "bridge" }) { id } }`,
    );
    const d = created.createDataset.id;
    const IMPORT = `mutation($d: ID!, $csv: String!) { importObservations(datasetId: $d, csv: $csv) { rowsImported } }`;
    const history = ['series_id,date,value'];
    for (let i = 0; i < HISTORY_DAYS; i++) history.push(`FAR,${day(i)},10`);
    await a.ok(IMPORT, { d, csv: `${history.join('\n')}\n` });
    await storeRun(db.knex, a.tenantId, Number(d));
    const onB = await subscribeOn(b, d);
    const onA = await subscribeOn(a, d);
    // Day 0 at 60 against the band 8–12: far out, one OUTLIER alert, raised by A.
    await a.ok(IMPORT, { d, csv: `series_id,date,value\nFAR,${day(HISTORY_DAYS)},60\n` });
    const heardOnB = await nextWithin(onB, 15_000);
    assert.deepEqual(heardOnB, { seriesId: 'FAR', kind: 'OUTLIER' }, 'B hears the alert A raised');
    assert.deepEqual(await nextWithin(onA, 5_000), { seriesId: 'FAR', kind: 'OUTLIER' }, 'A hears its own alert');
    assert.equal(await nextWithin(onA, 1_000), 'none', 'A does not hear it again through its own NOTIFY');
    assert.equal(await nextWithin(onB, 500), 'none', 'B hears it once');
    await onA.return?.();
    await onB.return?.();
  });
}
