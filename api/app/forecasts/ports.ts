/**
 * The ports of the forecast read model (ARCHITECTURE §1, §7). Every reader of a forecast (GraphQL
 * `forecast`, `forecastTable`, `Series.forecast` and its `columns`, the subgraph's
 * `Product.salesForecast`, the CLI's `forecastql forecast` export, and the stock, scenario,
 * headline and alert use-cases) reads through one model, `createForecastReadModel`
 * (read-model.ts), built by the composition root (api/plugin/core.ts) over three plain ports:
 *
 * - `ForecastPointStore`: the stored points of a run (p10/p50/p90 and any other level, the mean)
 *   and its fitted distribution, written once in the results transaction;
 * - `ActualsSource`: the known values (observations) a view puts beside the points;
 * - `SeriesKeySource`: which series a selection (key, attributes) covers.
 *
 * Adapters of these ports (api/db/forecasts.repository.ts over knex) hold no state and no cache:
 * the read model owns every cache of forecast reads, and the shaping (buckets, totals, groups,
 * table rows, columns) is the app layer's (forecast.service.ts, forecast-shape.ts,
 * quantile-aggregation.ts). Every method takes the tenant.
 */
import type {
  ActualRecord,
  DateRange,
  DistributionModel,
  ForecastRecord,
  ForecastRowInput,
  SelectedSeries,
  SeriesSelection,
} from '../ports.js';

/** A page of flat rows (series × date) of a run's forecast, ordered by series key and date. */
export interface ForecastTablePage {
  readonly totalCount: number;
  readonly items: Array<ForecastRecord & { seriesKey: string; attributes: Record<string, string> }>;
}

/** A run's stored forecast points and fitted distribution. */
export interface ForecastPointStore {
  /** Writes a run's forecast rows (use inside the results transaction). */
  insertMany(tenantId: number, runId: number, rows: readonly ForecastRowInput[]): Promise<void>;
  /** Stores a run's fitted forecast distribution (use inside the results transaction). */
  saveDistribution(tenantId: number, runId: number, distribution: DistributionModel): Promise<void>;
  /** A run's fitted forecast distribution; undefined for runs trained without one. */
  distributionOf(tenantId: number, runId: number): Promise<DistributionModel | undefined>;
  /** Forecast rows of a run for many series at once, ordered by series and date. */
  forSeries(tenantId: number, runId: number, seriesIds: readonly number[], range: DateRange): Promise<ForecastRecord[]>;
  /** Forecast rows of a run for every series of a selection, ordered by series and date. */
  forSelection(
    tenantId: number,
    runId: number,
    selection: SeriesSelection,
    range: DateRange,
  ): Promise<ForecastRecord[]>;
  /** First and last forecast date of a run. */
  dateSpan(tenantId: number, runId: number): Promise<{ first: string; last: string } | undefined>;
  /** A page of flat rows (series × date) of a run's forecast, ordered by series key and date. */
  tablePage(
    tenantId: number,
    runId: number,
    selection: SeriesSelection,
    range: DateRange,
    page: { offset: number; limit: number },
  ): Promise<ForecastTablePage>;
}

/** Known values (observations) beside the forecast. */
export interface ActualsSource {
  /** Known values of many series in a date range, ordered by series and date. */
  actualsForSeries(tenantId: number, seriesIds: readonly number[], range: DateRange): Promise<ActualRecord[]>;
  /** Known values of every series of a selection in a date range, ordered by series and date. */
  actualsForSelection(tenantId: number, selection: SeriesSelection, range: DateRange): Promise<ActualRecord[]>;
}

/** Which series a forecast view covers. */
export interface SeriesKeySource {
  /** Series ids of a dataset by key, for writing results keyed by the CSV's series_id. */
  seriesIdsByKey(tenantId: number, datasetId: number): Promise<Map<string, number>>;
  /** The series a selection covers, ordered by key. */
  selectSeries(tenantId: number, selection: SeriesSelection): Promise<SelectedSeries[]>;
  /** The row id of a dataset's series by key; undefined when the dataset has no such series. */
  seriesIdByKey(tenantId: number, datasetId: number, key: string): Promise<number | undefined>;
}

/** What the read model reads: one adapter may implement all three (the knex repository does). */
export type ForecastReadPorts = ForecastPointStore & ActualsSource & SeriesKeySource;
