/**
 * The ordered list of migrations. `api/db/migrate.ts` feeds it to knex as a custom migration
 * source, so the same list works under tsx (.ts) and from dist/ (.js) without knex's directory
 * loader. Add a new file for every change (never edit a migration another one may depend on) and
 * append it here; names are `yyyymmddhhmmss_verb_object` (UTC).
 */
import type { Knex } from 'knex';
import * as createTenants from './20261130011000_create_tenants.js';
import * as createApiKeys from './20261130011100_create_api_keys.js';
import * as createDatasets from './20261130011200_create_datasets.js';
import * as createSeries from './20261130011300_create_series.js';
import * as createObservations from './20261130011400_create_observations.js';
import * as createTrainingRuns from './20261130011500_create_training_runs.js';
import * as createModelArtefacts from './20261130011600_create_model_artefacts.js';
import * as createForecasts from './20261130011700_create_forecasts.js';
import * as createBacktestMetrics from './20261130011800_create_backtest_metrics.js';
import * as createFeatureImportance from './20261130011900_create_feature_importance.js';
import * as linkObservationsToSeriesTenant from './20261130015600_link_observations_to_series_tenant.js';
import * as addRunQueueColumns from './20261130041000_add_run_queue_columns.js';
import * as addDatasetDataVersion from './20261130100000_add_dataset_data_version.js';
import * as addDatasetCountry from './20261206190000_add_dataset_country.js';
import * as createDataSources from './20261206191500_create_data_sources.js';
import * as createRevokedEmbedTokens from './20261206193000_create_revoked_embed_tokens.js';
import * as addForecastDistribution from './20261206194500_add_forecast_distribution.js';
import * as createBiViews from './20261206200000_create_bi_views.js';
import * as addDatasetUnit from './20261207213016_add_dataset_unit.js';
import * as addDataSourceScheduleState from './20261207213043_add_data_source_schedule_state.js';
import * as createScenarios from './20261207213200_create_scenarios.js';
import * as createStockLevels from './20261207213300_create_stock_levels.js';
import * as createAlerts from './20261207213600_create_alerts.js';
import * as createSeriesBacktestMetrics from './20261208010000_create_series_backtest_metrics.js';

export interface MigrationEntry {
  readonly name: string;
  readonly migration: Knex.Migration & { readonly config?: { readonly transaction?: boolean } };
}

export const MIGRATIONS: readonly MigrationEntry[] = [
  { name: '20261130011000_create_tenants', migration: createTenants },
  { name: '20261130011100_create_api_keys', migration: createApiKeys },
  { name: '20261130011200_create_datasets', migration: createDatasets },
  { name: '20261130011300_create_series', migration: createSeries },
  { name: '20261130011400_create_observations', migration: createObservations },
  { name: '20261130011500_create_training_runs', migration: createTrainingRuns },
  { name: '20261130011600_create_model_artefacts', migration: createModelArtefacts },
  { name: '20261130011700_create_forecasts', migration: createForecasts },
  { name: '20261130011800_create_backtest_metrics', migration: createBacktestMetrics },
  { name: '20261130011900_create_feature_importance', migration: createFeatureImportance },
  { name: '20261130015600_link_observations_to_series_tenant', migration: linkObservationsToSeriesTenant },
  { name: '20261130041000_add_run_queue_columns', migration: addRunQueueColumns },
  { name: '20261130100000_add_dataset_data_version', migration: addDatasetDataVersion },
  { name: '20261206190000_add_dataset_country', migration: addDatasetCountry },
  { name: '20261206191500_create_data_sources', migration: createDataSources },
  { name: '20261206193000_create_revoked_embed_tokens', migration: createRevokedEmbedTokens },
  { name: '20261206194500_add_forecast_distribution', migration: addForecastDistribution },
  { name: '20261206200000_create_bi_views', migration: createBiViews },
  { name: '20261207213016_add_dataset_unit', migration: addDatasetUnit },
  { name: '20261207213043_add_data_source_schedule_state', migration: addDataSourceScheduleState },
  { name: '20261207213200_create_scenarios', migration: createScenarios },
  { name: '20261207213300_create_stock_levels', migration: createStockLevels },
  { name: '20261207213600_create_alerts', migration: createAlerts },
  { name: '20261208010000_create_series_backtest_metrics', migration: createSeriesBacktestMetrics },
];
