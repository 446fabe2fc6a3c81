import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DomainError } from '../../api/errors/index.js';
import {
  addSteps,
  buildPanel,
  detectFrequency,
  fillCovariate,
  gridDates,
  InsufficientHistoryError,
  interpolateGaps,
  rollingOriginSplit,
  seriesScale,
} from '../../api/forecasting/frames.js';
import type { RawSeries } from '../../api/forecasting/types.js';

const raw = (id: string, dates: string[], values: (number | null)[], price?: (number | null)[]): RawSeries => ({
  id,
  statics: { store: 'x' },
  dates,
  values,
  covariates: price ? { price } : {},
});

describe('buildPanel', () => {
  test('puts a daily series on a grid: gaps are NaN (unknown), not zero; returns stay negative', () => {
    const p = buildPanel([raw('a', ['2024-01-01', '2024-01-02', '2024-01-05'], [3, -1, 0])], 'D');
    assert.deepEqual([...p.series[0]!.target], [3, -1, Number.NaN, Number.NaN, 0]);
  });

  test('a series runs from its first to its last value; future covariate rows are known in advance', () => {
    const p = buildPanel([
      raw(
        'a',
        ['2024-01-01', '2024-01-02', '2024-01-03', '2024-01-04', '2024-01-05'],
        [null, 2, 3, null, null],
        [9, 1, 1, 1.5, 2],
      ),
      raw('b', ['2024-01-01', '2024-01-02'], [1, 1], [5, null]),
    ]);
    const a = p.series[0]!;
    assert.equal(a.start, '2024-01-02');
    assert.deepEqual([...a.target], [2, 3]);
    assert.deepEqual([...a.covariates.price!], [1, 1, 1.5, 2]);
    assert.deepEqual(p.knownInAdvance, ['price']);
    assert.deepEqual(p.staticNames, ['store']);
    assert.deepEqual([...p.series[1]!.covariates.price!], [5, Number.NaN]);
  });

  test('detects weekly and monthly grids and refuses dates off the grid', () => {
    assert.equal(detectFrequency([{ dates: ['2024-01-05', '2024-01-12', '2024-01-19', '2024-02-02'] }]), 'W');
    const m = buildPanel([raw('m', ['2024-01-01', '2024-02-01', '2024-03-01', '2024-05-01'], [1, 2, null, 4])]);
    assert.equal(m.freq, 'M');
    assert.deepEqual([...m.series[0]!.target], [1, 2, Number.NaN, Number.NaN, 4]);
    assert.throws(
      () => buildPanel([raw('w', ['2024-01-05', '2024-01-12', '2024-01-20'], [1, 2, 3])], 'W'),
      /Series "w": date 2024-01-20 is off the W grid/,
    );
  });

  test('leaves out a series without values, with a warning', () => {
    const warnings: string[] = [];
    const p = buildPanel([raw('a', ['2024-01-01', '2024-01-02'], [1, 2]), raw('e', ['2024-01-01'], [null])], 'D', {
      onWarning: (m) => warnings.push(m),
    });
    assert.equal(p.series.length, 1);
    assert.match(warnings[0]!, /"e" has no sales values/);
  });
});

describe('grid helpers', () => {
  test('grid dates and steps for D, W, M', () => {
    assert.deepEqual(gridDates('2024-01-30', 1, 3, 'D'), ['2024-01-31', '2024-02-01', '2024-02-02']);
    assert.deepEqual(gridDates('2024-11-01', 1, 3, 'M'), ['2024-12-01', '2025-01-01', '2025-02-01']);
    assert.equal(addSteps('2024-01-05', -1, 'W'), '2023-12-29');
  });

  test('interpolates gaps linearly and holds the ends; covariates fill forward then 0', () => {
    assert.deepEqual([...interpolateGaps([Number.NaN, 2, Number.NaN, 4, Number.NaN])], [2, 2, 3, 4, 4]);
    assert.deepEqual([...fillCovariate([Number.NaN, 2, Number.NaN], 4)], [0, 2, 2, 2]);
    assert.equal(seriesScale([0, 0]), 1);
    assert.equal(seriesScale([2, -4, Number.NaN]), 3);
  });

  test('INSUFFICIENT_HISTORY names the series and the length needed', () => {
    const e = new InsufficientHistoryError('sku-1', 30, 12);
    assert.ok(e instanceof DomainError);
    assert.equal(e.code, 'INSUFFICIENT_HISTORY');
    assert.match(e.message, /"sku-1" has 12 points of history; this model needs at least 30/);
  });
});

describe('rollingOriginSplit', () => {
  const dates = Array.from({ length: 10 }, (_, i) => `2024-01-${String(i + 1).padStart(2, '0')}`);
  const long = raw('long', dates, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [0, 0, 0, 0, 0, 0, 1, 1, 1, 1]);
  const short = raw('short', dates.slice(0, 5), [1, 2, 3, 4, 5]);
  const gap = raw('gap', dates, [1, 2, 3, 4, 5, 6, null, null, 9, 10]);

  test('origin k tests n-k·H .. n-(k-1)·H-1, history before it, covariates through the window', () => {
    const split = rollingOriginSplit(buildPanel([long, short, gap], 'D'), 2, 2);
    assert.deepEqual(split.excluded, ['short'], 'fewer than K·H + 2 points');
    assert.deepEqual(
      split.windows.map((w) => w.origin),
      [2, 1],
    );
    const w2 = split.windows[0]!;
    const s = w2.panel.series.find((x) => x.id === 'long')!;
    assert.deepEqual([...s.target], [1, 2, 3, 4, 5, 6]);
    assert.deepEqual([...s.covariates.price!], [0, 0, 0, 0, 0, 0, 1, 1]);
    assert.deepEqual([...w2.actuals.get('long')!], [7, 8]);
    assert.deepEqual(w2.dates.get('long'), ['2024-01-07', '2024-01-08']);
    assert.deepEqual(w2.panel.knownInAdvance, ['price'], 'covariates are known inside the window');
    assert.ok(!w2.actuals.has('gap'), 'a window with no observed actual is dropped');
    assert.ok(split.windows[1]!.actuals.has('gap'));
  });

  test('extra validation windows hold only the series with history before them', () => {
    const split = rollingOriginSplit(buildPanel([long, short], 'D'), 2, 4, 1);
    assert.deepEqual(split.excluded, [], 'both have 1·H + 2 points');
    assert.deepEqual(
      split.windows.map((w) => [w.origin, [...w.actuals.keys()]]),
      [
        [4, ['long']],
        [3, ['long']],
        [2, ['long']],
        [1, ['long', 'short']],
      ],
    );
  });
});
