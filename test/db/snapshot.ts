/**
 * A fingerprint of every table of the schema: row counts and a SHA-256 of all rows in a stable
 * order. Two equal snapshots mean the data is the same, row for row and column for column.
 */
import { createHash } from 'node:crypto';
import type { Knex } from 'knex';

export const ALL_TABLES = [
  'tenants',
  'api_keys',
  'datasets',
  'series',
  'series_attributes',
  'observations',
  'training_runs',
  'model_artefacts',
  'forecasts',
  'backtest_metrics',
  'feature_importance',
] as const;

export type Snapshot = Record<string, { rows: number; sha256: string }>;

function normalise(value: unknown): unknown {
  if (value instanceof Date) return value.getTime();
  if (Buffer.isBuffer(value)) return value.toString('base64');
  return value;
}

export async function snapshot(knex: Knex): Promise<Snapshot> {
  const out: Snapshot = {};
  for (const table of ALL_TABLES) {
    const rows = (await knex(table).select('*')) as Array<Record<string, unknown>>;
    const lines = rows
      .map((r) =>
        JSON.stringify(
          Object.keys(r)
            .toSorted()
            .map((k) => [k, normalise(r[k])]),
        ),
      )
      .toSorted();
    const hash = createHash('sha256');
    for (const l of lines) hash.update(l + '\n');
    out[table] = { rows: rows.length, sha256: hash.digest('hex') };
  }
  return out;
}
