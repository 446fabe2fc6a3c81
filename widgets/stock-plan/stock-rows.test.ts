import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { StockPlanNode } from './stock-plan.queries.js';
import { parseOrder, toStockRows, urgencyOf } from './stock-rows.js';

const node = (over: Partial<StockPlanNode>): StockPlanNode => ({
  seriesId: 'a',
  group: null,
  onHand: 10,
  onOrder: 0,
  leadTime: 5,
  reviewPeriod: 7,
  serviceLevel: 0.95,
  daysOfCover: 12,
  stockoutProbability: 0.01,
  reorderPoint: 8,
  orderUpTo: 30,
  suggestedOrder: 20,
  ...over,
});

describe('stock rows', () => {
  test('urgency: likely stock-out or cover under the lead time is critical; an order is due; else ok; no stock unknown', () => {
    assert.equal(urgencyOf(node({ stockoutProbability: 0.6 })), 'critical');
    assert.equal(urgencyOf(node({ daysOfCover: 3 })), 'critical');
    assert.equal(urgencyOf(node({})), 'order');
    assert.equal(urgencyOf(node({ suggestedOrder: 0 })), 'ok');
    assert.equal(urgencyOf(node({ onHand: null, stockoutProbability: null, suggestedOrder: null })), 'unknown');
  });

  test('a group row is keyed by attribute=value', () => {
    const [row] = toStockRows([node({ seriesId: null, group: { attribute: 'store', value: 'CA_1' } })]);
    assert.equal(row!.key, 'store=CA_1');
    assert.equal(row!.groupBy, 'store=CA_1');
    assert.equal(row!.seriesId, null);
  });

  test('order-by accepts the API orders in any case, URGENCY otherwise', () => {
    assert.equal(parseOrder('days_of_cover_asc'), 'DAYS_OF_COVER_ASC');
    assert.equal(parseOrder('nonsense'), 'URGENCY');
    assert.equal(parseOrder(undefined), 'URGENCY');
  });
});
