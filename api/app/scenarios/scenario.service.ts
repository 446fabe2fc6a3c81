/**
 * What-if scenarios (issue 18 item 2): "what if this price were 10 % lower next week?" answered
 * by the stored model of the dataset's latest succeeded run, without retraining and without
 * writing anything: baseline and scenario forecasts with intervals, the difference in units, and
 * revenue where the series have a price. Saved scenarios keep only the question (selection and
 * changes) and are answered again from the latest run whenever they are read.
 *
 * How (the maths are pure, in forecasting/scenario.ts):
 * 1. the run and its model (restored from the artefact once per run and kept: an LRU by run);
 * 2. the selected series and the series the model compares them with (its price features'
 *    competitor group: the same store), their rows as a panel cut at the run's forecast origin;
 * 3. the changes checked against the covariates the model reads and applied to the future
 *    covariates of the selected series; baseline and scenario predicted and finished as the run
 *    finished its forecast;
 * 4. one series' points exactly, a total's from the run's fitted dependence (forecast-shape.ts,
 *    as `forecast` totals are); means and revenue add up.
 * The engine (TensorFlow.js) is imported on the first scenario, not when the API starts.
 */
import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { DomainError, ErrorCode, NotFoundError, UserInputError } from '../../errors/index.js';
import type { buildPanel } from '../../forecasting/frames.js';
import type { deserializeForecaster } from '../../forecasting/models.js';
import type * as ScenarioMaths from '../../forecasting/scenario.js';
import type { CovariateChange, ModelInputs, ScenarioForecasts } from '../../forecasting/scenario.js';
import type { GlobalForecaster, Panel, QuantileForecast } from '../../forecasting/types.js';
import { parseRowId } from '../common/ids.js';
import { bucketStart, shapeForecast, type BucketKind } from '../forecasts/forecast-shape.js';
import { normalizeForecastQuery, type ForecastService } from '../forecasts/forecast.service.js';
import { Dependence, totalKind } from '../forecasts/quantile-aggregation.js';
import type { DatasetRecord, ForecastRecord, ForecastStore, SelectedSeries, TrainingRunRecord } from '../ports.js';
import type { SavedScenarioRecord, ScenarioSelection, ScenarioStore, StoredChange } from './ports.js';

/** Series a scenario may cover (one series is the common case; a total costs a prediction per series). */
export const MAX_SCENARIO_SERIES = 2000;

/** Changes in one scenario. */
export const MAX_SCENARIO_CHANGES = 20;

/** Restored models kept per process (each holds its weights as tensors). */
export const SCENARIO_MODELS_KEPT = 8;

/** Panels (a selection's rows at one data version) kept per process. */
export const SCENARIO_PANELS_KEPT = 64;

/** A scenario's question: which series, which changes (`seriesId` xor `groupBy`, as `forecast`). */
export interface ScenarioRequest {
  readonly seriesId?: string | null | undefined;
  readonly groupBy?: string | null | undefined;
  readonly where?: readonly { readonly name: string; readonly value: string }[] | null | undefined;
  readonly changes: readonly CovariateChange[];
  readonly bucket?: BucketKind | null | undefined;
}

/** Quantiles and mean of one side (baseline or scenario) of a point. */
export interface ScenarioSide {
  readonly p10: number;
  readonly p50: number;
  readonly p90: number;
  /** Expected units (the run's distribution mean); sums over series and dates add up. */
  readonly mean: number;
  /** Expected revenue: price × expected units, null where a series has no price on a date. */
  readonly revenue: number | null;
  /** The price (one series only; null for totals or where none is known). */
  readonly price: number | null;
}

export interface ScenarioPoint {
  readonly date: string;
  readonly baseline: ScenarioSide;
  readonly scenario: ScenarioSide;
  /** Expected units, scenario minus baseline. */
  readonly difference: number;
  /** Median, scenario minus baseline. */
  readonly p50Difference: number;
  /** Expected revenue, scenario minus baseline (null where revenue is). */
  readonly revenueDifference: number | null;
}

export interface ScenarioTotals {
  readonly baselineUnits: number;
  readonly scenarioUnits: number;
  readonly differenceUnits: number;
  /** `differenceUnits` over `baselineUnits`, in % (null when the baseline is 0). */
  readonly differencePercent: number | null;
  readonly baselineRevenue: number | null;
  readonly scenarioRevenue: number | null;
  readonly differenceRevenue: number | null;
}

export interface AppliedChangeView {
  readonly covariate: string;
  readonly from: string;
  readonly to: string;
  readonly value: number | null;
  readonly percentChange: number | null;
}

export interface ScenarioResult {
  readonly datasetId: string;
  readonly runId: string;
  readonly model: string;
  readonly seriesId: string | null;
  readonly groupBy: string | null;
  readonly filters: readonly { readonly name: string; readonly value: string }[];
  readonly seriesCount: number;
  readonly bucket: BucketKind;
  /** The price covariate revenue is computed with, if the dataset has one. */
  readonly priceCovariate: string | null;
  readonly changes: readonly AppliedChangeView[];
  readonly warnings: readonly string[];
  readonly points: readonly ScenarioPoint[];
  readonly totals: ScenarioTotals;
}

/** One point of a price-response curve: a uniform price change over the forecast window. */
export interface PriceResponsePoint {
  readonly percentChange: number;
  /** Expected units over the window at that price. */
  readonly units: number;
  /** Expected revenue over the window (null when a series has no price). */
  readonly revenue: number | null;
  /** Units relative to the unchanged price, in % (null when the baseline is 0). */
  readonly unitsChangePercent: number | null;
}

export interface PriceResponse {
  readonly runId: string;
  readonly covariate: string;
  readonly points: readonly PriceResponsePoint[];
  readonly warnings: readonly string[];
}

/** Price changes a response curve is evaluated at when none are given (in %). */
export const DEFAULT_PRICE_STEPS: readonly number[] = [-30, -20, -10, 0, 10, 20, 30];

/** Most points of one response curve. */
export const MAX_PRICE_STEPS = 25;

/** A restored run model and what it reads. */
interface LoadedModel {
  readonly model: GlobalForecaster;
  readonly inputs: ModelInputs | undefined;
}

type Engine = typeof ScenarioMaths & {
  readonly deserializeForecaster: typeof deserializeForecaster;
  readonly buildPanel: typeof buildPanel;
};

let engine: Promise<Engine> | undefined;

/** The engine, imported (and its TensorFlow.js backend started) on first use, by literal specifiers. */
function loadEngine(): Promise<Engine> {
  engine ??= (async () => {
    const [scenario, models, frames, backend] = await Promise.all([
      import('../../forecasting/scenario.js'),
      import('../../forecasting/models.js'),
      import('../../forecasting/frames.js'),
      import('../../forecasting/backend.js'),
    ]);
    await backend.initBackend();
    return { ...scenario, deserializeForecaster: models.deserializeForecaster, buildPanel: frames.buildPanel };
  })();
  engine.catch(() => {
    engine = undefined;
  });
  return engine;
}

/** Process-wide caches of the scenario use-cases (shared by every scope: keys name tenant and run). */
export interface ScenarioCaches {
  readonly models: LRUCache<string, LoadedModel>;
  readonly panels: LRUCache<string, Panel>;
}

export function createScenarioCaches(): ScenarioCaches {
  return {
    models: new LRUCache<string, LoadedModel>({
      max: SCENARIO_MODELS_KEPT,
      dispose: (m) => m.model.dispose(),
    }),
    panels: new LRUCache<string, Panel>({ max: SCENARIO_PANELS_KEPT }),
  };
}

/** The request's selection and changes in their stored shape (what `saveScenario` keeps). */
export function toStoredScenario(req: ScenarioRequest): { selection: ScenarioSelection; changes: StoredChange[] } {
  return {
    selection: {
      seriesId: req.seriesId ?? null,
      groupBy: req.groupBy ?? null,
      where: (req.where ?? []).map((w) => ({ name: w.name, value: w.value })),
    },
    changes: req.changes.map((c) => ({
      covariate: c.covariate,
      from: c.from ?? null,
      to: c.to ?? null,
      value: c.value ?? null,
      percentChange: c.percentChange ?? null,
    })),
  };
}

function sum(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s;
}

/**
 * A run whose model learns no covariates (a per-series baseline such as seasonal naive, or an
 * artefact the engine cannot restore) cannot answer a what-if: BAD_USER_INPUT with
 * `reason: MODEL_READS_NO_COVARIATES`, saying which models can and what data they need.
 */
export function noWhatIfs(run: Pick<TrainingRunRecord, 'id' | 'model' | 'chosenModel'>): DomainError {
  const model = run.chosenModel ?? run.model;
  return new DomainError(
    ErrorCode.BAD_USER_INPUT,
    `Training run ${run.id} forecast with model "${model}", which learns no covariates, so it cannot answer what-ifs (scenario, priceResponse): a changed price cannot move its forecast. Train a model that learns covariates (model auto, mlp or gbm) on data with the planned price on future rows (import them with the price and an empty quantity), then ask again.`,
    { reason: 'MODEL_READS_NO_COVARIATES', runId: String(run.id), model },
  );
}

export class ScenarioService {
  constructor(
    private readonly store: ScenarioStore,
    private readonly forecasts: ForecastStore,
    private readonly forecastService: ForecastService,
    private readonly caches: ScenarioCaches,
  ) {}

  /** A scenario answered from the dataset's latest succeeded run; nothing is written. */
  async evaluate(tenantId: number, dataset: DatasetRecord, req: ScenarioRequest): Promise<ScenarioResult> {
    const query = normalizeForecastQuery(
      { seriesId: req.seriesId, groupBy: req.groupBy, where: req.where, bucket: req.bucket },
      dataset,
    );
    if (query.groupAttribute !== undefined) {
      throw new UserInputError(
        `A scenario answers one series or one total: write groupBy as "attribute=value" or "all", not "${query.groupAttribute}".`,
        { argument: 'groupBy', value: query.groupAttribute },
      );
    }
    if (req.changes.length > MAX_SCENARIO_CHANGES) {
      throw new UserInputError(
        `A scenario takes at most ${MAX_SCENARIO_CHANGES} changes; this one has ${req.changes.length}.`,
        { argument: 'changes' },
      );
    }
    const single = query.seriesKey !== undefined;
    if (!single && req.groupBy == null && query.filters.length === 0) {
      throw new UserInputError('Name the series of the scenario: `seriesId`, or `groupBy` ("store=CA_1" or "all").', {
        argument: 'seriesId',
      });
    }
    const selected = await this.forecasts.selectSeries(tenantId, {
      datasetId: dataset.id,
      ...(single ? { seriesKey: query.seriesKey } : {}),
      attributes: query.filters,
    });
    if (single && selected.length === 0) throw new NotFoundError('Series', query.seriesKey!);
    if (selected.length === 0) {
      throw new UserInputError('The scenario selects no series: check `groupBy` and `where`.', { argument: 'where' });
    }
    if (selected.length > MAX_SCENARIO_SERIES) {
      throw new UserInputError(
        `The scenario selects ${selected.length} series; at most ${MAX_SCENARIO_SERIES} are answered at once. Narrow it with \`where\` or \`groupBy\` "attribute=value".`,
        { argument: 'groupBy', seriesCount: selected.length },
      );
    }
    const run = await this.forecastService.requireRun(tenantId, dataset, null);
    const e = await loadEngine();
    const loaded = await this.model(tenantId, run, e, noWhatIfs);
    // A model that reads no covariate at all (a baseline); one that reads them from the history only
    // gets the engine's own refusal, which says to import the planned values (applyChanges).
    const reads = loaded.inputs;
    if (reads !== undefined && reads.known.length === 0 && reads.historyOnly.length === 0) throw noWhatIfs(run);
    // The model's price features compare a series with its competitors (same store): predict those too.
    const peers = await this.peers(tenantId, dataset, selected, loaded.inputs?.competitorGroup);
    const ids = [...new Set([...selected.map((s) => s.id), ...peers.map((s) => s.id)])].toSorted((a, b) => a - b);
    const keyOf = new Map([...selected, ...peers].map((s) => [s.id, s.key]));
    const idOf = new Map([...keyOf].map(([id, key]) => [key, id]));
    const rows = await this.forecasts.forSucceededRun(tenantId, run.id, ids);
    const origins = new Map<string, string>();
    for (const r of rows) {
      const key = keyOf.get(r.seriesId)!;
      const d = origins.get(key);
      if (d === undefined || r.date < d) origins.set(key, r.date);
    }
    const full = await this.panel(tenantId, dataset, ids, e);
    const panel = e.asOfOrigin(full, origins, run.horizon);
    const targets = new Set(selected.map((s) => s.key).filter((k) => origins.has(k)));
    if (targets.size === 0) {
      throw new DomainError(
        ErrorCode.INSUFFICIENT_HISTORY,
        `Training run ${run.id} has no forecast for ${single ? `series "${query.seriesKey}"` : 'these series'} (no sales history when it trained); train again to include ${single ? 'it' : 'them'}.`,
        { runId: String(run.id) },
      );
    }
    const distribution = await this.forecasts.distributionOf(tenantId, run.id);
    const result = await e.predictScenario(loaded.model, panel, targets, req.changes, {
      horizon: run.horizon,
      inputs: loaded.inputs,
      distribution,
      runId: String(run.id),
      model: run.chosenModel ?? run.model,
    });
    const price = e.priceCovariate(panel) ?? null;
    const warnings = [...result.warnings];
    if (targets.size < selected.length) {
      warnings.push(
        `${selected.length - targets.size} of ${selected.length} series have no forecast in training run ${run.id} and are left out.`,
      );
    }
    return {
      datasetId: String(dataset.id),
      runId: String(run.id),
      model: run.chosenModel ?? run.model,
      seriesId: query.seriesKey ?? null,
      groupBy: req.groupBy ?? null,
      filters: query.filters.map((f) => ({ name: f.name, value: f.value })),
      seriesCount: targets.size,
      bucket: query.bucket,
      priceCovariate: price,
      changes: result.changes,
      warnings,
      ...this.shape(
        result,
        idOf,
        price,
        single,
        query.bucket,
        distribution?.dependence,
        totalKind(query.filters, undefined),
        e,
      ),
    };
  }

  /**
   * The response of expected units and revenue to a price moved by each of `percentChanges` over
   * the whole forecast window (a scenario per point: `<fq-price-response>`'s curve).
   */
  async priceResponse(
    tenantId: number,
    dataset: DatasetRecord,
    req: Omit<ScenarioRequest, 'changes' | 'bucket'> & {
      readonly covariate?: string | null | undefined;
      readonly percentChanges?: readonly number[] | null | undefined;
    },
  ): Promise<PriceResponse> {
    const covariate = req.covariate ?? 'price';
    const steps = [...new Set(req.percentChanges ?? DEFAULT_PRICE_STEPS)].toSorted((a, b) => a - b);
    if (steps.length === 0 || steps.length > MAX_PRICE_STEPS) {
      throw new UserInputError(`A price response takes 1 to ${MAX_PRICE_STEPS} percent changes; got ${steps.length}.`, {
        argument: 'percentChanges',
      });
    }
    const points: PriceResponsePoint[] = [];
    const warnings = new Set<string>();
    let runId = '';
    for (const p of steps) {
      const r = await this.evaluate(tenantId, dataset, {
        seriesId: req.seriesId,
        groupBy: req.groupBy,
        where: req.where,
        changes: [{ covariate, percentChange: p }],
      });
      runId = r.runId;
      for (const w of r.warnings) warnings.add(w);
      points.push({
        percentChange: p,
        units: r.totals.scenarioUnits,
        revenue: r.totals.scenarioRevenue,
        unitsChangePercent:
          r.totals.baselineUnits > 0
            ? (100 * (r.totals.scenarioUnits - r.totals.baselineUnits)) / r.totals.baselineUnits
            : null,
      });
    }
    return { runId, covariate, points, warnings: [...warnings] };
  }

  /** Saves (or replaces, by name) a scenario of a dataset after answering it once: a saved scenario is valid when saved. */
  async save(
    tenantId: number,
    dataset: DatasetRecord,
    name: string,
    req: ScenarioRequest,
  ): Promise<{ saved: SavedScenarioRecord; result: ScenarioResult }> {
    const trimmed = name.trim();
    if (trimmed.length === 0 || trimmed.length > 200) {
      throw new UserInputError(`A scenario's name must have 1 to 200 characters; got ${JSON.stringify(name)}.`, {
        argument: 'name',
      });
    }
    const result = await this.evaluate(tenantId, dataset, req);
    const saved = await this.store.save(tenantId, { datasetId: dataset.id, name: trimmed, ...toStoredScenario(req) });
    return { saved, result };
  }

  /** A dataset's saved scenarios, by name (each answered when its result is read: `evaluateSaved`). */
  list(tenantId: number, dataset: DatasetRecord): Promise<SavedScenarioRecord[]> {
    return this.store.list(tenantId, dataset.id);
  }

  /** One saved scenario, NOT_FOUND when it is not this scope's. */
  async get(tenantId: number, id: string): Promise<SavedScenarioRecord> {
    const found = await this.store.get(tenantId, parseRowId('Scenario', id));
    if (!found) throw new NotFoundError('Scenario', id);
    return found;
  }

  /** A saved scenario answered again from the dataset's latest succeeded run. */
  evaluateSaved(
    tenantId: number,
    dataset: DatasetRecord,
    saved: SavedScenarioRecord,
    bucket?: BucketKind | null,
  ): Promise<ScenarioResult> {
    return this.evaluate(tenantId, dataset, {
      seriesId: saved.selection.seriesId,
      groupBy: saved.selection.groupBy,
      where: saved.selection.where,
      changes: saved.changes,
      bucket: bucket ?? null,
    });
  }

  async delete(tenantId: number, id: string): Promise<boolean> {
    return this.store.delete(tenantId, parseRowId('Scenario', id));
  }

  /**
   * What predicting one series from a run's stored model needs (per-point explanations reuse it):
   * the model restored once per run (the same cache as scenarios), what it reads, the series and
   * its competitor peers as a panel cut at the run's forecast origin, and the run's distribution.
   * NOT_FOUND for an unknown series; INSUFFICIENT_HISTORY where the run has no forecast for it.
   */
  async seriesContext(
    tenantId: number,
    dataset: DatasetRecord,
    run: TrainingRunRecord,
    seriesKey: string,
    /** The refusal for a run whose artefact the engine cannot restore (a per-series baseline). */
    unrestorable: (run: TrainingRunRecord) => DomainError = noWhatIfs,
  ): Promise<{
    model: GlobalForecaster;
    inputs: ModelInputs | undefined;
    panel: Panel;
    distribution: Awaited<ReturnType<ForecastStore['distributionOf']>>;
  }> {
    const selected = await this.forecasts.selectSeries(tenantId, { datasetId: dataset.id, seriesKey, attributes: [] });
    if (selected.length === 0) throw new NotFoundError('Series', seriesKey);
    const e = await loadEngine();
    const loaded = await this.model(tenantId, run, e, unrestorable);
    const peers = await this.peers(tenantId, dataset, selected, loaded.inputs?.competitorGroup);
    const ids = [...new Set([...selected.map((s) => s.id), ...peers.map((s) => s.id)])].toSorted((a, b) => a - b);
    const keyOf = new Map([...selected, ...peers].map((s) => [s.id, s.key]));
    const rows = await this.forecasts.forSucceededRun(tenantId, run.id, ids);
    const origins = new Map<string, string>();
    for (const r of rows) {
      const key = keyOf.get(r.seriesId)!;
      const d = origins.get(key);
      if (d === undefined || r.date < d) origins.set(key, r.date);
    }
    if (!origins.has(seriesKey)) {
      throw new DomainError(
        ErrorCode.INSUFFICIENT_HISTORY,
        `Training run ${run.id} has no forecast for series "${seriesKey}" (no sales history when it trained); train again to include it.`,
        { runId: String(run.id) },
      );
    }
    const panel = e.asOfOrigin(await this.panel(tenantId, dataset, ids, e), origins, run.horizon);
    return {
      model: loaded.model,
      inputs: loaded.inputs,
      panel,
      distribution: await this.forecasts.distributionOf(tenantId, run.id),
    };
  }

  /** The run's model, restored once; an artefact the engine cannot restore is refused with `unrestorable` when given. */
  private async model(
    tenantId: number,
    run: TrainingRunRecord,
    e: Engine,
    unrestorable?: (run: TrainingRunRecord) => DomainError,
  ): Promise<LoadedModel> {
    const key = `${tenantId}|${run.id}`;
    const found = this.caches.models.get(key);
    if (found) return found;
    const artefact = await this.store.artefact(tenantId, run.id);
    if (!artefact) {
      throw new DomainError(
        ErrorCode.NOT_FOUND,
        `Training run ${run.id} stored no model, so it cannot answer scenarios; train again.`,
        { runId: String(run.id) },
      );
    }
    if (unrestorable && e.artefactFormat(artefact.json) === undefined) throw unrestorable(run);
    const loaded: LoadedModel = {
      model: await e.deserializeForecaster(artefact),
      inputs: e.modelInputs(artefact.json),
    };
    // Another request may have restored it meanwhile: keep one, free the other.
    const raced = this.caches.models.get(key);
    if (raced) {
      loaded.model.dispose();
      return raced;
    }
    this.caches.models.set(key, loaded);
    return loaded;
  }

  /** Series sharing the competitor-group value of a selected one (they shape its price features). */
  private async peers(
    tenantId: number,
    dataset: DatasetRecord,
    selected: readonly SelectedSeries[],
    group: string | undefined,
  ): Promise<SelectedSeries[]> {
    if (group === undefined) return [];
    const values = [...new Set(selected.map((s) => s.attributes[group]).filter((v): v is string => !!v))];
    const out: SelectedSeries[] = [];
    for (const value of values) {
      out.push(
        ...(await this.forecasts.selectSeries(tenantId, {
          datasetId: dataset.id,
          attributes: [{ name: group, value }],
        })),
      );
    }
    return out;
  }

  /** The series' rows as a panel, kept while the dataset's data version stands. */
  private async panel(tenantId: number, dataset: DatasetRecord, ids: readonly number[], e: Engine): Promise<Panel> {
    const key = `${tenantId}|${dataset.id}|${dataset.dataVersion}|${createHash('sha1').update(ids.join(',')).digest('base64')}`;
    const found = this.caches.panels.get(key);
    if (found) return found;
    const raw = await this.store.rawSeries(tenantId, dataset.id, ids);
    const built = e.buildPanel(raw, dataset.frequency);
    const panel = dataset.country ? { ...built, country: dataset.country } : built;
    this.caches.panels.set(key, panel);
    return panel;
  }

  private shape(
    result: ScenarioForecasts,
    idOf: ReadonlyMap<string, number>,
    priceName: string | null,
    single: boolean,
    bucket: BucketKind,
    fitted: Parameters<typeof shapeForecast>[0]['fitted'],
    kind: string | undefined,
    e: Engine,
  ): { points: ScenarioPoint[]; totals: ScenarioTotals } {
    const side = (forecasts: readonly QuantileForecast[], panel: Panel) => {
      const records: ForecastRecord[] = [];
      /** By bucket start: expected units, revenue (NaN once a price is missing) and the one series' price. */
      const sums = new Map<string, { mean: number; revenue: number; price: number }>();
      const bucketOf = (date: string): string => bucketStart(date, bucket);
      for (const f of forecasts) {
        const prices = priceName ? e.futureValues(panel, f.seriesId, priceName, f.dates.length) : undefined;
        f.dates.forEach((date, t) => {
          const values = f.values.map((row) => row[t]!);
          const mean = f.mean ? f.mean[t]! : (values[f.quantiles.indexOf(0.5)] ?? values[0]!);
          records.push({ seriesId: idOf.get(f.seriesId)!, date, levels: f.quantiles, values, mean });
          const b = bucketOf(date);
          const acc = sums.get(b) ?? { mean: 0, revenue: 0, price: Number.NaN };
          const p = prices ? prices[t]! : Number.NaN;
          acc.mean += mean;
          acc.revenue += Number.isFinite(p) ? p * mean : Number.NaN;
          if (single && bucket === 'day') acc.price = p;
          sums.set(b, acc);
        });
      }
      const points = shapeForecast({
        forecasts: records,
        actuals: [],
        from: undefined,
        to: undefined,
        bucket,
        levels: [0.1, 0.5, 0.9],
        dependence: single ? Dependence.INDEPENDENT : Dependence.FITTED,
        fitted,
        kind,
      });
      return points.map((pt) => {
        const s = sums.get(pt.date)!;
        return {
          date: pt.date,
          side: {
            p10: pt.p10 ?? 0,
            p50: pt.p50 ?? 0,
            p90: pt.p90 ?? 0,
            mean: s.mean,
            revenue: Number.isFinite(s.revenue) && priceName ? s.revenue : null,
            price: Number.isFinite(s.price) ? s.price : null,
          } satisfies ScenarioSide,
        };
      });
    };
    const base = side(result.baseline, result.baselinePanel);
    const scen = new Map(side(result.scenario, result.panel).map((p) => [p.date, p.side]));
    const points: ScenarioPoint[] = base.map(({ date, side: b }) => {
      const s = scen.get(date)!;
      return {
        date,
        baseline: b,
        scenario: s,
        difference: s.mean - b.mean,
        p50Difference: s.p50 - b.p50,
        revenueDifference: s.revenue !== null && b.revenue !== null ? s.revenue - b.revenue : null,
      };
    });
    const baselineUnits = sum(points.map((p) => p.baseline.mean));
    const scenarioUnits = sum(points.map((p) => p.scenario.mean));
    const revenueKnown = points.length > 0 && points.every((p) => p.revenueDifference !== null);
    const baselineRevenue = revenueKnown ? sum(points.map((p) => p.baseline.revenue!)) : null;
    const scenarioRevenue = revenueKnown ? sum(points.map((p) => p.scenario.revenue!)) : null;
    return {
      points,
      totals: {
        baselineUnits,
        scenarioUnits,
        differenceUnits: scenarioUnits - baselineUnits,
        differencePercent: baselineUnits > 0 ? (100 * (scenarioUnits - baselineUnits)) / baselineUnits : null,
        baselineRevenue,
        scenarioRevenue,
        differenceRevenue:
          baselineRevenue !== null && scenarioRevenue !== null ? scenarioRevenue - baselineRevenue : null,
      },
    };
  }
}
