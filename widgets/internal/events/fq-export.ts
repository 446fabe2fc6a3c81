/** Fired when the user exports the chart. */
export type FqExportEvent = CustomEvent<{ readonly format: 'csv' | 'png' | 'svg'; readonly fileName: string }>;

declare global {
  interface GlobalEventHandlersEventMap {
    'fq-export': FqExportEvent;
  }
}
