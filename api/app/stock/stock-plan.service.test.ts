/**
 * A cold stock plan of a large dataset (every series' demand profile sampled: a few ms each) must
 * not hold the event loop for the whole plan: the stock-out alert check that follows a run's
 * success computes one for the whole dataset in the API's process, and meanwhile every request
 * waited (seconds for the demo's 550 series; past the keep-alive timeout connections were reset).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  IDENTITY_MEAN,
  INDEPENDENT,
  marginalOf,
  OWN_CALIBRATION_GRID,
  type DistributionModel,
} from '../../forecasting/distribution.js';
import { sampledDemandProfile } from '../../forecasting/stock.js';
import type { DatasetRecord, ForecastRecord, ForecastStore, SelectedSeries, TrainingRunRecord } from '../ports.js';
import { Role } from '../scope.js';
import type { ForecastService } from '../forecasts/forecast.service.js';
import type { SeriesStockRecord, StockStore } from './ports.js';
import { PLAN_SLICE_MS, StockPlanService } from './stock-plan.service.js';

const SERIES = 80;
const HORIZON = 28;

/** In-memory stores whose reads resolve without a turn of the event loop (as cached reads do). */
function service(distribution?: DistributionModel): {
  plans: StockPlanService;
  dataset: DatasetRecord;
  rows: ForecastRecord[];
} {
  const series: SelectedSeries[] = Array.from({ length: SERIES }, (_, i) => ({
    id: i + 1,
    key: `S${String(i + 1).padStart(3, '0')}`,
    attributes: {},
  }));
  const rows: ForecastRecord[] = series.flatMap((s) =>
    Array.from({ length: HORIZON }, (_, t) => {
      const mid = 5 + (s.id % 7) + (t % 3);
      return {
        seriesId: s.id,
        date: `2025-02-${String(t + 1).padStart(2, '0')}`,
        levels: [0.1, 0.5, 0.9],
        values: [mid * 0.5, mid, mid * 1.6],
        mean: mid * 1.05,
      };
    }),
  );
  const levels: SeriesStockRecord[] = series.map((s) => ({
    seriesId: s.id,
    onHand: 20 + s.id,
    onOrder: 0,
    asOf: null,
    leadTime: null,
    reviewPeriod: null,
    serviceLevel: null,
  }));
  const derived = new Map<string, readonly number[]>();
  const forecasts = {
    selectSeries: async () => series,
    forSucceededRun: async () => rows,
    distributionOf: async () => distribution,
    seriesIdsByKey: async () => new Map(series.map((s) => [s.key, s.id])),
    derived: { get: (k: string) => derived.get(k), set: (k: string, v: readonly number[]) => derived.set(k, v) },
  } as unknown as ForecastStore;
  const stock = {
    policyOf: async () => ({ leadTime: 5, reviewPeriod: 7, serviceLevel: 0.95 }),
    levelsOf: async () => levels,
  } as unknown as StockStore;
  const run = { id: 1, horizon: HORIZON } as unknown as TrainingRunRecord;
  const forecastService = { requireRun: async () => run } as unknown as ForecastService;
  const plans = new StockPlanService(
    { tenantId: 1, role: Role.ADMIN, datasetIds: null },
    forecasts,
    forecastService,
    stock,
  );
  const dataset = { id: 1, name: 'shop', frequency: 'DAY' } as unknown as DatasetRecord;
  return { plans, dataset, rows };
}

test(`a cold plan of ${SERIES} series lets the event loop turn at least every ${PLAN_SLICE_MS} ms of planning`, async () => {
  const { plans, dataset } = service();
  let turns = 0;
  let planning = true;
  const turn = (): void => {
    turns++;
    if (planning) setImmediate(turn);
  };
  setImmediate(turn);
  const started = performance.now();
  const items = await plans.planAll(dataset, {});
  const elapsed = performance.now() - started;
  planning = false;
  assert.equal(items.length, SERIES);
  assert.ok(items.every((i) => i.stockoutProbability !== null && i.suggestedOrder !== null));
  // The stores answer in microtasks: without the plan's own yields not one turn would happen.
  assert.ok(elapsed >= PLAN_SLICE_MS, `the plan took ${elapsed.toFixed(1)} ms: too few series to show the slicing`);
  assert.ok(turns >= 1, `the event loop turned ${turns} times during a ${elapsed.toFixed(0)} ms plan`);
  // Slicing changes when the work runs, not what it computes: a warm plan (cached profiles) is the same.
  assert.deepEqual(await plans.planAll(dataset, {}), items);
});

test("a series' plan reads the run's stored ownCalibration as sampledDemandProfile does (the stock simulation's reading)", async () => {
  // G⁻¹(q) = q/2 for every sum length: a 95 % target is read at 0.475 of the sampled sum.
  const levels = Array.from({ length: OWN_CALIBRATION_GRID + 1 }, (_, k) =>
    k === OWN_CALIBRATION_GRID ? 1 : k / OWN_CALIBRATION_GRID / 2,
  );
  const dependence = { ...INDEPENDENT, ownCalibration: [{ steps: 1, levels, sums: 100 }] };
  const distribution: DistributionModel = { version: 1, meanLift: IDENTITY_MEAN, dependence, points: 100 };
  const calibrated = service(distribution);
  const items = await calibrated.plans.planAll(calibrated.dataset, {});
  const before = await service().plans.planAll(calibrated.dataset, {});
  const policy = { leadTime: 5, reviewPeriod: 7, serviceLevel: 0.95 };
  const beforeOf = new Map(before.map((b) => [b.seriesId, b]));
  assert.equal(items.length, SERIES);
  for (const item of items) {
    // Keys are S001…: the series' id is the number.
    const id = Number(item.seriesId!.slice(1));
    const steps = calibrated.rows
      .filter((r) => r.seriesId === id)
      .map((r) => marginalOf({ levels: r.levels, values: r.values, mean: r.mean ?? null }));
    const profile = sampledDemandProfile([steps], dependence, policy);
    assert.equal(item.orderUpTo, profile.orderUpTo);
    assert.equal(item.reorderPoint, profile.reorderPoint);
    const was = beforeOf.get(item.seriesId)!.orderUpTo;
    assert.ok(item.orderUpTo < was, `${item.seriesId}: ${item.orderUpTo} vs ${was}`);
  }
});
