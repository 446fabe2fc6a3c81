/**
 * The composition root of the application core: binds the core's ports (api/app/ports.ts) to the
 * knex repositories of `api/db/` and the one import path of `api/ingest/`, plus the tenant lookup.
 * Every host builds its core here: the standalone server, the CLI commands and the plugin API;
 * `composeForecastQL` is the one composition of the GraphQL hosts, called by host.ts only (which
 * createForecastQL, the subgraph and the standalone server's graphql-app.ts all run): the same
 * stores, use-cases and context factory, whatever transport, auth and executor the host puts
 * around them.
 */
import type { Knex } from 'knex';
import { createDatasetsRepository } from '../db/datasets.repository.js';
import { createForecastsRepository } from '../db/forecasts.repository.js';
import { createForecastReadModel, forecastReadCaches } from '../app/forecasts/read-model.js';
import { createImportanceRepository } from '../db/importance.repository.js';
import { createMetricsRepository } from '../db/metrics.repository.js';
import { createObservationsRepository } from '../db/observations.repository.js';
import { createRunStore } from '../db/runs.repository.js';
import { createScenariosRepository } from '../db/scenarios.repository.js';
import { createSeriesRepository } from '../db/series.repository.js';
import { createStockRepository } from '../db/stock.repository.js';
import type { StockStore } from '../app/stock/ports.js';
import { importCsv, importRows } from './import.js';
import type { CsvImporter } from '../app/ports.js';
import type { CoreStores } from '../app/scope.js';
import { createCore, type Core } from '../app/services.js';
import type { DataSourceService } from '../app/sources/source.service.js';
import { createAlerting, type Alerting, type AlertingOptions } from './alerts.js';
import { createDataSourceService } from './sources.js';
import type { RunEventBus, RunQueue } from '../app/ports.js';
import type { EmbedRevocations, EmbedTokens } from '../auth/embed-token.js';
import type { Principal } from '../auth/principal.js';
import type { ReadBudget } from '../graphql/limits.js';
import { createContextFactory, type GraphQLContext } from '../graphql/context.js';
import type { Logger } from 'pino';

export interface DataPorts extends CoreStores {
  /** The data-source use-cases over this database (api/plugin/sources.ts). */
  readonly sources: DataSourceService;
  /** Stock policies and levels (stock planning). */
  readonly stock: StockStore;
  /** Alerts and webhooks over this database (api/plugin/alerts.ts). */
  readonly alerting: Alerting;
}

export interface DataPortsOptions {
  /** Webhook settings and error reporting of alerts (default: the environment, warnings). */
  readonly alerting?: AlertingOptions;
}

export function createDataPorts(knex: Knex, portOptions: DataPortsOptions = {}): DataPorts {
  const runs = createRunStore(knex);
  // Every forecast reader goes through this one read model; its caches are this database's.
  const forecasts = createForecastReadModel(createForecastsRepository(knex), forecastReadCaches(knex));
  const alerting = createAlerting(knex, { runs, forecasts }, portOptions.alerting);
  const sources = createDataSourceService(knex);
  // A sync that changed the dataset brings new actuals: the alert use-case checks them.
  sources.onSynced(async (e) => {
    if (e.changed) await alerting.arrivals.emit({ tenantId: e.tenantId, datasetId: e.datasetId, cause: 'sync' });
  });
  const importer: CsvImporter = {
    async importCsv(tenantId, datasetId, csv, options = {}) {
      // CSV text arrives as bytes: a string `input` would be read as a file path.
      const r = await importCsv(knex, {
        tenantId,
        dataset: { id: datasetId },
        input: Buffer.from(csv, 'utf8'),
        ...(options.country === undefined ? {} : { country: options.country }),
        ...(options.frequency === undefined ? {} : { frequency: options.frequency }),
        ...(options.allowNegativeValues === undefined ? {} : { allowNegativeValues: options.allowNegativeValues }),
        ...(options.unit === undefined ? {} : { unit: options.unit }),
        ...(options.attributes === undefined
          ? {}
          : { columnKinds: Object.fromEntries(options.attributes.map((c) => [c, 'attribute' as const])) }),
      });
      return { rowsImported: r.rowsImported, seriesCount: r.seriesCount };
    },
    async importRows(tenantId, datasetId, rows, options = {}) {
      const r = await importRows(knex, {
        tenantId,
        datasetId,
        rows,
        ...(options.country === undefined ? {} : { country: options.country }),
        ...(options.frequency === undefined ? {} : { frequency: options.frequency }),
        ...(options.allowNegativeValues === undefined ? {} : { allowNegativeValues: options.allowNegativeValues }),
        ...(options.unit === undefined ? {} : { unit: options.unit }),
      });
      return { rowsImported: r.rowsImported, seriesCount: r.seriesCount };
    },
  };
  return {
    datasets: createDatasetsRepository(knex),
    series: createSeriesRepository(knex),
    sources,
    alerting,
    stock: createStockRepository(knex),
    runs,
    forecasts,
    metrics: createMetricsRepository(knex),
    importance: createImportanceRepository(knex),
    observations: createObservationsRepository(knex),
    importer,
    scenarios: createScenariosRepository(knex),
  };
}

/** Empties the forecast read model's caches of a database (tests that count cold-path statements). */
export function clearForecastReadCache(knex: Knex): void {
  forecastReadCaches(knex).clear();
}

/** The use-cases over a database, given who trains runs and the run event bus. */
export function createCoreFor(
  ports: CoreStores & {
    readonly sources: DataSourceService;
    readonly stock: StockStore;
    readonly alerting: Alerting;
  },
  options: { readonly queue: RunQueue; readonly bus: RunEventBus; readonly maxHorizon: number },
): Core {
  return createCore({
    stores: ports,
    sources: ports.sources,
    stock: ports.stock,
    alerting: ports.alerting,
    ...options,
  });
}

/** What every GraphQL host of ForecastQL is built on (composeForecastQL). */
export interface ForecastQLComposition {
  readonly ports: DataPorts;
  readonly core: Core;
  /** A fresh context (new loaders) for a principal the host authenticated. */
  readonly contextFor: (principal: Principal) => GraphQLContext;
}

/**
 * The stores, the use-cases and the per-request context over one database: the plugin API
 * (`createForecastQL`, which the subgraph builds on) and the standalone server (`createGraphQLApp`)
 * both start here, each with its run transport (`queue`, `bus`) and its auth around it.
 */
export function composeForecastQL(
  knex: Knex,
  options: {
    readonly queue: RunQueue;
    readonly bus: RunEventBus;
    readonly maxHorizon: number;
    readonly logger: Logger;
    readonly embedTokens: EmbedTokens;
    readonly readBudget?: ReadBudget | undefined;
    readonly revocations?: EmbedRevocations | undefined;
    /** The stores, when the host built them already (to share their caches); default: over `knex`. */
    readonly ports?: DataPorts | undefined;
  },
): ForecastQLComposition {
  const ports = options.ports ?? createDataPorts(knex);
  const core = createCoreFor(ports, { queue: options.queue, bus: options.bus, maxHorizon: options.maxHorizon });
  const contextFor = createContextFactory({
    core,
    logger: options.logger,
    embedTokens: options.embedTokens,
    readBudget: options.readBudget,
    revocations: options.revocations,
  });
  return { ports, core, contextFor };
}
