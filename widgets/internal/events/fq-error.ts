/** Fired when a request fails; the widget shows an error state at the same time. */
export type FqErrorEvent = CustomEvent<{
  /** GraphQL `extensions.code`, or NETWORK_ERROR / HTTP_<status>. */ readonly code: string;
  readonly message: string;
}>;

declare global {
  interface GlobalEventHandlersEventMap {
    'fq-error': FqErrorEvent;
  }
}
