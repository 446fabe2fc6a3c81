/**
 * Forecast views: one series, a total over a selection, per-group totals, time buckets, and flat
 * table rows for BI tools. Reads stored rows of a SUCCEEDED run (never a model call).
 */
import { createHash } from 'node:crypto';
import { DomainError, ErrorCode, NotFoundError, UserInputError } from '../../errors/index.js';
import { addSteps } from '../../forecasting/frames.js';
import { toPageRequest, type Page } from '../common/cursor.js';
import { parseRowId } from '../common/ids.js';
import {
  RunStatus,
  type ActualRecord,
  type DatasetRecord,
  type ForecastRecord,
  type ForecastStore,
  type RunStore,
  type SelectedSeries,
  type SeriesSelection,
  type TrainingRunRecord,
} from '../ports.js';
import { assertAttributes } from '../series/series.service.js';
import { normalizeQuantiles } from '../runs/training-run.service.js';
import { bucketStart, shapeForecast, type BucketKind, type ShapedPoint } from './forecast-shape.js';
import { Dependence, totalKind } from './quantile-aggregation.js';

/** History shown before the forecast when `from` is omitted, in horizons. */
export const DEFAULT_HISTORY_HORIZONS = 4;

export interface ForecastRequest {
  readonly seriesId?: string | null | undefined;
  readonly groupBy?: string | null | undefined;
  readonly where?: readonly { readonly name: string; readonly value: string }[] | null | undefined;
  readonly runId?: string | null | undefined;
  readonly from?: string | null | undefined;
  readonly to?: string | null | undefined;
  readonly bucket?: BucketKind | null | undefined;
  readonly quantiles?: readonly number[] | null | undefined;
  readonly dependence?: Dependence | null | undefined;
}

/** The canonical forecast query, after validation (Cube's normalised query). */
export interface ForecastQuery {
  readonly seriesKey: string | undefined;
  /** Attribute whose values split the total into `groups`. */
  readonly groupAttribute: string | undefined;
  readonly filters: readonly { readonly name: string; readonly value: string }[];
  readonly from: string | undefined;
  readonly to: string | undefined;
  readonly bucket: BucketKind;
  readonly levels: readonly number[] | undefined;
  readonly dependence: Dependence;
}

export interface ForecastView {
  readonly datasetId: string;
  readonly runId: string;
  readonly seriesId: string | null;
  readonly groupBy: string | null;
  readonly filters: { name: string; value: string }[];
  readonly seriesCount: number;
  readonly bucket: BucketKind;
  readonly dependence: Dependence;
  readonly quantiles: number[];
  readonly forecastStart: string | null;
  readonly points: ShapedPoint[];
  readonly groups: { attribute: string; value: string; seriesCount: number; points: ShapedPoint[] }[];
}

/** The levels asked for, checked to lie in (0, 1), sorted and unique (0.5 is not added). */
function requestedLevels(levels: readonly number[]): number[] {
  normalizeQuantiles(levels);
  return [...new Set(levels)].toSorted((a, b) => a - b);
}

/** One flat row of `forecastTable`. */
export interface ForecastTableItem {
  readonly seriesKey: string;
  readonly attributes: Record<string, string>;
  readonly date: string;
  readonly actual: number | null;
  readonly levels: readonly number[];
  readonly values: readonly number[];
  /** The point's mean, where the run stored one (its tails follow from it). */
  readonly mean: number | null;
  readonly requested: readonly number[];
}

/** Validates a forecast request against its dataset (pure). */
export function normalizeForecastQuery(req: ForecastRequest, dataset: DatasetRecord): ForecastQuery {
  const filters = [...(req.where ?? [])];
  let groupAttribute: string | undefined;
  const groupBy = req.groupBy?.trim();
  if (groupBy && req.seriesId) {
    throw new UserInputError('Give either `seriesId` (one series) or `groupBy` (a total), not both.', {
      argument: 'groupBy',
    });
  }
  if (groupBy && groupBy.toLowerCase() !== 'all') {
    const eq = groupBy.indexOf('=');
    if (eq >= 0) {
      const name = groupBy.slice(0, eq).trim();
      const value = groupBy.slice(eq + 1).trim();
      if (!name || !value) {
        throw new UserInputError(
          `groupBy "${groupBy}" is not valid; write an attribute ("store"), "attribute=value" ("store=CA_1") or "all".`,
          {
            argument: 'groupBy',
            value: groupBy,
          },
        );
      }
      filters.push({ name, value });
    } else {
      groupAttribute = groupBy;
    }
  }
  assertAttributes(
    dataset,
    [...filters.map((f) => f.name), ...(groupAttribute ? [groupAttribute] : [])],
    groupAttribute ? 'groupBy' : 'where',
  );
  const from = req.from ?? undefined;
  const to = req.to ?? undefined;
  if (from && to && from > to) {
    throw new UserInputError(`\`from\` ${from} is after \`to\` ${to}; swap them or drop one.`, { from, to });
  }
  return {
    seriesKey: req.seriesId ?? undefined,
    groupAttribute,
    filters,
    from,
    to,
    bucket: req.bucket ?? 'day',
    levels: req.quantiles ? requestedLevels(req.quantiles) : undefined,
    dependence: req.dependence ?? Dependence.FITTED,
  };
}

/**
 * Item 6 of issue 13: a level the run did not store is computed from the forecast distribution
 * (tails beyond the stored levels); a run without a fitted distribution (trained before one was
 * stored) can only interpolate between its levels, so a level outside them is refused with the
 * levels it has. Never clamped silently.
 */
export function assertLevelsServable(
  levels: readonly number[] | undefined,
  run: Pick<TrainingRunRecord, 'id' | 'quantiles'>,
  hasDistribution: boolean,
): void {
  if (!levels || hasDistribution) return;
  const stored = [...run.quantiles].toSorted((a, b) => a - b);
  const lo = stored[0];
  const hi = stored.at(-1);
  if (lo === undefined || hi === undefined) return;
  const outside = levels.filter((l) => l < lo - 1e-12 || l > hi + 1e-12);
  if (outside.length === 0) return;
  throw new UserInputError(
    `Quantile level${outside.length > 1 ? 's' : ''} ${outside.join(', ')} lie${outside.length > 1 ? '' : 's'} outside the levels training run ${run.id} stored (${stored.join(', ')}), and the run has no fitted distribution to compute ${outside.length > 1 ? 'them' : 'it'} from: ask for levels within [${lo}, ${hi}] or train again (new runs compute any level).`,
    { argument: 'quantiles', value: outside, available: stored, runId: String(run.id) },
  );
}

export class ForecastService {
  constructor(
    private readonly forecasts: ForecastStore,
    private readonly runs: RunStore,
  ) {}

  /** The succeeded run a view reads: the given one (checked) or the dataset's latest. */
  async resolveRun(
    tenantId: number,
    dataset: DatasetRecord,
    runId: string | null | undefined,
  ): Promise<TrainingRunRecord | undefined> {
    if (runId === null || runId === undefined) return this.runs.latestSucceeded(tenantId, dataset.id);
    const run = await this.runs.get(tenantId, parseRowId('TrainingRun', runId));
    if (!run || run.datasetId !== dataset.id) throw new NotFoundError('TrainingRun', runId);
    if (run.status !== RunStatus.SUCCEEDED) {
      throw new UserInputError(`Training run ${runId} is ${run.status}; forecasts exist only for SUCCEEDED runs.`, {
        runId,
      });
    }
    return run;
  }

  /** `resolveRun`, or NOT_FOUND saying how to get one when the dataset has no succeeded run. */
  async requireRun(
    tenantId: number,
    dataset: DatasetRecord,
    runId: string | null | undefined,
  ): Promise<TrainingRunRecord> {
    const run = await this.resolveRun(tenantId, dataset, runId);
    if (!run) {
      throw new DomainError(
        ErrorCode.NOT_FOUND,
        `Dataset "${dataset.name}" has no succeeded training run; run \`forecastql train --dataset "${dataset.name}"\` first.`,
      );
    }
    return run;
  }

  /**
   * Every stored row of a succeeded run's forecast, page by page, ordered by series key and date
   * (the predictions CSV of `forecastql forecast`).
   */
  async *exportRows(
    tenantId: number,
    dataset: DatasetRecord,
    run: TrainingRunRecord,
    pageSize = 5000,
  ): AsyncGenerator<Array<ForecastRecord & { seriesKey: string }>> {
    for (let offset = 0; ; offset += pageSize) {
      const page = await this.forecasts.tablePage(
        tenantId,
        run.id,
        { datasetId: dataset.id },
        {},
        { offset, limit: pageSize },
      );
      if (page.items.length > 0) yield page.items;
      if (page.items.length < pageSize) return;
    }
  }

  /** `undefined` when the dataset has no succeeded run yet. */
  async forecast(tenantId: number, dataset: DatasetRecord, req: ForecastRequest): Promise<ForecastView | undefined> {
    const query = normalizeForecastQuery(req, dataset);
    const selection: SeriesSelection = {
      datasetId: dataset.id,
      ...(query.seriesKey !== undefined ? { seriesKey: query.seriesKey } : {}),
      attributes: query.filters,
    };
    const single = query.seriesKey !== undefined;
    const series = await this.selectSeries(tenantId, selection);
    if (single && series.length === 0) throw new NotFoundError('Series', query.seriesKey!);
    const run = await this.resolveRun(tenantId, dataset, req.runId);
    if (!run) return undefined;
    const ids = series.map((s) => s.id);
    // A succeeded run's rows never change: served from the repository's cache.
    const forecastRows = await this.forecasts.forSucceededRun(tenantId, run.id, ids);
    const forecastStart = forecastRows.reduce<string | undefined>(
      (m, f) => (m === undefined || f.date < m ? f.date : m),
      undefined,
    );
    const lastForecast = forecastRows.reduce<string | undefined>(
      (m, f) => (m === undefined || f.date > m ? f.date : m),
      undefined,
    );
    // A default start is moved back to its bucket's first day, so the first bucket is whole.
    const from =
      query.from ??
      (forecastStart
        ? bucketStart(addSteps(forecastStart, -DEFAULT_HISTORY_HORIZONS * run.horizon, dataset.frequency), query.bucket)
        : undefined);
    const to = query.to ?? lastForecast;
    const range = { from, to };
    // By the ids just selected (prepared statements, no join): the same series as the selection;
    // from memory while the dataset's data version (read in this request) is unchanged.
    const actuals = await this.forecasts.actualsAtVersion(tenantId, dataset, ids, range);
    const distribution = await this.forecasts.distributionOf(tenantId, run.id);
    assertLevelsServable(query.levels, run, distribution !== undefined);
    const levels = query.levels ?? [...run.quantiles];
    // Totals aggregate many members per bucket (costly); a run's rows never change, so the
    // aggregated quantiles are kept by run and member series.
    const memoFor = (memberIds: readonly number[]) =>
      memberIds.length < 2
        ? undefined
        : {
            key: `${tenantId}|${run.id}|${createHash('sha1')
              .update(memberIds.toSorted((a, b) => a - b).join(','))
              .digest('base64')}`,
            cache: this.forecasts.derived,
          };
    const shape = (memberIds: ReadonlySet<number> | undefined, kind: string | undefined) => {
      const memo = memoFor(memberIds ? ids.filter((id) => memberIds.has(id)) : ids);
      return shapeForecast({
        forecasts: memberIds ? forecastRows.filter((f) => memberIds.has(f.seriesId)) : forecastRows,
        actuals: memberIds ? actuals.filter((a) => memberIds.has(a.seriesId)) : actuals,
        from,
        to,
        bucket: query.bucket,
        levels,
        dependence: query.dependence,
        fitted: distribution?.dependence,
        kind,
        ...(memo ? { memo } : {}),
      });
    };
    return {
      datasetId: String(dataset.id),
      runId: String(run.id),
      seriesId: query.seriesKey ?? null,
      groupBy: query.groupAttribute ?? null,
      filters: query.filters.map((f) => ({ name: f.name, value: f.value })),
      seriesCount: series.length,
      bucket: query.bucket,
      dependence: query.dependence,
      quantiles: [...levels],
      forecastStart: forecastStart ?? null,
      points: shape(undefined, totalKind(query.filters, undefined)),
      groups: query.groupAttribute
        ? this.groups(series, query.groupAttribute, (members) =>
            shape(members, totalKind(query.filters, query.groupAttribute)),
          )
        : [],
    };
  }

  /**
   * Known sales of one series or a total, bucketed, with no forecast: what a chart shows before
   * the dataset's first run succeeds (or beside it). Default range: the whole history.
   */
  async history(tenantId: number, dataset: DatasetRecord, req: ForecastRequest): Promise<ShapedPoint[]> {
    const query = normalizeForecastQuery(req, dataset);
    const series = await this.selectSeries(tenantId, {
      datasetId: dataset.id,
      ...(query.seriesKey !== undefined ? { seriesKey: query.seriesKey } : {}),
      attributes: query.filters,
    });
    if (query.seriesKey !== undefined && series.length === 0) throw new NotFoundError('Series', query.seriesKey);
    const range = { from: query.from, to: query.to };
    const actuals = await this.forecasts.actualsAtVersion(
      tenantId,
      dataset,
      series.map((s) => s.id),
      range,
    );
    return shapeForecast({
      forecasts: [],
      actuals,
      ...range,
      bucket: query.bucket,
      levels: [],
      dependence: query.dependence,
    });
  }

  /** One series by key needs only its (cached) id; filters and totals read the selection. */
  private async selectSeries(tenantId: number, selection: SeriesSelection): Promise<SelectedSeries[]> {
    if (selection.seriesKey === undefined || (selection.attributes?.length ?? 0) > 0) {
      return this.forecasts.selectSeries(tenantId, selection);
    }
    const id = await this.forecasts.seriesIdByKey(tenantId, selection.datasetId, selection.seriesKey);
    return id === undefined ? [] : [{ id, key: selection.seriesKey, attributes: {} }];
  }

  private groups(
    series: readonly SelectedSeries[],
    attribute: string,
    shape: (ids: ReadonlySet<number>) => ShapedPoint[],
  ): ForecastView['groups'] {
    const byValue = new Map<string, Set<number>>();
    for (const s of series) {
      const value = s.attributes[attribute];
      if (value === undefined) continue;
      let set = byValue.get(value);
      if (!set) byValue.set(value, (set = new Set()));
      set.add(s.id);
    }
    return [...byValue.keys()].toSorted().map((value) => {
      const ids = byValue.get(value)!;
      return { attribute, value, seriesCount: ids.size, points: shape(ids) };
    });
  }

  /**
   * The forecast of one series inside a list (`Series.forecast`): its forecast dates (or
   * [from, to]) with actuals where known. Rows come through batch loaders, so a page of N series
   * costs a fixed number of statements, not N.
   */
  async seriesForecast(
    dataset: DatasetRecord,
    run: TrainingRunRecord,
    series: { id: number; key: string },
    req: {
      from?: string | null | undefined;
      to?: string | null | undefined;
      quantiles?: readonly number[] | null | undefined;
    },
    load: {
      forecasts(runId: number, seriesId: number): Promise<ForecastRecord[]>;
      actuals(seriesId: number, from: string | undefined, to: string | undefined): Promise<ActualRecord[]>;
    },
  ): Promise<ForecastView> {
    const query = normalizeForecastQuery({ from: req.from, to: req.to, quantiles: req.quantiles }, dataset);
    const rows = await load.forecasts(run.id, series.id);
    const from = query.from ?? rows[0]?.date;
    const to = query.to ?? rows.at(-1)?.date;
    const actuals = await load.actuals(series.id, from, to);
    if (query.levels)
      assertLevelsServable(
        query.levels,
        run,
        rows.some((r) => r.mean !== null && r.mean !== undefined),
      );
    const levels = query.levels ?? [...run.quantiles];
    return {
      datasetId: String(dataset.id),
      runId: String(run.id),
      seriesId: series.key,
      groupBy: null,
      filters: [],
      seriesCount: 1,
      bucket: 'day',
      dependence: Dependence.INDEPENDENT,
      quantiles: [...levels],
      forecastStart: rows[0]?.date ?? null,
      points: shapeForecast({
        forecasts: rows,
        actuals,
        from,
        to,
        bucket: 'day',
        levels,
        dependence: Dependence.INDEPENDENT,
      }),
      groups: [],
    };
  }

  /** Flat rows (series × forecast date) for BI tools, paged. */
  async table(
    tenantId: number,
    dataset: DatasetRecord,
    req: ForecastRequest & { first?: number | null | undefined; after?: string | null | undefined },
  ): Promise<Page<ForecastTableItem>> {
    const query = normalizeForecastQuery({ ...req, groupBy: null }, dataset);
    const page = toPageRequest(req.first, req.after);
    const run = await this.resolveRun(tenantId, dataset, req.runId);
    if (!run) {
      throw new DomainError(
        ErrorCode.NOT_FOUND,
        `Dataset "${dataset.name}" has no succeeded training run yet; start one with startTrainingRun.`,
        {
          datasetId: String(dataset.id),
        },
      );
    }
    const selection: SeriesSelection = {
      datasetId: dataset.id,
      ...(query.seriesKey !== undefined ? { seriesKey: query.seriesKey } : {}),
      attributes: query.filters,
    };
    const { items, totalCount } = await this.forecasts.tablePage(
      tenantId,
      run.id,
      selection,
      { from: query.from, to: query.to },
      page,
    );
    const ids = [...new Set(items.map((i) => i.seriesId))];
    const dates = items.map((i) => i.date).toSorted();
    const actuals =
      items.length === 0
        ? []
        : await this.forecasts.actualsForSeries(tenantId, ids, { from: dates[0], to: dates.at(-1) });
    const actualOf = new Map(actuals.map((a) => [`${a.seriesId}|${a.date}`, a.value]));
    if (query.levels) {
      assertLevelsServable(query.levels, run, (await this.forecasts.distributionOf(tenantId, run.id)) !== undefined);
    }
    const requested = query.levels ?? [...run.quantiles];
    return {
      totalCount,
      offset: page.offset,
      items: items.map((i) => ({
        seriesKey: i.seriesKey,
        attributes: i.attributes,
        date: i.date,
        actual: actualOf.get(`${i.seriesId}|${i.date}`) ?? null,
        levels: i.levels,
        values: i.values,
        mean: i.mean ?? null,
        requested,
      })),
    };
  }
}
