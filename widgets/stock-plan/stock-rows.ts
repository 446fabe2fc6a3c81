/**
 * Rows of `<fq-stock-plan>` from a stock plan (pure, no DOM): a label, an urgency level from the
 * stock-out probability and the days of cover against the lead time, and the sort each column
 * header asks the API for.
 */
import type { StockPlanNode, StockPlanOrder } from './stock-plan.queries.js';

export const Urgency = { CRITICAL: 'critical', ORDER: 'order', OK: 'ok', UNKNOWN: 'unknown' } as const;
export type Urgency = (typeof Urgency)[keyof typeof Urgency];

export interface StockRow {
  /** What the row is: a series id, or `attribute=value` of a group. */
  readonly key: string;
  readonly seriesId: string | null;
  readonly groupBy: string | null;
  readonly urgency: Urgency;
  readonly node: StockPlanNode;
}

/** A stock-out before an order placed now can arrive is this likely: critical. */
export const CRITICAL_PROBABILITY = 0.5;

/**
 * critical: a stock-out before an order placed now arrives is more likely than not, or the stock
 * lasts less than the lead time; order: the plan suggests an order; ok: nothing to order;
 * unknown: no stock was set.
 */
export function urgencyOf(node: StockPlanNode): Urgency {
  if (node.onHand === null || node.stockoutProbability === null) return Urgency.UNKNOWN;
  if (
    node.stockoutProbability >= CRITICAL_PROBABILITY ||
    (node.daysOfCover !== null && node.daysOfCover < node.leadTime)
  ) {
    return Urgency.CRITICAL;
  }
  return (node.suggestedOrder ?? 0) > 0 ? Urgency.ORDER : Urgency.OK;
}

export function toStockRows(nodes: readonly StockPlanNode[]): StockRow[] {
  return nodes.map((node) => {
    const groupBy = node.group ? `${node.group.attribute}=${node.group.value}` : null;
    return { key: node.seriesId ?? groupBy ?? '', seriesId: node.seriesId, groupBy, urgency: urgencyOf(node), node };
  });
}

/** The sortable columns and the order each asks for. */
export const SORTABLE_COLUMNS = {
  series: 'SERIES_ASC',
  daysOfCover: 'DAYS_OF_COVER_ASC',
  stockoutProbability: 'STOCKOUT_PROBABILITY_DESC',
  suggestedOrder: 'SUGGESTED_ORDER_DESC',
} as const satisfies Record<string, StockPlanOrder>;
export type SortableColumn = keyof typeof SORTABLE_COLUMNS;

/** Parses the `order-by` attribute: one of the API's orders, URGENCY otherwise. */
export function parseOrder(value: string | null | undefined): StockPlanOrder {
  const v = (value ?? '').trim().toUpperCase();
  const known: readonly StockPlanOrder[] = [
    'URGENCY',
    'STOCKOUT_PROBABILITY_DESC',
    'DAYS_OF_COVER_ASC',
    'SUGGESTED_ORDER_DESC',
    'SERIES_ASC',
  ];
  return (known as readonly string[]).includes(v) ? (v as StockPlanOrder) : 'URGENCY';
}
