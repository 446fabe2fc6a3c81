/**
 * A level shift of the whole shop inside the validation windows (issue 13, item 2;
 * api/forecasting/level-shift.ts). The detector flags a window whose total jumped further than the
 * history ever moved, and nothing else; a run whose validation straddles a jump fits its intervals
 * and totals without that window, says so, and its 28-day total holds what sold, where before the
 * mean lift counted the new level twice and a κ of 4 put the total's p10 at 0.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { aggregateQuantiles, Dependence } from '../../api/app/forecasts/quantile-aggregation.js';
import { buildPanel } from '../../api/forecasting/frames.js';
import { MAX_RHO } from '../../api/forecasting/distribution.js';
import {
  MIN_SHIFT_ORIGINS,
  SHIFT_MIN_RATIO,
  steadyWindows,
  windowShift,
  type WindowData,
} from '../../api/forecasting/level-shift.js';
import { GbmForecaster } from '../../api/forecasting/gbm-model.js';
import { mulberry32 } from '../../api/forecasting/random.js';
import type { SeriesFrame } from '../../api/forecasting/types.js';
import { forecastJump, JUMP_HORIZON, jumpedSeries, soldAfterJump } from '../fixtures/forecasting/level-shift.js';
import { datedMembers } from '../fixtures/forecasting/members.js';

/** A window of daily series: `history` before it, `window` what sold in it (one array per series). */
function windowOf(history: number[][], window: number[][]): WindowData {
  const series: SeriesFrame[] = history.map((h, i) => ({
    id: `s${i}`,
    start: '2024-01-01',
    target: Float64Array.from(h),
    covariates: {},
    statics: {},
  }));
  return {
    panel: { freq: 'D', series, covariateNames: [], knownInAdvance: [], staticNames: [] },
    actuals: new Map(window.map((w, i) => [`s${i}`, Float64Array.from(w)])),
  };
}

/** n days of noisy sales around `level` with a weekly pattern, seeded. */
function days(n: number, level: number, seed: number, noise = 0.1): number[] {
  const r = mulberry32(seed);
  return Array.from(
    { length: n },
    (_, t) => level * (1 + 0.3 * Math.sin((2 * Math.PI * t) / 7)) * (1 + noise * (r() - 0.5)),
  );
}

/** Whether day t of a series that starts on 2024-01-01 is in December. */
const december = (t: number): boolean => new Date(Date.UTC(2024, 0, 1 + t)).getUTCMonth() === 11;

describe('windowShift: a jump of the total the history never showed', () => {
  const history = [days(300, 20, 1), days(300, 35, 2), days(300, 8, 3)];
  const next = (k: number): number[][] => [days(28, 20 * k, 4), days(28, 35 * k, 5), days(28, 8 * k, 6)];

  test('a steady window is not shifted; a window at 3 times the level is', () => {
    const steady = windowShift(windowOf(history, next(1)))!;
    assert.equal(steady.shifted, false);
    assert.ok(steady.origins >= MIN_SHIFT_ORIGINS);
    const jump = windowShift(windowOf(history, next(3)))!;
    assert.equal(jump.shifted, true);
    assert.ok(Math.abs(jump.statistic - Math.log(3)) < 0.1, `statistic ${jump.statistic} is not near log 3`);
    // A collapse is a shift too.
    assert.equal(windowShift(windowOf(history, next(0.3)))!.shifted, true);
  });

  test('a move smaller than SHIFT_MIN_RATIO is not a shift, however smooth the history', () => {
    const smooth = [days(300, 20, 1, 0.001), days(300, 35, 2, 0.001)];
    const k = Math.sqrt(SHIFT_MIN_RATIO);
    const r = windowShift(windowOf(smooth, [days(28, 20 * k, 4, 0.001), days(28, 35 * k, 5, 0.001)]))!;
    assert.ok(Math.abs(r.statistic - r.centre) > 10 * r.scale, 'the move is many σ on this history');
    assert.equal(r.shifted, false);
  });

  test('a history that swings as much by itself does not flag the same jump', () => {
    // Sales that double and halve every few weeks (promotions): 1.8 times is nothing new.
    const wild = [0, 1].map((s) => days(300, 20, 10 + s).map((v, t) => v * (Math.floor(t / 21) % 2 === 0 ? 1 : 2)));
    const r = windowShift(windowOf(wild, [days(28, 36, 20), days(28, 36, 21)]))!;
    assert.equal(r.shifted, false, `flagged at z ${(r.statistic - r.centre) / r.scale}`);
  });

  test('a yearly peak is not a shift; the same jump in June is', () => {
    // A toy shop: four times its sales every December, three years of history from 2024-01-01.
    const shop = [1, 2].map((s) => days(1200, 10 * s, 30 + s).map((v, t) => (december(t) ? 4 * v : v)));
    const cutAt = (day: number, jump = 1): WindowData =>
      windowOf(
        shop.map((h) => h.slice(0, day)),
        shop.map((h) => h.slice(day, day + 28).map((v) => v * jump)),
      );
    const dec1 = (Date.UTC(2026, 11, 1) - Date.UTC(2024, 0, 1)) / 86_400_000;
    const peak = windowShift(cutAt(dec1))!;
    assert.ok(Math.abs(peak.statistic - Math.log(4)) < 0.15, `statistic ${peak.statistic}`);
    // Without last year's December it would count: many σ and more than the ratio from the median.
    assert.ok(Math.abs(peak.statistic - peak.centre) > 4 * peak.scale);
    assert.ok(Math.abs(peak.statistic - peak.centre) > Math.log(SHIFT_MIN_RATIO));
    assert.ok(peak.lastYear !== undefined && Math.abs(peak.lastYear - Math.log(4)) < 0.15);
    assert.equal(peak.shifted, false);
    const jun1 = (Date.UTC(2026, 5, 1) - Date.UTC(2024, 0, 1)) / 86_400_000;
    assert.equal(windowShift(cutAt(jun1))!.shifted, false);
    assert.equal(windowShift(cutAt(jun1, 4))!.shifted, true);
  });

  test('too little history to judge: never shifted', () => {
    const short = [days(80, 20, 1)];
    const r = windowShift(windowOf(short, [days(28, 200, 2)]))!;
    assert.ok(r.origins < MIN_SHIFT_ORIGINS);
    assert.equal(r.shifted, false);
  });

  test('steadyWindows keeps the order and drops only the shifted', () => {
    const windows = [windowOf(history, next(1)), windowOf(history, next(4)), windowOf(history, next(1.05))];
    assert.deepEqual(steadyWindows(windows), [windows[0], windows[2]]);
  });
});

describe('a run whose validation straddles a jump of the whole shop', () => {
  // The windows are the last two 28-day spans before the cut: a jump 28 days back falls in the
  // second, one 56 days back in the first (and the second still sees its level rise from there).
  for (const [k, at, windows] of [
    [3, 28, 'window 2 of 2 \\(from 2021-06-25\\)'],
    [
      5,
      56,
      'window 1 of 2 \\(from 2021-05-28\\) to \\d+\\.\\d\\d times the level before it and window 2 of 2 \\(from 2021-06-25\\)',
    ],
  ] as const) {
    test(`×${k} in the last ${at} days: warned, totals coherent, and the total holds what sold`, async () => {
      const r = await forecastJump(k, at);
      const warning = r.warnings.find((w) => w.startsWith('The total of all series shifted inside validation'));
      assert.ok(warning, `no shift warning in ${JSON.stringify(r.warnings)}`);
      assert.match(
        warning,
        new RegExp(
          `^The total of all series shifted inside validation ${windows} to \\d+\\.\\d\\d times the level before it, further than the history ever moved; intervals and totals were fitted without th`,
        ),
      );
      assert.equal(r.distribution?.dependence.rho, MAX_RHO);
      assert.equal(r.distribution?.dependence.spread, undefined);
      const total = aggregateQuantiles(datedMembers(r.forecasts), [0.1, 0.5, 0.9], {
        dependence: Dependence.FITTED,
        fitted: r.distribution?.dependence,
      });
      const sumOf = (level: number): number =>
        r.forecasts.reduce((a, f) => a + f.values[level]!.reduce((b, v) => b + v, 0), 0);
      const y = soldAfterJump(k);
      // Before: p10 0 and p50 at half of what sold (×5, 56 days), or p50 twice what sold (×3, 28).
      assert.ok(total[0]! >= 0.9 * sumOf(0), `total p10 ${total[0]} far below the members' Σ p10 ${sumOf(0)}`);
      assert.ok(total[0]! <= total[1]! && total[1]! <= total[2]!);
      assert.ok(y >= total[0]! && y <= total[2]!, `sold ${y} outside ${total[0]}–${total[2]}`);
    });
  }

  test('the same history without the jump: no warning, the fitted dependence', async () => {
    const r = await forecastJump(1, 28);
    assert.equal(
      r.warnings.some((w) => w.startsWith('The total of all series shifted')),
      false,
    );
    assert.notEqual(r.distribution?.dependence.spread, undefined, 'κ is fitted on both windows');
  });
});

describe('gradient boosting after a jump in its held-out points', () => {
  // Its intervals come from forecasting each series' last 28 points with trees that never saw them.
  // Before, a threefold jump there moved the p50 by the jump once more: Σ p50 29 % above what sold,
  // the smallest series at 4.3 times its own last 28 days.
  test('×3 in the last 28 days: refitted on the jump, Σ p50 within 20 % of what sold', async () => {
    const panel = buildPanel(jumpedSeries(3, 28), 'D');
    const model = new GbmForecaster({ seed: 3 });
    await model.fit(panel, { horizon: JUMP_HORIZON, quantiles: [0.1, 0.5, 0.9], seed: 3 });
    const forecasts = await model.predict(panel);
    const p50 = forecasts.reduce((a, f) => a + f.values[1]!.reduce((b, v) => b + v, 0), 0);
    const y = soldAfterJump(3);
    assert.ok(Math.abs(p50 / y - 1) < 0.2, `Σ p50 ${p50} against ${y} sold`);
    for (const [i, f] of forecasts.entries()) {
      const recent = panel.series[i]!.target.slice(-28).reduce((a, v) => a + v, 0);
      const mine = f.values[1]!.reduce((a, v) => a + v, 0);
      assert.ok(mine < 2 * recent, `${f.seriesId}: Σ p50 ${mine} against ${recent} in its last 28 days`);
    }
  });
});
