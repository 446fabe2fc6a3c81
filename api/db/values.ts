/**
 * Normalises values that the two dialects read back differently (see tables.ts).
 */
import type { TimestampValue } from './tables.js';

/** A timestamp column as a Date, whichever way the dialect returned it. */
export function toDate(value: TimestampValue): Date;
export function toDate(value: TimestampValue | null | undefined): Date | null;
export function toDate(value: TimestampValue | null | undefined): Date | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value;
  if (typeof value === 'number') return new Date(value);
  // SQLite CURRENT_TIMESTAMP: 'YYYY-MM-DD HH:MM:SS' in UTC.
  if (/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d+)?$/.test(value)) return new Date(value.replace(' ', 'T') + 'Z');
  if (/^-?\d+$/.test(value)) return new Date(Number(value));
  return new Date(value);
}

/** Parses a JSON TEXT column; a value that is already parsed is returned as is. */
export function parseJsonColumn<T>(value: unknown, fallback: T): T {
  if (value === null || value === undefined || value === '') return fallback;
  if (typeof value !== 'string') return value as T;
  return JSON.parse(value) as T;
}

/** A count or number column (SQLite: number; PostgreSQL: number via the int8 parser, numeric as string). */
export function toNumber(value: unknown): number {
  return typeof value === 'number' ? value : Number(value);
}

/**
 * A user's text for `like ? escape '\'`: `%`, `_` and `\` match themselves (both dialects), so a
 * search for "50%" finds "50%" and not "500".
 */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
