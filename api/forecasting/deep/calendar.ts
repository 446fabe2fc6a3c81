/**
 * Calendar features of a run of grid dates, for the deep models' forecast steps: the engine's
 * `calendarFeatures` (weekday, day of month, yearly season, holidays and commerce events, user
 * events) over `count` consecutive grid dates from `start`.
 */
import { type CalendarOptions, calendarFeatures, type FeatureBlock } from '../features.js';
import { gridDates } from '../frames.js';
import type { Frequency } from '../types.js';

export type { CalendarOptions, FeatureBlock };

export function deepCalendarFeatures(
  freq: Frequency,
  start: string,
  count: number,
  options: CalendarOptions = {},
): FeatureBlock {
  return calendarFeatures(gridDates(start, 0, count, freq), freq, options);
}
