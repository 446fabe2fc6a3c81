/** Fired when the user cancelled a training run and the API accepted it. */
export type FqRunCancelEvent = CustomEvent<{ readonly runId: string }>;

declare global {
  interface GlobalEventHandlersEventMap {
    'fq-run-cancel': FqRunCancelEvent;
  }
}
