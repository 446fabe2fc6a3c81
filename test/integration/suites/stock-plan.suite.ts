/**
 * Stock planning through GraphQL (issue 18, item 1), on SQLite and PostgreSQL: the dataset's
 * policy and its defaults, setStock all-or-none, a plan per series sorted by urgency, pooled
 * groups, paging, coded errors for bad input, read-only credentials refused, another tenant's
 * stock never read.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import { bearer, createAdminKey } from '../../helpers/auth.js';
import { withDbs } from '../../helpers/dbs.js';
import { createTestApi, tinyCsv, trainToSuccess, type TestApi } from '../support/api.js';

interface PlanRow {
  seriesId: string | null;
  group: { attribute: string; value: string } | null;
  seriesCount: number;
  onHand: number | null;
  onOrder: number | null;
  inventoryPosition: number | null;
  leadTime: number;
  reviewPeriod: number;
  serviceLevel: number;
  planStart: string;
  protectionPeriods: number;
  expectedDemand: number;
  safetyStock: number;
  reorderPoint: number;
  orderUpTo: number;
  suggestedOrder: number | null;
  daysOfCover: number | null;
  stockoutProbability: number | null;
}

const ROW = `seriesId group { attribute value } seriesCount onHand onOrder inventoryPosition leadTime reviewPeriod
  serviceLevel planStart protectionPeriods expectedDemand safetyStock reorderPoint orderUpTo suggestedOrder
  daysOfCover stockoutProbability`;

withDbs((db) => {
  let api: TestApi;
  let id: string;

  const plan = async (args = ''): Promise<{ totalCount: number; nodes: PlanRow[]; pageInfo: { endCursor: string } }> =>
    (
      await api.ok<{ stockPlan: { totalCount: number; nodes: PlanRow[]; pageInfo: { endCursor: string } } }>(
        `{ stockPlan(datasetId: "${id}"${args}) { totalCount nodes { ${ROW} } pageInfo { endCursor } } }`,
      )
    ).stockPlan;

  before(async () => {
    api = await createTestApi(db.knex, db.config);
    const { createDataset } = await api.ok<{ createDataset: { id: string } }>(
      'mutation { createDataset(input: { name: "shop-stock" }) { id } }',
    );
    id = createDataset.id;
    await api.ok(
      'mutation($id: ID!, $csv: String!) { importObservations(datasetId: $id, csv: $csv) { seriesCount } }',
      {
        id,
        csv: tinyCsv(4, 90),
      },
    );
    await trainToSuccess(api, id, 'horizon: 21, model: SNAIVE');
  });
  after(async () => {
    await api?.close();
  });

  describe('stock planning', () => {
    test('a dataset without a policy uses the defaults (daily: 7 days lead time, weekly review, 95 %)', async () => {
      const { stockPolicy } = await api.ok<{ stockPolicy: Record<string, unknown> }>(
        `{ stockPolicy(datasetId: "${id}") { leadTime reviewPeriod serviceLevel isDefault } }`,
      );
      assert.deepEqual(stockPolicy, { leadTime: 7, reviewPeriod: 7, serviceLevel: 0.95, isDefault: true });
    });

    test('before any stock is set, every row has the demand figures and null stock figures', async () => {
      const p = await plan();
      assert.equal(p.totalCount, 4);
      for (const r of p.nodes) {
        assert.equal(r.onHand, null);
        assert.equal(r.suggestedOrder, null);
        assert.equal(r.stockoutProbability, null);
        assert.equal(r.protectionPeriods, 14);
        assert.ok(r.orderUpTo >= r.expectedDemand, JSON.stringify(r));
        assert.equal(r.planStart, '2024-03-31');
      }
    });

    test('setStockPolicy and setStock drive the plan; rows sort by urgency; the figures agree with each other', async () => {
      await api.ok(
        `mutation { setStockPolicy(datasetId: "${id}", policy: { leadTime: 3, reviewPeriod: 7, serviceLevel: 0.9 }) { isDefault } }`,
      );
      const { setStock } = await api.ok<{ setStock: number }>(
        `mutation { setStock(datasetId: "${id}", levels: [
          { seriesId: "item-0", onHand: 0 },
          { seriesId: "item-1", onHand: 1000 },
          { seriesId: "item-2", onHand: 20, onOrder: 5, serviceLevel: 0.99, leadTime: 2 }
        ]) }`,
      );
      assert.equal(setStock, 3);
      const p = await plan();
      assert.deepEqual(
        p.nodes.map((r) => r.seriesId),
        ['item-0', 'item-2', 'item-1', 'item-3'],
        'empty shelf first, overstock after, unknown stock last',
      );
      const [empty, partial, full, unknown] = p.nodes as [PlanRow, PlanRow, PlanRow, PlanRow];
      assert.equal(empty.stockoutProbability, 1, 'nothing on hand and demand every day');
      assert.equal(empty.daysOfCover, 0);
      assert.equal(empty.suggestedOrder, empty.orderUpTo);
      assert.equal(full.stockoutProbability, 0);
      assert.equal(full.suggestedOrder, 0);
      assert.ok(full.daysOfCover! > 21, String(full.daysOfCover));
      assert.equal(partial.inventoryPosition, 25);
      assert.equal(partial.serviceLevel, 0.99);
      assert.equal(partial.leadTime, 2);
      assert.equal(partial.protectionPeriods, 9);
      assert.equal(unknown.onHand, null);
      for (const r of [empty, partial, full, unknown]) {
        assert.ok(Math.abs(r.safetyStock - (r.orderUpTo - r.expectedDemand)) < 1e-9);
        assert.ok(r.orderUpTo >= r.reorderPoint);
        if (r.inventoryPosition !== null) {
          assert.equal(r.suggestedOrder, Math.max(0, Math.ceil(r.orderUpTo - r.inventoryPosition - 1e-9)));
        }
      }
      // The dataset's policy applies where a series has none of its own.
      assert.equal(empty.leadTime, 3);
      assert.equal(empty.serviceLevel, 0.9);
    });

    test('the expected demand is the sum of the stored daily forecast means over lead time + review period', async () => {
      const { runId } = (await db.knex('training_runs').max({ runId: 'id' }).first()) as { runId: number };
      const stored = (await db
        .knex('forecasts as f')
        .join('series as s', 's.id', 'f.series_id')
        .where({ 'f.run_id': runId, 's.key': 'item-0' })
        .orderBy('f.date')
        .select('f.mean')) as Array<{ mean: number }>;
      assert.equal(stored.length, 21);
      const [row] = (await plan(', seriesId: "item-0"')).nodes;
      const sum = stored.slice(0, 10).reduce((a, r) => a + Number(r.mean), 0);
      assert.ok(sum > 0);
      assert.ok(Math.abs(row!.expectedDemand - sum) < 1e-6 * Math.max(1, sum), `${row!.expectedDemand} vs ${sum}`);
    });

    test('a higher service level never lowers the order-up-to level; serviceLevel overrides every row', async () => {
      const lo = await plan(', serviceLevel: 0.6, orderBy: SERIES_ASC');
      const hi = await plan(', serviceLevel: 0.99, orderBy: SERIES_ASC');
      for (let i = 0; i < 4; i++) {
        assert.equal(lo.nodes[i]!.serviceLevel, 0.6);
        assert.ok(hi.nodes[i]!.orderUpTo >= lo.nodes[i]!.orderUpTo);
      }
    });

    test('groupBy pools stock and demand per attribute value; a group with a member of unknown stock has none', async () => {
      const p = await plan(', groupBy: "store", orderBy: SERIES_ASC');
      assert.deepEqual(
        p.nodes.map((r) => [r.group?.value, r.seriesCount, r.onHand]),
        [
          ['north', 2, 20],
          ['south', 2, null],
        ],
      );
      const north = p.nodes[0]!;
      assert.equal(north.onOrder, 5);
      const single = await plan(', orderBy: SERIES_ASC');
      const members = single.nodes.filter((r) => r.seriesId === 'item-0' || r.seriesId === 'item-2');
      assert.equal(members.length, 2);
      // Pooled demand: more than either member's alone.
      assert.ok(north.expectedDemand > Math.max(members[0]!.expectedDemand, members[1]!.expectedDemand) - 1e-9);
      const all = await plan(', groupBy: "all"');
      assert.equal(all.nodes.length, 1);
      assert.equal(all.nodes[0]!.seriesCount, 4);
      const filtered = await plan(', groupBy: "store=north", orderBy: SERIES_ASC');
      assert.deepEqual(
        filtered.nodes.map((r) => r.seriesId),
        ['item-0', 'item-2'],
      );
    });

    test('a 500-row page of the reorder list is within the cost limit (a flat page, priced like forecastTable)', async () => {
      // 500 × (1 + 0.5 × 8 values) = 2,500; every one of the 19 values would be 5,259, over the
      // default 5,000: ask for 250 rows at a time then.
      const { stockPlan } = await api.ok<{ stockPlan: { nodes: unknown[] } }>(
        `{ stockPlan(datasetId: "${id}", first: 500) { nodes { seriesId onHand daysOfCover suggestedOrder stockoutProbability orderUpTo reorderPoint safetyStock } } }`,
      );
      assert.equal(stockPlan.nodes.length, 4);
      assert.equal((await plan(', first: 250')).nodes.length, 4);
    });

    test("forecastTable rows carry their series' stock plan; a 500-row page with it stays within the cost limit", async () => {
      const { forecastTable } = await api.ok<{
        forecastTable: {
          totalCount: number;
          nodes: Array<{ seriesId: string; date: string; stock: Partial<PlanRow> | null }>;
        };
      }>(
        `{ forecastTable(datasetId: "${id}", first: 500) { totalCount nodes { seriesId date p50 stock { onHand daysOfCover suggestedOrder stockoutProbability orderUpTo } } } }`,
      );
      assert.equal(forecastTable.totalCount, 4 * 21);
      const planned = new Map((await plan(', first: 10')).nodes.map((r) => [r.seriesId, r]));
      for (const row of forecastTable.nodes) {
        const want = planned.get(row.seriesId)!;
        assert.deepEqual(row.stock, {
          onHand: want.onHand,
          daysOfCover: want.daysOfCover,
          suggestedOrder: want.suggestedOrder,
          stockoutProbability: want.stockoutProbability,
          orderUpTo: want.orderUpTo,
        });
      }
    });

    test('pages follow first/after', async () => {
      const first = await plan(', first: 3');
      assert.equal(first.nodes.length, 3);
      const rest = await plan(`, first: 3, after: "${first.pageInfo.endCursor}"`);
      assert.deepEqual(
        rest.nodes.map((r) => r.seriesId),
        ['item-3'],
      );
    });

    test('bad input is refused with a coded error naming the value, and nothing is written', async () => {
      const earlier = (await plan(', seriesId: "item-0"')).nodes[0]!;
      const unknown = await api.fails(
        `mutation { setStock(datasetId: "${id}", levels: [{ seriesId: "item-0", onHand: 7 }, { seriesId: "nope", onHand: 1 }]) }`,
      );
      assert.equal(unknown.code, 'BAD_USER_INPUT');
      assert.match(unknown.message, /Row 2: series "nope"/);
      const negative = await api.fails(
        `mutation { setStock(datasetId: "${id}", levels: [{ seriesId: "item-0", onHand: 7 }, { seriesId: "item-1", onHand: -3 }]) }`,
      );
      assert.equal(negative.code, 'BAD_USER_INPUT');
      assert.match(negative.message, /-3/);
      const later = (await plan(', seriesId: "item-0"')).nodes[0]!;
      assert.equal(later.onHand, earlier.onHand, 'the refused batches wrote nothing');
      const level = await api.fails(`{ stockPlan(datasetId: "${id}", serviceLevel: 1.5) { totalCount } }`);
      assert.equal(level.code, 'BAD_USER_INPUT');
      assert.match(level.message, /1\.5/);
      const policy = await api.fails(
        `mutation { setStockPolicy(datasetId: "${id}", policy: { leadTime: -1, reviewPeriod: 7, serviceLevel: 0.9 }) { leadTime } }`,
      );
      assert.equal(policy.code, 'BAD_USER_INPUT');
      // Longer than the 21 days forecast: refused naming the series and the fix.
      await api.ok(
        `mutation { setStock(datasetId: "${id}", levels: [{ seriesId: "item-3", onHand: 1, leadTime: 20 }]) }`,
      );
      const tooLong = await api.fails(`{ stockPlan(datasetId: "${id}") { totalCount } }`);
      assert.equal(tooLong.code, 'BAD_USER_INPUT');
      assert.match(tooLong.message, /series "item-3".*27 periods.*21 periods/);
      await api.ok(
        `mutation { setStock(datasetId: "${id}", levels: [{ seriesId: "item-3", onHand: 1, leadTime: 5 }]) }`,
      );
      const missing = await api.fails(`{ stockPlan(datasetId: "${id}", seriesId: "nope") { totalCount } }`);
      assert.equal(missing.code, 'NOT_FOUND');
    });

    test('stock counted inside the forecast counts demand from the day after it', async () => {
      await api.ok(
        `mutation { setStock(datasetId: "${id}", levels: [{ seriesId: "item-1", onHand: 1000, asOf: "2024-04-02" }]) }`,
      );
      const [row] = (await plan(', seriesId: "item-1"')).nodes;
      assert.equal(row!.planStart, '2024-04-03');
    });

    test('the README "Stock planning" operations work as written', async () => {
      const readme = await readFile(new URL('../../../README.md', import.meta.url), 'utf8');
      const start = readme.indexOf('## Stock planning');
      const section = readme.slice(start, readme.indexOf('\n## ', start + 5));
      const blocks = [...section.matchAll(/```graphql\n([\s\S]*?)```/g)].map((m) => m[1]!);
      assert.equal(blocks.length, 2);
      const set = await api.ok<{ setStockPolicy: { leadTime: number }; setStock: number }>(blocks[0]!, {
        datasetId: id,
      });
      assert.deepEqual(set, { setStockPolicy: { leadTime: 5, reviewPeriod: 7, serviceLevel: 0.95 }, setStock: 3 });
      const { stockPlan } = await api.ok<{ stockPlan: { totalCount: number; nodes: PlanRow[] } }>(blocks[1]!, {
        datasetId: id,
      });
      assert.equal(stockPlan.totalCount, 4);
      const byId = new Map(stockPlan.nodes.map((r) => [r.seriesId, r]));
      assert.equal(byId.get('item-0')!.onHand, 40);
      assert.equal(byId.get('item-1')!.onOrder, 60);
      const known = stockPlan.nodes.map((r) => r.stockoutProbability).filter((p) => p !== null);
      assert.deepEqual(
        known,
        known.toSorted((a, b) => b - a),
        'most urgent first',
      );
    });

    test('an embed token reads the plan but cannot set stock; another tenant sees neither', async () => {
      const { createEmbedToken } = await api.ok<{ createEmbedToken: { token: string } }>(
        `mutation { createEmbedToken(datasetIds: ["${id}"], ttlSeconds: 600) { token } }`,
      );
      const embed = bearer(createEmbedToken.token);
      const read = await api.execAs<{ stockPlan: { totalCount: number } }>(
        embed,
        `{ stockPlan(datasetId: "${id}") { totalCount } }`,
      );
      assert.equal(read.errors, undefined);
      assert.equal(read.data!.stockPlan.totalCount, 4);
      const write = await api.execAs(
        embed,
        `mutation { setStock(datasetId: "${id}", levels: [{ seriesId: "item-0", onHand: 1 }]) }`,
      );
      assert.equal(write.errors?.[0]?.extensions?.['code'], 'FORBIDDEN');
      const other = await createAdminKey(db.knex, 'stock-other-shop');
      const foreign = await api.execAs(other.headers, `{ stockPlan(datasetId: "${id}") { totalCount } }`);
      assert.equal(foreign.errors?.[0]?.extensions?.['code'], 'NOT_FOUND');
      const foreignWrite = await api.execAs(
        other.headers,
        `mutation { setStock(datasetId: "${id}", levels: [{ seriesId: "item-0", onHand: 1 }]) }`,
      );
      assert.equal(foreignWrite.errors?.[0]?.extensions?.['code'], 'NOT_FOUND');
    });
  });
});
