/**
 * Test seeding straight into the tables (through the file reader of api/ingest), for suites that
 * need data without going through importObservations.
 */
import type { Knex } from 'knex';
import { readRawSeries } from '../../../api/ingest/raw-series.js';

export async function seedCsv(knex: Knex, tenantId: number, name: string, csv: string): Promise<number> {
  const file = await readRawSeries(Buffer.from(csv));
  const attributes = [...new Set(file.series.flatMap((s) => Object.keys(s.statics)))];
  const [inserted] = (await knex('datasets')
    .insert({
      tenant_id: tenantId,
      name,
      frequency: file.frequency,
      covariates: JSON.stringify(
        file.schema.covariates.map((c) => ({ name: c, knownInAdvance: file.knownInAdvance.includes(c) })),
      ),
      attributes: JSON.stringify(attributes),
      series_count: file.series.length,
      row_count: file.rows,
    })
    .returning('id')) as Array<{ id: number } | number>;
  const datasetId = typeof inserted === 'object' ? inserted.id : Number(inserted);
  let first: string | null = null;
  let last: string | null = null;
  for (const s of file.series) {
    const known = s.dates.filter((_, i) => s.values[i] !== null);
    const [sid] = (await knex('series')
      .insert({
        tenant_id: tenantId,
        dataset_id: datasetId,
        key: s.id,
        attributes: JSON.stringify(s.statics),
        first_date: known[0] ?? null,
        last_date: known.at(-1) ?? null,
        end_date: s.dates.at(-1) ?? null,
        value_count: known.length,
        row_count: s.dates.length,
      })
      .returning('id')) as Array<{ id: number } | number>;
    const seriesId = typeof sid === 'object' ? sid.id : Number(sid);
    for (const [k, v] of Object.entries(s.statics)) {
      await knex('series_attributes').insert({
        tenant_id: tenantId,
        dataset_id: datasetId,
        series_id: seriesId,
        name: k,
        value: v,
      });
    }
    const rows = s.dates.map((date, i) => ({
      tenant_id: tenantId,
      series_id: seriesId,
      date,
      value: s.values[i],
      covariates: JSON.stringify(Object.fromEntries(Object.entries(s.covariates).map(([c, vs]) => [c, vs[i]]))),
    }));
    for (let i = 0; i < rows.length; i += 200) await knex('observations').insert(rows.slice(i, i + 200));
    if (known[0] && (!first || known[0] < first)) first = known[0];
    const lk = known.at(-1);
    if (lk && (!last || lk > last)) last = lk;
  }
  await knex('datasets').where({ id: datasetId }).update({ first_date: first, last_date: last });
  return datasetId;
}
