/**
 * Alert detection (api/forecasting/alerts.ts) against hand-worked bands: what "far" means, runs of
 * days on one side, a missing actual ending a run, zero-width bands of intermittent demand.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  DEFAULT_ALERT_RULES,
  bandDistance,
  checkAlertRules,
  detectBreaches,
  type BandPoint,
} from '../../api/forecasting/alerts.js';

const day = (i: number): string => new Date(Date.UTC(2024, 2, 1 + i)).toISOString().slice(0, 10);
/** Band 8–12 around 10 (half-band 2) every day; `actuals[i]` on day i. */
const band = (actuals: readonly (number | null)[]): BandPoint[] =>
  actuals.map((actual, i) => ({ date: day(i), actual, p10: 8, p50: 10, p90: 12 }));

/** A zero-width band (intermittent demand: p10 = p50 = p90 = 0). */
const zero = (actuals: readonly number[]): BandPoint[] =>
  actuals.map((actual, i) => ({ date: day(i), actual, p10: 0, p50: 0, p90: 0 }));

describe('bandDistance', () => {
  test('measures beyond the nearer edge in half-bands', () => {
    assert.deepEqual(bandDistance({ actual: 15, p10: 8, p90: 12 }, 1), { side: 'ABOVE', halfBands: 1.5 });
    assert.deepEqual(bandDistance({ actual: 4, p10: 8, p90: 12 }, 1), { side: 'BELOW', halfBands: 2 });
    assert.deepEqual(bandDistance({ actual: 12, p10: 8, p90: 12 }, 1), { side: null, halfBands: 0 });
  });

  test('a zero-width band is measured in minScale units', () => {
    assert.deepEqual(bandDistance({ actual: 3, p10: 0, p90: 0 }, 1), { side: 'ABOVE', halfBands: 3 });
  });
});

describe('detectBreaches', () => {
  test('one point more than one half-band beyond the edge is an OUTLIER; at exactly one it is not', () => {
    assert.deepEqual(detectBreaches(band([10, 14, 10])), []);
    const [b, ...rest] = detectBreaches(band([10, 14.5, 10]));
    assert.equal(rest.length, 0);
    assert.equal(b!.kind, 'OUTLIER');
    assert.equal(b!.direction, 'ABOVE');
    assert.equal(b!.severity, 'WARNING');
    assert.equal(b!.from, day(1));
    assert.equal(b!.to, day(1));
    assert.deepEqual(b!.worst, { date: day(1), actual: 14.5, p10: 8, p50: 10, p90: 12 });
    assert.equal(b!.score, 1.25);
  });

  test('beyond three half-bands an outlier is CRITICAL, below the band too', () => {
    const [b] = detectBreaches(band([10, 1, 10]));
    assert.equal(b!.direction, 'BELOW');
    assert.equal(b!.severity, 'CRITICAL'); // (8 - 1) / 2 = 3.5 half-bands
  });

  test('five days in a row above p90 make a RUN; four do not', () => {
    assert.deepEqual(detectBreaches(band([13, 13, 13, 13, 10])), []);
    const breaches = detectBreaches(band([10, 13, 12.5, 13, 14, 13, 10]));
    assert.equal(breaches.length, 1);
    const [run] = breaches;
    assert.equal(run!.kind, 'RUN');
    assert.equal(run!.direction, 'ABOVE');
    assert.equal(run!.from, day(1));
    assert.equal(run!.to, day(5));
    assert.equal(run!.points.length, 5);
    assert.equal(run!.worst.date, day(4));
    assert.equal(run!.severity, 'WARNING');
  });

  test('a run of twice the length is CRITICAL, and a far point inside it is also an OUTLIER', () => {
    const breaches = detectBreaches(band([13, 13, 13, 13, 20, 13, 13, 13, 13, 13]));
    assert.deepEqual(
      breaches.map((b) => [b.kind, b.from, b.to, b.severity]),
      [
        ['OUTLIER', day(4), day(4), 'CRITICAL'],
        ['RUN', day(0), day(9), 'CRITICAL'],
      ],
    );
  });

  test('a missing actual or a change of side ends a run', () => {
    assert.deepEqual(detectBreaches(band([13, 13, 13, null, 13, 13, 13])), []);
    assert.deepEqual(detectBreaches(band([13, 13, 13, 7, 7, 7, 7])), []);
    const below = detectBreaches(band([13, 7, 7, 7, 7, 7]));
    assert.deepEqual(
      below.map((b) => [b.kind, b.direction, b.from, b.to]),
      [['RUN', 'BELOW', day(1), day(5)]],
    );
  });

  test('intermittent demand: a single sale against a zero band is not an alert, three units are', () => {
    assert.deepEqual(detectBreaches(zero([0, 1, 0, 0])), []);
    assert.deepEqual(
      detectBreaches(zero([0, 3, 0])).map((b) => b.kind),
      ['OUTLIER'],
    );
    // Nothing can sell below a p10 of 0.
    assert.deepEqual(detectBreaches(zero([0, 0, 0, 0, 0, 0])), []);
  });

  test('the same inputs give the same breaches (what makes "raised once" checkable)', () => {
    const points = band([10, 30, 13, 13, 13, 13, 13, 2]);
    assert.deepEqual(detectBreaches(points), detectBreaches(points));
  });

  test('rules are checked', () => {
    assert.throws(() => checkAlertRules({ ...DEFAULT_ALERT_RULES, runLength: 1 }), /runLength/);
    assert.throws(() => checkAlertRules({ ...DEFAULT_ALERT_RULES, farFactor: 0 }), /farFactor/);
    assert.equal(checkAlertRules(DEFAULT_ALERT_RULES), DEFAULT_ALERT_RULES);
  });

  test('a looser rule set finds more', () => {
    const points = band([13, 13, 13, 10]);
    assert.equal(detectBreaches(points, { ...DEFAULT_ALERT_RULES, runLength: 3 }).length, 1);
  });
});
