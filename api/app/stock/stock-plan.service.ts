/**
 * Stock planning (issue 18, item 1): what to order and when, per series or per group, from the
 * latest succeeded run's forecast distribution (the maths: `forecasting/stock.ts`). Stock levels
 * come from `setStock` (GraphQL) / `forecastql stock set` (CLI); lead time, review period and the
 * target service level are the dataset's (`setStockPolicy`, else the defaults below), overridable
 * per series. Reads only: a plan is computed, never stored.
 *
 * Access: the service acts for one scope. Datasets and series are read through the scoped stores
 * (a dataset outside the scope is NOT_FOUND); the stock store is read for the scope's tenant only;
 * writing stock or a policy needs the ADMIN role.
 */
import { ForbiddenError, NotFoundError, UserInputError } from '../../errors/index.js';
import { marginalOf, type DependenceModel, type Marginal } from '../../forecasting/distribution.js';
import {
  assertStockPolicy,
  expectedDemandPerPeriod,
  planFromProfile,
  sampledDemandProfile,
  StockPolicyError,
  type DemandProfile,
  type StockPlanResult,
} from '../../forecasting/stock.js';
import { toPageRequest, type Page } from '../common/cursor.js';
import type { DatasetRecord, ForecastRecord, ForecastStore, Frequency, SelectedSeries } from '../ports.js';
import { Role, type AccessScope } from '../scope.js';
import { normalizeForecastQuery, type ForecastService } from '../forecasts/forecast.service.js';
import type { ArrivalsHub } from '../alerts/ports.js';
import type { SeriesStockRecord, StockPolicyRecord, StockStore } from './ports.js';

/** Defaults when a dataset has no policy: a week's lead time and a weekly order for daily data. */
export const DEFAULT_STOCK_POLICY: Readonly<Record<Frequency, StockPolicyRecord>> = {
  D: { leadTime: 7, reviewPeriod: 7, serviceLevel: 0.95 },
  W: { leadTime: 1, reviewPeriod: 1, serviceLevel: 0.95 },
  M: { leadTime: 1, reviewPeriod: 1, serviceLevel: 0.95 },
};

export const StockPlanOrder = {
  /** Most urgent first: stock-out probability, then fewest days of cover, then series. */
  URGENCY: 'URGENCY',
  STOCKOUT_PROBABILITY_DESC: 'STOCKOUT_PROBABILITY_DESC',
  DAYS_OF_COVER_ASC: 'DAYS_OF_COVER_ASC',
  SUGGESTED_ORDER_DESC: 'SUGGESTED_ORDER_DESC',
  SERIES_ASC: 'SERIES_ASC',
} as const;
export type StockPlanOrder = (typeof StockPlanOrder)[keyof typeof StockPlanOrder];

export interface StockPlanRequest {
  readonly seriesId?: string | null | undefined;
  /** An attribute (one plan per value: stock and demand pooled), "attribute=value", or "all". */
  readonly groupBy?: string | null | undefined;
  readonly where?: readonly { readonly name: string; readonly value: string }[] | null | undefined;
  /** Overrides every series' and the dataset's target service level. */
  readonly serviceLevel?: number | null | undefined;
  readonly orderBy?: StockPlanOrder | null | undefined;
  /** Only these series (by key), e.g. those of a forecastTable page; unknown keys are skipped. */
  readonly seriesKeys?: readonly string[] | undefined;
}

/** One row of a plan: a series (or a group's pooled stock) and what to do about it. */
export interface StockPlanItem extends Omit<
  StockPlanResult,
  'suggestedOrder' | 'daysOfCover' | 'stockoutProbability' | 'inventoryPosition'
> {
  /** The series key; null for a group. */
  readonly seriesId: string | null;
  readonly group: { readonly attribute: string; readonly value: string } | null;
  readonly seriesCount: number;
  readonly attributes: Readonly<Record<string, string>>;
  /** Null where no stock was set (then the position-dependent figures are null too). */
  readonly onHand: number | null;
  readonly onOrder: number | null;
  readonly inventoryPosition: number | null;
  readonly suggestedOrder: number | null;
  readonly daysOfCover: number | null;
  readonly stockoutProbability: number | null;
  readonly leadTime: number;
  readonly reviewPeriod: number;
  readonly serviceLevel: number;
  /** First period the plan's demand is counted from. */
  readonly planStart: string;
}

export interface StockSettingInput {
  readonly seriesId: string;
  readonly onHand: number;
  readonly onOrder?: number | null | undefined;
  readonly asOf?: string | null | undefined;
  readonly leadTime?: number | null | undefined;
  readonly reviewPeriod?: number | null | undefined;
  readonly serviceLevel?: number | null | undefined;
}

/** A StockPolicyError as the coded error the doors show (BAD_USER_INPUT naming the value). */
function asUserInput(e: unknown, context: Record<string, unknown> = {}): never {
  if (e instanceof StockPolicyError) {
    throw new UserInputError(e.message, { argument: e.field, value: e.value, ...context });
  }
  throw e;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Longest stretch (ms) a plan computes before it lets the event loop run. A cold plan samples every
 * series' demand profile (milliseconds each): 550 series took 1–4 s, all on the API's event loop,
 * when a run's success started the stock-out alert check, and requests waited that long; past the
 * HTTP keep-alive timeout (5 s) the server reset the connections that had sent a request meanwhile.
 */
export const PLAN_SLICE_MS = 10;

/** Resolves at once, or on the next turn of the event loop once `PLAN_SLICE_MS` have passed since the last. */
function planSlicer(): () => Promise<void> {
  let since = performance.now();
  return async () => {
    if (performance.now() - since < PLAN_SLICE_MS) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
    since = performance.now();
  };
}

/** Sort key helpers: null (unknown stock) sorts after every known value. */
const desc = (a: number | null, b: number | null): number =>
  a === null ? (b === null ? 0 : 1) : b === null ? -1 : b - a;
const asc = (a: number | null, b: number | null): number =>
  a === null ? (b === null ? 0 : 1) : b === null ? -1 : a - b;

function byKey(a: StockPlanItem, b: StockPlanItem): number {
  const ka = a.seriesId ?? `${a.group?.attribute}=${a.group?.value}`;
  const kb = b.seriesId ?? `${b.group?.attribute}=${b.group?.value}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

export function compareStockPlanItems(order: StockPlanOrder): (a: StockPlanItem, b: StockPlanItem) => number {
  switch (order) {
    case StockPlanOrder.SERIES_ASC:
      return byKey;
    case StockPlanOrder.STOCKOUT_PROBABILITY_DESC:
      return (a, b) => desc(a.stockoutProbability, b.stockoutProbability) || byKey(a, b);
    case StockPlanOrder.DAYS_OF_COVER_ASC:
      // No expected demand (null cover with known stock) is the least urgent of the known.
      return (a, b) => asc(coverKey(a), coverKey(b)) || byKey(a, b);
    case StockPlanOrder.SUGGESTED_ORDER_DESC:
      return (a, b) => desc(a.suggestedOrder, b.suggestedOrder) || byKey(a, b);
    default:
      return (a, b) =>
        desc(a.stockoutProbability, b.stockoutProbability) || asc(coverKey(a), coverKey(b)) || byKey(a, b);
  }
}

function coverKey(item: StockPlanItem): number | null {
  if (item.onHand === null) return null;
  return item.daysOfCover ?? Number.MAX_VALUE;
}

export class StockPlanService {
  constructor(
    private readonly scope: AccessScope,
    private readonly forecasts: ForecastStore,
    private readonly forecastService: ForecastService,
    private readonly stock: StockStore,
    /** Where a stock change is announced, so predicted stock-outs are checked at once (alerts). */
    private readonly changes?: ArrivalsHub,
  ) {}

  /** The dataset's policy: its own, or the defaults of its frequency. */
  async policy(dataset: DatasetRecord): Promise<StockPolicyRecord & { readonly isDefault: boolean }> {
    const own = await this.stock.policyOf(this.scope.tenantId, dataset.id);
    return own ? { ...own, isDefault: false } : { ...DEFAULT_STOCK_POLICY[dataset.frequency], isDefault: true };
  }

  /** Sets the dataset's defaults (ADMIN). Checked as the plan checks them (no horizon known yet). */
  async setPolicy(dataset: DatasetRecord, policy: StockPolicyRecord): Promise<StockPolicyRecord> {
    this.requireAdmin('change stock policies');
    try {
      assertStockPolicy({ onHand: 0, onOrder: 0, ...policy }, Number.POSITIVE_INFINITY);
    } catch (e) {
      asUserInput(e);
    }
    await this.stock.setPolicy(this.scope.tenantId, dataset.id, policy);
    await this.changes?.emit({ tenantId: this.scope.tenantId, datasetId: dataset.id, cause: 'stock' });
    return policy;
  }

  /**
   * Sets the stock of series by key (ADMIN), all or none: an unknown series or a bad value is
   * refused with the row and value named, and nothing is written.
   */
  async setStock(dataset: DatasetRecord, rows: readonly StockSettingInput[]): Promise<number> {
    this.requireAdmin('set stock levels');
    if (rows.length === 0) return 0;
    const ids = await this.forecasts.seriesIdsByKey(this.scope.tenantId, dataset.id);
    const seen = new Set<string>();
    const records: SeriesStockRecord[] = rows.map((r, i) => {
      const at = { row: i + 1, seriesId: r.seriesId };
      const id = ids.get(r.seriesId);
      if (id === undefined) {
        throw new UserInputError(
          `Row ${i + 1}: series "${r.seriesId}" is not in dataset "${dataset.name}"; import its sales first or fix the id.`,
          { argument: 'seriesId', value: r.seriesId, row: i + 1 },
        );
      }
      if (seen.has(r.seriesId)) {
        throw new UserInputError(`Row ${i + 1}: series "${r.seriesId}" is given twice; give each series once.`, {
          argument: 'seriesId',
          value: r.seriesId,
          row: i + 1,
        });
      }
      seen.add(r.seriesId);
      if (r.asOf !== null && r.asOf !== undefined && !(ISO_DATE.test(r.asOf) && !Number.isNaN(Date.parse(r.asOf)))) {
        throw new UserInputError(`Row ${i + 1}: asOf "${r.asOf}" is not an ISO date; write YYYY-MM-DD.`, {
          argument: 'asOf',
          value: r.asOf,
          row: i + 1,
        });
      }
      const record: SeriesStockRecord = {
        seriesId: id,
        onHand: r.onHand,
        onOrder: r.onOrder ?? 0,
        asOf: r.asOf ?? null,
        leadTime: r.leadTime ?? null,
        reviewPeriod: r.reviewPeriod ?? null,
        serviceLevel: r.serviceLevel ?? null,
      };
      try {
        assertStockPolicy(
          {
            onHand: record.onHand,
            onOrder: record.onOrder,
            leadTime: record.leadTime ?? 0,
            reviewPeriod: record.reviewPeriod ?? 1,
            serviceLevel: record.serviceLevel ?? 0.5,
          },
          Number.POSITIVE_INFINITY,
        );
      } catch (e) {
        asUserInput(e, at);
      }
      return record;
    });
    await this.stock.setLevels(this.scope.tenantId, dataset.id, records);
    // A listener's failure is reported by the hub and never undoes the stock that was set.
    await this.changes?.emit({ tenantId: this.scope.tenantId, datasetId: dataset.id, cause: 'stock' });
    return records.length;
  }

  /** Every row of the plan, ordered (`orderBy`, default most urgent first). */
  async planAll(dataset: DatasetRecord, req: StockPlanRequest): Promise<StockPlanItem[]> {
    const query = normalizeForecastQuery({ seriesId: req.seriesId, groupBy: req.groupBy, where: req.where }, dataset);
    if (req.serviceLevel !== null && req.serviceLevel !== undefined) {
      try {
        assertStockPolicy(
          { onHand: 0, onOrder: 0, leadTime: 0, reviewPeriod: 1, serviceLevel: req.serviceLevel },
          Number.POSITIVE_INFINITY,
        );
      } catch (e) {
        asUserInput(e);
      }
    }
    const tenantId = this.scope.tenantId;
    let series = await this.forecasts.selectSeries(tenantId, {
      datasetId: dataset.id,
      ...(query.seriesKey !== undefined ? { seriesKey: query.seriesKey } : {}),
      attributes: query.filters,
    });
    if (query.seriesKey !== undefined && series.length === 0) throw new NotFoundError('Series', query.seriesKey);
    if (req.seriesKeys) {
      const keep = new Set(req.seriesKeys);
      series = series.filter((s) => keep.has(s.key));
    }
    const run = await this.forecastService.requireRun(tenantId, dataset, null);
    const ids = series.map((s) => s.id);
    const [rows, distribution, levels, policy] = await Promise.all([
      this.forecasts.forSucceededRun(tenantId, run.id, ids),
      this.forecasts.distributionOf(tenantId, run.id),
      this.stock.levelsOf(tenantId, dataset.id, query.seriesKey !== undefined || req.seriesKeys ? ids : undefined),
      this.policy(dataset),
    ]);
    const dependence: DependenceModel = distribution?.dependence ?? { rho: 0, phiCommon: 0, phiOwn: 0 };
    const rowsOf = new Map<number, ForecastRecord[]>();
    for (const r of rows) {
      const list = rowsOf.get(r.seriesId);
      if (list) list.push(r);
      else rowsOf.set(r.seriesId, [r]);
    }
    const stockOf = new Map(levels.map((l) => [l.seriesId, l]));
    const context = { tenantId, runId: run.id, dependence, horizon: run.horizon };
    const items: StockPlanItem[] = [];
    const slice = planSlicer();
    if (
      query.groupAttribute === undefined &&
      (req.groupBy === null || req.groupBy === undefined || !/^all$/i.test(req.groupBy.trim()))
    ) {
      for (const s of series) {
        const forecast = rowsOf.get(s.id);
        if (!forecast || forecast.length === 0) continue;
        await slice();
        const stock = stockOf.get(s.id);
        const own = {
          leadTime: stock?.leadTime ?? policy.leadTime,
          reviewPeriod: stock?.reviewPeriod ?? policy.reviewPeriod,
          serviceLevel: req.serviceLevel ?? stock?.serviceLevel ?? policy.serviceLevel,
        };
        items.push(this.planOf(context, [s], [forecast], stock ? [stock] : [], own, s.key, null));
      }
    } else {
      const groups = new Map<string, SelectedSeries[]>();
      for (const s of series) {
        const value = query.groupAttribute === undefined ? 'all' : s.attributes[query.groupAttribute];
        if (value === undefined) continue;
        const list = groups.get(value);
        if (list) list.push(s);
        else groups.set(value, [s]);
      }
      const own = {
        leadTime: policy.leadTime,
        reviewPeriod: policy.reviewPeriod,
        serviceLevel: req.serviceLevel ?? policy.serviceLevel,
      };
      for (const [value, members] of [...groups].toSorted(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
        const withForecast = members.filter((m) => (rowsOf.get(m.id)?.length ?? 0) > 0);
        if (withForecast.length === 0) continue;
        await slice();
        const stocks = withForecast.map((m) => stockOf.get(m.id));
        items.push(
          this.planOf(
            context,
            withForecast,
            withForecast.map((m) => rowsOf.get(m.id)!),
            // Pooled stock is known only when every member's is.
            stocks.every((x) => x !== undefined) ? (stocks as SeriesStockRecord[]) : [],
            own,
            null,
            { attribute: query.groupAttribute ?? 'all', value },
          ),
        );
      }
    }
    return items.toSorted(compareStockPlanItems(req.orderBy ?? StockPlanOrder.URGENCY));
  }

  /** A page of the plan (`first`/`after` as every connection). */
  async plan(
    dataset: DatasetRecord,
    req: StockPlanRequest & { first?: number | null | undefined; after?: string | null | undefined },
  ): Promise<Page<StockPlanItem>> {
    const page = toPageRequest(req.first, req.after);
    const all = await this.planAll(dataset, req);
    return { totalCount: all.length, offset: page.offset, items: all.slice(page.offset, page.offset + page.limit) };
  }

  private planOf(
    context: { tenantId: number; runId: number; dependence: DependenceModel; horizon: number },
    members: readonly SelectedSeries[],
    forecasts: readonly (readonly ForecastRecord[])[],
    stocks: readonly SeriesStockRecord[],
    policy: StockPolicyRecord,
    seriesId: string | null,
    group: { attribute: string; value: string } | null,
  ): StockPlanItem {
    // Stock counted on a day inside the forecast: demand is counted from the day after it.
    const asOf = stocks.reduce<string | null>(
      (m, s) => (s.asOf !== null && (m === null || s.asOf > m) ? s.asOf : m),
      null,
    );
    const dates = [...new Set(forecasts.flatMap((f) => f.map((r) => r.date)))]
      .toSorted()
      .filter((d) => asOf === null || d > asOf);
    const step = new Map(dates.map((d, i) => [d, i]));
    const paths: (Marginal | undefined)[][] = forecasts.map((f) => {
      const path = Array.from({ length: dates.length }, (): Marginal | undefined => undefined);
      for (const r of f) {
        const t = step.get(r.date);
        if (t !== undefined) path[t] = marginalOf({ levels: r.levels, values: r.values, mean: r.mean ?? null });
      }
      return path;
    });
    const label = seriesId !== null ? `series "${seriesId}"` : `group ${group!.attribute}=${group!.value}`;
    try {
      assertStockPolicy({ onHand: 0, onOrder: 0, ...policy }, dates.length);
    } catch (e) {
      if (e instanceof StockPolicyError && e.field === 'horizon') {
        throw new UserInputError(
          `For ${label}: ${e.message}${asOf !== null ? ` (stock counted on ${asOf} leaves ${dates.length} forecast periods)` : ''}`,
          { argument: 'leadTime', value: policy.leadTime + policy.reviewPeriod, horizon: dates.length },
        );
      }
      asUserInput(e);
    }
    const profile = this.profileOf(context, members, paths, policy, asOf);
    const known = stocks.length > 0;
    const onHand = stocks.reduce((s, x) => s + x.onHand, 0);
    const onOrder = stocks.reduce((s, x) => s + x.onOrder, 0);
    const plan = planFromProfile(profile, { onHand, onOrder }, expectedDemandPerPeriod(paths));
    return {
      seriesId,
      group,
      seriesCount: members.length,
      attributes: seriesId !== null ? members[0]!.attributes : {},
      expectedDemand: plan.expectedDemand,
      safetyStock: plan.safetyStock,
      reorderPoint: plan.reorderPoint,
      orderUpTo: plan.orderUpTo,
      protectionPeriods: plan.protectionPeriods,
      onHand: known ? onHand : null,
      onOrder: known ? onOrder : null,
      inventoryPosition: known ? plan.inventoryPosition : null,
      suggestedOrder: known ? plan.suggestedOrder : null,
      daysOfCover: known ? plan.daysOfCover : null,
      stockoutProbability: known ? plan.stockoutProbability : null,
      leadTime: policy.leadTime,
      reviewPeriod: policy.reviewPeriod,
      serviceLevel: policy.serviceLevel,
      planStart: dates[0]!,
    };
  }

  /** The demand profile, kept per run, members and policy (a succeeded run's rows never change). */
  private profileOf(
    context: { tenantId: number; runId: number; dependence: DependenceModel },
    members: readonly SelectedSeries[],
    paths: readonly (readonly (Marginal | undefined)[])[],
    policy: StockPolicyRecord,
    asOf: string | null,
  ): DemandProfile {
    const key = `${context.tenantId}|${context.runId}|stock|${members.map((m) => m.id).join(',')}|${policy.leadTime}|${policy.reviewPeriod}|${policy.serviceLevel}|${asOf ?? ''}`;
    const cached = this.forecasts.derived.get(key);
    if (cached) {
      return {
        expectedDemand: cached[0]!,
        orderUpTo: cached[1]!,
        reorderPoint: cached[2]!,
        protectionPeriods: cached[3]!,
        leadTimeDemand: Float64Array.from(cached.slice(4)),
      };
    }
    const sampled = sampledDemandProfile(paths, context.dependence, policy);
    // Thinned the first time too, so a plan reads the same from the cache as when computed.
    const profile = { ...sampled, leadTimeDemand: Float64Array.from(thin(sampled.leadTimeDemand, CACHED_QUANTILES)) };
    this.forecasts.derived.set(key, [
      profile.expectedDemand,
      profile.orderUpTo,
      profile.reorderPoint,
      profile.protectionPeriods,
      ...profile.leadTimeDemand,
    ]);
    return profile;
  }

  private requireAdmin(what: string): void {
    if (this.scope.role !== Role.ADMIN) {
      throw new ForbiddenError(`This credential is read-only: it cannot ${what}. Use an admin API key.`);
    }
  }
}

/** Order statistics of D_L kept in the cache: P(D_L > IP) to within 0.5 %. */
const CACHED_QUANTILES = 200;

/** Evenly spaced order statistics of sorted samples (all of them when there are few). */
function thin(sorted: Float64Array, count: number): number[] {
  if (sorted.length <= count) return [...sorted];
  return Array.from({ length: count }, (_, i) => sorted[Math.floor(((i + 0.5) * sorted.length) / count)]!);
}
