import type { Knex } from 'knex';
import { isSqlite } from './dialect.js';

/**
 * Views for BI tools (issue 19): what Metabase, Superset or pandas read straight from the database,
 * without joining runs, series and datasets by hand. The same names and columns on both dialects
 * (README, "SQL for BI tools"):
 *
 * - `forecastql_current_runs`: the latest SUCCEEDED run of each dataset (the highest run id, as
 *   the API's `latestRun`), with the dataset's name and the run's model, horizon and levels.
 * - `forecastql_current_forecasts`: one row per series and forecast date of that run: `tenant_id`,
 *   `dataset_id`, `dataset_name`, `run_id`, `series_key` (the API's `seriesId`), `attributes`
 *   (JSON object; jsonb on PostgreSQL, so `attributes ->> 'store'` reads one on both), `date`,
 *   `actual` (the known value on that date, NULL until imported), `p10`, `p50`, `p90` (NULL when
 *   the run did not store that level) and `other_quantiles` (JSON object of any other stored
 *   level, e.g. `{"0.05": 1.2}`; NULL when none) and `mean` (the point's mean, which adds up
 *   across series and dates where quantiles do not; NULL for runs trained before means were stored).
 * - `forecastql_current_forecast_quantiles`: the same forecasts one row per stored level
 *   (`level`, `value`), so a run with quantiles [0.05, 0.5, 0.95] is as readable as the default.
 * - `forecastql_series_attributes`: one row per series attribute (`series_key`, `name`,
 *   `value`), for tools that pivot rather than parse JSON.
 *
 * The views do not filter by tenant: every one of them has `tenant_id`, and a BI user of a shared
 * database must filter by it (or be given a database role whose row security does). On SQLite, a
 * later migration that rebuilds one of the tables they read (knex rebuilds a table to drop or
 * alter a column) must do so inside `withViewsSetAside` (./dialect.ts).
 */
export const VIEWS = [
  'forecastql_current_forecast_quantiles',
  'forecastql_current_forecasts',
  'forecastql_series_attributes',
  'forecastql_current_runs',
] as const;

function json(knex: Knex, expression: string): string {
  return isSqlite(knex) ? expression : `CAST(${expression} AS jsonb)`;
}

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`CREATE VIEW forecastql_current_runs AS
    SELECT r.tenant_id, r.dataset_id, d.name AS dataset_name, r.id AS run_id, r.chosen_model, r.horizon,
      ${json(knex, 'r.quantiles')} AS quantiles, r.finished_at
    FROM training_runs r
    JOIN datasets d ON d.id = r.dataset_id AND d.tenant_id = r.tenant_id
    WHERE r.status = 'SUCCEEDED'
      AND r.id = (SELECT MAX(l.id) FROM training_runs l
                  WHERE l.tenant_id = r.tenant_id AND l.dataset_id = r.dataset_id AND l.status = 'SUCCEEDED')`);
  await knex.raw(`CREATE VIEW forecastql_current_forecasts AS
    SELECT cr.tenant_id, cr.dataset_id, cr.dataset_name, cr.run_id, s.key AS series_key,
      ${json(knex, 's.attributes')} AS attributes, f.date, o.value AS actual, f.p10, f.p50, f.p90,
      ${json(knex, 'f.quantiles')} AS other_quantiles, f.mean
    FROM forecastql_current_runs cr
    JOIN forecasts f ON f.run_id = cr.run_id AND f.tenant_id = cr.tenant_id
    JOIN series s ON s.id = f.series_id AND s.tenant_id = f.tenant_id
    LEFT JOIN observations o ON o.series_id = f.series_id AND o.tenant_id = f.tenant_id AND o.date = f.date`);
  const columns = 'v.tenant_id, v.dataset_id, v.dataset_name, v.run_id, v.series_key, v.date, v.actual';
  const levels = isSqlite(knex)
    ? 'forecastql_current_forecasts v, json_each(v.other_quantiles) j'
    : 'forecastql_current_forecasts v CROSS JOIN LATERAL jsonb_each_text(v.other_quantiles) j';
  await knex.raw(`CREATE VIEW forecastql_current_forecast_quantiles AS
    SELECT ${columns}, CAST(0.1 AS double precision) AS level, v.p10 AS value
      FROM forecastql_current_forecasts v WHERE v.p10 IS NOT NULL
    UNION ALL
    SELECT ${columns}, CAST(0.5 AS double precision) AS level, v.p50 AS value
      FROM forecastql_current_forecasts v
    UNION ALL
    SELECT ${columns}, CAST(0.9 AS double precision) AS level, v.p90 AS value
      FROM forecastql_current_forecasts v WHERE v.p90 IS NOT NULL
    UNION ALL
    SELECT ${columns}, CAST(j.key AS double precision) AS level, CAST(j.value AS double precision) AS value
      FROM ${levels}`);
  await knex.raw(`CREATE VIEW forecastql_series_attributes AS
    SELECT a.tenant_id, a.dataset_id, d.name AS dataset_name, s.key AS series_key, a.name, a.value
    FROM series_attributes a
    JOIN series s ON s.id = a.series_id AND s.tenant_id = a.tenant_id
    JOIN datasets d ON d.id = a.dataset_id AND d.tenant_id = a.tenant_id`);
}

export async function down(knex: Knex): Promise<void> {
  for (const view of VIEWS) await knex.raw(`DROP VIEW IF EXISTS ${view}`);
}
