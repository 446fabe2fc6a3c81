/**
 * Row types of every table: use them as `knex<DatasetRow>('datasets')`. (No global
 * `knex/types/tables` augmentation: it would retype every query of every module at once.)
 * Conventions shared by both dialects:
 * - ids are integers (`increments`); GraphQL exposes them as strings;
 * - dates (`date` columns) read as ISO strings `YYYY-MM-DD` (see knex.ts for PostgreSQL);
 * - JSON columns are TEXT holding JSON (parse with `parseJsonColumn` from values.ts);
 * - timestamps read as a Date (PostgreSQL), a number of ms or a 'YYYY-MM-DD HH:MM:SS' string
 *   (SQLite): normalise with `toDate` from values.ts; write them as Date objects;
 * - booleans read as boolean (PostgreSQL) or 0/1 (SQLite): normalise with `Boolean(v)`.
 */
/** A timestamp as read back: see `toDate` in values.ts. */
export type TimestampValue = Date | number | string;

export interface TenantRow {
  id: number;
  slug: string;
  name: string;
  created_at: TimestampValue;
  updated_at: TimestampValue;
}

export interface ApiKeyRow {
  id: number;
  tenant_id: number;
  name: string;
  prefix: string;
  key_hash: string;
  role: string;
  last_used_at: TimestampValue | null;
  revoked_at: TimestampValue | null;
  created_at: TimestampValue;
  updated_at: TimestampValue;
}

export interface DatasetRow {
  id: number;
  tenant_id: number;
  name: string;
  frequency: 'D' | 'W' | 'M';
  /** JSON text: `DatasetCovariate[]`. */
  covariates: string;
  /** JSON text: `string[]`. */
  attributes: string;
  source: string;
  source_sql: string | null;
  series_count: number;
  row_count: number;
  first_date: string | null;
  last_date: string | null;
  /** Raised by every import that inserts or changes an observation (migration 20261130100000). */
  data_version: number | string;
  /** ISO 3166 country or region of the calendar, or NULL (migration 20261206190000). */
  country?: string | null;
  /** UNITS or MONEY (migration 20261207213016). */
  unit?: 'UNITS' | 'MONEY';
  /** Accepts negative values (migration 20261207213016); 0/1 on SQLite. */
  allow_negative?: boolean | number;
  created_at: TimestampValue;
  updated_at: TimestampValue;
}

export interface SeriesRow {
  id: number;
  tenant_id: number;
  dataset_id: number;
  key: string;
  /** JSON text: `Record<string, string>`. */
  attributes: string;
  first_date: string | null;
  last_date: string | null;
  end_date: string | null;
  value_count: number;
  row_count: number;
  created_at: TimestampValue;
  updated_at: TimestampValue;
}

export interface SeriesAttributeRow {
  tenant_id: number;
  dataset_id: number;
  series_id: number;
  name: string;
  value: string;
}

export interface ObservationRow {
  tenant_id: number;
  series_id: number;
  date: string;
  value: number | null;
  /** JSON text `{"price":1.5}` or null. */
  covariates: string | null;
}

export const RUN_STATUSES = ['QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export interface TrainingRunRow {
  id: number;
  tenant_id: number;
  dataset_id: number;
  status: RunStatus;
  model: string;
  chosen_model: string | null;
  horizon: number;
  /** JSON text: `number[]`. */
  quantiles: string;
  epochs: number | null;
  seed: number;
  /** JSON text. */
  config: string;
  backend: string | null;
  progress_epoch: number | null;
  progress_epochs: number | null;
  progress_loss: number | null;
  progress_validation_loss: number | null;
  progress_fraction: number;
  progress_message: string | null;
  error: string | null;
  /** JSON text: `string[]`. */
  warnings: string;
  attempts: number;
  worker_id: string | null;
  heartbeat_at: TimestampValue | null;
  cancel_requested_at: TimestampValue | null;
  started_at: TimestampValue | null;
  finished_at: TimestampValue | null;
  created_at: TimestampValue;
  updated_at: TimestampValue;
}

export interface ModelArtefactRow {
  id: number;
  tenant_id: number;
  run_id: number;
  alias: string;
  json: string;
  weights: Buffer;
  size_bytes: number;
  created_at: TimestampValue;
  updated_at: TimestampValue;
}

export interface ForecastRow {
  tenant_id: number;
  run_id: number;
  series_id: number;
  date: string;
  p10: number | null;
  p50: number;
  p90: number | null;
  /** JSON text `{"0.05":1.2}` of extra quantile levels, or null. */
  quantiles: string | null;
}

export interface BacktestMetricRow {
  id: number;
  tenant_id: number;
  run_id: number;
  model: string;
  is_chosen: boolean | number;
  mase: number | null;
  smape: number | null;
  rmsse: number | null;
  wape: number | null;
  wql: number | null;
  coverage80: number | null;
  origins: number;
  horizon: number;
}

export interface FeatureImportanceRow {
  id: number;
  tenant_id: number;
  run_id: number;
  series_id: number | null;
  feature: string;
  label: string;
  importance: number;
  rank: number;
}
