import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { eventDates } from '../../api/forecasting/features.js';
import { buildPanel, gridDates } from '../../api/forecasting/frames.js';
import { finishForecasts, runForecastPipeline } from '../../api/forecasting/pipeline.js';
import { mulberry32 } from '../../api/forecasting/random.js';
import {
  applyStructuralZeros,
  describeStructuralZeros,
  detectStructuralZeros,
  isStructuralZero,
} from '../../api/forecasting/structural-zeros.js';
import type { Panel, QuantileForecast, RawSeries } from '../../api/forecasting/types.js';

const SATURDAY = 6;
const MONDAY = 1;
const weekday = (iso: string): number => new Date(`${iso}T00:00:00Z`).getUTCDay();

/**
 * A small shop: `n` daily series over `days` days from 2023-01-02 (a Monday), Poisson-ish sales,
 * nothing on Saturdays (closed), series s0 never on Mondays, series s1 a slow seller (5 % of days).
 */
function shop(
  n: number,
  days: number,
  seed: number,
  options: { annual?: boolean; closed?: ReadonlySet<string> } = {},
): RawSeries[] {
  const rnd = mulberry32(seed);
  const dates = gridDates('2023-01-02', 0, days, 'D');
  return Array.from({ length: n }, (_, i) => {
    const level = 3 + 10 * rnd();
    const values = dates.map((d) => {
      if (weekday(d) === SATURDAY) return 0;
      if (options.annual && d.slice(5) === '12-25') return 0;
      if (options.closed?.has(d)) return 0;
      if (i === 0 && weekday(d) === MONDAY) return 0;
      if (i === 1) return rnd() < 0.05 ? 1 : 0;
      return Math.round(level * (0.6 + 0.8 * rnd()));
    });
    return { id: `s${i}`, statics: { store: i % 2 ? 'a' : 'b' }, dates, values, covariates: {} };
  });
}

describe('structural zeros: the rules', () => {
  test('a weekday without sales across the shop, and one series’ own closed weekday', () => {
    const panel = buildPanel(shop(6, 120, 1), 'D');
    const z = detectStructuralZeros(panel);
    assert.deepEqual(z.shopWeekdays, [SATURDAY]);
    // Its own Monday; the shop's Saturday is the shop's, not listed again for each series.
    assert.deepEqual(z.seriesWeekdays['s0'], [MONDAY]);
    assert.deepEqual(Object.keys(z.seriesWeekdays), ['s0']);
    // The slow seller's zeros on a weekday are chance, not a rule.
    assert.ok(!z.seriesWeekdays['s1']?.includes(MONDAY));
    assert.deepEqual(z.annualDays, []);
    assert.equal(isStructuralZero(z, 's3', '2023-05-06'), true); // a Saturday
    assert.equal(isStructuralZero(z, 's3', '2023-05-08'), false); // a Monday
    assert.equal(isStructuralZero(z, 's0', '2023-05-08'), true);
  });

  test('too few weeks decide nothing', () => {
    const panel = buildPanel(shop(6, 7 * 6, 2), 'D');
    assert.deepEqual(detectStructuralZeros(panel).shopWeekdays, []);
  });

  test('a day closed in two years is closed every year; one year is not enough', () => {
    const two = detectStructuralZeros(buildPanel(shop(4, 800, 3, { annual: true }), 'D'));
    assert.ok(two.annualDays.includes('12-25'), JSON.stringify(two.annualDays));
    const one = detectStructuralZeros(buildPanel(shop(4, 420, 3, { annual: true }), 'D'));
    assert.ok(!one.annualDays.includes('12-25'));
  });

  test("a shop closed on every public holiday of its country's last year is closed on those ahead", () => {
    // 420 days from 2023-01-02: the look-back holds 8 UK bank holidays (Good Friday to New Year).
    const bankHolidays = new Set(eventDates('public', 2023, 2024, ['GB']));
    const closed = { ...buildPanel(shop(6, 420, 5, { closed: bankHolidays }), 'D'), country: 'GB' };
    const z = detectStructuralZeros(closed);
    assert.deepEqual(z.holidayCountries, ['GB']);
    // Moving holidays come from the calendar: Good Friday and Easter Monday 2024, Christmas.
    for (const d of ['2024-03-29', '2024-04-01', '2024-12-25', '2024-12-26']) {
      assert.equal(isStructuralZero(z, 's3', d), true, d);
    }
    assert.equal(isStructuralZero(z, 's3', '2024-03-28'), false);
    // However far ahead the horizon reaches (FORECAST_MAX_HORIZON allows 10 years): Christmas 2030.
    assert.equal(isStructuralZero(z, 's3', '2030-12-25'), true);
    assert.match(describeStructuralZeros(z)!, /public holidays \(GB/);
    // One bank holiday with sales (Easter Monday 2023 open): no rule.
    const open = new Set([...bankHolidays].filter((d) => d !== '2023-04-10'));
    const z2 = detectStructuralZeros({ ...buildPanel(shop(6, 420, 5, { closed: open }), 'D'), country: 'GB' });
    assert.equal(z2.holidayCountries, undefined);
    // No calendar country: holidays are not known, so nothing is decided from them.
    assert.equal(
      detectStructuralZeros(buildPanel(shop(6, 420, 5, { closed: bankHolidays }), 'D')).holidayCountries,
      undefined,
    );
    // A shop open on every holiday of a country whose calendar it has: none either.
    assert.equal(
      detectStructuralZeros({ ...buildPanel(shop(6, 420, 5), 'D'), country: 'GB' }).holidayCountries,
      undefined,
    );
  });

  test('weekly and monthly panels have none', () => {
    const raw: RawSeries[] = [
      { id: 'w', statics: {}, dates: gridDates('2023-01-06', 0, 60, 'W'), values: Array(60).fill(0), covariates: {} },
    ];
    assert.deepEqual(detectStructuralZeros(buildPanel(raw, 'W')).shopWeekdays, []);
  });

  test('a structural-zero step becomes 0 at every level and in the mean', () => {
    const z = { shopWeekdays: [SATURDAY], annualDays: [], seriesWeekdays: {} };
    const f: QuantileForecast = {
      seriesId: 'x',
      dates: ['2023-05-05', '2023-05-06'],
      quantiles: [0.1, 0.5, 0.9],
      values: [Float64Array.of(1, 2), Float64Array.of(3, 4), Float64Array.of(5, 6)],
      mean: Float64Array.of(3, 4),
    };
    const [g] = applyStructuralZeros([f], z);
    assert.deepEqual(
      g!.values.map((r) => [...r]),
      [
        [1, 0],
        [3, 0],
        [5, 0],
      ],
    );
    assert.deepEqual([...g!.mean!], [3, 0]);
  });
});

describe('structural zeros and non-negative units, end to end through training', () => {
  const base = {
    model: 'auto' as const,
    horizon: 14,
    quantiles: [0.1, 0.5, 0.9],
    seed: 7,
    candidates: ['snaive', 'naive', 'ses'] as const,
    importance: false,
  };

  test('a closed weekday is forecast as exactly 0 with a zero-width band; other days are not', async () => {
    const panel: Panel = buildPanel(shop(8, 140, 4), 'D');
    const r = await runForecastPipeline(panel, { ...base, candidates: [...base.candidates] });
    let saturdays = 0;
    for (const f of r.forecasts) {
      f.dates.forEach((d, t) => {
        if (weekday(d) === SATURDAY || (f.seriesId === 's0' && weekday(d) === MONDAY)) {
          saturdays++;
          for (const row of f.values) assert.equal(row[t], 0, `${f.seriesId} ${d}`);
          assert.equal(f.mean?.[t], 0);
        }
      });
    }
    assert.equal(saturdays, 8 * 2 + 2);
    const s3 = r.forecasts.find((f) => f.seriesId === 's3')!;
    const monday = s3.dates.findIndex((d) => weekday(d) === MONDAY);
    assert.ok(s3.values[1]![monday]! > 0);
    assert.ok(r.distribution, 'a validated run has a distribution');
    assert.ok(
      r.warnings.some((w) => w.includes('every Saturday')),
      r.warnings.join(' | '),
    );
  });

  test('a return (−3) keeps every unit quantile ≥ 0; a dataset that allows negatives keeps them', async () => {
    const raw = shop(4, 140, 5).map((s) =>
      s.id === 's2' ? { ...s, values: s.values.map((v, i) => (i === 139 ? -3 : i > 120 ? 0 : v)) } : s,
    );
    const panel = buildPanel(raw, 'D');
    const r = await runForecastPipeline(panel, { ...base, candidates: ['naive'] });
    for (const f of r.forecasts)
      for (const row of f.values) for (const v of row) assert.ok(v >= 0, `${f.seriesId} ${v}`);
    // Local models floor their own quantiles; a deep model's need not (the p10 of −2.94):
    // the pipeline's one finishing step floors them, unless the dataset allows negatives.
    const deep: QuantileForecast = {
      seriesId: 's2',
      dates: ['2023-05-22'],
      quantiles: [0.1, 0.5, 0.9],
      values: [Float64Array.of(-2.94), Float64Array.of(-0.5), Float64Array.of(1.2)],
    };
    const [units] = finishForecasts([deep], panel, r.distribution);
    assert.deepEqual(
      units!.values.map((row) => row[0]),
      [0, 0, 1.2],
    );
    assert.ok(units!.mean![0]! >= 0);
    const [money] = finishForecasts([deep], panel, r.distribution, { allowNegative: true });
    assert.equal(money!.values[0]![0], -2.94);
  });
});
