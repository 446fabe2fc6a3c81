/** Builds the services once per process from the repositories and the training runner. */
import type { Knex } from 'knex';
import { scopeDatasetStore, scopeRunsRepository, scopeSeriesStore, type DatasetScope } from '../auth/scope.js';
import { createForecastsRepository, type ForecastsRepository } from '../db/forecasts.repository.js';
import { createImportanceRepository } from '../db/importance.repository.js';
import { createMetricsRepository, type MetricsRepository } from '../db/metrics.repository.js';
import { createRunsRepository, type RunsRepository } from '../db/runs.repository.js';
import type { RunEventBus } from '../training/events.js';
import type { DataSourceService } from '../app/sources/source.service.js';
import { createDataSourceService } from '../ingest/sources/index.js';
import { CalendarService, type PromotionSource } from './calendar/calendar.service.js';
import { DatasetService } from './dataset/dataset.service.js';
import { ForecastService } from './forecast/forecast.service.js';
import { InsightService } from './insight/insight.service.js';
import type { CsvImporter, DatasetStore, SeriesStore } from './ports.js';
import { SeriesService } from './series/series.service.js';
import { TrainingRunService, type RunQueue } from './training/training-run.service.js';

export interface ServiceDeps {
  readonly knex: Knex;
  readonly datasets: DatasetStore;
  readonly series: SeriesStore;
  readonly importer: CsvImporter;
  readonly observations: PromotionSource;
  readonly queue: RunQueue;
  readonly bus: RunEventBus;
  readonly maxHorizon: number;
  /** An embed token's datasets: every store the services read through is filtered to them. */
  readonly scope?: DatasetScope;
}

export interface Services {
  readonly datasets: DatasetService;
  readonly series: SeriesService;
  readonly runs: TrainingRunService;
  readonly forecasts: ForecastService;
  readonly insights: InsightService;
  readonly calendar: CalendarService;
  /** Data sources (shop databases); admin only. */
  readonly sources: DataSourceService;
  /** Repositories and stores the per-request loaders batch over. */
  readonly stores: {
    readonly datasets: DatasetStore;
    readonly runs: RunsRepository;
    readonly metrics: MetricsRepository;
    readonly forecasts: ForecastsRepository;
  };
}

export function createServices(unscoped: ServiceDeps): Services {
  const scope = unscoped.scope;
  const deps: ServiceDeps = scope
    ? {
        ...unscoped,
        datasets: scopeDatasetStore(unscoped.datasets, scope),
        series: scopeSeriesStore(unscoped.series, scope),
      }
    : unscoped;
  const runs = scope ? scopeRunsRepository(createRunsRepository(deps.knex), scope) : createRunsRepository(deps.knex);
  const forecasts = createForecastsRepository(deps.knex);
  const metrics = createMetricsRepository(deps.knex);
  return {
    datasets: new DatasetService(deps.datasets, deps.importer),
    series: new SeriesService(deps.series),
    runs: new TrainingRunService(runs, deps.queue, deps.bus, deps.maxHorizon),
    forecasts: new ForecastService(forecasts, runs),
    insights: new InsightService(createImportanceRepository(deps.knex), deps.series),
    calendar: new CalendarService(deps.series, deps.observations),
    sources: createDataSourceService(deps.knex),
    stores: { datasets: deps.datasets, runs, metrics, forecasts },
  };
}
