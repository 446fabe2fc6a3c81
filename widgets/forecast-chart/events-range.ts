import type { Bucket } from '../internal/i18n.js';

/**
 * The dates the chart shows, for the `calendarEvents` request: from the first point's date to the
 * last day of the last point's bucket (a WEEK point starts on Monday and covers six more days, a
 * MONTH point covers its calendar month). Null when there is no point.
 */
export function displayedRange(
  points: readonly { readonly date: string }[],
  bucket: Bucket,
): { from: string; to: string } | null {
  let first: string | undefined;
  let last: string | undefined;
  for (const point of points) {
    const date = point.date.slice(0, 10);
    if (first === undefined || date < first) first = date;
    if (last === undefined || date > last) last = date;
  }
  if (first === undefined || last === undefined) return null;
  return { from: first, to: bucketEnd(last, bucket) };
}

function bucketEnd(start: string, bucket: Bucket): string {
  const t = Date.parse(`${start}T00:00:00Z`);
  if (bucket === 'WEEK') return new Date(t + 6 * 86_400_000).toISOString().slice(0, 10);
  if (bucket === 'MONTH') {
    const d = new Date(t);
    return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).toISOString().slice(0, 10);
  }
  return start;
}
