/** One driver group's effect on a forecast point (`schema/operations/widget-explanation.graphql`). */
export interface DriverEffectRow {
  readonly feature: string;
  readonly label: string;
  /** Units the group added to the forecast (negative: it lowered it). */
  readonly effect: number;
}

export interface DriverPhrase {
  readonly feature: string;
  readonly label: string;
  readonly effect: number;
  readonly direction: 'up' | 'down' | 'none';
  /** The signed amount as shown: "+38", "−5" (a true minus sign), "0". */
  readonly signed: string;
}

/**
 * The effects of an explanation as a shop owner reads them ("Black Friday +38, Price −5"):
 * largest absolute effect first (ties by label), each with its sign, `format` for the amount.
 * Effects that round to 0 units read "0" with direction `none`. Pure.
 *
 * @example
 * ```ts
 * driverPhrases([{ feature: 'weekday', label: 'Weekday', effect: -5.2 },
 *   { feature: 'holiday:black_friday', label: 'Black Friday', effect: 38.4 }], (v) => v.toFixed(0));
 * // [{ label: 'Black Friday', signed: '+38', direction: 'up', … }, { label: 'Weekday', signed: '−5', direction: 'down', … }]
 * ```
 */
export function driverPhrases(
  effects: readonly DriverEffectRow[],
  format: (absolute: number) => string,
): DriverPhrase[] {
  return effects
    .filter((e) => Number.isFinite(e.effect))
    .toSorted((a, b) => Math.abs(b.effect) - Math.abs(a.effect) || a.label.localeCompare(b.label))
    .map((e) => {
      const amount = format(Math.abs(e.effect));
      const zero = !/[1-9]/.test(amount);
      const direction = zero ? 'none' : e.effect > 0 ? 'up' : 'down';
      const sign = direction === 'up' ? '+' : direction === 'down' ? '\u2212' : '';
      return { feature: e.feature, label: e.label, effect: e.effect, direction, signed: `${sign}${amount}` };
    });
}
