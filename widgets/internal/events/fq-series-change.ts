/** Fired when the user picks another series or group total in the picker (never on programmatic changes). */
export type FqSeriesChangeEvent = CustomEvent<{
  /** The picked series id, or null for a group total. */ readonly seriesId: string | null;
  readonly groupBy: string | null;
}>;

declare global {
  interface GlobalEventHandlersEventMap {
    'fq-series-change': FqSeriesChangeEvent;
  }
}
