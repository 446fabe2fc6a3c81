/** Small synthetic panels for the deep-model tests (deterministic, no PRNG state shared). */
import type { Panel, SeriesFrame } from '../../api/forecasting/types.js';

/**
 * `n` daily series of `len` points from 2024-01-01: a level, a weekly pattern, a promo lift, a
 * little deterministic noise, one missing value; a known-in-advance `promo` covariate that runs
 * `horizon` points past the history, and a `brand` static attribute.
 */
export function weeklyPanel(n: number, len: number, horizon: number): Panel {
  const series: SeriesFrame[] = [];
  for (let i = 0; i < n; i++) {
    const promo = Float64Array.from({ length: len + horizon }, (_, t) => ((t + i) % 11 === 0 ? 1 : 0));
    const y = new Float64Array(len);
    for (let t = 0; t < len; t++) {
      const weekly = [0.6, 0.8, 1, 1, 1.2, 1.8, 1.6][t % 7]!;
      y[t] = Math.round((5 + 2 * i) * weekly * (1 + 0.8 * promo[t]!) + (((t * 7919 + i * 104_729) % 7) - 3) * 0.3);
    }
    y[10 + i] = Number.NaN;
    series.push({
      id: `s${i}`,
      start: '2024-01-01',
      target: y,
      covariates: { promo },
      statics: { brand: i % 2 ? 'a' : 'b' },
    });
  }
  return { freq: 'D', series, covariateNames: ['promo'], knownInAdvance: ['promo'], staticNames: ['brand'] };
}
