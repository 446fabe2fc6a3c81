/**
 * The use-cases, bound to an access scope: `createCore` builds them from the ports once per
 * process, and `core.servicesFor(scope)` gives the services of one scope (cached), every store
 * under them wrapped by `scopeStores` (scope.ts). Front doors (GraphQL resolvers, CLI commands,
 * the plugin API) call these and nothing below them.
 */
import { AlertService } from './alerts/alert.service.js';
import type {
  AlertEventBus,
  AlertStore,
  ArrivalsHub,
  StockOutSource,
  WebhookStore,
  WebhookTransport,
} from './alerts/ports.js';
import { stockOutsFromPlans } from './alerts/stock-outs.js';
import { WebhookService } from './alerts/webhook.service.js';
import { CalendarService } from './calendar/calendar.service.js';
import { DatasetService } from './datasets/dataset.service.js';
import { ForecastService } from './forecasts/forecast.service.js';
import { HeadlineService } from './insights/headline.service.js';
import { ExplanationService } from './insights/explanation.service.js';
import { PriceHistoryService } from './insights/price-history.service.js';
import { InsightService } from './insights/insight.service.js';
import type { DatasetStore, ForecastStore, MetricsStore, RunEventBus, RunQueue, RunStore } from './ports.js';
import { TrainingRunService } from './runs/training-run.service.js';
import { createScenarioCaches, ScenarioService, type ScenarioCaches } from './scenarios/scenario.service.js';
import { scopeStores, type AccessScope, type CoreStores } from './scope.js';
import { SeriesService } from './series/series.service.js';
import type { DataSourceService } from './sources/source.service.js';
import type { StockStore } from './stock/ports.js';
import { StockPlanService } from './stock/stock-plan.service.js';

export interface ServiceDeps {
  /** Unscoped stores: only `scopeStores` reads them. */
  readonly stores: CoreStores;
  readonly queue: RunQueue;
  readonly bus: RunEventBus;
  readonly maxHorizon: number;
  /**
   * Data sources (shop databases): their own use-cases, bound to their adapters by the composition
   * root, unscoped (the scheduler's); `createServices` hands each scope `withScope(scope)`.
   */
  readonly sources: DataSourceService;
  /** Stock policies and levels (stock planning); read for the scope's tenant only. */
  readonly stock: StockStore;
  /** Restored models and panels of the scenario use-cases, shared by every scope (createCore makes them). */
  readonly scenarioCaches?: ScenarioCaches;
  /** Alerts and webhooks: their stores, transport, bus and the arrivals hub imports announce on. */
  readonly alerting: AlertingDeps;
}

export interface AlertingDeps {
  readonly arrivals: ArrivalsHub;
  readonly alerts: AlertStore;
  readonly webhooks: WebhookStore;
  readonly transport: WebhookTransport;
  readonly bus: AlertEventBus;
  /** Where the core plugs the stock plan's predicted stock-outs into the alert check. */
  readonly useStockOuts?: (source: StockOutSource) => void;
}

export interface Services {
  /** The scope these services act under. */
  readonly scope: AccessScope;
  readonly datasets: DatasetService;
  readonly series: SeriesService;
  readonly runs: TrainingRunService;
  readonly forecasts: ForecastService;
  readonly insights: InsightService;
  /** Headline numbers (`<fq-kpis>`): the next weeks against last year and the last period. */
  readonly headlines: HeadlineService;
  /** A series' price against its units (`<fq-price-response>`). */
  readonly priceHistory: PriceHistoryService;
  readonly calendar: CalendarService;
  /** What-if scenarios answered by a run's stored model, and saved scenarios. */
  readonly scenarios: ScenarioService;
  /** Per-forecast explanations from a run's stored model (issue 19). */
  readonly explanations: ExplanationService;
  /** Data sources (shop databases) under this scope; the resolvers also require ADMIN. */
  readonly sources: DataSourceService;
  /** Stock planning: what to order and when (issue 18). */
  readonly stock: StockPlanService;
  /** Alerts of the scope's datasets: list, acknowledge (admin), follow. */
  readonly alerts: AlertService;
  /** The tenant's webhooks and their delivery log (admin only). */
  readonly webhooks: WebhookService;
  /** The scoped stores the per-request loaders batch over. */
  readonly stores: {
    readonly datasets: DatasetStore;
    readonly runs: RunStore;
    readonly metrics: MetricsStore;
    readonly forecasts: ForecastStore;
  };
}

/** The use-cases of one access scope. */
export function createServices(deps: ServiceDeps, scope: AccessScope): Services {
  const s = scopeStores(deps.stores, scope);
  const forecasts = new ForecastService(s.forecasts, s.runs);
  const scenarios = new ScenarioService(
    s.scenarios,
    s.forecasts,
    forecasts,
    deps.scenarioCaches ?? createScenarioCaches(),
  );
  return {
    scope,
    datasets: new DatasetService(s.datasets, s.importer, deps.alerting.arrivals),
    series: new SeriesService(s.series),
    runs: new TrainingRunService(s.runs, deps.queue, deps.bus, deps.maxHorizon),
    forecasts,
    scenarios,
    explanations: new ExplanationService(s.runs, s.datasets, scenarios),
    insights: new InsightService(s.importance, s.series, s.metrics),
    headlines: new HeadlineService(s.forecasts, forecasts, s.observations),
    priceHistory: new PriceHistoryService(s.forecasts, forecasts, s.observations),
    calendar: new CalendarService(s.series, s.observations),
    sources: deps.sources.withScope(scope),
    stock: new StockPlanService(scope, s.forecasts, forecasts, deps.stock, deps.alerting.arrivals),
    alerts: new AlertService(scope, deps.alerting.alerts, s.datasets, deps.alerting.bus),
    webhooks: new WebhookService(scope, deps.alerting.webhooks, deps.alerting.transport),
    stores: { datasets: s.datasets, runs: s.runs, metrics: s.metrics, forecasts: s.forecasts },
  };
}

export interface Core {
  /** The services of a scope; built once per distinct scope and reused (the 1,000 most recent). */
  servicesFor(scope: AccessScope): Services;
}

const SCOPES_KEPT = 1000;

export function createCore(options: ServiceDeps): Core {
  const deps: ServiceDeps = { ...options, scenarioCaches: options.scenarioCaches ?? createScenarioCaches() };
  const cache = new Map<string, Services>();
  const core: Core = {
    servicesFor(scope) {
      const key = `${scope.tenantId}|${scope.role}|${scope.datasetIds?.join(',') ?? '*'}`;
      let found = cache.get(key);
      if (!found) {
        if (cache.size >= SCOPES_KEPT) cache.delete(cache.keys().next().value!);
        found = createServices(deps, { tenantId: scope.tenantId, role: scope.role, datasetIds: scope.datasetIds });
        cache.set(key, found);
      }
      return found;
    },
  };
  // Predicted stock-outs become alerts: the alert check reads the stock plan through this core.
  deps.alerting.useStockOuts?.(
    stockOutsFromPlans({
      stockFor: (scope) => core.servicesFor(scope).stock,
      datasets: deps.stores.datasets,
      runs: deps.stores.runs,
      forecasts: deps.stores.forecasts,
    }),
  );
  return core;
}
