/**
 * A dataset with a trained model for scenario tests and the bench: the synthetic store × brand
 * price panel (test/fixtures/forecasting/price-panel.ts, elasticity −2 outside deals, nothing
 * else moving sales), imported with its future weeks' planned prices, and an MLP fitted on it as
 * the engine's elasticity test fits one (test/forecasting/price-features.test.ts). The run's
 * results are written by the product's own `saveRunResults`, as a training worker writes them;
 * only the pipeline's model search is skipped (one fit instead of a validated choice), to keep the
 * tests minutes shorter. The model is fitted once per process and shared by every database.
 */
import type { Knex } from 'knex';
import { createDatasetsRepository } from '../../../api/db/datasets.repository.js';
import { createRunsRepository } from '../../../api/db/runs.repository.js';
import { initBackend } from '../../../api/forecasting/backend.js';
import { LocalForecaster } from '../../../api/forecasting/baselines.js';
import { createDeepForecaster } from '../../../api/forecasting/deep/index.js';
import { gridDates } from '../../../api/forecasting/frames.js';
import type { Panel, PipelineResult, SerializedModel } from '../../../api/forecasting/types.js';
import { importCsv } from '../../../api/plugin/import.js';
import { loadPanel } from '../../../api/training/raw-series.js';
import { saveRunResults } from '../../../api/training/results.js';
import { pricePanel, type PricePanel } from '../../fixtures/forecasting/price-panel.js';

export const HORIZON = 4;
export const ELASTICITY = -2;

/** The panel of the engine's elasticity test (60 series, 120 weeks, price only). */
export function elasticityPanel(): PricePanel {
  return pricePanel({
    stores: 10,
    brands: 6,
    weeks: 120,
    future: HORIZON,
    seed: 1,
    elasticity: ELASTICITY,
    deal: 0,
    dealElasticity: 0,
    display: 0,
    cross: 0,
  });
}

/** History with sales, then the future weeks with an empty value and the regular price (no deal, no display). */
export function elasticityCsv(p: PricePanel): string {
  const lines = ['series_id,date,value,price,deal,display,store,brand'];
  for (const s of p.panel.series) {
    const n = s.target.length;
    const dates = gridDates(s.start, 0, n + HORIZON, 'W');
    const reg = p.regular.get(s.id)!;
    const c = s.covariates;
    for (let t = 0; t < n + HORIZON; t++) {
      const future = t >= n;
      const price = future ? reg[t]! : c.price![t]!;
      const deal = future ? 0 : c.deal![t]!;
      const display = future ? 0 : c.display![t]!;
      lines.push(
        `${s.id},${dates[t]},${future ? '' : s.target[t]},${price},${deal},${display},${s.statics.store},${s.statics.brand}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

let fitted: Promise<PipelineResult> | undefined;

/** The MLP of the engine's elasticity test, fitted once per process on the panel as the database returns it. */
function fitOnce(panel: Panel): Promise<PipelineResult> {
  fitted ??= (async () => {
    await initBackend('wasm');
    const m = createDeepForecaster('mlp', { windows: 2000, hidden: 32, epochs: 10, seed: 1 });
    try {
      await m.fit(panel, { horizon: HORIZON, quantiles: [0.1, 0.5, 0.9], seed: 1 });
      const forecasts = await m.predict(panel);
      const artefact: SerializedModel = await m.serialize();
      return {
        chosenModel: 'mlp',
        forecasts,
        backtest: { origins: 0, horizon: HORIZON, scores: [] },
        importance: [],
        seriesImportance: new Map(),
        artefact,
        warnings: [],
      };
    } finally {
      m.dispose();
    }
  })();
  return fitted;
}

/** Imports the elasticity panel as dataset `name` and stores a SUCCEEDED run with the MLP; returns their ids. */
export async function seedTrainedDataset(
  knex: Knex,
  tenantId: number,
  name = 'price-panel',
): Promise<{ datasetId: number; runId: number; panel: PricePanel }> {
  const p = elasticityPanel();
  const r = await importCsv(knex, {
    tenantId,
    dataset: { name },
    input: Buffer.from(elasticityCsv(p), 'utf8'),
    frequency: 'W',
  });
  const dataset = await createDatasetsRepository(knex).get(tenantId, r.datasetId);
  const panel = await loadPanel(knex, tenantId, r.datasetId, dataset!.frequency);
  const result = await fitOnce(panel);
  const runs = createRunsRepository(knex);
  const run = await runs.create(tenantId, {
    datasetId: r.datasetId,
    model: 'mlp',
    horizon: HORIZON,
    quantiles: [0.1, 0.5, 0.9],
    epochs: 10,
    seed: 1,
  });
  const claimed = await runs.queueClaimNext('scenario-test');
  if (claimed?.id !== run.id) throw new Error(`claimed run ${claimed?.id}, expected ${run.id}`);
  await saveRunResults(knex, { runId: run.id, tenantId, datasetId: r.datasetId }, result);
  return { datasetId: r.datasetId, runId: run.id, panel: p };
}

/**
 * The same panel as dataset `name`, with a SUCCEEDED run of the seasonal-naive baseline (a
 * per-series model that learns no covariates), saved as a worker saves it; `artefact: 'no-format'`
 * stores a model JSON naming no format instead (what stand-in and foreign models leave).
 */
export async function seedBaselineRun(
  knex: Knex,
  tenantId: number,
  name: string,
  artefact: 'snaive' | 'no-format' = 'snaive',
): Promise<{ datasetId: number; runId: number }> {
  const r = await importCsv(knex, {
    tenantId,
    dataset: { name },
    input: Buffer.from(elasticityCsv(elasticityPanel()), 'utf8'),
    frequency: 'W',
  });
  const dataset = await createDatasetsRepository(knex).get(tenantId, r.datasetId);
  const panel = await loadPanel(knex, tenantId, r.datasetId, dataset!.frequency);
  const m = new LocalForecaster('snaive');
  await m.fit(panel, { horizon: HORIZON, quantiles: [0.1, 0.5, 0.9], seed: 1 });
  const forecasts = await m.predict(panel);
  const serialized: SerializedModel =
    artefact === 'snaive'
      ? await m.serialize()
      : { alias: 'snaive', json: JSON.stringify({ season: 52 }), weights: new Uint8Array([1, 2, 3]) };
  const runs = createRunsRepository(knex);
  const run = await runs.create(tenantId, {
    datasetId: r.datasetId,
    model: 'snaive',
    horizon: HORIZON,
    quantiles: [0.1, 0.5, 0.9],
    epochs: 1,
    seed: 1,
  });
  const claimed = await runs.queueClaimNext('scenario-test');
  if (claimed?.id !== run.id) throw new Error(`claimed run ${claimed?.id}, expected ${run.id}`);
  await saveRunResults(
    knex,
    { runId: run.id, tenantId, datasetId: r.datasetId },
    {
      chosenModel: 'snaive',
      forecasts,
      backtest: { origins: 0, horizon: HORIZON, scores: [] },
      importance: [],
      seriesImportance: new Map(),
      artefact: serialized,
      warnings: [],
    },
  );
  return { datasetId: r.datasetId, runId: run.id };
}
