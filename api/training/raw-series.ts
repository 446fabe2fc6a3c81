/**
 * The dataset loader the worker uses: a dataset's series as `RawSeries[]` (the engine's input).
 * Interim: reads the tables directly until the observations repository's `loadRawSeries` lands.
 */
import type { Knex } from 'knex';
import type { RawSeries } from '../forecasting/types.js';
import { parseJsonColumn } from '../db/values.js';

export async function loadRawSeries(knex: Knex, tenantId: number, datasetId: number): Promise<RawSeries[]> {
  const dataset = (await knex('datasets').where({ tenant_id: tenantId, id: datasetId }).first('covariates')) as
    { covariates: string } | undefined;
  const covariateNames = parseJsonColumn<{ name: string }[]>(dataset?.covariates, []).map((c) => c.name);
  const series = (await knex('series')
    .where({ tenant_id: tenantId, dataset_id: datasetId })
    .orderBy('key')
    .select('id', 'key', 'attributes')) as Array<{
    id: number;
    key: string;
    attributes: string;
  }>;
  const rows = (await knex('observations as o')
    .join('series as s', 's.id', 'o.series_id')
    .where('s.tenant_id', tenantId)
    .andWhere('s.dataset_id', datasetId)
    .orderBy([{ column: 'o.series_id' }, { column: 'o.date' }])
    .select('o.series_id', 'o.date', 'o.value', 'o.covariates')) as Array<{
    series_id: number;
    date: string;
    value: number | null;
    covariates: string | null;
  }>;
  const bySeries = new Map<number, typeof rows>();
  for (const r of rows) {
    let list = bySeries.get(r.series_id);
    if (!list) bySeries.set(r.series_id, (list = []));
    list.push(r);
  }
  return series.map((s) => {
    const list = bySeries.get(s.id) ?? [];
    const covs = list.map((r) => parseJsonColumn<Record<string, number>>(r.covariates, {}));
    return {
      id: s.key,
      statics: parseJsonColumn<Record<string, string>>(s.attributes, {}),
      dates: list.map((r) => String(r.date)),
      values: list.map((r) => (r.value === null ? null : Number(r.value))),
      covariates: Object.fromEntries(
        covariateNames.map((name) => [name, covs.map((c) => (c[name] ?? null) as number | null)]),
      ),
    };
  });
}
