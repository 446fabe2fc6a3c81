/** Fired when the user switches the time bucket (day, week, month). */
export type FqBucketChangeEvent = CustomEvent<{ readonly bucket: 'DAY' | 'WEEK' | 'MONTH' }>;

declare global {
  interface GlobalEventHandlersEventMap {
    'fq-bucket-change': FqBucketChangeEvent;
  }
}
