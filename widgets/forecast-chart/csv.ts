/** A CSV cell: text is escaped, numbers are written as they are, null is empty. */
export type CsvCell = string | number | null | undefined;

const FORMULA_TRIGGERS = new Set(['=', '+', '-', '@', '\t', '\r']);

/**
 * One CSV cell, safe to open in a spreadsheet: text starting with `=`, `+`, `-`, `@` (or a tab or
 * carriage return) gets a leading `'` so it is not run as a formula (OWASP "CSV injection"); cells
 * with a comma, quote or line break are quoted. Numbers are written as numbers (a negative number is
 * data, not a formula).
 *
 * @example
 * ```ts
 * csvCell('=HYPERLINK("http://x")'); // "'=HYPERLINK(""http://x"")" quoted
 * ```
 */
export function csvCell(value: CsvCell): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  let text = value;
  if (text.length > 0 && FORMULA_TRIGGERS.has(text[0]!)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** Rows to CSV text with CRLF line endings (RFC 4180). */
export function toCsv(rows: readonly (readonly CsvCell[])[]): string {
  return rows.map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}
