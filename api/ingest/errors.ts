import { UserInputError } from '../errors/index.js';

/**
 * A CSV the importer refuses, with where and why: one line, e.g.
 * `line 12, column "date": "2023-02-30" is not a calendar date (2023-02 has 28 days). Fix: …`.
 */
export class CsvValidationError extends UserInputError {
  constructor(
    readonly line: number,
    readonly column: string | undefined,
    problem: string,
    fix: string,
    /** The whole message, when rebuilding an error another thread made from its parts. */
    message?: string,
  ) {
    const where = column === undefined ? `line ${line}` : `line ${line}, column "${column}"`;
    super(message ?? `${where}: ${oneLine(problem)}. ${oneLine(fix)}`, { line, column: column ?? null });
  }

  /** The same error as one built in another thread (the reader's worker), from its message. */
  static withMessage(line: number, column: string | undefined, message: string): CsvValidationError {
    return new CsvValidationError(line, column, '', '', message);
  }
}

/** Keeps a message on one line and quoted values short. */
export function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, ' ');
}

/** A cell value quoted for a message, shortened when long. */
export function quoteCell(value: string): string {
  const v = value.length > 60 ? `${value.slice(0, 57)}...` : value;
  return JSON.stringify(oneLine(v));
}
