/** Fired when the user started a training run and the API accepted it. */
export type FqRunStartEvent = CustomEvent<{ readonly runId: string }>;

declare global {
  interface GlobalEventHandlersEventMap {
    'fq-run-start': FqRunStartEvent;
  }
}
