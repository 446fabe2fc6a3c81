/** Fired when the user acknowledged an alert and the API accepted it. */
export type FqAlertAcknowledgeEvent = CustomEvent<{ readonly alertId: string }>;

declare global {
  interface GlobalEventHandlersEventMap {
    'fq-alert-acknowledge': FqAlertAcknowledgeEvent;
  }
}
