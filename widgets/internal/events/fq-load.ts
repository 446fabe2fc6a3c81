/** Fired when a widget has received data and drawn it (also after a re-query). */
export type FqLoadEvent = CustomEvent<{
  /** What was loaded, e.g. "forecast", "runs". */ readonly kind: string;
  /** Rows or points received. */ readonly count: number;
}>;

declare global {
  interface GlobalEventHandlersEventMap {
    'fq-load': FqLoadEvent;
  }
}
