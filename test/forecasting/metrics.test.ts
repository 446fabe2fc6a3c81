/**
 * Our metrics against hand-computed values and against the peers' scorer (`shared/peers/score.py`).
 *
 * Golden: `test/fixtures/forecasting/metrics-golden.json` was made by
 *   cd test/fixtures/forecasting && /usr/bin/python3 make-metrics-fixture.py &&
 *   /usr/bin/python3 /work/shared/peers/score.py metrics-data.csv --horizon 7 --origins 2 \
 *     --pred fixture=metrics-preds.csv --json metrics-golden.json
 * The fixture has gaps (in training and in a test window), an intermittent series without
 * intervals, a constant training window (MASE scale 0) and a series that fails (a missing p50).
 * When `/usr/bin/python3` can import pandas and score.py is there, the test also runs it live.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { buildPanel, rollingOriginSplit } from '../../api/forecasting/frames.js';
import { maseScale, rmsseScale, scoreWindows, type ScoredWindow } from '../../api/forecasting/metrics.js';
import { readRawSeries } from '../../api/ingest/raw-series.js';

const dir = join(import.meta.dirname, '../fixtures/forecasting');
const SCORE_PY = '/work/shared/peers/score.py';

function close(a: number, b: number, what: string, tol = 1e-9): void {
  assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);
}

describe('metrics by hand', () => {
  test('one window: MASE, sMAPE, RMSSE, WAPE, wQL and coverage', () => {
    const history = [1, 2, 3, 4, 5, 6, 7, 8];
    const w: ScoredWindow = {
      seriesId: 'x',
      origin: 1,
      history,
      actual: [10, 12],
      quantiles: new Map([
        [0.1, [9, 9]],
        [0.5, [11, 11]],
        [0.9, [13, 11.5]],
      ]),
    };
    const s = scoreWindows([w], 7);
    // MASE scale: the one pair 7 apart, |8 - 1| = 7; MAE 1.
    close(s.mase, 1 / 7, 'MASE');
    close(s.smape, 100 * (1 / 21 + 1 / 23), 'sMAPE');
    close(s.rmsse, 1, 'RMSSE (one-step diffs are all 1)');
    close(s.wape, 2 / 22, 'WAPE');
    // Coverage: 10 in [9, 13], 12 not in [9, 11.5].
    close(s.coverage80, 0.5, 'coverage');
    // wQL_0.1 = 2*(0.1*1 + 0.1*3)/22; wQL_0.5 = 2*(0.5*1 + 0.5*1)/22; wQL_0.9 = 2*(0.9*3 + 0.1*0.5)/22.
    const w1 = (2 * (0.1 + 0.3)) / 22;
    const w5 = (2 * 1) / 22;
    const w9 = (2 * (0.1 * 3 + 0.9 * 0.5)) / 22;
    close(s.wqlByLevel[0]!, w1, 'wQL 0.1');
    close(s.wqlByLevel[1]!, w5, 'wQL 0.5 = WAPE');
    close(s.wqlByLevel[2]!, w9, 'wQL 0.9');
    close(s.wql, (w1 + w5 + w9) / 3, 'mean wQL');
  });

  test('scales use observed pairs only, and lag 1 when no pair is a season apart', () => {
    assert.deepEqual(maseScale([1, Number.NaN, 3, 5], 7), { scale: 2, lag: 1 });
    close(rmsseScale([0, 0, 2, 4, Number.NaN, 5]), 4, 'RMSSE scale from the first non-zero value');
  });

  test('a series with a missing p50 on a scored date fails; missing actuals are not scored', () => {
    const s = scoreWindows(
      [
        {
          seriesId: 'a',
          origin: 1,
          history: [1, 2],
          actual: [1, Number.NaN],
          quantiles: new Map([[0.5, [1, Number.NaN]]]),
        },
        { seriesId: 'b', origin: 1, history: [1, 2], actual: [1, 2], quantiles: new Map([[0.5, [1, Number.NaN]]]) },
      ],
      7,
    );
    assert.deepEqual(s.failed, ['b']);
    assert.equal(s.nPoints, 1);
    close(s.mase, 0, 'perfect on the one scored point');
    assert.ok(Number.isNaN(s.wql), 'no intervals: no wQL');
  });
});

/** Python's json writes NaN for missing figures; JSON.parse needs null. */
function readPythonJson(path: string): { models: { fixture: Golden } } {
  return JSON.parse(readFileSync(path, 'utf8').replace(/\bNaN\b/g, 'null')) as { models: { fixture: Golden } };
}

const num = (v: string | undefined): number => (v === undefined || v === '' ? Number.NaN : Number(v));

async function ourSummary(): Promise<ReturnType<typeof scoreWindows>> {
  const file = await readRawSeries(join(dir, 'metrics-data.csv'));
  const panel = buildPanel(file.series, file.frequency);
  const preds = new Map<string, { p10: number; p50: number; p90: number }>();
  const lines = readFileSync(join(dir, 'metrics-preds.csv'), 'utf8').trim().split('\n').slice(1);
  for (const l of lines) {
    const [id, date, p50, p10, p90] = l.split(',');
    preds.set(`${id}|${date}`, { p10: num(p10), p50: num(p50), p90: num(p90) });
  }
  const windows: ScoredWindow[] = [];
  for (const w of rollingOriginSplit(panel, 7, 2).windows) {
    for (const s of w.panel.series) {
      const dates = w.dates.get(s.id)!;
      const get = (k: 'p10' | 'p50' | 'p90'): number[] =>
        dates.map((d) => preds.get(`${s.id}|${d}`)?.[k] ?? Number.NaN);
      windows.push({
        seriesId: s.id,
        origin: w.origin,
        history: s.target,
        actual: w.actuals.get(s.id)!,
        quantiles: new Map([
          [0.1, get('p10')],
          [0.5, get('p50')],
          [0.9, get('p90')],
        ]),
      });
    }
  }
  return scoreWindows(windows, 7);
}

interface Golden {
  n_series: number;
  n_failed: number;
  failed: string[];
  mase: number;
  smape: number;
  rmsse: number;
  wape: number;
  cov80: number;
  mean_wql: number;
  n_windows: number;
  n_points: number;
  n_nan_scale: number;
  per_window: { series_id: string; origin: number; mase: number | null; smape: number; cov80: number | null }[];
}

function compare(ours: Awaited<ReturnType<typeof ourSummary>>, g: Golden, tol: number): void {
  assert.equal(ours.nSeries, g.n_series);
  assert.deepEqual([...ours.failed], g.failed);
  assert.equal(ours.nWindows, g.n_windows);
  assert.equal(ours.nPoints, g.n_points);
  assert.equal(ours.nNanScale, g.n_nan_scale);
  close(ours.mase, g.mase, 'MASE', tol);
  close(ours.smape, g.smape, 'sMAPE', tol);
  close(ours.rmsse, g.rmsse, 'RMSSE', tol);
  close(ours.wape, g.wape, 'WAPE', tol);
  close(ours.coverage80, g.cov80, 'cov80', tol);
  close(ours.wql, g.mean_wql, 'mean wQL', tol);
  for (const pw of g.per_window) {
    const o = ours.perWindow.find((r) => r.seriesId === pw.series_id && r.origin === pw.origin)!;
    if (pw.mase === null) assert.ok(Number.isNaN(o.mase));
    else close(o.mase, pw.mase, `MASE ${pw.series_id}/${pw.origin}`, 1e-5);
  }
}

describe('metrics equal shared/peers/score.py', () => {
  test('on the committed golden fixture', async () => {
    const g = readPythonJson(join(dir, 'metrics-golden.json'));
    compare(await ourSummary(), g.models.fixture, 1e-9);
  });

  test('live, when /usr/bin/python3 with pandas and score.py are here', async (t) => {
    const py = '/usr/bin/python3';
    const ok = existsSync(py) && existsSync(SCORE_PY) && spawnSync(py, ['-c', 'import pandas']).status === 0;
    if (!ok) {
      t.diagnostic(`score.py not run live: ${py} with pandas or ${SCORE_PY} is missing (the golden test still ran)`);
      return;
    }
    const out = join(process.env.TMPDIR ?? '/tmp', `fq-metrics-${process.pid}.json`);
    const r = spawnSync(
      py,
      [
        SCORE_PY,
        'metrics-data.csv',
        '--horizon',
        '7',
        '--origins',
        '2',
        '--pred',
        'fixture=metrics-preds.csv',
        '--json',
        out,
      ],
      { cwd: dir, encoding: 'utf8' },
    );
    assert.equal(r.status, 0, r.stderr);
    const g = readPythonJson(out);
    compare(await ourSummary(), g.models.fixture, 1e-9);
  });
});
