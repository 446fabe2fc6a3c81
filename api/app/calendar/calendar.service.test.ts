import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { DatasetRecord, SeriesStore } from '../ports.js';
import { CalendarService, MAX_CALENDAR_DAYS, calendarRange } from './calendar.service.js';

/** A daily dataset of 757 days (2011-01-29..2013-02-23): last date + 365 days is 1122 days after the first. */
const dataset: DatasetRecord = {
  id: 1,
  tenantId: 1,
  name: 'long',
  frequency: 'D',
  covariates: [],
  attributes: [],
  seriesCount: 1,
  rowCount: 757,
  firstDate: '2011-01-29',
  lastDate: '2013-02-23',
  dataVersion: 0,
  country: null,
  unit: 'UNITS',
  allowNegative: false,
  createdAt: new Date(0),
};

const service = new CalendarService({} as SeriesStore, { history: async () => [] });
const span = (r: { from: string | undefined; to: string | undefined }): number =>
  (Date.parse(r.to!) - Date.parse(r.from!)) / 86_400_000;

describe('CalendarService default range', () => {
  test('serves the default range of a dataset longer than two years, ending a year after the data', async () => {
    const events = await service.events(1, dataset, {});
    assert.ok(events.length > 0, 'holidays in the default range');
    const dates = events.map((e) => e.date);
    assert.ok(
      dates.some((d) => d > '2013-02-23'),
      'holidays after the data (the forecast) are included',
    );
    assert.ok(dates.every((d) => d <= '2014-02-23'));
    const range = calendarRange(dataset, {});
    assert.equal(range.to, '2014-02-23');
    assert.equal(span(range), MAX_CALENDAR_DAYS);
  });

  test('keeps the dataset range when it fits', () => {
    const short = { firstDate: '2013-01-01', lastDate: '2013-06-30' };
    assert.deepEqual(calendarRange(short, {}), { from: '2013-01-01', to: '2014-06-30' });
  });

  test('a defaulted end never exceeds the allowed span from an explicit start', async () => {
    const range = calendarRange(dataset, { from: '2010-01-01' });
    assert.equal(range.from, '2010-01-01');
    assert.equal(span(range), MAX_CALENDAR_DAYS);
    await service.events(1, dataset, { from: '2010-01-01' });
    const start = calendarRange(dataset, { to: '2013-12-31' });
    assert.equal(start.to, '2013-12-31');
    assert.ok(span(start) <= MAX_CALENDAR_DAYS);
  });

  test('an explicit range that is too long is still refused with the limit named', async () => {
    await assert.rejects(service.events(1, dataset, { from: '2010-01-01', to: '2014-01-01' }), /at most 1098/);
  });
});
