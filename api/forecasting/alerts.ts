/**
 * Alert detection (issue 18 item 3), pure: actual sales against a run's stored p10–p90 band.
 *
 * Two kinds of breach, both per series:
 * - `OUTLIER`: one point *far* outside the band. "Far" is measured in half-bands: with
 *   `scale = max((p90 − p10) / 2, minScale)`, a point is far out when it lies more than
 *   `farFactor × scale` beyond the nearer edge (above p90 or below p10). With the default
 *   `farFactor` 1 and a normal forecast, that is beyond p50 ± 2.56 σ (about 1 % of points when
 *   the band is calibrated); `minScale` (1 unit) keeps a zero-width band of intermittent demand
 *   (p10 = p90 = 0) from alerting on every single sale. CRITICAL beyond `criticalFactor × scale`.
 * - `RUN`: `runLength` (default 5) or more consecutive forecast steps with an actual on the same
 *   side of the band (strictly above p90, or strictly below p10). With a calibrated band each
 *   step has a 10 % chance per side, so 5 in a row happen by chance about once in 100,000
 *   starts. CRITICAL from `2 × runLength` steps. A missing actual ends a run.
 *
 * Everything here is a function of its inputs: the same band and actuals give the same breaches,
 * which is what makes "raised once per breach" checkable by the caller (api/app/alerts).
 */

export const ALERT_KINDS = ['OUTLIER', 'RUN', 'STOCK_OUT'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

export const ALERT_DIRECTIONS = ['ABOVE', 'BELOW'] as const;
export type AlertDirection = (typeof ALERT_DIRECTIONS)[number];

export const ALERT_SEVERITIES = ['WARNING', 'CRITICAL'] as const;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];

export interface AlertRules {
  /** Half-bands beyond the band's edge that make one point an outlier (default 1). */
  readonly farFactor: number;
  /** Half-bands beyond the edge that make an outlier CRITICAL (default 3). */
  readonly criticalFactor: number;
  /** Smallest half-band in units, so a zero-width band does not alert on any sale (default 1). */
  readonly minScale: number;
  /** Consecutive steps on one side of the band that make a RUN (default 5; CRITICAL from twice that). */
  readonly runLength: number;
}

export const DEFAULT_ALERT_RULES: AlertRules = { farFactor: 1, criticalFactor: 3, minScale: 1, runLength: 5 };

/** One forecast step of a series: the band and the actual (null while unknown). */
export interface BandPoint {
  readonly date: string;
  readonly actual: number | null;
  readonly p10: number;
  readonly p50: number;
  readonly p90: number;
}

/** A point of a breach, as stored and shown: the actual and its band. */
export interface BreachPoint {
  readonly date: string;
  readonly actual: number;
  readonly p10: number;
  readonly p50: number;
  readonly p90: number;
}

export interface Breach {
  readonly kind: 'OUTLIER' | 'RUN';
  readonly direction: AlertDirection;
  readonly severity: AlertSeverity;
  /** First and last date of the breach (equal for an outlier). */
  readonly from: string;
  readonly to: string;
  /** The breach's points, by date. */
  readonly points: readonly BreachPoint[];
  /** The point farthest outside the band, in half-bands beyond its edge. */
  readonly worst: BreachPoint;
  readonly score: number;
}

/** Which side of the band an actual is on, and how far beyond the edge in half-bands. */
export function bandDistance(
  point: { readonly actual: number; readonly p10: number; readonly p90: number },
  minScale: number,
): { side: AlertDirection | null; halfBands: number } {
  const scale = Math.max((point.p90 - point.p10) / 2, minScale);
  if (point.actual > point.p90) return { side: 'ABOVE', halfBands: (point.actual - point.p90) / scale };
  if (point.actual < point.p10) return { side: 'BELOW', halfBands: (point.p10 - point.actual) / scale };
  return { side: null, halfBands: 0 };
}

/** Checks rules (positive, finite; a whole run length ≥ 2); returns them or throws a RangeError naming the field. */
export function checkAlertRules(rules: AlertRules): AlertRules {
  for (const key of ['farFactor', 'criticalFactor', 'minScale'] as const) {
    const v = rules[key];
    if (!Number.isFinite(v) || v <= 0) throw new RangeError(`alert rule ${key} must be a positive number, got ${v}`);
  }
  if (!Number.isInteger(rules.runLength) || rules.runLength < 2) {
    throw new RangeError(`alert rule runLength must be a whole number from 2, got ${rules.runLength}`);
  }
  return rules;
}

/**
 * The breaches of one series: `points` are its forecast steps in date order (consecutive steps
 * of the run's horizon), with the actual where one is known.
 */
export function detectBreaches(points: readonly BandPoint[], rules: AlertRules = DEFAULT_ALERT_RULES): Breach[] {
  const out: Breach[] = [];
  let run: { side: AlertDirection; points: BreachPoint[]; scores: number[] } | undefined;
  const closeRun = (): void => {
    if (run && run.points.length >= rules.runLength) {
      let w = 0;
      for (let i = 1; i < run.scores.length; i++) if (run.scores[i]! > run.scores[w]!) w = i;
      out.push({
        kind: 'RUN',
        direction: run.side,
        severity: run.points.length >= 2 * rules.runLength ? 'CRITICAL' : 'WARNING',
        from: run.points[0]!.date,
        to: run.points.at(-1)!.date,
        points: run.points,
        worst: run.points[w]!,
        score: run.scores[w]!,
      });
    }
    run = undefined;
  };
  for (const p of points) {
    if (p.actual === null || !Number.isFinite(p.actual)) {
      closeRun();
      continue;
    }
    const point: BreachPoint = { date: p.date, actual: p.actual, p10: p.p10, p50: p.p50, p90: p.p90 };
    const { side, halfBands } = bandDistance(point, rules.minScale);
    if (side !== null && halfBands > rules.farFactor) {
      out.push({
        kind: 'OUTLIER',
        direction: side,
        severity: halfBands > rules.criticalFactor ? 'CRITICAL' : 'WARNING',
        from: p.date,
        to: p.date,
        points: [point],
        worst: point,
        score: halfBands,
      });
    }
    if (side === null || (run && run.side !== side)) closeRun();
    if (side !== null) {
      run ??= { side, points: [], scores: [] };
      run.points.push(point);
      run.scores.push(halfBands);
    }
  }
  closeRun();
  return out;
}
