import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { mergeAlert, parseStatus } from './alert-list.js';
import type { AlertNode } from './alerts.queries.js';

function alert(id: string, createdAt: string, status: 'OPEN' | 'ACKNOWLEDGED' = 'OPEN'): AlertNode {
  return {
    id,
    datasetId: 'd',
    seriesId: `s-${id}`,
    kind: 'OUTLIER',
    direction: 'ABOVE',
    severity: 'WARNING',
    status,
    from: '2026-12-01',
    to: '2026-12-01',
    actual: 40,
    p10: 5,
    p90: 20,
    probability: null,
    message: '',
    createdAt,
  };
}

describe('mergeAlert', () => {
  const a = alert('a', '2026-12-01T06:00:00Z');
  const b = alert('b', '2026-12-02T06:00:00Z');

  test('a new open alert goes first and counts once', () => {
    const first = mergeAlert([a], b, 'OPEN');
    assert.deepEqual(
      first.alerts.map((x) => x.id),
      ['b', 'a'],
    );
    assert.equal(first.openDelta, 1);
    const again = mergeAlert(first.alerts, b, 'OPEN');
    assert.deepEqual(
      again.alerts.map((x) => x.id),
      ['b', 'a'],
      'no duplicate',
    );
    assert.equal(again.openDelta, 0);
  });

  test('acknowledging leaves an OPEN list and lowers the count; an all list keeps it, updated', () => {
    const acked = { ...b, status: 'ACKNOWLEDGED' as const };
    const open = mergeAlert([b, a], acked, 'OPEN');
    assert.deepEqual(
      open.alerts.map((x) => x.id),
      ['a'],
    );
    assert.equal(open.openDelta, -1);
    const all = mergeAlert([b, a], acked, null);
    assert.equal(all.alerts[0]?.status, 'ACKNOWLEDGED');
    assert.equal(all.openDelta, -1);
  });

  test('an unseen acknowledged alert does not change the open count', () => {
    assert.equal(mergeAlert([], alert('c', '2026-12-03T00:00:00Z', 'ACKNOWLEDGED'), null).openDelta, 0);
  });
});

describe('parseStatus', () => {
  test('open by default, acknowledged, all', () => {
    assert.equal(parseStatus(''), 'OPEN');
    assert.equal(parseStatus(null), 'OPEN');
    assert.equal(parseStatus('acknowledged'), 'ACKNOWLEDGED');
    assert.equal(parseStatus('All'), null);
    assert.equal(parseStatus('nonsense'), 'OPEN');
  });
});
