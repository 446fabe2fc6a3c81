import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  calendarEvents,
  calendarFeatures,
  eventDates,
  groupLabel,
  lagValues,
  rollingMean,
  rollingStd,
  splitCovariates,
  staticCategories,
} from '../../api/forecasting/features.js';
import { buildPanel, gridDates } from '../../api/forecasting/frames.js';

function column(block: ReturnType<typeof calendarFeatures>, name: string): number[] {
  const j = block.names.indexOf(name);
  assert.ok(j >= 0, `column ${name} exists`);
  const w = block.names.length;
  return Array.from({ length: block.values.length / w }, (_, i) => block.values[i * w + j]!);
}

describe('holiday and commerce calendar', () => {
  test('Chinese New Year on its lunar dates (2024-02-10, 2023-01-22, 2025-01-29)', () => {
    assert.deepEqual(eventDates('chinese_new_year', 2023, 2025), ['2023-01-22', '2024-02-10', '2025-01-29']);
  });
  test('Black Friday 2025-11-28, Cyber Monday 2025-12-01, Thanksgiving 2025-11-27', () => {
    assert.deepEqual(eventDates('black_friday', 2025, 2025), ['2025-11-28']);
    assert.deepEqual(eventDates('cyber_monday', 2025, 2025), ['2025-12-01']);
    assert.deepEqual(eventDates('thanksgiving', 2025, 2025), ['2025-11-27']);
  });
  test("Singles' Day, 618, 12.12, Easter and Christmas", () => {
    assert.deepEqual(eventDates('singles_day', 2024, 2025), ['2024-11-11', '2025-11-11']);
    assert.deepEqual(eventDates('618', 2024, 2024), ['2024-06-18']);
    assert.deepEqual(eventDates('double_12', 2024, 2024), ['2024-12-12']);
    assert.deepEqual(eventDates('easter', 2024, 2025), ['2024-03-31', '2025-04-20']);
    assert.deepEqual(eventDates('christmas', 2024, 2024), ['2024-12-25']);
  });
  test('events by country: China gets its festivals, the default is the Western retail calendar', () => {
    assert.ok(calendarEvents(['CN']).includes('singles_day'));
    assert.ok(!calendarEvents(['CN']).includes('black_friday'));
    assert.ok(calendarEvents().includes('black_friday'));
    assert.ok(calendarEvents(['UK']).includes('public'));
  });
});

describe('calendarFeatures', () => {
  test('daily: weekday one-hot (Monday = dow_1), the CNY column and its window before', () => {
    const dates = gridDates('2024-02-08', 0, 4, 'D'); // Thu .. Sun
    const b = calendarFeatures(dates, 'D', { countries: ['CN'] });
    assert.equal(b.values.length, dates.length * b.names.length);
    assert.equal(b.names.length, b.groups.length);
    assert.deepEqual(column(b, 'dow_4'), [1, 0, 0, 0]);
    assert.deepEqual(column(b, 'chinese_new_year'), [0, 0, 1, 0]);
    const before = column(b, 'chinese_new_year_before');
    assert.equal(before[1], 1);
    assert.ok((before[0] ?? 0) > 0 && (before[0] ?? 1) < 1, 'ramp rises towards the day');
    assert.equal(column(b, 'chinese_new_year_after')[3], 1);
    assert.equal(b.groups[b.names.indexOf('chinese_new_year')], 'holiday:chinese_new_year');
  });
  test("Singles' Day and Black Friday columns are 1 on their days", () => {
    const cn = calendarFeatures(['2025-11-10', '2025-11-11'], 'D', { countries: ['CN'] });
    assert.deepEqual(column(cn, 'singles_day'), [0, 1]);
    const us = calendarFeatures(['2025-11-27', '2025-11-28'], 'D', { countries: ['US'] });
    assert.deepEqual(column(us, 'black_friday'), [0, 1]);
    assert.deepEqual(column(us, 'thanksgiving'), [1, 0]);
  });
  test('weekly and monthly: the period containing the event, and the periods around it', () => {
    const w = calendarFeatures(['2025-11-21', '2025-11-28', '2025-12-05'], 'W');
    assert.deepEqual(column(w, 'christmas'), [0, 0, 0]);
    assert.deepEqual(column(w, 'black_friday'), [0, 1, 0]);
    assert.deepEqual(column(w, 'black_friday_before'), [1, 0, 0]);
    assert.deepEqual(column(w, 'black_friday_after'), [0, 0, 1]);
    const m = calendarFeatures(['2024-11-01', '2024-12-01'], 'M');
    assert.deepEqual(column(m, 'christmas'), [0, 1]);
    assert.deepEqual(column(m, 'month_12'), [0, 1]);
  });
  test('user events get their own group with windows', () => {
    const b = calendarFeatures(gridDates('2024-05-01', 0, 5, 'D'), 'D', {
      events: [{ name: 'Spring Sale', dates: ['2024-05-04'], before: 2, after: 1 }],
    });
    assert.deepEqual(column(b, 'event_spring_sale'), [0, 0, 0, 1, 0]);
    assert.deepEqual(column(b, 'event_spring_sale_before'), [0, 0.5, 1, 0, 0]);
    assert.deepEqual(column(b, 'event_spring_sale_after'), [0, 0, 0, 0, 1]);
    assert.ok(b.groups.includes('event:spring_sale'));
  });
  test('deterministic', () => {
    const d = gridDates('2023-12-20', 0, 30, 'D');
    assert.deepEqual(
      calendarFeatures(d, 'D', { countries: ['US', 'DE'] }),
      calendarFeatures(d, 'D', { countries: ['US', 'DE'] }),
    );
  });
});

describe('labels, covariates, statics, lags', () => {
  test('group labels a shop owner understands', () => {
    assert.equal(groupLabel('weekday'), 'Weekday pattern');
    assert.equal(groupLabel('yearly'), 'Yearly season');
    assert.equal(groupLabel('holiday:christmas'), 'Christmas');
    assert.equal(groupLabel('covariate:promo'), 'Promotions');
    assert.equal(groupLabel('covariate:sell_price'), 'Price');
    assert.equal(groupLabel('static:store'), 'Store');
    assert.equal(groupLabel('event:summer_sale'), 'Summer sale');
  });
  test('covariates split by whether their future is given; statics as category codes', () => {
    const p = buildPanel([
      {
        id: 'a',
        statics: { store: 'n' },
        dates: ['2024-01-01', '2024-01-02'],
        values: [1, null],
        covariates: { price: [1, 2], temp: [3, null] },
      },
      { id: 'b', statics: { store: 's' }, dates: ['2024-01-01'], values: [1], covariates: { price: [1], temp: [2] } },
    ]);
    assert.deepEqual(splitCovariates(p), { knownInAdvance: ['price'], historyOnly: ['temp'] });
    const st = staticCategories(p);
    assert.deepEqual(st.vocab.store, ['n', 's']);
    assert.deepEqual([...st.codes.get('b')!], [2]);
  });
  test('lags and rolling statistics look only backwards', () => {
    assert.deepEqual([...lagValues([1, 2, 3], 1)], [Number.NaN, 1, 2]);
    assert.deepEqual([...rollingMean([2, 4, 6, 8], 2)], [Number.NaN, 2, 3, 5]);
    assert.deepEqual(
      [...rollingStd([1, 3, 5], 2)].map((v) => (Number.isNaN(v) ? -1 : v)),
      [-1, -1, Math.SQRT2],
    );
  });
});
