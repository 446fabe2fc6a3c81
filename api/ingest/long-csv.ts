/**
 * The long sales CSV of ARCHITECTURE §2 (`series_id,date,value[,extra...]`), streamed and
 * validated. Used by `forecastql import` (through `importCsv`) and, without any database, by
 * `forecastql backtest` (through `readRawSeries`).
 *
 * How each extra column's kind is decided: from the first rows of the file
 * (`KIND_SAMPLE_ROWS` data rows, read ahead and kept in memory, extended up to
 * `KIND_SAMPLE_MAX_ROWS` while a column has only empty cells). A column whose non-empty cells there
 * are all numbers is a numeric **covariate**; any other column is a string **attribute**, which
 * must be constant within a series. A column empty in the whole sample is a covariate. A later
 * cell that does not fit its column's kind is an error naming its line (a non-numeric covariate),
 * so the kinds never depend on rows the importer has already written. `columnKinds` overrides the
 * rule for named columns (e.g. a numeric store number that is really an attribute).
 *
 * Memory is bounded by the number of series, not rows: per series the reader keeps its
 * attributes, the last row, counters, and one bit per day of its date range (to notice a date
 * that comes back out of order). Adjacent duplicate rows are checked here; a repeated
 * `series_id,date` that is not adjacent is flagged `repeated` for the consumer to check against
 * what it stored (the importer against the database, `readRawSeries` in memory).
 */
import { UserInputError } from '../errors/index.js';
import type { Frequency } from '../forecasting/types.js';
import { isoFromDay, parseIsoDate, weekdayOf, WEEKDAY_NAMES } from './dates.js';
import { CsvValidationError, oneLine, quoteCell } from './errors.js';
import { openCsvInput, type CsvInput } from './input.js';
import {
  CONTROL_FIX,
  controlCharacterProblem,
  implausibleYear,
  MAX_COLUMN_NAME_LENGTH,
  MAX_COLUMNS,
  MAX_SERIES_PER_IMPORT,
} from '../errors/input-guard.js';
import { csvRecords, type RawRecord } from './records.js';

export type { CsvInput } from './input.js';

export const REQUIRED_COLUMNS = ['series_id', 'date', 'value'] as const;
export const FREQUENCIES = ['D', 'W', 'M'] as const satisfies readonly Frequency[];

/** Data rows read ahead to decide each extra column's kind. */
export const KIND_SAMPLE_ROWS = 1000;
/** Upper bound of the read-ahead while some column has only empty cells. */
export const KIND_SAMPLE_MAX_ROWS = 20000;
/** Longest accepted `series_id` and attribute value (the database columns' sizes). */
export const MAX_SERIES_ID_LENGTH = 200;
export const MAX_ATTRIBUTE_LENGTH = 500;

/** Cells read as unknown in `value` and covariates, besides the empty cell. */
const UNKNOWN_CELLS = new Set(['', 'NA', 'NaN', 'nan', 'NULL', 'null']);
/** Distinct dates remembered by the reader (cleared when full). */
const DATE_CACHE_SIZE = 100_000;
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

export type ColumnKind = 'covariate' | 'attribute';

export interface LongCsvOptions {
  /** D, W or M; detected from the median step between a series' dates when omitted. */
  readonly frequency?: Frequency | undefined;
  /** Accept negative values (returns, e.g. Walmart weekly sales). Default: false (units sold). */
  readonly allowNegativeValues?: boolean;
  /** Force the kind of named extra columns instead of deciding from the first rows. */
  readonly columnKinds?: Readonly<Record<string, ColumnKind>>;
  /** Called about every `progressEveryRows` data rows and at the end. */
  readonly onProgress?: (progress: LongCsvProgress) => void;
  readonly progressEveryRows?: number;
  /** Rows per batch yielded by `batches()` (default 4096). */
  readonly batchSize?: number;
  readonly signal?: AbortSignal;
}

export interface LongCsvProgress {
  readonly rows: number;
  /** Raw (possibly compressed) bytes read, and the input's size when known. */
  readonly bytesRead: number;
  readonly totalBytes: number | undefined;
  readonly done: boolean;
}

/** The columns of a file and the kind of each extra column. */
export interface LongCsvSchema {
  /** Header as in the file (after trimming spaces around names). */
  readonly columns: readonly string[];
  /** Numeric extra columns, in file order. */
  readonly covariates: readonly string[];
  /** String extra columns (constant within a series), in file order. */
  readonly attributes: readonly string[];
  readonly gzipped: boolean;
}

/** One validated data row. `covariates`/`attributes` are aligned with the schema's lists. */
export interface LongCsvRow {
  /** 1-based line of the row in the (decompressed) file; the header is line 1. */
  readonly line: number;
  readonly seriesId: string;
  /** Index of the series in order of first appearance (0-based). */
  readonly seriesIndex: number;
  /** ISO `YYYY-MM-DD`. */
  readonly date: string;
  /** Days since 1970-01-01. */
  readonly day: number;
  /** Units sold; null = unknown (missing history, or a future row carrying covariates). */
  readonly value: number | null;
  readonly covariates: readonly (number | null)[];
  /** '' where the cell was empty. */
  readonly attributes: readonly string[];
  /**
   * True when an earlier, non-adjacent row of this file had the same series and date. The
   * reader cannot compare them without keeping every row; the consumer must (same values: keep
   * one; different: refuse with `conflictingDuplicateError`).
   */
  readonly repeated: boolean;
}

export interface LongCsvSeriesSummary {
  readonly id: string;
  readonly index: number;
  /** Non-empty attribute values by name. */
  readonly attributes: Readonly<Record<string, string>>;
  /** Rows yielded (adjacent identical duplicates dropped). */
  readonly rows: number;
  /** Rows with a known value. */
  readonly values: number;
  readonly firstDate: string;
  readonly endDate: string;
  /** First date with a known value, null when none. */
  readonly firstValueDate: string | null;
  /** Last date with a known value, null when none. */
  readonly lastValueDate: string | null;
  readonly sorted: boolean;
}

export interface LongCsvSummary {
  readonly schema: LongCsvSchema;
  readonly frequency: Frequency;
  readonly frequencyDetected: boolean;
  /** Data rows yielded. */
  readonly rows: number;
  /** Adjacent identical duplicates that were dropped. */
  readonly droppedDuplicates: number;
  /** Covariates given on a date after the last known value of some series. */
  readonly knownInAdvance: readonly string[];
  /** Every series' dates came in ascending order. */
  readonly sorted: boolean;
  /** Some row has `repeated` set. */
  readonly hasRepeats: boolean;
  readonly series: readonly LongCsvSeriesSummary[];
  readonly firstDate: string;
  readonly lastDate: string;
}

/** Error for a repeated `series_id,date` whose values differ from the earlier row. */
export function conflictingDuplicateError(
  row: Pick<LongCsvRow, 'line' | 'seriesId' | 'date'>,
  earlierLine?: number,
): CsvValidationError {
  const earlier = earlierLine === undefined ? 'an earlier line' : `line ${earlierLine}`;
  return new CsvValidationError(
    row.line,
    'date',
    `series ${quoteCell(row.seriesId)} already has a different row for ${row.date} (${earlier})`,
    'Keep one row per series_id,date, or make the duplicates identical',
  );
}

interface SeriesState {
  readonly id: string;
  readonly index: number;
  readonly attributes: string[];
  lastDay: number;
  maxDay: number;
  minDay: number;
  lastLine: number;
  lastValue: number | null;
  lastCovariates: (number | null)[];
  rows: number;
  values: number;
  lastValueDay: number;
  firstValueDay: number;
  /** Per covariate, the last day with a known value. */
  readonly covariateLastDay: number[];
  sorted: boolean;
  bits: Uint8Array;
  bitBase: number;
}

function newBits(day: number): { bits: Uint8Array; bitBase: number } {
  return { bits: new Uint8Array(64), bitBase: day - 256 };
}

/** Sets the bit of `day`; returns whether it was set before. */
function testAndSet(s: SeriesState, day: number): boolean {
  let offset = day - s.bitBase;
  if (offset < 0 || offset >= s.bits.length * 8) {
    const lo = Math.min(s.bitBase, day);
    const hi = Math.max(s.bitBase + s.bits.length * 8, day + 1);
    const span = hi - lo;
    const size = Math.max(s.bits.length * 2, Math.ceil((span * 1.5) / 8) + 8);
    const base = offset < 0 ? hi - size * 8 : lo;
    const next = new Uint8Array(size);
    // Copy bit by byte when the shift is a whole number of bytes; otherwise bit by bit.
    const shift = s.bitBase - base;
    if (shift % 8 === 0) {
      next.set(s.bits, shift / 8);
    } else {
      for (let i = 0; i < s.bits.length * 8; i++) {
        if (s.bits[i >> 3]! & (1 << (i & 7))) next[(i + shift) >> 3]! |= 1 << ((i + shift) & 7);
      }
    }
    s.bits = next;
    s.bitBase = base;
    offset = day - base;
  }
  const byte = offset >> 3;
  const mask = 1 << (offset & 7);
  const was = (s.bits[byte]! & mask) !== 0;
  s.bits[byte]! |= mask;
  return was;
}

/**
 * Calls `fn` with each step between consecutive days a series has (its bit set), in ascending
 * order: the steps of its dates whatever order its rows came in.
 */
function forEachStep(s: SeriesState, fn: (step: number) => void): void {
  let prev = Number.NaN;
  const bits = s.bits;
  for (let byte = 0; byte < bits.length; byte++) {
    const v = bits[byte]!;
    if (v === 0) continue;
    for (let bit = 0; bit < 8; bit++) {
      if ((v & (1 << bit)) === 0) continue;
      const day = byte * 8 + bit;
      if (prev === prev) fn(day - prev);
      prev = day;
    }
  }
}

function sameCovariates(a: readonly (number | null)[], b: readonly (number | null)[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function median(histogram: Map<number, number>): number | undefined {
  let total = 0;
  for (const c of histogram.values()) total += c;
  if (total === 0) return undefined;
  const steps = [...histogram.keys()].toSorted((a, b) => a - b);
  let seen = 0;
  for (const s of steps) {
    seen += histogram.get(s)!;
    if (seen * 2 >= total) return s;
  }
  return steps[steps.length - 1];
}

/**
 * A copy of a cell that does not share memory with the chunk of text it was cut from: V8 keeps a
 * whole 1 MB chunk alive for a substring of it, and series keep their id and attributes.
 */
function detached(cell: string): string {
  return cell.length < 13 ? cell : Buffer.from(cell, 'utf8').toString('utf8');
}

function abortError(): Error {
  const e = new Error('The import was cancelled.');
  e.name = 'AbortError';
  return e;
}

/**
 * A streaming reader of one long CSV. Call `schema()` (optional), then iterate `batches()` (or
 * the reader itself, row by row) once, then `summary()`.
 *
 * @example
 * const reader = new LongCsvReader('sales.csv.gz');
 * for await (const batch of reader.batches()) for (const row of batch) use(row);
 * const { frequency, knownInAdvance } = reader.summary();
 */
export class LongCsvReader implements AsyncIterable<LongCsvRow> {
  private readonly options: LongCsvOptions;
  private opened: Promise<void> | undefined;
  private schemaValue: LongCsvSchema | undefined;
  private records: AsyncIterator<RawRecord[]> | undefined;
  private pending: RawRecord[] = [];
  private pendingAt = 0;
  private readAhead: { record: RawRecord; line: number }[] = [];
  private nextLine = 1;
  private bytesRead: () => number = () => 0;
  private totalBytes: number | undefined;
  private summaryValue: LongCsvSummary | undefined;
  private started = false;
  private headerColumns: readonly string[] = [];
  private closeInput: () => void = () => {};
  private lineOffset: () => number = () => 0;

  // Column positions.
  private seriesCol = 0;
  private dateCol = 1;
  private valueCol = 2;
  private covariateCols: number[] = [];
  private attributeCols: number[] = [];

  constructor(
    private readonly input: CsvInput,
    options: LongCsvOptions = {},
  ) {
    this.options = options;
    if (options.frequency !== undefined && !FREQUENCIES.includes(options.frequency)) {
      throw new UserInputError(`Frequency "${String(options.frequency)}" is not supported. Use D, W or M.`);
    }
  }

  /** The header and each extra column's kind (reads the first rows of the file). */
  async schema(): Promise<LongCsvSchema> {
    this.opened ??= this.open();
    try {
      await this.opened;
    } catch (e) {
      this.close();
      throw e;
    }
    return this.schemaValue!;
  }

  /** Frequency, series and covariate facts; available once the rows have been read. */
  summary(): LongCsvSummary {
    if (!this.summaryValue) throw new Error('LongCsvReader.summary() is only available after reading every row');
    return this.summaryValue;
  }

  /** Stops reading and releases the input (called automatically when iteration ends). */
  close(): void {
    this.closeInput();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<LongCsvRow> {
    for await (const batch of this.batches()) yield* batch;
  }

  private async open(): Promise<void> {
    const opened = await openCsvInput(this.input);
    this.bytesRead = opened.bytesRead;
    this.totalBytes = opened.totalBytes;
    const records = csvRecords(opened.stream);
    this.lineOffset = records.lineOffset;
    this.closeInput = () => records.close();
    this.records = records.chunks;

    const header = await this.nextRecord();
    if (!header) {
      throw new CsvValidationError(1, undefined, 'the file is empty', 'Start with the header series_id,date,value');
    }
    const columns = header.record.map((c) => c.trim());
    // A spreadsheet's regional CSV (semicolons, as Excel writes it where the decimal mark is a
    // comma) or a tab-separated export reads as one column: say so instead of "no column".
    const separator = columns.length === 1 ? [';', '\t', '|'].find((c) => columns[0]!.includes(c)) : undefined;
    if (separator !== undefined && REQUIRED_COLUMNS.every((c) => columns[0]!.split(separator).includes(c))) {
      const name = separator === '\t' ? 'tabs' : `"${separator}"`;
      throw new CsvValidationError(
        header.line,
        undefined,
        `the header is separated by ${name}, not commas: ${quoteCell(columns[0]!)}`,
        `Save the file as comma-separated CSV (in a spreadsheet: "CSV UTF-8 (comma delimited)"), with "." as the decimal mark, e.g. series_id,date,value then A,2024-01-31,3.5`,
      );
    }
    guardHeader(columns, header.line);
    this.headerColumns = columns;
    const seen = new Map<string, number>();
    columns.forEach((name, i) => {
      if (name === '') {
        throw new CsvValidationError(
          header.line,
          `#${i + 1}`,
          `header column ${i + 1} has no name`,
          'Name every column in the header',
        );
      }
      if (seen.has(name)) {
        throw new CsvValidationError(
          header.line,
          name,
          `the header names column ${quoteCell(name)} twice (columns ${seen.get(name)! + 1} and ${i + 1})`,
          'Rename or remove one of them',
        );
      }
      seen.set(name, i);
    });
    for (const required of REQUIRED_COLUMNS) {
      if (!seen.has(required)) {
        const near = columns.find((c) => c.toLowerCase() === required);
        throw new CsvValidationError(
          header.line,
          required,
          `the header has no column ${quoteCell(required)}${near ? ` (found ${quoteCell(near)}: names are case-sensitive)` : ''}`,
          'The header must be series_id,date,value followed by optional covariate and attribute columns',
        );
      }
    }
    this.seriesCol = seen.get('series_id')!;
    this.dateCol = seen.get('date')!;
    this.valueCol = seen.get('value')!;
    const extras = columns
      .map((_, i) => i)
      .filter((i) => i !== this.seriesCol && i !== this.dateCol && i !== this.valueCol);
    for (const name of Object.keys(this.options.columnKinds ?? {})) {
      if (!extras.some((i) => columns[i] === name)) {
        throw new UserInputError(
          `Column "${name}" given a kind is not an extra column of the file (extra columns: ${extras.map((i) => columns[i]).join(', ') || 'none'}).`,
        );
      }
    }

    // Read ahead to decide each extra column's kind.
    const undecided = new Set(extras.filter((i) => this.options.columnKinds?.[columns[i]!] === undefined));
    const numericSoFar = new Map<number, boolean>();
    const nonEmpty = new Set<number>();
    for (;;) {
      const needMore =
        this.readAhead.length < KIND_SAMPLE_ROWS ||
        ([...undecided].some((i) => !nonEmpty.has(i)) && this.readAhead.length < KIND_SAMPLE_MAX_ROWS);
      if (!needMore) break;
      const next = await this.nextRecord();
      if (!next) break;
      this.readAhead.push(next);
      for (const i of undecided) {
        const cell = next.record[i];
        if (cell === undefined || UNKNOWN_CELLS.has(cell)) continue;
        nonEmpty.add(i);
        if (numericSoFar.get(i) !== false) numericSoFar.set(i, NUMBER.test(cell));
      }
    }
    const kindOf = (i: number): ColumnKind =>
      this.options.columnKinds?.[columns[i]!] ?? (numericSoFar.get(i) === false ? 'attribute' : 'covariate');
    this.covariateCols = extras.filter((i) => kindOf(i) === 'covariate');
    this.attributeCols = extras.filter((i) => kindOf(i) === 'attribute');
    this.schemaValue = {
      columns,
      covariates: this.covariateCols.map((i) => columns[i]!),
      attributes: this.attributeCols.map((i) => columns[i]!),
      gzipped: opened.gzipped,
    };
  }

  /** The next CSV record with its first line, skipping blank lines; csv-parse errors become one line. */
  private async nextRecord(): Promise<{ record: RawRecord; line: number } | undefined> {
    for (;;) {
      if (this.pendingAt >= this.pending.length) {
        let next: IteratorResult<RawRecord[]>;
        try {
          next = await this.records!.next();
        } catch (e) {
          throw this.translateParseError(e);
        }
        if (next.done) return undefined;
        this.pending = next.value;
        this.pendingAt = 0;
        continue;
      }
      const record = this.pending[this.pendingAt++]!;
      const line = this.nextLine;
      let newlines = 0;
      for (let i = 0; i < record.length; i++) {
        const cell = record[i]!;
        if (cell.length > 0 && cell.indexOf('\n') !== -1) newlines += cell.split('\n').length - 1;
      }
      this.nextLine += 1 + newlines;
      if (record.length === 1 && record[0] === '') continue;
      return { record, line };
    }
  }

  /** The next record already parsed, without awaiting; undefined when a read is needed. */
  private nextBufferedRecord(): { record: RawRecord; line: number } | undefined {
    while (this.pendingAt < this.pending.length) {
      const record = this.pending[this.pendingAt++]!;
      const line = this.nextLine;
      let newlines = 0;
      for (let i = 0; i < record.length; i++) {
        const cell = record[i]!;
        if (cell.length > 0 && cell.indexOf('\n') !== -1) newlines += cell.split('\n').length - 1;
      }
      this.nextLine += 1 + newlines;
      if (record.length === 1 && record[0] === '') continue;
      return { record, line };
    }
    return undefined;
  }

  private translateParseError(e: unknown): Error {
    const err = e as { code?: string; lines?: number; column?: number | string; message?: string };
    if ((typeof err.code === 'string' && err.code.startsWith('CSV_')) || err.code === 'INVALID_OPENING_QUOTE') {
      const line = typeof err.lines === 'number' ? err.lines + this.lineOffset() : this.nextLine;
      const col = typeof err.column === 'number' ? (this.headerColumns[err.column] ?? `#${err.column + 1}`) : undefined;
      const problem = (err.message ?? 'malformed CSV').replace(/ at line \d+.*$/, '').replace(/^([^:]+):\s*/, '$1: ');
      return new CsvValidationError(
        line,
        col,
        problem,
        'Quote cells that contain commas, quotes or line breaks ("a ""b"" c")',
      );
    }
    if (err.code === 'Z_DATA_ERROR' || err.code === 'Z_BUF_ERROR') {
      return new UserInputError(
        `The input starts like a gzip file but cannot be decompressed (${oneLine(err.message ?? '')}). Give an intact .csv.gz or a plain CSV.`,
      );
    }
    return e instanceof Error ? e : new Error(String(e));
  }

  /** Validated rows in batches, in file order. Can be iterated once. */
  async *batches(): AsyncGenerator<readonly LongCsvRow[]> {
    if (this.started) throw new Error('LongCsvReader can be read only once');
    this.started = true;
    try {
      yield* this.readBatches();
    } finally {
      this.close();
    }
  }

  private async *readBatches(): AsyncGenerator<readonly LongCsvRow[]> {
    this.opened ??= this.open();
    await this.opened;
    const schema = this.schemaValue!;
    const options = this.options;
    const batchSize = options.batchSize ?? 4096;
    const progressEvery = options.progressEveryRows ?? 100_000;
    const allowNegative = options.allowNegativeValues === true;
    const givenFrequency = options.frequency;
    const signal = options.signal;

    const seriesCol = this.seriesCol;
    const dateCol = this.dateCol;
    const valueCol = this.valueCol;
    const covCols = this.covariateCols;
    const attrCols = this.attributeCols;
    const columns = schema.columns;
    const width = columns.length;
    const nCov = covCols.length;
    const nAttr = attrCols.length;

    const seriesById = new Map<string, SeriesState>();
    const seriesList: SeriesState[] = [];
    const stepHistogram = new Map<number, number>();
    /** Series that stopped ascending; their steps are counted at the end. */
    const unsorted: SeriesState[] = [];
    let firstWeekday = -1;
    let weekdayViolation: { line: number; date: string; weekday: number } | undefined;
    let monthViolation: { line: number; date: string } | undefined;
    let rows = 0;
    let dropped = 0;
    let hasRepeats = false;
    let minDay = Number.POSITIVE_INFINITY;
    let maxDay = Number.NEGATIVE_INFINITY;
    const dateCache = new Map<string, number>();
    let lastDateText = '';
    let lastDateDay = 0;
    let lastDateDom = 0;
    let nextProgress = progressEvery;

    const report = (done: boolean): void => {
      options.onProgress?.({ rows, bytesRead: this.bytesRead(), totalBytes: this.totalBytes, done });
    };

    const parseNumber = (cell: string, line: number, col: number, what: 'value' | 'covariate'): number | null => {
      if (UNKNOWN_CELLS.has(cell)) return null;
      if (!NUMBER.test(cell)) {
        throw new CsvValidationError(
          line,
          columns[col],
          what === 'value'
            ? `${quoteCell(cell)} is not a number`
            : `${quoteCell(cell)} is not a number, but the first rows made ${quoteCell(columns[col]!)} a numeric covariate`,
          what === 'value'
            ? 'Write units sold as a plain number (e.g. 12 or 3.5), or leave the cell empty when unknown'
            : `Write a plain number or leave the cell empty (a column whose first ${KIND_SAMPLE_ROWS} rows hold numbers is a covariate)`,
        );
      }
      const n = Number(cell);
      if (!Number.isFinite(n)) {
        throw new CsvValidationError(
          line,
          columns[col],
          `${quoteCell(cell)} is too large to store (it overflows a 64-bit float)`,
          'Write a number between -1e308 and 1e308, or leave the cell empty when unknown',
        );
      }
      // -0 is stored and compared as 0 (a re-import of "0" must not count as a change).
      return n === 0 ? 0 : n;
    };

    let batch: LongCsvRow[] = [];
    const take = (r: { record: RawRecord; line: number }): void => {
      const { record, line } = r;
      if (record.length !== width) {
        throw new CsvValidationError(
          line,
          record.length < width ? columns[record.length] : undefined,
          `has ${record.length} cells but the header has ${width} columns`,
          'Give every row one cell per header column (leave unknown cells empty)',
        );
      }
      const seriesId = record[seriesCol]!;
      if (seriesId === '' || seriesId.trim() !== seriesId) {
        throw new CsvValidationError(
          line,
          'series_id',
          seriesId === '' ? 'series_id is empty' : `${quoteCell(seriesId)} has spaces around it`,
          'Give every row the id of its series, without surrounding spaces',
        );
      }
      if (seriesId.length > MAX_SERIES_ID_LENGTH) {
        throw new CsvValidationError(
          line,
          'series_id',
          `the id is ${seriesId.length} characters long`,
          `Use ids of at most ${MAX_SERIES_ID_LENGTH} characters`,
        );
      }
      const dateText = record[dateCol]!;
      let day: number;
      let dom: number;
      let cached: number | undefined;
      if (dateText === lastDateText) {
        day = lastDateDay;
        dom = lastDateDom;
      } else if ((cached = dateCache.get(dateText)) !== undefined) {
        day = cached >> 5;
        dom = cached & 31;
        lastDateText = dateText;
        lastDateDay = day;
        lastDateDom = dom;
      } else {
        // The input guard: a calendar date of a plausible year (`0024-…` is a typo, not the year 24).
        const parsed = parseIsoDate(dateText);
        const implausible = parsed.ok ? implausibleYear(Number(dateText.slice(0, 4))) : undefined;
        if (implausible) {
          throw new CsvValidationError(line, 'date', `${quoteCell(dateText)} ${implausible}`, 'Check the year');
        }
        if (!parsed.ok) {
          throw new CsvValidationError(
            line,
            'date',
            `${quoteCell(dateText)} ${parsed.reason}`,
            'Write dates as ISO YYYY-MM-DD, e.g. 2024-01-31',
          );
        }
        day = parsed.day;
        dom = parsed.dayOfMonth;
        // Files repeat a few thousand dates: parse each once (day and day of month in one number).
        if (dateCache.size >= DATE_CACHE_SIZE) dateCache.clear();
        dateCache.set(dateText, day * 32 + dom);
        lastDateText = dateText;
        lastDateDay = day;
        lastDateDom = dom;
      }
      // Frequency grid checks: immediate when the frequency is given, remembered otherwise.
      const weekday = weekdayOf(day);
      if (firstWeekday < 0) firstWeekday = weekday;
      if (dom !== 1 && !monthViolation) monthViolation = { line, date: dateText };
      if (weekday !== firstWeekday && !weekdayViolation) weekdayViolation = { line, date: dateText, weekday };
      if (givenFrequency === 'M' && dom !== 1) throw monthError(line, dateText);
      if (givenFrequency === 'W' && weekday !== firstWeekday) throw weekError(line, dateText, weekday, firstWeekday);

      const valueCell = record[valueCol]!;
      const value = parseNumber(valueCell, line, valueCol, 'value');
      if (value !== null && value < 0 && !allowNegative) {
        throw new CsvValidationError(
          line,
          'value',
          `${quoteCell(valueCell)} is negative`,
          'Values cannot be negative unless the import allows them; net out returns, leave the cell empty when unknown, or import with --allow-negative (GraphQL allowNegative: true) for returns or refunds',
        );
      }
      const covariates: (number | null)[] = [];
      for (let k = 0; k < nCov; k++) covariates.push(parseNumber(record[covCols[k]!]!, line, covCols[k]!, 'covariate'));
      const attributes: string[] = [];
      for (let k = 0; k < nAttr; k++) attributes.push(record[attrCols[k]!]!);

      let s = seriesById.get(seriesId);
      if (!s) {
        // The input guard, once per series (a series' later rows repeat its id).
        if (seriesList.length >= MAX_SERIES_PER_IMPORT) {
          throw new CsvValidationError(
            line,
            'series_id',
            `the file holds more than ${MAX_SERIES_PER_IMPORT} series (the most one import takes; memory grows with them)`,
            'Split the file into several datasets (e.g. one per store or category), or import it in parts by series',
          );
        }
        const idProblem = controlCharacterProblem(seriesId, true);
        if (idProblem) throw new CsvValidationError(line, 'series_id', `the id ${idProblem}`, CONTROL_FIX);
        for (let k = 0; k < nAttr; k++) {
          const problem = controlCharacterProblem(attributes[k]!);
          if (problem) throw new CsvValidationError(line, columns[attrCols[k]!], `the value ${problem}`, CONTROL_FIX);
          if (attributes[k]!.length > MAX_ATTRIBUTE_LENGTH) {
            throw new CsvValidationError(
              line,
              columns[attrCols[k]!],
              `the attribute is ${attributes[k]!.length} characters long`,
              `Use attribute values of at most ${MAX_ATTRIBUTE_LENGTH} characters`,
            );
          }
        }
        const b = newBits(day);
        s = {
          id: detached(seriesId),
          index: seriesList.length,
          attributes: attributes.map(detached),
          lastDay: Number.NEGATIVE_INFINITY,
          maxDay: Number.NEGATIVE_INFINITY,
          minDay: day,
          lastLine: 0,
          lastValue: null,
          lastCovariates: covariates,
          rows: 0,
          values: 0,
          lastValueDay: Number.NEGATIVE_INFINITY,
          firstValueDay: Number.POSITIVE_INFINITY,
          covariateLastDay: Array.from({ length: nCov }, () => Number.NEGATIVE_INFINITY),
          sorted: true,
          bits: b.bits,
          bitBase: b.bitBase,
        };
        // Keyed by the detached copy: the cell itself would keep its whole chunk of text alive.
        seriesById.set(s.id, s);
        seriesList.push(s);
      } else {
        for (let k = 0; k < nAttr; k++) {
          const a = attributes[k]!;
          const known = s.attributes[k]!;
          if (a === known || a === '') continue;
          if (known === '') {
            const problem = controlCharacterProblem(a);
            if (problem) throw new CsvValidationError(line, columns[attrCols[k]!], `the value ${problem}`, CONTROL_FIX);
            s.attributes[k] = detached(a);
            continue;
          }
          throw new CsvValidationError(
            line,
            columns[attrCols[k]!],
            `series ${quoteCell(seriesId)} has ${quoteCell(a)} here but ${quoteCell(known)} on an earlier line; an attribute must be constant within a series`,
            'Give the series one value of this attribute, or, if it changes over time, turn it into a numeric covariate',
          );
        }
      }

      let repeated = false;
      if (day === s.lastDay) {
        // Adjacent duplicate within the series: identical is harmless, different is an error.
        if (value === s.lastValue && sameCovariates(covariates, s.lastCovariates)) {
          dropped++;
          return;
        }
        throw conflictingDuplicateError({ line, seriesId, date: dateText }, s.lastLine);
      }
      if (day > s.maxDay) {
        if (s.maxDay !== Number.NEGATIVE_INFINITY) {
          const step = day - s.maxDay;
          stepHistogram.set(step, (stepHistogram.get(step) ?? 0) + 1);
        }
        s.maxDay = day;
        testAndSet(s, day);
      } else {
        if (s.sorted) {
          // Until now its rows ascended and each added the step to the previous one: take those
          // back; the series' steps are counted from its set of days at the end.
          forEachStep(s, (step) => {
            const n = stepHistogram.get(step)! - 1;
            if (n === 0) stepHistogram.delete(step);
            else stepHistogram.set(step, n);
          });
          unsorted.push(s);
        }
        s.sorted = false;
        if (day < s.minDay) s.minDay = day;
        repeated = testAndSet(s, day);
        if (repeated) hasRepeats = true;
      }
      s.lastDay = day;
      s.lastLine = line;
      s.lastValue = value;
      s.lastCovariates = covariates;
      s.rows++;
      if (value !== null) {
        s.values++;
        if (day > s.lastValueDay) s.lastValueDay = day;
        if (day < s.firstValueDay) s.firstValueDay = day;
      }
      for (let k = 0; k < nCov; k++) {
        if (covariates[k] !== null && day > s.covariateLastDay[k]!) s.covariateLastDay[k] = day;
      }
      if (day < minDay) minDay = day;
      if (day > maxDay) maxDay = day;
      rows++;
      batch.push({
        line,
        seriesId,
        seriesIndex: s.index,
        date: dateText,
        day,
        value,
        covariates,
        attributes,
        repeated,
      });
    };

    const ahead = this.readAhead;
    this.readAhead = [];
    for (const r of ahead) take(r);
    for (;;) {
      if (batch.length >= batchSize) {
        if (signal?.aborted) throw abortError();
        const out = batch;
        batch = [];
        yield out;
        if (rows >= nextProgress) {
          nextProgress = rows + progressEvery;
          report(false);
        }
      }
      const next = this.nextBufferedRecord() ?? (await this.nextRecord());
      if (!next) break;
      take(next);
    }
    if (batch.length > 0) yield batch;

    if (rows === 0) {
      throw new CsvValidationError(
        this.nextLine,
        undefined,
        'the file has a header but no data rows',
        'Add rows of series_id,date,value below the header',
      );
    }

    // Series whose rows came in another order (shuffled, newest first): their steps from their days.
    for (const u of unsorted) {
      forEachStep(u, (step) => stepHistogram.set(step, (stepHistogram.get(step) ?? 0) + 1));
    }

    // Frequency: given, or detected from the median step between consecutive dates of a series.
    let frequency: Frequency;
    if (givenFrequency) {
      frequency = givenFrequency;
    } else {
      const step = median(stepHistogram);
      if (step === undefined) {
        throw new UserInputError(
          'Cannot detect the frequency: no series has two different dates. Give it with --frequency D, W or M.',
        );
      }
      if (step === 1) frequency = 'D';
      else if (step === 7) frequency = 'W';
      else if (step >= 28 && step <= 31) frequency = 'M';
      else {
        throw new UserInputError(
          `Cannot detect the frequency: the median step between a series' dates is ${step} days. Give it with --frequency D, W or M.`,
        );
      }
      if (frequency === 'M' && monthViolation) throw monthError(monthViolation.line, monthViolation.date);
      if (frequency === 'W' && weekdayViolation) {
        throw weekError(weekdayViolation.line, weekdayViolation.date, weekdayViolation.weekday, firstWeekday);
      }
    }

    const knownInAdvance = schema.covariates.filter((_, k) =>
      seriesList.some((s) => s.covariateLastDay[k]! > s.lastValueDay),
    );
    this.summaryValue = {
      schema,
      frequency,
      frequencyDetected: givenFrequency === undefined,
      rows,
      droppedDuplicates: dropped,
      knownInAdvance,
      sorted: seriesList.every((s) => s.sorted),
      hasRepeats,
      series: seriesList.map((s) => ({
        id: s.id,
        index: s.index,
        attributes: Object.fromEntries(
          schema.attributes.map((name, k) => [name, s.attributes[k]!] as const).filter(([, v]) => v !== ''),
        ),
        rows: s.rows,
        values: s.values,
        firstDate: isoFromDay(s.minDay),
        endDate: isoFromDay(s.maxDay),
        firstValueDate: s.firstValueDay === Number.POSITIVE_INFINITY ? null : isoFromDay(s.firstValueDay),
        lastValueDate: s.lastValueDay === Number.NEGATIVE_INFINITY ? null : isoFromDay(s.lastValueDay),
        sorted: s.sorted,
      })),
      firstDate: isoFromDay(minDay),
      lastDate: isoFromDay(maxDay),
    };
    report(true);
  }
}

/** Column count, name lengths and control characters of a header (input-guard.ts). */
function guardHeader(columns: readonly string[], line: number): void {
  if (columns.length > MAX_COLUMNS) {
    throw new CsvValidationError(
      line,
      undefined,
      `the header has ${columns.length} columns; at most ${MAX_COLUMNS} are read`,
      'Keep series_id, date, value and the covariates and attributes the models need; split wide files',
    );
  }
  columns.forEach((name, i) => {
    if (name.length > MAX_COLUMN_NAME_LENGTH) {
      throw new CsvValidationError(
        line,
        `#${i + 1}`,
        `column ${i + 1}'s name is ${name.length} characters long`,
        `Use column names of at most ${MAX_COLUMN_NAME_LENGTH} characters`,
      );
    }
    const problem = controlCharacterProblem(name, true);
    if (problem) throw new CsvValidationError(line, `#${i + 1}`, `column ${i + 1}'s name ${problem}`, CONTROL_FIX);
  });
}

function monthError(line: number, date: string): CsvValidationError {
  return new CsvValidationError(
    line,
    'date',
    `${quoteCell(date)} is not the first day of a month, as monthly data needs`,
    `Date monthly rows by month start (${date.slice(0, 8)}01), or give the right --frequency`,
  );
}

function weekError(line: number, date: string, weekday: number, expected: number): CsvValidationError {
  return new CsvValidationError(
    line,
    'date',
    `${quoteCell(date)} is a ${WEEKDAY_NAMES[weekday]}, but weekly rows started on a ${WEEKDAY_NAMES[expected]}`,
    'Date every weekly row on the same weekday, or give the right --frequency',
  );
}
