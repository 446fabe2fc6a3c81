/** Fired when a new alert arrived live (subscription or poll) in `<fq-alerts>`. */
export type FqAlertRaisedEvent = CustomEvent<{
  readonly alertId: string;
  readonly seriesId: string;
  /** OUTLIER, RUN or STOCK_OUT. */ readonly kind: string;
  /** CRITICAL or WARNING. */ readonly severity: string;
}>;

declare global {
  interface GlobalEventHandlersEventMap {
    'fq-alert-raised': FqAlertRaisedEvent;
  }
}
