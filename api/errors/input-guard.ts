/**
 * The one input guard (issue 17): what no input may carry, whatever path it comes by (GraphQL
 * arguments and variables over HTTP and graphql-ws, CSV files of `forecastql import`, CSV text and
 * rows of `importObservations`). Each refusal is a coded BAD_USER_INPUT naming the value and the
 * fix, raised before anything reaches SQL or the engine.
 *
 * - Control characters: NUL (PostgreSQL cannot store it in text), the other C0 controls but tab,
 *   line feed and carriage return, DEL and the C1 controls (ANSI escapes start with ESC, U+001B).
 *   Names and ids must be one line: no tab or line break either.
 * - Dates: years MIN_YEAR to MAX_YEAR only (a typo like 0024-… for 2024-… is refused, not shifted).
 * - Sizes: a line of a CSV at most MAX_LINE_BYTES, at most MAX_COLUMNS columns whose names have
 *   at most MAX_COLUMN_NAME_LENGTH characters, and a compressed file that inflates more than
 *   MAX_INFLATE_RATIO times its size (past MIN_INFLATE_CHECK_BYTES) is refused as a gzip bomb;
 *   one import holds at most MAX_SERIES_PER_IMPORT series.
 */
import { UserInputError } from './user-input-error.js';

/** Earliest and latest year a date may have (README "Limits"). */
export const MIN_YEAR = 1900;
export const MAX_YEAR = 2200;
/** Most columns of a CSV header (series_id, date, value and the extra columns). */
export const MAX_COLUMNS = 256;
/** Longest column name (and covariate or attribute name of a row). */
export const MAX_COLUMN_NAME_LENGTH = 100;
/** Most distinct series one import may hold (memory grows with series, not rows; m5 has 30,490). */
export const MAX_SERIES_PER_IMPORT = 50_000;
/** Longest CSV line (a record, quoted line breaks included), in bytes. */
export const MAX_LINE_BYTES = 1024 * 1024;
/** Decompressed bytes a gzip input may hold per compressed byte, once past MIN_INFLATE_CHECK_BYTES. */
export const MAX_INFLATE_RATIO = 100;
export const MIN_INFLATE_CHECK_BYTES = 64 * 1024 * 1024;

/** Control characters refused in any text (tab, LF and CR are allowed in free text). */
// Matching control characters is this guard's purpose.
// oxlint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
/** The same, plus tab and line breaks: for names and ids, which are one line. */
// oxlint-disable-next-line no-control-regex
const CONTROL_OR_BREAK = /[\u0000-\u001F\u007F-\u009F]/;

/** The index of the first refused control character of `text`, or -1. */
export function controlCharacterAt(text: string, singleLine = false): number {
  const m = (singleLine ? CONTROL_OR_BREAK : CONTROL).exec(text);
  return m ? m.index : -1;
}

/** `U+001B` for a character. */
export function codePoint(ch: string): string {
  return `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** What is wrong with `text`, or undefined: "holds the control character U+0000 at position 4". */
export function controlCharacterProblem(text: string, singleLine = false): string | undefined {
  const at = controlCharacterAt(text, singleLine);
  if (at < 0) return undefined;
  const what =
    text.charCodeAt(at) === 0x1b ? 'an ANSI escape (U+001B)' : `the control character ${codePoint(text[at]!)}`;
  const lineStart = text.lastIndexOf('\n', at);
  if (lineStart === -1) return `holds ${what} at position ${at + 1}`;
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < at; i = text.indexOf('\n', i + 1)) line++;
  return `holds ${what} on line ${line}, position ${at - lineStart}`;
}

export const CONTROL_FIX = 'Remove control characters (NUL, escape sequences, …) from the text';

/** Throws BAD_USER_INPUT when `text` (the argument or field `where`) holds a control character. */
export function guardText(text: string, where: string, singleLine = false): void {
  const problem = controlCharacterProblem(text, singleLine);
  if (problem === undefined) return;
  throw new UserInputError(`${where} ${problem}. ${CONTROL_FIX}${singleLine ? ', tabs and line breaks' : ''}.`, {
    argument: where,
  });
}

/** Why a year is refused, or undefined when it is in MIN_YEAR..MAX_YEAR. */
export function implausibleYear(year: number): string | undefined {
  if (year >= MIN_YEAR && year <= MAX_YEAR) return undefined;
  return `is outside the supported years ${MIN_YEAR} to ${MAX_YEAR} (a typo for ${year < MIN_YEAR ? 'a recent year' : 'this century'}?)`;
}

/**
 * Every string inside a JSON value (GraphQL variables), checked for control characters; `path`
 * names where one was found (`$input.name`). Depth is bounded; deeper values are not strings the
 * API reads.
 */
export function guardJsonStrings(value: unknown, path: string, depth = 0): void {
  if (typeof value === 'string') return guardText(value, path);
  if (depth > 16 || value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      if (typeof v === 'string' || (v !== null && typeof v === 'object'))
        guardJsonStrings(v, `${path}[${i}]`, depth + 1);
    }
    return;
  }
  for (const [k, v] of Object.entries(value)) {
    guardText(k, path);
    guardJsonStrings(v, `${path}.${k}`, depth + 1);
  }
}

/**
 * Counts decompressed against compressed bytes; throws once the input inflates past
 * MAX_INFLATE_RATIO (after MIN_INFLATE_CHECK_BYTES), which no real CSV does.
 */
export function inflateGuard(compressedBytes: () => number): (decompressed: number) => void {
  let total = 0;
  return (n) => {
    total += n;
    if (total <= MIN_INFLATE_CHECK_BYTES) return;
    const ratio = total / Math.max(1, compressedBytes());
    if (ratio > MAX_INFLATE_RATIO) {
      throw new UserInputError(
        `The gzip input inflates more than ${MAX_INFLATE_RATIO} times its size (${total} bytes from ${compressedBytes()}), which no CSV does: it looks like a decompression bomb. Give an intact .csv.gz of real data, or the plain CSV.`,
      );
    }
  };
}
