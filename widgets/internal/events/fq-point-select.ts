/**
 * Fired when the user picks a forecast point of one series (the chart's keyboard cursor reaching
 * it): `<fq-explanation linked>` explains that point.
 */
export type FqPointSelectEvent = CustomEvent<{
  /** The series of the point. */ readonly seriesId: string;
  /** The point's date (YYYY-MM-DD). */ readonly date: string;
}>;

declare global {
  interface GlobalEventHandlersEventMap {
    'fq-point-select': FqPointSelectEvent;
  }
}
