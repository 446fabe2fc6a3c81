import { driverPhrases, type DriverEffectRow } from '../explanation/explanation-summary.js';
import { localizeLabel } from '../internal/event-labels.js';
import { resolveLocale, type WidgetLocale } from '../internal/i18n.js';

/** How many drivers the tooltip and the keyboard readout name. */
export const WHY_DRIVERS = 3;

const PREFIX: Readonly<Record<WidgetLocale, string>> = { en: 'Why: ', 'zh-CN': '原因：' };
const SEPARATOR: Readonly<Record<WidgetLocale, string>> = { en: ', ', 'zh-CN': '，' };

/**
 * The one line a forecast point's tooltip and keyboard readout add from `explainForecast`:
 * "Why: Black Friday +38, Price +12, Weekday pattern −5" ("原因：黑色星期五 +38，价格 +12，…"),
 * the `WHY_DRIVERS` largest effects with their sign (a true minus sign), `format` for the whole
 * units. Effects that round to 0 are left out; null when no driver moved the point. Pure.
 *
 * @example
 * ```ts
 * whyLine([{ feature: 'price', label: 'Price', effect: 12.2 }], 'en', (v) => v.toFixed(0)); // "Why: Price +12"
 * ```
 */
export function whyLine(
  effects: readonly DriverEffectRow[],
  locale: string,
  format: (absolute: number) => string,
): string | null {
  const tag = resolveLocale(locale);
  const phrases = driverPhrases(effects, (value) => format(Math.round(value)))
    .filter((phrase) => phrase.direction !== 'none')
    .slice(0, WHY_DRIVERS);
  if (phrases.length === 0) return null;
  return PREFIX[tag] + phrases.map((p) => `${localizeLabel(p.label, tag)} ${p.signed}`).join(SEPARATOR[tag]);
}
