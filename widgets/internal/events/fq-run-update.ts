/** Fired when a training run changes status or progress (subscription or polling). */
export type FqRunUpdateEvent = CustomEvent<{
  readonly runId: string;
  /** The run's dataset (the widget's `datasetId`). */
  readonly datasetId: string;
  readonly status: string;
  /** 0..1 */ readonly fraction: number | null;
}>;

declare global {
  interface GlobalEventHandlersEventMap {
    'fq-run-update': FqRunUpdateEvent;
  }
}
