/**
 * Headline numbers (issue 19 item 1): `headline` sums the next weeks of the forecast as the
 * distribution of a total (not summed quantiles), in units and in revenue where a price is known,
 * and compares it with the known totals of the period just before and of the same weekdays a
 * year earlier; for the dataset, a group or one series. On SQLite and PostgreSQL.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { withDbs } from '../../helpers/dbs.js';
import { createTestApi, STAND_IN_PIPELINE, tinyCsv, trainToSuccess, type TestApi } from '../support/api.js';

interface Measure {
  p10: number;
  p50: number;
  p90: number;
  lastPeriod: number | null;
  lastYear: number | null;
  changeVsLastPeriod: number | null;
  changeVsLastYear: number | null;
}
interface Period {
  from: string;
  to: string;
  days: number;
  daysWithData: number;
}
interface Headline {
  seriesId: string | null;
  seriesCount: number;
  weeks: number;
  next: Period;
  lastPeriod: Period;
  lastYear: Period;
  units: Measure;
  revenue: Measure | null;
  priceCovariate: string | null;
  pricedSeriesCount: number;
}

const MEASURE = 'p10 p50 p90 lastPeriod lastYear changeVsLastPeriod changeVsLastYear';
const PERIOD = 'from to days daysWithData';
const HEADLINE = `query($id: ID!, $s: String, $g: String, $w: Int) {
  headline(datasetId: $id, seriesId: $s, groupBy: $g, weeks: $w) {
    seriesId seriesCount weeks priceCovariate pricedSeriesCount
    next { ${PERIOD} } lastPeriod { ${PERIOD} } lastYear { ${PERIOD} }
    units { ${MEASURE} } revenue { ${MEASURE} }
  }
}`;

/** Rows of the CSV the dataset was built from. */
function rowsOf(csv: string): { series: string; date: string; value: number; price: number; store: string }[] {
  return csv
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => {
      const [series, date, value, price, store] = line.split(',');
      return { series: series!, date: date!, value: Number(value), price: Number(price), store: store! };
    });
}

const close = (a: number, b: number, rel = 1e-9) => Math.abs(a - b) <= rel * Math.max(1, Math.abs(b));

withDbs((db) => {
  let api: TestApi;
  let datasetId: string;
  // Three daily series over 420 days (2024-01-01 .. 2025-02-23), prices 1.00, 1.10, 1.20.
  const csv = tinyCsv(3, 420, '2024-01-01');
  const rows = rowsOf(csv);
  const sum = (from: string, to: string, keep: (r: (typeof rows)[number]) => boolean = () => true) =>
    rows
      .filter((r) => r.date >= from && r.date <= to && keep(r))
      .reduce((acc, r) => ({ units: acc.units + r.value, revenue: acc.revenue + r.value * r.price }), {
        units: 0,
        revenue: 0,
      });

  before(async () => {
    api = await createTestApi(db.knex, db.config, { pipelineModule: STAND_IN_PIPELINE, config: { maxHorizon: 60 } });
    const { createDataset } = await api.ok<{ createDataset: { id: string } }>(
      `mutation { createDataset(input: { name: "headline-shop" }) { id } }`,
    );
    datasetId = createDataset.id;
    await api.ok(
      `mutation($id: ID!, $csv: String!) { importObservations(datasetId: $id, csv: $csv) { rowsImported } }`,
      {
        id: datasetId,
        csv,
      },
    );
    await trainToSuccess(api, datasetId, 'horizon: 28, epochs: 1');
  });
  after(async () => {
    await api?.close();
  });

  const headline = async (vars: Record<string, unknown> = {}) =>
    (await api.ok<{ headline: Headline | null }>(HEADLINE, { id: datasetId, ...vars })).headline;

  describe('headline numbers', () => {
    test('the periods: the next 2 weeks, the 14 days before, and the same weekdays 52 weeks earlier', async () => {
      const h = (await headline({ w: 2 }))!;
      assert.equal(h.weeks, 2);
      assert.deepEqual(h.next, { from: '2025-02-24', to: '2025-03-09', days: 14, daysWithData: 0 });
      assert.deepEqual(h.lastPeriod, { from: '2025-02-10', to: '2025-02-23', days: 14, daysWithData: 14 });
      assert.deepEqual(h.lastYear, { from: '2024-02-26', to: '2024-03-10', days: 14, daysWithData: 14 });
      assert.equal(new Date('2024-02-26').getUTCDay(), new Date('2025-02-24').getUTCDay(), 'same weekday');
    });

    test('known totals are the sums of the imported sales, in units and units × price', async () => {
      const h = (await headline({ w: 2 }))!;
      const last = sum('2025-02-10', '2025-02-23');
      const year = sum('2024-02-26', '2024-03-10');
      assert.equal(h.units.lastPeriod, last.units);
      assert.equal(h.units.lastYear, year.units);
      assert.ok(close(h.revenue!.lastPeriod!, last.revenue), `${h.revenue!.lastPeriod} vs ${last.revenue}`);
      assert.ok(close(h.revenue!.lastYear!, year.revenue));
      assert.equal(h.priceCovariate, 'price');
      assert.equal(h.pricedSeriesCount, 3);
      assert.ok(close(h.units.changeVsLastPeriod!, h.units.p50 / last.units - 1));
      assert.ok(close(h.units.changeVsLastYear!, h.units.p50 / year.units - 1));
    });

    test('the forecast total is the distribution of a sum: inside the summed member quantiles, not equal to them', async () => {
      const h = (await headline({ w: 2 }))!;
      const { forecastTable } = await api.ok<{
        forecastTable: { edges: { node: { p10: number; p50: number; p90: number } }[] };
      }>(
        `query($id: ID!) { forecastTable(datasetId: $id, from: "2025-02-24", to: "2025-03-09", first: 500) { edges { node { p10 p50 p90 } } } }`,
        { id: datasetId },
      );
      assert.equal(forecastTable.edges.length, 3 * 14);
      const summed = forecastTable.edges.reduce(
        (acc, { node }) => ({ p10: acc.p10 + node.p10, p50: acc.p50 + node.p50, p90: acc.p90 + node.p90 }),
        { p10: 0, p50: 0, p90: 0 },
      );
      assert.ok(h.units.p10 < h.units.p50 && h.units.p50 < h.units.p90, JSON.stringify(h.units));
      // Independent members (the stand-in run fits no dependence): the total's interval is
      // narrower than the sum of the members' intervals.
      assert.ok(h.units.p90 < summed.p90, `p90 ${h.units.p90} < summed ${summed.p90}`);
      assert.ok(h.units.p10 > summed.p10, `p10 ${h.units.p10} > summed ${summed.p10}`);
      assert.ok(Math.abs(h.units.p50 - summed.p50) / summed.p50 < 0.15, `${h.units.p50} ~ ${summed.p50}`);
    });

    test('one series: its revenue is its units times its constant price', async () => {
      const h = (await headline({ s: 'item-2', w: 2 }))!;
      assert.equal(h.seriesId, 'item-2');
      assert.equal(h.seriesCount, 1);
      assert.equal(h.units.lastPeriod, sum('2025-02-10', '2025-02-23', (r) => r.series === 'item-2').units);
      for (const level of ['p10', 'p50', 'p90'] as const) {
        assert.ok(
          close(h.revenue![level], 1.2 * h.units[level], 1e-6),
          `${level}: ${h.revenue![level]} = 1.2 × ${h.units[level]}`,
        );
      }
    });

    test('a group: only its series count', async () => {
      const h = (await headline({ g: 'store=north', w: 2 }))!;
      assert.equal(h.seriesCount, 2, 'item-0 and item-2 are north');
      assert.equal(h.units.lastYear, sum('2024-02-26', '2024-03-10', (r) => r.store === 'north').units);
      const all = (await headline({ w: 2 }))!;
      assert.ok(h.units.p50 < all.units.p50);
    });

    test('the period is cut at the end of the forecast (6 weeks asked of a 28-day forecast: 28 days)', async () => {
      const h = (await headline({ w: 6 }))!;
      assert.equal(h.next.to, '2025-03-23');
      assert.equal(h.next.days, 28);
      assert.equal(h.lastPeriod.from, '2025-01-27', '28 days before 2025-02-24');
    });

    test('bad requests are coded errors naming the fix; a dataset without a run reads null', async () => {
      const weeks = await api.fails(HEADLINE, { id: datasetId, w: 0 });
      assert.equal(weeks.code, 'BAD_USER_INPUT');
      assert.match(weeks.message, /weeks 0 .*1 to 52/);
      const split = await api.fails(HEADLINE, { id: datasetId, g: 'store' });
      assert.equal(split.code, 'BAD_USER_INPUT');
      assert.match(split.message, /store=VALUE/);
      assert.equal((await api.fails(HEADLINE, { id: datasetId, s: 'nope' })).code, 'NOT_FOUND');
      const { createDataset } = await api.ok<{ createDataset: { id: string } }>(
        `mutation { createDataset(input: { name: "headline-untrained" }) { id } }`,
      );
      assert.equal((await api.ok<{ headline: null }>(HEADLINE, { id: createDataset.id })).headline, null);
    });

    test("the README's headline example runs as written (its dataset id aside)", async () => {
      const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
      const example = readme.split('\n').find((line) => line.startsWith('{ headline(datasetId: "1"'));
      assert.ok(example, 'README.md has the headline example');
      const { headline: h } = await api.ok<{ headline: Headline & { revenue: Measure } }>(
        example.replace('datasetId: "1"', `datasetId: "${datasetId}"`),
      );
      assert.equal(h.units.lastYear, sum('2024-02-26', '2024-03-24').units);
      assert.ok(h.revenue.p50 > h.units.p50, 'prices above 1: revenue above units');
    });

    test('a dataset without a price covariate has units and no revenue', async () => {
      const { createDataset } = await api.ok<{ createDataset: { id: string } }>(
        `mutation { createDataset(input: { name: "headline-no-price" }) { id } }`,
      );
      const plain = csv
        .trim()
        .split('\n')
        .map((line) => line.split(',').toSpliced(3, 1).join(','))
        .join('\n');
      await api.ok(
        `mutation($id: ID!, $csv: String!) { importObservations(datasetId: $id, csv: $csv) { rowsImported } }`,
        {
          id: createDataset.id,
          csv: plain,
        },
      );
      await trainToSuccess(api, createDataset.id, 'horizon: 14, epochs: 1');
      const h = (await api.ok<{ headline: Headline }>(HEADLINE, { id: createDataset.id })).headline;
      assert.equal(h.revenue, null);
      assert.equal(h.priceCovariate, null);
      assert.equal(h.next.days, 14, 'a 14-day forecast: the 4 weeks are cut to 14 days');
      assert.equal(h.units.lastPeriod, sum('2025-02-10', '2025-02-23').units);
    });
  });
});
