/** Fired when the user zooms or pans the chart. */
export type FqRangeChangeEvent = CustomEvent<{
  /** ISO dates of the visible range, or null when reset. */ readonly from: string | null;
  readonly to: string | null;
}>;

declare global {
  interface GlobalEventHandlersEventMap {
    'fq-range-change': FqRangeChangeEvent;
  }
}
