/** One measure of `headline` (`schema/operations/widget-headline.graphql`). */
export interface HeadlineMeasure {
  readonly p10: number;
  readonly p50: number;
  readonly p90: number;
  readonly lastPeriod: number | null;
  readonly lastYear: number | null;
  readonly changeVsLastPeriod: number | null;
  readonly changeVsLastYear: number | null;
}

export interface HeadlinePeriod {
  readonly from: string;
  readonly to: string;
  readonly days: number;
  readonly daysWithData: number;
}

export interface HeadlineResult {
  readonly seriesId: string | null;
  readonly groupBy: string | null;
  readonly seriesCount: number;
  readonly weeks: number;
  readonly pricedSeriesCount: number;
  readonly next: HeadlinePeriod;
  readonly lastPeriod: HeadlinePeriod;
  readonly lastYear: HeadlinePeriod;
  readonly units: HeadlineMeasure;
  readonly revenue: HeadlineMeasure | null;
}

/** Which way a comparison goes; changes within ±1 % read as flat. */
export type ChangeDirection = 'up' | 'down' | 'flat';

export interface KpiComparison {
  readonly against: 'lastYear' | 'lastPeriod';
  readonly reference: number;
  /** p50 / reference − 1. */
  readonly change: number;
  readonly direction: ChangeDirection;
  /** The reference period had data on fewer days than it spans (history starts or ends in it). */
  readonly partial: boolean;
  readonly period: HeadlinePeriod;
}

export interface KpiCard {
  readonly measure: 'units' | 'revenue';
  readonly p10: number;
  readonly p50: number;
  readonly p90: number;
  readonly comparisons: readonly KpiComparison[];
  /** Revenue only: series counted (with a price) and of how many; null when all are. */
  readonly priced: { readonly count: number; readonly of: number } | null;
}

/** Changes smaller than this read as "about the same". */
export const FLAT_CHANGE = 0.01;

export function changeDirection(change: number): ChangeDirection {
  if (Math.abs(change) < FLAT_CHANGE) return 'flat';
  return change > 0 ? 'up' : 'down';
}

function comparisons(measure: HeadlineMeasure, headline: HeadlineResult): KpiComparison[] {
  const out: KpiComparison[] = [];
  const add = (against: KpiComparison['against'], reference: number | null, change: number | null) => {
    if (reference === null || change === null || !Number.isFinite(change)) return;
    const period = against === 'lastYear' ? headline.lastYear : headline.lastPeriod;
    out.push({
      against,
      reference,
      change,
      direction: changeDirection(change),
      partial: period.daysWithData < period.days,
      period,
    });
  };
  add('lastYear', measure.lastYear, measure.changeVsLastYear);
  add('lastPeriod', measure.lastPeriod, measure.changeVsLastPeriod);
  return out;
}

/**
 * The cards `<fq-kpis>` draws from a `headline` answer: units always, revenue when the API
 * computed one; each with the comparisons that have a positive reference (a period without sales
 * has no percentage). Pure.
 *
 * @example
 * ```ts
 * kpiCards(headline)[0];
 * // { measure: 'units', p50: 1180, comparisons: [{ against: 'lastYear', change: 0.12, direction: 'up', … }], … }
 * ```
 */
export function kpiCards(headline: HeadlineResult): KpiCard[] {
  const cards: KpiCard[] = [
    { measure: 'units', ...pick(headline.units), comparisons: comparisons(headline.units, headline), priced: null },
  ];
  if (headline.revenue) {
    cards.push({
      measure: 'revenue',
      ...pick(headline.revenue),
      comparisons: comparisons(headline.revenue, headline),
      priced:
        headline.pricedSeriesCount < headline.seriesCount
          ? { count: headline.pricedSeriesCount, of: headline.seriesCount }
          : null,
    });
  }
  return cards;
}

function pick(m: HeadlineMeasure): { p10: number; p50: number; p90: number } {
  return { p10: m.p10, p50: m.p50, p90: m.p90 };
}
