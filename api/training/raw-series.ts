/**
 * The dataset loader the worker uses: a dataset's series as the engine's `Panel`, through the
 * observations repository. The panel is built batch by batch as the rows arrive from SQL, so a
 * run never holds all of a dataset's raw rows (strings and boxed numbers, about six times the
 * panel's typed arrays: ~6 GB at 30,490 M5 series) — only one batch of them at a time.
 */
import type { Knex } from 'knex';
import { createObservationsRepository } from '../db/observations.repository.js';
import { forecastsMayBeNegative } from '../app/datasets/dataset-unit.js';
import { buildPanel, PanelBuilder } from '../forecasting/frames.js';
import type { Frequency, Panel, RawSeries } from '../forecasting/types.js';

export function loadRawSeries(knex: Knex, tenantId: number, datasetId: number): Promise<RawSeries[]> {
  return createObservationsRepository(knex).loadRawSeries(tenantId, datasetId);
}

/**
 * The dataset's panel on the grid of `frequency`, with the dataset's calendar `country` and, for a
 * dataset in money that allows negatives, `allowNegative`: the same
 * panel as `buildPanel(loadRawSeries(…))`
 * (series in key order), built one batch of series at a time. Without a frequency (it must then be
 * detected from every date) it loads all rows first, as `buildPanel` needs them. `batchSize`: rows
 * per SQL batch (whole series; the repository's default when omitted).
 */
export async function loadPanel(
  knex: Knex,
  tenantId: number,
  datasetId: number,
  frequency: Frequency | undefined,
  options: { readonly batchSize?: number } = {},
): Promise<Panel> {
  const repo = createObservationsRepository(knex);
  const row = (await knex('datasets')
    .where({ tenant_id: tenantId, id: datasetId })
    .first('country', 'unit', 'allow_negative')) as
    { country?: string | null; unit?: string | null; allow_negative?: boolean | number | null } | undefined;
  // A dataset in money that allows negatives keeps negative forecasts; units never go below 0.
  const negative = forecastsMayBeNegative({
    unit: row?.unit === 'MONEY' ? 'MONEY' : 'UNITS',
    allowNegative: Boolean(row?.allow_negative),
  });
  const calendar = { ...(row?.country ? { country: row.country } : {}), ...(negative ? { allowNegative: true } : {}) };
  if (!frequency) return { ...buildPanel(await repo.loadRawSeries(tenantId, datasetId)), ...calendar };
  const builder = new PanelBuilder(frequency, await repo.covariateNames(tenantId, datasetId));
  for await (const batch of repo.streamRawSeries(tenantId, datasetId, options.batchSize)) {
    for (const s of batch) builder.add(s);
  }
  return { ...builder.finish({ sortById: true }), ...calendar };
}
