/**
 * A dataset's unit (issue 13, item 7), end to end through the real pipeline: the same sales with
 * a refund day every week are imported twice, once as UNITS with returns allowed and once as
 * MONEY allowing negatives. Units are never forecast below 0; money keeps its negative days.
 * `createDataset`, `importObservations` and `Dataset` carry the unit and the flag.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { withDbs } from '../../helpers/dbs.js';
import { createTestApi, trainToSuccess, type TestApi } from '../support/api.js';

const day = (i: number): string => new Date(Date.UTC(2024, 0, 1 + i)).toISOString().slice(0, 10);

/** Two series over 10 weeks: ~100 a day, and every Monday (2024-01-01 is one) refunds of ~60 net. */
function refundsCsv(): string {
  const lines = ['series_id,date,value'];
  for (const [k, id] of ['a', 'b'].entries()) {
    for (let d = 0; d < 70; d++) {
      const v = d % 7 === 0 ? -60 - ((d * 3 + k) % 5) : 100 + ((d * 7 + k) % 11);
      lines.push(`${id},${day(d)},${v}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

const IMPORT = `mutation($id: ID!, $csv: String!, $unit: DatasetUnit, $allowNegative: Boolean) {
  importObservations(datasetId: $id, csv: $csv, unit: $unit, allowNegative: $allowNegative) {
    rowsImported dataset { unit allowNegative }
  }
}`;

type Point = { date: string; p10: number; p50: number; p90: number };

withDbs((db) => {
  let api: TestApi;

  before(async () => {
    api = await createTestApi(db.knex, db.config);
  });
  after(async () => {
    await api?.close();
  });

  async function forecastOf(id: string): Promise<Point[]> {
    const { forecast } = await api.ok<{ forecast: { points: Point[] } }>(
      `{ forecast(datasetId: "${id}", seriesId: "a") { points { date p10 p50 p90 } } }`,
    );
    return forecast.points.filter((p) => p.date >= day(70));
  }

  describe('dataset unit and negatives', () => {
    test('createDataset sets unit and allowNegative; a dataset made without them is UNITS without negatives', async () => {
      const made = await api.ok<{
        a: { unit: string; allowNegative: boolean };
        b: { unit: string; allowNegative: boolean };
      }>(
        `mutation {
          a: createDataset(input: { name: "till-money", unit: MONEY, allowNegative: true }) { unit allowNegative }
          b: createDataset(input: { name: "plain" }) { unit allowNegative }
        }`,
      );
      assert.deepEqual(made.a, { unit: 'MONEY', allowNegative: true });
      assert.deepEqual(made.b, { unit: 'UNITS', allowNegative: false });
      const wrong = await api.fails('mutation { createDataset(input: { name: "x", unit: EUROS }) { id } }');
      assert.match(wrong.message, /EUROS/);
    });

    test('a return keeps unit quantiles ≥ 0; a money dataset with refunds goes below 0', async () => {
      const ids: Record<'units' | 'money', string> = { units: '', money: '' };
      for (const name of ['units', 'money'] as const) {
        const { createDataset } = await api.ok<{ createDataset: { id: string } }>(
          `mutation { createDataset(input: { name: "refunds-${name}" }) { id } }`,
        );
        ids[name] = createDataset.id;
        const r = await api.ok<{ importObservations: { rowsImported: number; dataset: unknown } }>(IMPORT, {
          id: createDataset.id,
          csv: refundsCsv(),
          allowNegative: true,
          ...(name === 'money' ? { unit: 'MONEY' } : {}),
        });
        assert.equal(r.importObservations.rowsImported, 140);
        assert.deepEqual(r.importObservations.dataset, {
          unit: name === 'money' ? 'MONEY' : 'UNITS',
          allowNegative: true,
        });
        await trainToSuccess(api, createDataset.id, 'horizon: 14, model: SNAIVE');
      }
      const units = await forecastOf(ids.units);
      const money = await forecastOf(ids.money);
      assert.equal(units.length, 14);
      assert.equal(money.length, 14);
      for (const p of units) {
        assert.ok(p.p10 >= 0 && p.p50 >= 0 && p.p90 >= 0, `units never below 0: ${JSON.stringify(p)}`);
      }
      // The forecast Mondays (2024-03-11, 03-18) are refund days: money keeps them negative.
      const mondays = money.filter((p) => new Date(`${p.date}T00:00:00Z`).getUTCDay() === 1);
      assert.equal(mondays.length, 2);
      for (const p of mondays) assert.ok(p.p50 < -30, `a refund Monday in money: ${JSON.stringify(p)}`);
      for (const p of units.filter((q) => new Date(`${q.date}T00:00:00Z`).getUTCDay() === 1)) {
        assert.ok(p.p50 < 10, `the same Monday in units is near 0, not negative: ${JSON.stringify(p)}`);
      }
      // Other days sell about 100 in both.
      const tuesday = money.find((p) => new Date(`${p.date}T00:00:00Z`).getUTCDay() === 2)!;
      assert.ok(tuesday.p50 > 80, JSON.stringify(tuesday));
    });

    test('MONEY without allowNegative refuses negative values, as UNITS does, and stores nothing', async () => {
      const { createDataset } = await api.ok<{ createDataset: { id: string } }>(
        'mutation { createDataset(input: { name: "money-no-refunds", unit: MONEY }) { id } }',
      );
      const refused = await api.fails(IMPORT, { id: createDataset.id, csv: refundsCsv() });
      assert.equal(refused.code, 'BAD_USER_INPUT');
      assert.match(refused.message, /negative/);
      const { dataset } = await api.ok<{ dataset: { rowCount: number; unit: string; allowNegative: boolean } }>(
        `{ dataset(id: "${createDataset.id}") { rowCount unit allowNegative } }`,
      );
      assert.deepEqual(dataset, { rowCount: 0, unit: 'MONEY', allowNegative: false });
    });
  });
});
