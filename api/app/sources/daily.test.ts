import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createDailyAggregator, createLocalDay, dayOfIso, isoOfDay, localDayStart, parseWhen } from './daily.js';
import type { SourceRow } from './ports.js';

const row = (
  key: string,
  at: string,
  quantity: number,
  unitPrice: number | null = null,
  attributes: string[] = [],
): SourceRow => ({
  key,
  at,
  quantity,
  unitPrice,
  attributes,
  category: null,
});
const never = (): never => {
  throw new Error('bad row');
};

test('timestamps are read as UTC, with offsets applied; a bare date is a calendar day', () => {
  assert.deepEqual(parseWhen('2011-12-09 12:50:00'), { day: null, utcMs: Date.UTC(2011, 11, 9, 12, 50) });
  assert.deepEqual(parseWhen('2011-12-09T12:50:00.123Z'), { day: null, utcMs: Date.UTC(2011, 11, 9, 12, 50) });
  assert.deepEqual(parseWhen('2011-12-09 12:50:00+02'), { day: null, utcMs: Date.UTC(2011, 11, 9, 10, 50) });
  assert.deepEqual(parseWhen('2011-12-09 12:50:00-05:30'), { day: null, utcMs: Date.UTC(2011, 11, 9, 18, 20) });
  assert.deepEqual(parseWhen('2011-12-09'), { day: dayOfIso('2011-12-09'), utcMs: null });
  assert.equal(parseWhen('09/12/2011'), null);
  assert.equal(parseWhen('2011-13-01'), null);
});

test("local days follow the shop's time zone across daylight saving time", () => {
  const london = createLocalDay('Europe/London');
  // 23:30 UTC is the next day in London in summer (BST), the same day in winter.
  assert.equal(isoOfDay(london(Date.UTC(2011, 6, 1, 23, 30))), '2011-07-02');
  assert.equal(isoOfDay(london(Date.UTC(2011, 0, 1, 23, 30))), '2011-01-01');
  const kathmandu = createLocalDay('Asia/Kathmandu'); // UTC+5:45
  assert.equal(isoOfDay(kathmandu(Date.UTC(2011, 0, 1, 18, 14))), '2011-01-01');
  assert.equal(isoOfDay(kathmandu(Date.UTC(2011, 0, 1, 18, 15))), '2011-01-02');
  assert.equal(localDayStart(dayOfIso('2011-07-02'), 'Europe/London'), Date.UTC(2011, 6, 1, 23, 0));
  assert.equal(localDayStart(dayOfIso('2011-01-02'), 'Asia/Kathmandu'), Date.UTC(2011, 0, 1, 18, 15));
  assert.equal(localDayStart(dayOfIso('2011-01-02'), 'UTC'), Date.UTC(2011, 0, 2));
});

test('order lines become daily units per series with the average net unit price of sold units', () => {
  const agg = createDailyAggregator({
    timezone: 'Europe/London',
    attributeNames: ['store'],
    fromDay: null,
    badRow: never,
  });
  agg.add([
    row('A', '2011-07-01 10:00:00', 2, 3, ['1']),
    row('A', '2011-07-01 22:30:00', 1, 6, ['1']), // 23:30 BST: still 1 July
    row('A', '2011-07-01 23:30:00', 4, 1, ['1']), // 00:30 BST: 2 July
    row('A', '2011-07-01 12:00:00', -1, null, ['1']), // a refund line: netted, no price
    row('A', '2011-07-01 12:00:00', 5, 9, ['2']), // another store: another series
  ]);
  assert.equal(agg.lines, 5);
  assert.deepEqual(agg.result(), [
    {
      key: 'A/1',
      attributes: { store: '1' },
      days: [dayOfIso('2011-07-01'), dayOfIso('2011-07-02')],
      units: [2, 4],
      price: [4, 1],
    },
    { key: 'A/2', attributes: { store: '2' }, days: [dayOfIso('2011-07-01')], units: [5], price: [9] },
  ]);
});

test('rows before the window are skipped; a bad timestamp is refused', () => {
  const agg = createDailyAggregator({
    timezone: 'UTC',
    attributeNames: [],
    fromDay: dayOfIso('2011-07-02'),
    badRow: never,
  });
  agg.add([row('A', '2011-07-01 23:59:59', 1), row('A', '2011-07-02 00:00:00', 2)]);
  assert.deepEqual(
    agg.result().map((s) => s.units),
    [[2]],
  );
  assert.equal(agg.lastDay, dayOfIso('2011-07-02'));
  assert.throws(() => agg.add([row('A', 'yesterday', 1)]), /bad row/);
});

test("the local day agrees with the time zone database around every change of a zone's offset", () => {
  const HOUR = 3_600_000;
  for (const tz of ['Europe/London', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'America/St_Johns']) {
    const reference = new Intl.DateTimeFormat('en-CA', {
      timeZone: tz,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    // The offset in minutes: the wall clock (en-CA: "2011-03-27, 02:00") read as UTC, minus the instant.
    const offset = (ms: number): number => {
      const [y, mo, d, h, mi] = reference.format(ms).match(/\d+/g)!.map(Number);
      return (Date.UTC(y!, mo! - 1, d!, h!, mi!) - ms) / 60_000;
    };
    const localDay = createLocalDay(tz);
    const check = (ms: number): void =>
      assert.equal(isoOfDay(localDay(ms)), reference.format(ms).slice(0, 10), `${tz} at ${new Date(ms).toISOString()}`);
    // Every 5 hours over 2011-2012; around each change of offset (Lord Howe's is 30 minutes), every minute of two days.
    let changes = 0;
    let previous = offset(Date.UTC(2011, 0, 1) - HOUR);
    for (let ms = Date.UTC(2011, 0, 1); ms < Date.UTC(2013, 0, 1); ms += HOUR) {
      if (ms % (5 * HOUR) === 0) check(ms + 7_000);
      const current = offset(ms);
      if (current !== previous) {
        previous = current;
        changes++;
        for (let t = ms - 24 * HOUR; t < ms + 24 * HOUR; t += 60_000) check(t + 59_999);
      }
    }
    // Two changes a year (Kathmandu: none).
    assert.equal(changes, tz === 'Asia/Kathmandu' ? 0 : 4, tz);
  }
});
