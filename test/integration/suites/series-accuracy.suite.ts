/**
 * Accuracy per series (issue 19 item 6), on SQLite and PostgreSQL, with the real pipeline: a run
 * stores the chosen model's and seasonal naive's backtest scores on each series' own validation
 * windows (`series_backtest_metrics`), and `backtest(runId, seriesId)` answers them; the series'
 * figures add up to the dataset's, a series the run did not validate has none, and an unknown
 * series is a coded NOT_FOUND naming it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { withDbs } from '../../helpers/dbs.js';
import { createTestApi, tinyCsv, trainToSuccess, type TestApi } from '../support/api.js';

interface Score {
  model: string;
  chosen: boolean;
  baseline: boolean;
  mase: number | null;
  wape: number | null;
  coverage: number | null;
}
interface Backtest {
  seriesId: string | null;
  horizon: number;
  origins: number;
  chosenModel: string | null;
  models: Score[];
  seasonalNaive: Score | null;
  skillVsSeasonalNaive: number | null;
}

const FIELDS =
  'seriesId horizon origins chosenModel models { model chosen baseline mase wape coverage } seasonalNaive { model } skillVsSeasonalNaive';
const SERIES = ['item-0', 'item-1', 'item-2', 'item-3'];

withDbs((db) => {
  let api: TestApi;
  let datasetId: string;
  let runId: string;

  const backtest = async (seriesId?: string): Promise<Backtest> =>
    (
      await api.ok<{ backtest: Backtest }>(
        `query($runId: ID!, $seriesId: String) { backtest(runId: $runId, seriesId: $seriesId) { ${FIELDS} } }`,
        { runId, seriesId: seriesId ?? null },
      )
    ).backtest;

  before(async () => {
    api = await createTestApi(db.knex, db.config);
    const { createDataset } = await api.ok<{ createDataset: { id: string } }>(
      'mutation { createDataset(input: { name: "shop-accuracy" }) { id } }',
    );
    datasetId = createDataset.id;
    // Four series of 90 days, and one of 5 days: too short to be validated (it is cold-started).
    const short = ['2024-03-26', '2024-03-27', '2024-03-28', '2024-03-29', '2024-03-30']
      .map((d, i) => `new-item,${d},${i + 2},1.00,north`)
      .join('\n');
    await api.ok(
      'mutation($id: ID!, $csv: String!) { importObservations(datasetId: $id, csv: $csv) { seriesCount } }',
      { id: datasetId, csv: `${tinyCsv(4, 90)}${short}\n` },
    );
    runId = await trainToSuccess(api, datasetId, 'horizon: 7, model: NAIVE');
  });
  after(async () => {
    await api?.close();
  });

  describe('accuracy per series', () => {
    test("each validated series has the chosen model's and seasonal naive's scores on its own windows", async () => {
      const all = await backtest();
      assert.equal(all.seriesId, null);
      assert.equal(all.chosenModel, 'naive');
      for (const key of SERIES) {
        const one = await backtest(key);
        assert.equal(one.seriesId, key);
        assert.equal(one.horizon, 7);
        assert.equal(one.origins, all.origins, 'a 90-day series takes part in every window');
        assert.deepEqual(
          one.models.map((m) => [m.model, m.chosen, m.baseline]),
          [
            ['naive', true, true],
            ['snaive', false, true],
          ],
        );
        assert.equal(one.seasonalNaive?.model, 'snaive');
        const [ours, snaive] = one.models;
        for (const v of [ours!.mase, ours!.wape, ours!.coverage, snaive!.mase, snaive!.wape]) {
          assert.ok(v !== null && Number.isFinite(v) && v >= 0, `${key}: ${v}`);
        }
        assert.ok(Math.abs(one.skillVsSeasonalNaive! - (1 - ours!.mase! / snaive!.mase!)) < 1e-12);
      }
    });

    test("the series' figures add up to the dataset's (equal windows and points per series)", async () => {
      const all = await backtest();
      const per = await Promise.all(SERIES.map((k) => backtest(k)));
      for (const model of ['naive', 'snaive']) {
        const dataset = all.models.find((m) => m.model === model)!;
        const rows = per.map((p) => p.models.find((m) => m.model === model)!);
        const mean = (pick: (s: Score) => number | null) => rows.reduce((a, r) => a + pick(r)!, 0) / rows.length;
        // MASE is the mean over (series, window); coverage the share of points: both are the mean
        // of the per-series figures when every series has the same windows and points.
        assert.ok(Math.abs(mean((r) => r.mase) - dataset.mase!) < 1e-9, `${model} MASE`);
        assert.ok(Math.abs(mean((r) => r.coverage) - dataset.coverage!) < 1e-9, `${model} coverage`);
      }
      // Not one figure copied to every series: the series differ.
      const wapes = new Set(per.map((p) => p.models[0]!.wape!.toFixed(6)));
      assert.ok(wapes.size > 1, `per-series WAPE ${[...wapes].join(', ')}`);
    });

    test('a series the run did not validate has no scores; the dataset figure applies', async () => {
      const one = await backtest('new-item');
      assert.equal(one.seriesId, 'new-item');
      assert.deepEqual(one.models, []);
      assert.equal(one.origins, 0);
      assert.equal(one.skillVsSeasonalNaive, null);
    });

    test('an unknown series is NOT_FOUND, naming it', async () => {
      const e = await api.fails(`{ backtest(runId: "${runId}", seriesId: "no-such-item") { runId } }`);
      assert.equal(e.code, 'NOT_FOUND');
      assert.match(e.message, /no-such-item/);
    });

    test('the rows are stored once per run, series and model', async () => {
      const [{ n }] = (await db
        .knex('series_backtest_metrics')
        .where({ run_id: Number(runId) })
        .count({ n: '*' })) as Array<{ n: number | string }>;
      assert.equal(Number(n), SERIES.length * 2);
    });
  });
});
