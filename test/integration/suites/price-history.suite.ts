/**
 * `priceHistory` (issue 19 item 3): a series' days as price and units with promotions marked, the
 * price when the forecast starts, the forecast's length, and a curve from history alone that finds
 * a planted price effect. On SQLite and PostgreSQL.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { withDbs } from '../../helpers/dbs.js';
import { createTestApi, STAND_IN_PIPELINE, trainToSuccess, type TestApi } from '../support/api.js';

const PRICE_HISTORY = `query($id: ID!, $s: String!, $c: String, $from: Date) {
  priceHistory(datasetId: $id, seriesId: $s, covariate: $c, from: $from) {
    seriesId covariate promotionCovariate from to currentPrice forecastDays
    points { date units price promotion }
    historyCurve { price units days }
  }
}`;

interface PriceHistory {
  covariate: string;
  promotionCovariate: string | null;
  from: string;
  to: string;
  currentPrice: number | null;
  forecastDays: number | null;
  points: { date: string; units: number; price: number; promotion: boolean }[];
  historyCurve: { price: number; units: number; days: number }[];
}

/** 120 days: the price steps 1.0, 1.5, 2.0, 2.5 every 10 days; units = 40 − 10 × price; a promotion every 15th day adds 20. */
function plantedCsv(): string {
  const lines = ['series_id,date,value,price,promo'];
  for (let d = 0; d < 120; d++) {
    const date = new Date(Date.UTC(2024, 0, 1 + d)).toISOString().slice(0, 10);
    const price = 1 + 0.5 * (Math.floor(d / 10) % 4);
    const promo = d % 15 === 7 ? 1 : 0;
    lines.push(`sku-1,${date},${40 - 10 * price + 20 * promo},${price},${promo}`);
  }
  return `${lines.join('\n')}\n`;
}

withDbs((db) => {
  let api: TestApi;
  let datasetId: string;

  before(async () => {
    api = await createTestApi(db.knex, db.config, { pipelineModule: STAND_IN_PIPELINE, config: { maxHorizon: 60 } });
    const { createDataset } = await api.ok<{ createDataset: { id: string } }>(
      `mutation { createDataset(input: { name: "price-shop" }) { id } }`,
    );
    datasetId = createDataset.id;
    await api.ok(
      `mutation($id: ID!, $csv: String!) { importObservations(datasetId: $id, csv: $csv) { rowsImported } }`,
      {
        id: datasetId,
        csv: plantedCsv(),
      },
    );
  });
  after(async () => {
    await api?.close();
  });

  const read = async (vars: Record<string, unknown> = {}) =>
    (await api.ok<{ priceHistory: PriceHistory }>(PRICE_HISTORY, { id: datasetId, s: 'sku-1', ...vars })).priceHistory;

  describe('price against units', () => {
    test('before a run: every day as price and units, promotions marked, and a falling curve from history', async () => {
      const h = await read();
      assert.equal(h.covariate, 'price');
      assert.equal(h.promotionCovariate, 'promo');
      assert.equal(h.points.length, 120);
      assert.equal(h.forecastDays, null);
      assert.equal(h.currentPrice, 2.5, 'the last price seen');
      const promos = h.points.filter((p) => p.promotion);
      assert.equal(promos.length, 8);
      assert.ok(promos.every((p) => p.units === 40 - 10 * p.price + 20));
      assert.deepEqual(
        h.historyCurve.map((b) => [b.price, b.units]),
        [
          [1, 30],
          [1.5, 25],
          [2, 20],
          [2.5, 15],
        ],
        'the planted effect, promotion days left out',
      );
    });

    test('after a run: the forecast length and the price it starts at', async () => {
      await trainToSuccess(api, datasetId, 'horizon: 14, epochs: 1');
      const h = await read();
      assert.equal(h.forecastDays, 14);
      assert.equal(h.currentPrice, 2.5);
      const narrow = await read({ from: '2024-04-01' });
      assert.equal(narrow.from, '2024-04-01');
      assert.equal(narrow.points[0]!.date, '2024-04-01');
      assert.equal(narrow.points.length, 29);
    });

    test("the README's priceHistory example runs as written (its dataset and series aside)", async () => {
      const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
      const example = readme.split('\n').find((line) => line.startsWith('{ priceHistory(datasetId: "1"'));
      assert.ok(example, 'README.md has the priceHistory example');
      const { priceHistory } = await api.ok<{ priceHistory: PriceHistory }>(
        example.replace('datasetId: "1"', `datasetId: "${datasetId}"`).replace('"85123A"', '"sku-1"'),
      );
      assert.equal(priceHistory.points.length, 120);
      assert.equal(priceHistory.historyCurve.length, 4);
    });

    test('an unknown covariate or series is a coded error naming the fix', async () => {
      const bad = await api.fails(PRICE_HISTORY, { id: datasetId, s: 'sku-1', c: 'cost' });
      assert.equal(bad.code, 'BAD_USER_INPUT');
      assert.match(bad.message, /"cost" is not in dataset "price-shop" \(it has: price, promo\)/);
      assert.equal((await api.fails(PRICE_HISTORY, { id: datasetId, s: 'nope' })).code, 'NOT_FOUND');
    });
  });
});
