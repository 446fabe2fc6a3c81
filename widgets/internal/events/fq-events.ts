export type { FqAlertAcknowledgeEvent } from './fq-alert-acknowledge.js';
export type { FqAlertRaisedEvent } from './fq-alert-raised.js';
export type { FqBucketChangeEvent } from './fq-bucket-change.js';
export type { FqErrorEvent } from './fq-error.js';
export type { FqExportEvent } from './fq-export.js';
export type { FqLoadEvent } from './fq-load.js';
export type { FqPointSelectEvent } from './fq-point-select.js';
export type { FqRangeChangeEvent } from './fq-range-change.js';
export type { FqRunCancelEvent } from './fq-run-cancel.js';
export type { FqRunStartEvent } from './fq-run-start.js';
export type { FqRunUpdateEvent } from './fq-run-update.js';
export type { FqScenarioChangeEvent } from './fq-scenario-change.js';
export type { FqSeriesChangeEvent } from './fq-series-change.js';

/** Every `fq-*` event name a widget can emit. */
export type FqEventName = Extract<keyof GlobalEventHandlersEventMap, `fq-${string}`>;

/** The `detail` of an `fq-*` event. */
export type FqEventDetail<TName extends FqEventName> =
  GlobalEventHandlersEventMap[TName] extends CustomEvent<infer TDetail> ? TDetail : never;
