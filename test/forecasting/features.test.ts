import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  calendarDates,
  calendarEvents,
  calendarFeatures,
  eventDates,
  groupLabel,
  lagValues,
  normalizeCountry,
  panelCountries,
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

const seriesWithCountry = (country?: string) => ({ statics: country === undefined ? {} : { country } });

const countryPanel = (country: string | undefined, values: Array<string | undefined>) =>
  ({ ...(country ? { country } : {}), series: values.map(seriesWithCountry) }) as unknown as Parameters<
    typeof panelCountries
  >[0];

describe('country calendars', () => {
  test('countries are normalised (UK → GB, names, regions) and an unknown one is a coded error naming it', () => {
    assert.equal(normalizeCountry(' uk '), 'GB');
    assert.equal(normalizeCountry('Germany'), 'DE');
    assert.equal(normalizeCountry('de_by'), 'DE-BY');
    assert.equal(normalizeCountry('cn'), 'CN');
    for (const bad of ['Narnia', 'XX', 'DE-ZZ', 'US-CA-1', '']) {
      assert.throws(
        () => normalizeCountry(bad),
        (e: Error & { code?: string }) =>
          e.code === 'BAD_USER_INPUT' && e.message.includes(`"${bad}"`) && e.message.includes('ISO 3166'),
        bad,
      );
    }
  });
  test('CN: Spring Festival, 618, 11.11, 12.12 and its public holidays; no Christmas or Black Friday', () => {
    const year = calendarDates(['CN'], '2024-01-01', '2024-12-31');
    const keys = new Set(year.map((e) => e.key));
    for (const k of ['chinese_new_year', '618', 'singles_day', 'double_12', 'public']) assert.ok(keys.has(k), k);
    for (const k of ['christmas', 'black_friday', 'thanksgiving']) assert.ok(!keys.has(k), k);
    assert.deepEqual(
      year.filter((e) => e.date === '2024-02-10' || e.date === '2024-06-18').map((e) => e.label),
      ['Spring Festival (Chinese New Year)', '618 shopping festival'],
    );
  });
  test('GB and DE: their own holidays, Black Friday and Cyber Monday, never Thanksgiving; US has Thanksgiving', () => {
    const gb = calendarDates(['GB'], '2024-11-01', '2024-12-31').map((e) => `${e.date} ${e.label}`);
    assert.deepEqual(gb, [
      '2024-11-29 Black Friday',
      '2024-12-02 Cyber Monday',
      '2024-12-25 Christmas',
      '2024-12-26 Boxing Day',
    ]);
    const de = calendarDates(['DE'], '2024-10-01', '2024-12-31').map((e) => e.label);
    assert.ok(de.includes('National Holiday') && de.includes('Black Friday'), de.join(', '));
    assert.ok(!de.includes('Thanksgiving'));
    const us = calendarDates(['US'], '2024-11-01', '2024-11-30').map((e) => e.label);
    assert.ok(us.includes('Thanksgiving') && us.includes('Veterans Day'), us.join(', '));
    assert.ok(!calendarEvents(['GB']).includes('thanksgiving'));
    assert.ok(!calendarEvents(['DE']).includes('thanksgiving'));
  });
  test('the features follow the country: a CN block has 618 and no Thanksgiving, a GB block neither', () => {
    const dates = gridDates('2024-06-17', 0, 3, 'D');
    const cn = calendarFeatures(dates, 'D', { countries: ['CN'] });
    assert.deepEqual(column(cn, '618'), [0, 1, 0]);
    assert.ok(!cn.names.includes('thanksgiving'));
    const gb = calendarFeatures(dates, 'D', { countries: ['GB'] });
    assert.ok(!gb.names.includes('thanksgiving') && !gb.names.includes('618') && gb.names.includes('black_friday'));
  });
  test("a panel's countries: its own, else its series' known `country` attributes, else none", () => {
    assert.deepEqual(panelCountries(countryPanel('CN', ['United Kingdom'])), ['CN']);
    assert.deepEqual(panelCountries(countryPanel(undefined, ['United Kingdom', 'de', 'Narnia', undefined, 'uk'])), [
      'DE',
      'GB',
    ]);
    assert.deepEqual(panelCountries(countryPanel(undefined, [undefined])), []);
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
    assert.equal(groupLabel('holiday:chinese_new_year'), 'Spring Festival (Chinese New Year)');
    assert.equal(groupLabel('holiday:singles_day'), "Singles' Day (11.11)");
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
