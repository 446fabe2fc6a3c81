/**
 * CSV cells the API writes (`forecastql forecast`): text that a spreadsheet would run as a formula
 * (starting with `=`, `+`, `-`, `@`, a tab or a carriage return) gets a leading `'` (OWASP "CSV
 * injection"), the rule the widgets' CSV export follows too (widgets/forecast-chart/csv.ts); cells
 * with a comma, quote or line break are quoted (RFC 4180). Numbers are not text cells: a negative
 * forecast is data.
 *
 * @example
 * ```ts
 * csvTextCell('=HYPERLINK("http://x")'); // "'=HYPERLINK(""http://x"")" quoted
 * ```
 */
const FORMULA_TRIGGERS = new Set(['=', '+', '-', '@', '\t', '\r']);

export function csvTextCell(value: string): string {
  const text = value.length > 0 && FORMULA_TRIGGERS.has(value[0]!) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
