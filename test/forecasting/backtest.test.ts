/**
 * The backtest harness proven with a known-answer fake (statsforecast's idea): a model that
 * extends the line through the last two observed values has error 0 on a linear series, and it
 * records what it saw, so the test also proves that no target at or after a window's start leaks in.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { backtest, scoreBacktest } from '../../api/forecasting/backtest.js';
import { LocalForecaster } from '../../api/forecasting/baselines.js';
import { buildPanel, gridDates } from '../../api/forecasting/frames.js';
import type { FitOptions, GlobalForecaster, Panel, QuantileForecast } from '../../api/forecasting/types.js';

class LineFake implements GlobalForecaster {
  readonly alias = 'line';
  readonly seen: { id: string; length: number; lastValue: number; covariateLength: number }[] = [];
  private h = 0;
  fit(panel: Panel, o: FitOptions): Promise<void> {
    this.h = o.horizon;
    for (const s of panel.series) {
      this.seen.push({
        id: s.id,
        length: s.target.length,
        lastValue: s.target[s.target.length - 1]!,
        covariateLength: s.covariates.price?.length ?? 0,
      });
    }
    return Promise.resolve();
  }
  predict(panel: Panel): Promise<QuantileForecast[]> {
    return Promise.resolve(
      panel.series.map((s) => {
        const n = s.target.length;
        const slope = s.target[n - 1]! - s.target[n - 2]!;
        const line = Float64Array.from({ length: this.h }, (_, t) => s.target[n - 1]! + slope * (t + 1));
        return {
          seriesId: s.id,
          dates: gridDates(s.start, n, this.h, panel.freq),
          quantiles: [0.1, 0.5, 0.9],
          values: [line.map((v) => v - 1), line, line.map((v) => v + 1)],
        };
      }),
    );
  }
  serialize(): Promise<{ alias: string; json: string; weights: Uint8Array }> {
    return Promise.resolve({ alias: this.alias, json: '{}', weights: new Uint8Array() });
  }
  dispose(): void {}
}

class AlwaysFails extends LineFake {
  override fit(): Promise<void> {
    return Promise.reject(new Error('boom'));
  }
}

/** Forecasts NaN for one series: the harness must fall back for that series only. */
class NaNForOne extends LineFake {
  override async predict(panel: Panel): Promise<QuantileForecast[]> {
    const fs = await super.predict(panel);
    return fs.map((f) => (f.seriesId === 'b' ? { ...f, values: f.values.map((r) => r.map(() => Number.NaN)) } : f));
  }
}

const n = 40;
const dates = gridDates('2024-01-01', 0, n, 'D');
const panel = buildPanel(
  [
    { id: 'a', statics: {}, dates, values: dates.map((_, t) => 5 + 2 * t), covariates: { price: dates.map(() => 1) } },
    { id: 'b', statics: {}, dates, values: dates.map((_, t) => 100 - t), covariates: { price: dates.map(() => 2) } },
  ],
  'D',
);
const fit = { horizon: 7, origins: 3, quantiles: [0.1, 0.5, 0.9] };

describe('backtest harness', () => {
  test('a known-answer model has error 0 on linear series, and sees nothing of the window', async () => {
    const fakes: LineFake[] = [];
    const r = await backtest(
      panel,
      () => {
        const f = new LineFake();
        fakes.push(f);
        return f;
      },
      fit,
    );
    assert.deepEqual(
      r.windows.map((w) => w.origin),
      [3, 2, 1],
    );
    const s = scoreBacktest(r, panel);
    assert.equal(s.mase, 0);
    assert.equal(s.wape, 0);
    assert.equal(s.nWindows, 6);
    assert.equal(s.coverage80, 1);
    // Origin k trains on n - k·H points, the last one being the value just before the window.
    assert.deepEqual(
      fakes.map((f) => f.seen.find((x) => x.id === 'a')!.length),
      [n - 21, n - 14, n - 7],
    );
    assert.deepEqual(
      fakes.map((f) => f.seen.find((x) => x.id === 'a')!.lastValue),
      [5 + 2 * (n - 22), 5 + 2 * (n - 15), 5 + 2 * (n - 8)],
    );
    assert.deepEqual(
      fakes.map((f) => f.seen.find((x) => x.id === 'a')!.covariateLength),
      [n - 14, n - 7, n],
      'covariates are known through the window, no further',
    );
  });

  test('an always-failing model falls back to the fallback model, with a warning', async () => {
    const r = await backtest(panel, () => new AlwaysFails(), { ...fit, fallback: () => new LocalForecaster('naive') });
    assert.equal(r.alias, 'line');
    assert.equal(r.windows.length, 3);
    assert.equal(r.warnings.length, 3);
    assert.match(r.warnings[0]!, /line failed on origin 3 \(boom\); naive was used there/);
    // naive on a line: error = slope × steps, not 0.
    assert.ok(scoreBacktest(r, panel).mase > 0);
  });

  test('without a fallback the failure propagates', async () => {
    await assert.rejects(() => backtest(panel, () => new AlwaysFails(), fit), /boom/);
  });

  test('a series forecast with NaN falls back alone', async () => {
    const r = await backtest(panel, () => new NaNForOne(), { ...fit, fallback: () => new LocalForecaster('naive') });
    const s = scoreBacktest(r, panel);
    assert.equal(s.nFailed, 0);
    assert.equal(
      s.perWindow.filter((w) => w.seriesId === 'a').every((w) => w.mase === 0),
      true,
    );
    assert.match(r.warnings.join('\n'), /no usable forecast for 1 series on origin 3 \(e\.g\. "b"\)/);
  });

  test('an aborted signal stops the backtest', async () => {
    const c = new AbortController();
    c.abort();
    await assert.rejects(() => backtest(panel, () => new LineFake(), { ...fit, signal: c.signal }), {
      name: 'AbortError',
    });
  });
});
