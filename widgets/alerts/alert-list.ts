import type { AlertNode } from './alerts.queries.js';

/**
 * Merges one alert (raised live, or acknowledged) into the list shown, newest first, without
 * duplicates; an alert that no longer matches the status filter leaves the list. Returns the new list
 * and by how much the open count changes.
 *
 * @example
 * mergeAlert([], { ...alert, status: 'OPEN' }, 'OPEN'); // { alerts: [alert], openDelta: 1 }
 */
export function mergeAlert(
  alerts: readonly AlertNode[],
  alert: AlertNode,
  status: 'OPEN' | 'ACKNOWLEDGED' | null,
): { alerts: AlertNode[]; openDelta: number } {
  const before = alerts.find((item) => item.id === alert.id);
  const wasOpen = before ? before.status === 'OPEN' : false;
  const isOpen = alert.status === 'OPEN';
  // An alert unseen before that arrives acknowledged was never counted as open here.
  const openDelta = before ? (wasOpen === isOpen ? 0 : isOpen ? 1 : -1) : isOpen ? 1 : 0;
  const rest = alerts.filter((item) => item.id !== alert.id);
  if (status !== null && alert.status !== status) return { alerts: rest, openDelta };
  const merged = before ? alerts.map((item) => (item.id === alert.id ? alert : item)) : [alert, ...rest];
  return { alerts: merged.toSorted((a, b) => b.createdAt.localeCompare(a.createdAt)), openDelta };
}

/** `open` (default), `acknowledged` or `all` as the API's status argument. */
export function parseStatus(value: string | null | undefined): 'OPEN' | 'ACKNOWLEDGED' | null {
  const v = (value ?? '').trim().toUpperCase();
  if (v === 'ACKNOWLEDGED') return 'ACKNOWLEDGED';
  if (v === 'ALL') return null;
  return 'OPEN';
}
