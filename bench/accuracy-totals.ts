/**
 * Totals bench (issue 13, item 2): how well the forecasts of TOTALS hold — of all series and of
 * each group of a static attribute (store, category, …), by day (or the data's own step) and by
 * complete ISO week — before and after the forecast distributions (forecasting/distribution.ts).
 *
 *   nice -n 10 npx tsx bench/accuracy-totals.ts [--datasets a,b] [--demo] [--out FILE.json]
 *
 * For each public set (protocols.ts: horizon, origins, sample) `auto` is backtested as
 * `forecastql backtest` does (api/commands/backtest.ts `runBacktest`), but validated on the
 * training pipeline's DEFAULT_VALIDATION_ORIGINS (2) windows before each origin, as a training
 * run (which is what serves totals) is; each origin's
 * forecasts are summed two ways:
 * - **before**: the product as it was (30fcbfd): the calibrated quantiles as they came, summed
 *   by Latin-hypercube sampling of each member held flat beyond p10/p90, members independent;
 * - **after**: finished (units ≥ 0, structural zeros), a mean per point and the dependence
 *   fitted on the chosen model's validation window (`candidateDistribution`), summed by the API's
 *   own path (`aggregateQuantiles`, `Dependence.FITTED`);
 * - **history**: as after, with κ set against 8 rolling windows of the history (bench/history-spread.ts,
 *   measured and not in the engine): the same forecasts, means, ρ and φ.
 * `--origins K` scores K test windows of the public sets instead of their protocol's; `--pool-runs J`
 * turns the "history" column into κ pooled with up to J windows earlier runs validated on
 * (measured, not in the engine: bench/RESULTS.md, "Totals over more test windows").
 * `--demo` adds the demo protocol: uci-online-retail-daily, all 550 series, history cut
 * at 2011-10-14, 2011-10-28 and 2011-11-11, horizon 28.
 * Reported per (dataset, level, bucket): points, cov80 (share of actual totals inside [p10, p90]),
 * Wilson's 95 % interval of cov80 (the points taken as independent, which days of one total are not),
 * wQL over p10/p50/p90 (metrics.ts definitions), and the bias of the p50 (before) and of the mean
 * (after) against what sold. Series-level cov80 and wQL are reported too (level `series`).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { deserialize, serialize } from 'node:v8';
import { loadavg } from 'node:os';
import { cpuUsage } from 'node:process';
import { resolve } from 'node:path';
import { runBacktest, sampleSeries } from '../api/commands/backtest.js';
import { initBackend } from '../api/forecasting/backend.js';
import { buildPanel, cutSeries } from '../api/forecasting/frames.js';
import { pinballSum } from '../api/forecasting/metrics.js';
import {
  candidateDistribution,
  candidateValidationWindows,
  DEFAULT_VALIDATION_ORIGINS,
  finishForecasts,
} from '../api/forecasting/pipeline.js';
import {
  spreadOfScores,
  spreadScores,
  type DistributionModel,
  type SpreadScore,
} from '../api/forecasting/distribution.js';
import { mulberry32 } from '../api/forecasting/random.js';
import type { Panel, QuantileForecast } from '../api/forecasting/types.js';
import { aggregateQuantiles, Dependence, type DatedMember } from '../api/app/forecasts/quantile-aggregation.js';
import { readRawSeries } from '../api/ingest/raw-series.js';
import { correctSpread, historySpreadFactors } from './history-spread.js';
import { PROTOCOLS, protocolOf, type Protocol } from './protocols.js';

const LEVELS = [0.1, 0.5, 0.9];
const DATA = resolve(import.meta.dirname, '../../shared/data');
const MAX_GROUPS = 200;

/** Q(u) as the product had it: linear between levels, flat beyond. */
function legacyAt(m: { levels: readonly number[]; values: readonly number[] }, u: number): number {
  const { levels, values } = m;
  const n = levels.length;
  if (u <= levels[0]!) return values[0]!;
  if (u >= levels[n - 1]!) return values[n - 1]!;
  let hi = 1;
  while (levels[hi]! < u) hi++;
  const w = (u - levels[hi - 1]!) / (levels[hi]! - levels[hi - 1]!);
  return values[hi - 1]! + w * (values[hi]! - values[hi - 1]!);
}

/** The product's aggregation before this change (30fcbfd), for the "before" column. */
function legacyAggregate(members: readonly { levels: readonly number[]; values: readonly number[] }[]): number[] {
  if (members.length === 1) return LEVELS.map((l) => legacyAt(members[0]!, l));
  const n = 1000;
  const random = mulberry32(0x5eed);
  const sums = new Float64Array(n);
  const order = new Uint32Array(n);
  for (const member of members) {
    for (let i = 0; i < n; i++) order[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      const t = order[i]!;
      order[i] = order[j]!;
      order[j] = t;
    }
    for (let i = 0; i < n; i++) sums[i] += legacyAt(member, (order[i]! + random()) / n);
  }
  sums.sort();
  return LEVELS.map((l) => {
    const h = (n - 1) * l;
    const lo = Math.floor(h);
    return sums[lo]! + (h - lo) * (sums[Math.min(lo + 1, n - 1)]! - sums[lo]!);
  });
}

/** What `runSet` keeps of one origin of the backtest (`--cache`). */
type Origin = Parameters<NonNullable<Parameters<typeof runBacktest>[1]['onOrigin']>>[0];
interface Captured extends Omit<Origin, 'chosen'> {
  readonly chosen: Pick<NonNullable<Origin['chosen']>, 'windows'> | undefined;
}

interface Tally {
  n: number;
  hits: number;
  pinball: number[];
  absY: number;
  center: number;
  y: number;
}
const tally = (): Tally => ({ n: 0, hits: 0, pinball: LEVELS.map(() => 0), absY: 0, center: 0, y: 0 });
function add(t: Tally, q: readonly number[], y: number, center: number): void {
  t.n++;
  if (y >= q[0]! && y <= q[2]!) t.hits++;
  LEVELS.forEach((l, k) => (t.pinball[k]! += pinballSum([y], [q[k]!], l)));
  t.absY += Math.abs(y);
  t.center += center;
  t.y += y;
}

interface Row {
  dataset: string;
  level: string;
  bucket: string;
  before: Tally;
  after: Tally;
  /**
   * After, with κ set against 8 rolling windows of the history (bench/history-spread.ts; not in
   * the engine): the same forecasts and means, only κ differs.
   */
  history: Tally;
}

const isoMonday = (date: string): string => {
  const t = Date.parse(`${date}T00:00:00Z`);
  const wd = (new Date(t).getUTCDay() + 6) % 7;
  return new Date(t - wd * 86_400_000).toISOString().slice(0, 10);
};

/** Scores one origin's forecasts of a panel (window actuals by series) into `rows`. */
function scoreOrigin(
  dataset: string,
  panel: Panel,
  actuals: ReadonlyMap<string, Float64Array>,
  before: readonly QuantileForecast[],
  after: readonly QuantileForecast[],
  fitted: Parameters<typeof aggregateQuantiles>[2],
  fittedHistory: Parameters<typeof aggregateQuantiles>[2],
  rows: Map<string, Row>,
): void {
  const row = (level: string, bucket: string): Row => {
    const k = `${level}|${bucket}`;
    let r = rows.get(k);
    if (!r) rows.set(k, (r = { dataset, level, bucket, before: tally(), after: tally(), history: tally() }));
    return r;
  };
  const statics = new Map(panel.series.map((s) => [s.id, s.statics]));
  const afterById = new Map(after.map((f) => [f.seriesId, f]));
  // Series level.
  for (const f of before) {
    const g = afterById.get(f.seriesId)!;
    const y = actuals.get(f.seriesId);
    if (!y) continue;
    f.dates.forEach((_, t) => {
      if (!Number.isFinite(y[t]!)) return;
      add(
        row('series', 'step').before,
        f.values.map((r) => r[t]!),
        y[t]!,
        f.values[1]![t]!,
      );
      add(
        row('series', 'step').after,
        g.values.map((r) => r[t]!),
        y[t]!,
        g.mean?.[t] ?? g.values[1]![t]!,
      );
    });
  }
  // Groups: all, and each attribute with at most MAX_GROUPS values.
  const groups: { level: string; ids: string[] }[] = [{ level: 'all', ids: before.map((f) => f.seriesId) }];
  for (const name of panel.staticNames) {
    const by = new Map<string, string[]>();
    for (const f of before) {
      const v = statics.get(f.seriesId)?.[name];
      if (v === undefined || v === '') continue;
      const list = by.get(v);
      if (list) list.push(f.seriesId);
      else by.set(v, [f.seriesId]);
    }
    if (by.size > MAX_GROUPS || by.size < 2) continue;
    for (const ids of by.values()) if (ids.length >= 2) groups.push({ level: name, ids });
  }
  const beforeById = new Map(before.map((f) => [f.seriesId, f]));
  const dates = before[0]!.dates;
  const buckets: { bucket: string; steps: number[] }[] = dates.map((_, t) => ({ bucket: 'step', steps: [t] }));
  if (panel.freq === 'D') {
    const byWeek = new Map<string, number[]>();
    dates.forEach((d, t) => {
      const w = isoMonday(d);
      const list = byWeek.get(w);
      if (list) list.push(t);
      else byWeek.set(w, [t]);
    });
    for (const steps of byWeek.values()) if (steps.length === 7) buckets.push({ bucket: 'week', steps });
  }
  for (const g of groups) {
    for (const b of buckets) {
      const membersBefore: { levels: number[]; values: number[] }[] = [];
      const membersAfter: DatedMember[] = [];
      let y = 0;
      let mean = 0;
      g.ids.forEach((id, i) => {
        const fb = beforeById.get(id)!;
        const fa = afterById.get(id)!;
        const ya = actuals.get(id);
        if (!ya) return;
        for (const t of b.steps) {
          if (!Number.isFinite(ya[t]!)) continue;
          y += ya[t]!;
          membersBefore.push({ levels: LEVELS, values: fb.values.map((r) => r[t]!) });
          const values = fa.values.map((r) => r[t]!);
          const m = fa.mean?.[t];
          mean += m ?? values[1]!;
          membersAfter.push({ seriesId: i, date: fa.dates[t]!, levels: LEVELS, values, mean: m });
        }
      });
      if (membersBefore.length === 0) continue;
      const qb = legacyAggregate(membersBefore);
      const qa = aggregateQuantiles(membersAfter, LEVELS, { ...fitted, kind: g.level });
      const qh = aggregateQuantiles(membersAfter, LEVELS, { ...fittedHistory, kind: g.level });
      const r = row(g.level, b.bucket);
      add(r.before, qb, y, qb[1]!);
      add(r.after, qa, y, mean);
      add(r.history, qh, y, mean);
    }
  }
}

async function loadPanel(name: string): Promise<Panel> {
  const path = name.endsWith('.csv') || name.endsWith('.csv.gz') ? resolve(name) : `${DATA}/${name}.csv.gz`;
  const file = await readRawSeries(path, { allowNegativeValues: true });
  return buildPanel(file.series, file.frequency);
}

/** The panel's history up to `end` (ISO, inclusive) per series. */
function truncate(panel: Panel, end: string): Panel {
  const endDay = Date.parse(`${end}T00:00:00Z`) / 86_400_000;
  return {
    ...panel,
    series: panel.series.flatMap((s) => {
      const cut = Math.round(endDay - Date.parse(`${s.start}T00:00:00Z`) / 86_400_000) + 1;
      if (cut < 2) return [];
      return [cutSeries(s, Math.min(cut, s.target.length), 0)];
    }),
  };
}

/** A fit's result and its CPU seconds. */
function cpu(f: () => DistributionModel | undefined): { model: DistributionModel | undefined; s: number } {
  const c0 = cpuUsage();
  const model = f();
  const c = cpuUsage(c0);
  return { model, s: (c.user + c.system) / 1e6 };
}

/**
 * `--pool-runs J`: each origin's κ read off its own validation scores pooled with those of up to J
 * windows that earlier runs (older origins) validated on and it did not, as if each training run
 * of a dataset kept its scores for the next; ρ, φ and the mean lift stay the origin's own.
 */
function pooledSpreads(
  captured: readonly Captured[],
  fits: ReadonlyMap<Captured, { model: DistributionModel | undefined }>,
  poolRuns: number,
): Map<Captured, DistributionModel['dependence']> {
  const out = new Map<Captured, DistributionModel['dependence']>();
  const pooled: { key: string; scores: SpreadScore[] }[] = [];
  const byTime = captured.toSorted((a, b) => a.unfinished[0]!.dates[0]!.localeCompare(b.unfinished[0]!.dates[0]!));
  for (const o of byTime) {
    const d = fits.get(o)?.model;
    if (!o.chosen || !d) continue;
    const { rho, phiCommon, phiOwn } = d.dependence;
    const own = candidateValidationWindows(o.chosen, o.calibration).map((w, i) => ({
      key: w.forecasts[0]!.dates[0]!,
      scores: spreadScores([w], { ...d, dependence: { rho, phiCommon, phiOwn } }, { seed: 29 + i }),
    }));
    const ownKeys = new Set(own.map((w) => w.key));
    const earlier = pooled.filter((w) => !ownKeys.has(w.key) && w.key < own[0]!.key).slice(-poolRuns);
    const fitted = spreadOfScores([...own, ...earlier].flatMap((w) => w.scores));
    const { spreadBySize: _s, spreadByKind: _k, ...rest } = d.dependence;
    out.set(o, {
      ...rest,
      spread: fitted.spread,
      ...(fitted.bySize.length > 0 ? { spreadBySize: fitted.bySize } : {}),
      ...(fitted.byKind.length > 0 ? { spreadByKind: fitted.byKind } : {}),
    });
    for (const w of own) if (!pooled.some((p) => p.key === w.key)) pooled.push(w);
    pooled.sort((a, b) => a.key.localeCompare(b.key));
  }
  return out;
}

async function runSet(
  dataset: string,
  panel: Panel,
  horizon: number,
  origins: number,
  rows: Map<string, Row>,
): Promise<{ chosen: string[]; distributions: unknown[]; fitSeconds: { fit: number; history: number }[] }> {
  const distributions: unknown[] = [];
  const fitSeconds: { fit: number; history: number }[] = [];
  // `--cache DIR`: each origin's backtest (the chosen model's validation windows and the test
  // window's forecasts) is kept in DIR, so that a change of the distribution's fit or of the
  // summing is scored again on the same forecasts without training anything.
  // The demo's three cuts share a name: the key holds the panel's size too.
  const last = `${panel.series.length}s${panel.series.reduce((n, s) => n + s.target.length, 0)}p`;
  const cacheFile = cacheDir
    ? `${cacheDir}/${dataset.replace(/[^A-Za-z0-9._-]+/g, '_')}-${last}-${horizon}x${origins}-v${validationOrigins}.v8`
    : undefined;
  let captured: Captured[];
  let chosen: string[];
  if (cacheFile && existsSync(cacheFile)) {
    ({ captured, chosen } = deserialize(readFileSync(cacheFile)) as { captured: Captured[]; chosen: string[] });
  } else {
    captured = [];
    const run = await runBacktest(panel, {
      horizon,
      origins,
      model: 'auto',
      seed: 42,
      quantiles: LEVELS,
      // Totals are served from training runs, which validate on DEFAULT_VALIDATION_ORIGINS windows
      // (the CLI backtest uses 1 to save time); the distribution is fitted on those windows.
      validationOrigins,
      onOrigin: (o) =>
        captured.push({
          ...o,
          chosen: o.chosen && { windows: o.chosen.windows },
        }),
    });
    chosen = run.chosen;
    if (cacheFile) {
      mkdirSync(cacheDir!, { recursive: true });
      writeFileSync(cacheFile, serialize({ captured, chosen }));
    }
  }
  // Each origin's distribution (κ from its 2 validation windows), fitted once, with its CPU seconds.
  const fits = new Map(
    captured.map((o) => [
      o,
      cpu(() => (o.chosen ? candidateDistribution(o.chosen, o.calibration, { seed: 42 }) : undefined)),
    ]),
  );
  const pooledDependence = poolRuns === undefined ? undefined : pooledSpreads(captured, fits, poolRuns);
  for (const o of captured) {
    // The run's distribution, and its κ set against the history's rolling windows (or pooled
    // with earlier runs' windows); CPU seconds of the fit and of the history's factors.
    const fit = fits.get(o)!;
    const distribution = fit.model;
    const c0 = cpuUsage();
    const factors =
      o.chosen && poolRuns === undefined
        ? historySpreadFactors(o.chosen.windows.map((w) => ({ panel: w.window.panel, actuals: w.window.actuals })))
        : undefined;
    const c = cpuUsage(c0);
    const historyDependence = distribution
      ? (pooledDependence?.get(o) ?? correctSpread(distribution.dependence, factors))
      : undefined;
    fitSeconds.push({ fit: fit.s, history: (c.user + c.system) / 1e6 });
    distributions.push({ distribution, factors, history: historyDependence });
    // "before": the calibrated quantiles as the product had them (not finished).
    const before = o.unfinished;
    const after = finishForecasts(o.unfinished, o.window.panel, distribution);
    scoreOrigin(
      dataset,
      o.window.panel,
      o.window.actuals,
      before,
      after,
      {
        dependence: Dependence.FITTED,
        fitted: distribution?.dependence,
      },
      { dependence: Dependence.FITTED, fitted: historyDependence },
      rows,
    );
  }
  return { chosen, distributions, fitSeconds };
}

function fmt(t: Tally): string {
  const wql = t.absY > 0 ? t.pinball.reduce((a, b) => a + b, 0) / LEVELS.length / t.absY : Number.NaN;
  return `${(t.hits / t.n).toFixed(3)} | ${wql.toFixed(4)} | ${(t.center / t.y - 1 >= 0 ? '+' : '') + ((t.center / t.y - 1) * 100).toFixed(1)} %`;
}

/** Wilson's 95 % interval of a coverage of `hits` in `n` points (as if the points were independent). */
function wilson(hits: number, n: number): string {
  if (n === 0) return '–';
  const z = 1.96;
  const p = hits / n;
  const c = (p + (z * z) / (2 * n)) / (1 + (z * z) / n);
  const h = (z / (1 + (z * z) / n)) * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n));
  return `${Math.max(0, c - h).toFixed(2)}–${Math.min(1, c + h).toFixed(2)}`;
}

const HEADER = [
  '| dataset | level | bucket | points | cov80 before | wQL before | p50 bias before | cov80 after | 95 % interval | wQL after | mean bias after | cov80 history | 95 % interval | wQL history |',
  '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
].join('\n');
const line = (r: Row): string => {
  const [cov, wql, bias] = fmt(r.after).split(' | ');
  const [covH, wqlH] = r.history.n === 0 ? ['–', '–'] : fmt(r.history).split(' | ');
  return `| ${r.dataset} | ${r.level} | ${r.bucket} | ${r.before.n} | ${fmt(r.before)} | ${cov} | ${wilson(r.after.hits, r.after.n)} | ${wql} | ${bias} | ${covH} | ${wilson(r.history.hits, r.history.n)} | ${wqlH} |`;
};

const args = process.argv.slice(2);
const opt = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const names = (opt('datasets') ?? PROTOCOLS.map((p) => p.name).join(',')).split(',').filter(Boolean);
const demo = args.includes('--demo');
const cacheDir = opt('cache');
// `--validation-origins N`: validation windows before each origin (default: a training run's).
const validationOrigins = Number(opt('validation-origins') ?? DEFAULT_VALIDATION_ORIGINS);
const poolRuns = opt('pool-runs') === undefined ? undefined : Number(opt('pool-runs'));
const backend = await initBackend('auto');
const all: Row[] = [];
const meta: Record<string, unknown> = { started: new Date().toISOString(), load: loadavg(), backend };
if (demo) {
  const t0 = performance.now();
  const name = 'uci-online-retail-daily';
  const full = await loadPanel(name);
  const rows = new Map<string, Row>();
  const chosen: string[] = [];
  const distributions: unknown[] = [];
  for (const cut of ['2011-10-14', '2011-10-28', '2011-11-11']) {
    const end = new Date(Date.parse(`${cut}T00:00:00Z`) + 28 * 86_400_000).toISOString().slice(0, 10);
    const r = await runSet(`demo (${name}, all series)`, truncate(full, end), 28, 1, rows);
    chosen.push(`${cut}: ${r.chosen.join('; ')}`);
    distributions.push(...r.distributions);
  }
  all.push(...rows.values());
  for (const row of rows.values()) process.stdout.write(`${line(row)}\n`);
  meta['demo'] = { seconds: (performance.now() - t0) / 1000, chosen, distributions, load: loadavg() };
  process.stderr.write(`demo: ${((performance.now() - t0) / 1000).toFixed(0)} s\n`);
}
// `--file PATH.csv --horizon H --origins K` (repeatable as a comma list of files): a long CSV of
// our own format outside the public sets (bench/price-synthetic.ts's panels), on that split.
const files = (opt('file') ?? '').split(',').filter(Boolean);
const fileProtocols = files.map((file): Protocol => ({
  name: file,
  horizon: Number(opt('horizon') ?? 13),
  origins: Number(opt('origins') ?? 3),
}));
// `--origins K` with public sets: K test windows instead of the protocol's 2 or 3, for a
// long-run look at calibration (2 windows of one total say little: its days move together).
const moreOrigins = opt('origins') && files.length === 0 ? Number(opt('origins')) : undefined;
for (const name of [...(files.length > 0 && !opt('datasets') ? [] : names), ...files]) {
  const known = fileProtocols.find((f) => f.name === name) ?? protocolOf(name);
  const p = moreOrigins ? { ...known, origins: moreOrigins } : known;
  const t0 = performance.now();
  let panel = await loadPanel(name);
  if (p.sample) panel = sampleSeries(panel, p.sample.n, p.sample.seed, p.horizon, p.origins);
  const rows = new Map<string, Row>();
  const r = await runSet(name, panel, p.horizon, p.origins, rows);
  all.push(...rows.values());
  for (const row of rows.values()) process.stdout.write(`${line(row)}\n`);
  meta[name] = {
    seconds: (performance.now() - t0) / 1000,
    chosen: r.chosen,
    fitSeconds: r.fitSeconds,
    distributions: r.distributions,
    load: loadavg(),
  };
  const fits = r.fitSeconds.map((f) => `${f.fit.toFixed(2)}/${f.history.toFixed(3)}`).join(', ');
  process.stderr.write(
    `${name}: ${((performance.now() - t0) / 1000).toFixed(0)} s, load ${loadavg()[0]!.toFixed(1)}, CPU s of the fit / of the history's factors ${fits}\n`,
  );
}
meta['finished'] = new Date().toISOString();
meta['loadEnd'] = loadavg();
process.stdout.write(`\n${HEADER}\n${all.map(line).join('\n')}\n`);
const out = opt('out');
if (out) writeFileSync(out, JSON.stringify({ meta, rows: all }, null, 1));
