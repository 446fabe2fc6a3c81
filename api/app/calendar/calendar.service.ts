/**
 * Chart annotations: the holidays and commerce events of the dataset's calendar (the engine's own
 * calendar for the dataset's country, so the dates are those the models see) and promotion days of
 * a series (dates where a covariate named like "promo" is positive).
 *
 * The calendar's country: a series' own `country` attribute when a series is asked for and the
 * attribute names a known country, else the dataset's `country`, else none: the Western retail
 * calendar (Christmas, New Year, Easter, Thanksgiving, Black Friday, Cyber Monday).
 */
import { NotFoundError, UserInputError } from '../../errors/index.js';
import { addSteps } from '../../forecasting/frames.js';
import { calendarDates, normalizeCountry } from '../../forecasting/features.js';
import type { DatasetRecord, SeriesStore } from '../ports.js';

/** Kinds of annotation (plain module: services never load the decorated GraphQL classes). */
export const CalendarEventKind = { HOLIDAY: 'HOLIDAY', PROMOTION: 'PROMOTION' } as const;
export type CalendarEventKind = (typeof CalendarEventKind)[keyof typeof CalendarEventKind];

export interface CalendarEventView {
  readonly date: string;
  readonly kind: CalendarEventKind;
  readonly label: string;
}

/** What the service needs from the observations repository. */
export interface PromotionSource {
  history(
    tenantId: number,
    seriesId: number,
    range: { from?: string; to?: string },
  ): Promise<Array<{ date: string; covariates: Readonly<Record<string, number>> }>>;
}

const PROMO = /promo/i;
/** The widest range served in one call, in days. */
export const MAX_CALENDAR_DAYS = 3 * 366;

/** Days from `from` to `to` (ISO dates). */
function daysBetween(from: string, to: string): number {
  return (Date.parse(to) - Date.parse(from)) / 86_400_000;
}

/** Days after the dataset's last date that the default range covers (a forecast horizon fits in it). */
export const DEFAULT_DAYS_AFTER_DATA = 365;

/**
 * The range served: the dates given, with a missing end defaulted so that a default never exceeds
 * MAX_CALENDAR_DAYS (a range the caller spelled out in full is served or refused as given).
 * `to` defaults to one year after the dataset's last date (the forecast lies in it), or to
 * MAX_CALENDAR_DAYS after an explicit `from` when that comes sooner; `from` defaults to the
 * dataset's first date, or to MAX_CALENDAR_DAYS before `to` when the history is longer, so the
 * default keeps the most recent history and the whole forecast.
 */
export function calendarRange(
  dataset: Pick<DatasetRecord, 'firstDate' | 'lastDate'>,
  req: { from?: string | null | undefined; to?: string | null | undefined },
): { from: string | undefined; to: string | undefined } {
  let to = req.to ?? undefined;
  if (!to && dataset.lastDate) {
    to = addSteps(dataset.lastDate, DEFAULT_DAYS_AFTER_DATA, 'D');
    if (req.from && daysBetween(req.from, to) > MAX_CALENDAR_DAYS) to = addSteps(req.from, MAX_CALENDAR_DAYS, 'D');
  }
  let from = req.from ?? undefined;
  if (!from && dataset.firstDate) {
    from = dataset.firstDate;
    if (to && daysBetween(from, to) > MAX_CALENDAR_DAYS) from = addSteps(to, -MAX_CALENDAR_DAYS, 'D');
  }
  return { from, to };
}

/** A series' `country` attribute as a calendar code, or undefined when it names no known country. */
function seriesCountry(value: string | undefined): string | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  try {
    return normalizeCountry(value);
  } catch {
    return undefined;
  }
}

export class CalendarService {
  constructor(
    private readonly series: SeriesStore,
    private readonly observations: PromotionSource,
  ) {}

  async events(
    tenantId: number,
    dataset: DatasetRecord,
    req: { seriesId?: string | null | undefined; from?: string | null | undefined; to?: string | null | undefined },
  ): Promise<CalendarEventView[]> {
    const { from, to } = calendarRange(dataset, req);
    if (!from || !to) return [];
    if (from > to)
      throw new UserInputError(`\`from\` ${from} is after \`to\` ${to}; swap them or drop one.`, { from, to });
    const days = daysBetween(from, to);
    if (days > MAX_CALENDAR_DAYS) {
      throw new UserInputError(
        `The range ${from}..${to} spans ${days} days; ask for at most ${MAX_CALENDAR_DAYS} at a time.`,
      );
    }
    const promoCovariates = dataset.covariates.filter((c) => PROMO.test(c.name)).map((c) => c.name);
    const needSeries = Boolean(req.seriesId) && (promoCovariates.length > 0 || dataset.attributes.includes('country'));
    const s = needSeries ? await this.series.getByKey(tenantId, dataset.id, req.seriesId!) : undefined;
    if (needSeries && !s) throw new NotFoundError('Series', req.seriesId!);
    const country = seriesCountry(s?.attributes['country']) ?? dataset.country ?? undefined;
    const out: CalendarEventView[] = calendarDates(country ? [country] : undefined, from, to).map((e) => ({
      date: e.date,
      kind: CalendarEventKind.HOLIDAY,
      label: e.label,
    }));
    if (s && promoCovariates.length > 0) {
      for (const row of await this.observations.history(tenantId, s.id, { from, to })) {
        for (const name of promoCovariates) {
          if ((row.covariates[name] ?? 0) > 0)
            out.push({ date: row.date, kind: CalendarEventKind.PROMOTION, label: `Promotion (${name})` });
        }
      }
    }
    return out.toSorted((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.kind.localeCompare(b.kind)));
  }
}
