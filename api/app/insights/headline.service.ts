/**
 * Headline numbers (issue 19 item 1): the next weeks of units, and of revenue where a price is
 * known, each with its interval, against the same period last year and the period just before;
 * for a dataset, a group (`store=CA_1`, `where`) or one series. What `<fq-kpis>` shows.
 *
 * The forecast totals are the distribution of a sum over series × dates (sample paths with the
 * run's fitted dependence: `forecasts/quantile-aggregation.ts`), never summed quantiles. Revenue
 * scales each member (a series on a date) by its price before summing: a price is the
 * covariate's value that day, else the last one before it (a planned price when the dataset
 * carries future prices, else the current one).
 */
import { createHash } from 'node:crypto';
import { NotFoundError, UserInputError } from '../../errors/index.js';
import type { DatasetRecord, ForecastRecord, ForecastStore, SeriesSelection } from '../ports.js';
import { normalizeForecastQuery, type ForecastService } from '../forecasts/forecast.service.js';
import { aggregateQuantiles, totalKind, type Dependence, type DatedMember } from '../forecasts/quantile-aggregation.js';
import {
  headlinePeriods,
  headlineWeeks,
  knownTotal,
  priceCovariate,
  pricesOn,
  relativeChange,
  shiftDays,
  type CovariateValue,
  type KnownTotal,
  type Period,
} from './headline.js';

/** The observations a headline reads prices from (implemented by `api/db/observations.repository.ts`). */
export interface CovariateSource {
  /** Known values of covariate `name` for many series in a date range (any order). */
  covariateValues(
    tenantId: number,
    seriesIds: readonly number[],
    name: string,
    range: { from?: string; to?: string },
  ): Promise<CovariateValue[]>;
}

/** Levels of the headline interval: the 80 % interval and the median. */
export const HEADLINE_LEVELS = [0.1, 0.5, 0.9] as const;

/** Days of history read before a period to find the price in force on its first day. */
const PRICE_LOOKBACK_DAYS = 91;

/** A period with the days before it in which its first day's price may have been set. */
function lookback(p: Period): Period {
  return { from: shiftDays(p.from, -PRICE_LOOKBACK_DAYS), to: p.to };
}

export interface HeadlineRequest {
  readonly seriesId?: string | null | undefined;
  readonly groupBy?: string | null | undefined;
  readonly where?: readonly { readonly name: string; readonly value: string }[] | null | undefined;
  readonly runId?: string | null | undefined;
  readonly weeks?: number | null | undefined;
  readonly dependence?: Dependence | null | undefined;
}

/** One measure (units or revenue): the forecast interval and the known totals it is compared with. */
export interface HeadlineMeasureView {
  readonly p10: number;
  readonly p50: number;
  readonly p90: number;
  readonly lastPeriod: number | null;
  readonly lastYear: number | null;
  /** p50 against `lastPeriod`: 0.12 = 12 % more; null without a positive reference. */
  readonly changeVsLastPeriod: number | null;
  readonly changeVsLastYear: number | null;
}

export interface HeadlinePeriodView extends Period {
  readonly days: number;
  readonly daysWithData: number;
}

export interface HeadlineView {
  readonly datasetId: string;
  readonly runId: string;
  readonly seriesId: string | null;
  readonly groupBy: string | null;
  readonly filters: { name: string; value: string }[];
  readonly seriesCount: number;
  readonly weeks: number;
  readonly dependence: Dependence;
  readonly next: HeadlinePeriodView;
  readonly lastPeriod: HeadlinePeriodView;
  readonly lastYear: HeadlinePeriodView;
  readonly units: HeadlineMeasureView;
  /** Null when the dataset has no price covariate or no selected series has a price. */
  readonly revenue: HeadlineMeasureView | null;
  /** The price covariate read (e.g. `price`), or null. */
  readonly priceCovariate: string | null;
  /** Series of the selection with a price for every forecast date of the period. */
  readonly pricedSeriesCount: number;
}

function periodView(period: Period, known: KnownTotal | undefined, days: number): HeadlinePeriodView {
  return { from: period.from, to: period.to, days, daysWithData: known?.daysWithData ?? 0 };
}

function measure(
  quantiles: readonly number[],
  lastPeriod: number | null,
  lastYear: number | null,
): HeadlineMeasureView {
  const [p10, p50, p90] = quantiles as [number, number, number];
  return {
    p10,
    p50,
    p90,
    lastPeriod,
    lastYear,
    changeVsLastPeriod: relativeChange(p50, lastPeriod),
    changeVsLastYear: relativeChange(p50, lastYear),
  };
}

export class HeadlineService {
  constructor(
    private readonly forecasts: ForecastStore,
    private readonly forecastViews: ForecastService,
    private readonly covariates: CovariateSource,
  ) {}

  /** `undefined` while the dataset has no succeeded run. */
  async headline(tenantId: number, dataset: DatasetRecord, req: HeadlineRequest): Promise<HeadlineView | undefined> {
    const weeks = headlineWeeks(req.weeks);
    const query = normalizeForecastQuery(
      { seriesId: req.seriesId, groupBy: req.groupBy, where: req.where, dependence: req.dependence },
      dataset,
    );
    if (query.groupAttribute !== undefined) {
      throw new UserInputError(
        `groupBy "${query.groupAttribute}" splits into groups; headline numbers are for one selection: write "${query.groupAttribute}=VALUE" (one group), "all", or a seriesId.`,
        { argument: 'groupBy', value: query.groupAttribute },
      );
    }
    const selection: SeriesSelection = {
      datasetId: dataset.id,
      ...(query.seriesKey !== undefined ? { seriesKey: query.seriesKey } : {}),
      attributes: query.filters,
    };
    const series = await this.forecasts.selectSeries(tenantId, selection);
    if (query.seriesKey !== undefined && series.length === 0) throw new NotFoundError('Series', query.seriesKey);
    const run = await this.forecastViews.resolveRun(tenantId, dataset, req.runId);
    if (!run) return undefined;
    const ids = series.map((s) => s.id);
    const rows = await this.forecasts.forSucceededRun(tenantId, run.id, ids);
    let first: string | undefined;
    let last: string | undefined;
    for (const r of rows) {
      if (first === undefined || r.date < first) first = r.date;
      if (last === undefined || r.date > last) last = r.date;
    }
    const start = first ?? shiftDays(dataset.lastDate ?? new Date().toISOString().slice(0, 10), 1);
    const periods = headlinePeriods(start, last ?? start, weeks, dataset.frequency);
    const inNext = rows.filter((r) => r.date >= periods.next.from && r.date <= periods.next.to);

    const priceName = priceCovariate(dataset.covariates) ?? null;
    const [actualsYear, actualsLast, pricesRecent, pricesYear] = await Promise.all([
      ids.length ? this.forecasts.actualsForSeries(tenantId, ids, periods.lastYear) : [],
      ids.length ? this.forecasts.actualsForSeries(tenantId, ids, periods.lastPeriod) : [],
      priceName && ids.length
        ? this.covariates.covariateValues(tenantId, ids, priceName, {
            from: lookback(periods.lastPeriod).from,
            to: periods.next.to,
          })
        : [],
      priceName && ids.length
        ? this.covariates.covariateValues(tenantId, ids, priceName, lookback(periods.lastYear))
        : [],
    ]);

    const knownYear = knownTotal(
      actualsYear,
      periods.lastYear,
      priceName ? pricesOn(pricesYear, actualsYear) : undefined,
    );
    const knownLast = knownTotal(
      actualsLast,
      periods.lastPeriod,
      priceName ? pricesOn(pricesRecent, actualsLast) : undefined,
    );

    const distribution = await this.forecasts.distributionOf(tenantId, run.id);
    const dependence = query.dependence;
    const kind = totalKind(query.filters, undefined);
    const key = (what: string) =>
      `${tenantId}|${run.id}|headline|${what}|${dependence}|${kind ?? ''}|${periods.next.from}|${periods.next.to}|${createHash(
        'sha1',
      )
        .update(ids.toSorted((a, b) => a - b).join(','))
        .digest('base64')}`;
    const aggregate = (what: string, members: readonly DatedMember[]): number[] => {
      const memoKey = key(what);
      const cached = this.forecasts.derived.get(memoKey);
      if (cached) return [...cached];
      const values = aggregateQuantiles(members, HEADLINE_LEVELS, {
        dependence,
        fitted: distribution?.dependence,
        kind,
      });
      this.forecasts.derived.set(memoKey, values);
      return values;
    };

    const units = aggregate('units', inNext.map(toMember));
    let revenue: HeadlineMeasureView | null = null;
    let pricedSeriesCount = 0;
    if (priceName) {
      const prices = pricesOn(pricesRecent, inNext);
      const pricedMembers: DatedMember[] = [];
      const unpriced = new Set<number>();
      for (const r of inNext) {
        const price = prices.get(`${r.seriesId}|${r.date}`);
        if (price === undefined) unpriced.add(r.seriesId);
        else pricedMembers.push(scaled(r, price));
      }
      pricedSeriesCount = new Set(inNext.map((r) => r.seriesId)).size - unpriced.size;
      if (pricedMembers.length > 0) {
        // Prices change with imports: the memo names the data version they were read at.
        const quantiles = aggregate(`revenue|${priceName}|${dataset.dataVersion}`, pricedMembers);
        revenue = measure(quantiles, knownLast.revenue, knownYear.revenue);
      }
    }

    return {
      datasetId: String(dataset.id),
      runId: String(run.id),
      seriesId: query.seriesKey ?? null,
      groupBy: req.groupBy?.trim() || null,
      filters: query.filters.map((f) => ({ name: f.name, value: f.value })),
      seriesCount: series.length,
      weeks,
      dependence,
      next: periodView(periods.next, undefined, periods.days),
      lastPeriod: periodView(periods.lastPeriod, knownLast, periods.days),
      lastYear: periodView(periods.lastYear, knownYear, periods.days),
      units: measure(units, knownLast.units, knownYear.units),
      revenue,
      priceCovariate: priceName,
      pricedSeriesCount,
    };
  }
}

function toMember(r: ForecastRecord): DatedMember {
  return { seriesId: r.seriesId, date: r.date, levels: r.levels, values: r.values, mean: r.mean ?? null };
}

/** A member in money: every quantile (and the mean) times a non-negative price keeps its order. */
function scaled(r: ForecastRecord, price: number): DatedMember {
  return {
    seriesId: r.seriesId,
    date: r.date,
    levels: r.levels,
    values: r.values.map((v) => v * price),
    mean: r.mean === null || r.mean === undefined ? null : r.mean * price,
  };
}
