/**
 * `importRows`: observations given as rows (the GraphQL `importObservations(rows:)` argument)
 * imported through the one import path, `importCsv`. The rows are written as long CSV text
 * (covariates and attributes as named columns, their kinds fixed by where they were given) and
 * read by the same reader, so the same rules apply: dates, numbers, duplicates, frequency,
 * attributes constant within a series, one transaction, idempotent. Errors name the row (its index
 * in the list) and the field instead of the CSV's line and column.
 */
import type { ObservationSink } from '../app/observations.js';
import type { ObservationRowInput } from '../app/ports.js';
import { UserInputError } from '../errors/index.js';
import { CsvValidationError } from './errors.js';
import { importCsv, type ImportCsvResult } from './import-csv.js';
import { REQUIRED_COLUMNS, type ColumnKind } from './long-csv.js';
import type { Frequency } from '../forecasting/types.js';

export type { ObservationRowInput };

export interface RowsAsCsv {
  readonly csv: string;
  readonly columnKinds: Readonly<Record<string, ColumnKind>>;
  /** The CSV field name of each column: `seriesId`, `covariates.price`, `attributes.store`. */
  readonly fieldOf: ReadonlyMap<string, string>;
  /** 1-based CSV line of each row (line 1 is the header). */
  readonly lineOfRow: readonly number[];
}

const RESERVED: ReadonlySet<string> = new Set(REQUIRED_COLUMNS);

function cell(value: string): string {
  return /[",\r\n]/.test(value) || value !== value.trim() ? `"${value.replaceAll('"', '""')}"` : value;
}

function numberCell(value: number | null | undefined): string {
  return value === null || value === undefined ? '' : String(value);
}

/** Checks the covariate or attribute names of one row against each other and the other kind. */
function checkNames(
  kind: 'covariates' | 'attributes',
  other: Map<string, number>,
  own: Map<string, number>,
  index: number,
  list: readonly { readonly name: string }[],
): void {
  const seen = new Set<string>();
  for (const { name } of list) {
    const where = `rows[${index}], field "${kind}"`;
    if (name.trim() === '' || name !== name.trim()) {
      throw new UserInputError(
        `${where}: the name ${JSON.stringify(name)} is empty or has spaces around it. Name each of the row's ${kind} plainly, e.g. "price".`,
        { row: index, field: kind },
      );
    }
    if (RESERVED.has(name)) {
      throw new UserInputError(
        `${where}: "${name}" is a field of the row itself. Give it as \`${name === 'series_id' ? 'seriesId' : name}\`, or rename this entry.`,
        { row: index, field: kind },
      );
    }
    if (seen.has(name)) {
      throw new UserInputError(`${where}: "${name}" is given twice. Give each name once per row.`, {
        row: index,
        field: kind,
      });
    }
    seen.add(name);
    if (other.has(name)) {
      const otherKind = kind === 'covariates' ? 'attributes' : 'covariates';
      throw new UserInputError(
        `${where}: "${name}" is also one of the ${otherKind} (rows[${other.get(name)!}]). A name is either a numeric covariate or a string attribute in every row.`,
        { row: index, field: kind },
      );
    }
    if (!own.has(name)) own.set(name, index);
  }
}

/** Rows → long CSV text (pure). Checks what CSV cannot express: names of covariates and attributes. */
export function rowsToCsv(rows: readonly ObservationRowInput[]): RowsAsCsv {
  if (rows.length === 0) {
    throw new UserInputError('`rows` is empty: give at least one observation.', { argument: 'rows' });
  }
  const covariates = new Map<string, number>();
  const attributes = new Map<string, number>();
  rows.forEach((r, i) => {
    checkNames('covariates', attributes, covariates, i, r.covariates ?? []);
    checkNames('attributes', covariates, attributes, i, r.attributes ?? []);
  });
  const covariateNames = [...covariates.keys()];
  const attributeNames = [...attributes.keys()];
  const columnKinds: Record<string, ColumnKind> = {};
  const fieldOf = new Map<string, string>([
    ['series_id', 'seriesId'],
    ['date', 'date'],
    ['value', 'value'],
  ]);
  for (const name of covariateNames) {
    columnKinds[name] = 'covariate';
    fieldOf.set(name, `covariates.${name}`);
  }
  for (const name of attributeNames) {
    columnKinds[name] = 'attribute';
    fieldOf.set(name, `attributes.${name}`);
  }
  const lines = [[...REQUIRED_COLUMNS, ...covariateNames, ...attributeNames].map(cell).join(',')];
  const lineOfRow: number[] = [];
  let line = 2;
  for (const r of rows) {
    const covariate = new Map((r.covariates ?? []).map((c) => [c.name, c.value]));
    const attribute = new Map((r.attributes ?? []).map((a) => [a.name, a.value]));
    const text = [
      cell(r.seriesId),
      cell(r.date),
      numberCell(r.value),
      ...covariateNames.map((n) => numberCell(covariate.get(n))),
      ...attributeNames.map((n) => cell(attribute.get(n) ?? '')),
    ].join(',');
    lineOfRow.push(line);
    line += 1 + (text.match(/\r\n|\r|\n/g)?.length ?? 0);
    lines.push(text);
  }
  return { csv: `${lines.join('\n')}\n`, columnKinds, fieldOf, lineOfRow };
}

/** The index of the row that starts at or before a CSV line (binary search). */
function rowAtLine(lineOfRow: readonly number[], line: number): number {
  let lo = 0;
  let hi = lineOfRow.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (lineOfRow[mid]! <= line) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * An import error about the generated CSV, told in the rows' terms: `rows[3], field "date": …`
 * instead of `line 5, column "date": …` (pure).
 */
export function toRowsError(e: unknown, shape: RowsAsCsv): unknown {
  if (!(e instanceof UserInputError)) return e;
  const rowOf = (line: number): number => rowAtLine(shape.lineOfRow, line);
  const fieldName = (column: string): string => shape.fieldOf.get(column) ?? column;
  let message = e.message.replace(
    /^line (\d+)(?:, column "((?:[^"\\]|\\.)*)")?:/,
    (_m, line: string, column: string | undefined) =>
      column === undefined
        ? `rows[${rowOf(Number(line))}]:`
        : `rows[${rowOf(Number(line))}], field "${fieldName(column)}":`,
  );
  message = message
    .replace(/\bline (\d+)\b/g, (_m, line: string) => `rows[${rowOf(Number(line))}]`)
    .replaceAll('an earlier line', 'an earlier row')
    .replaceAll('this file', 'these rows')
    .replaceAll('the file', 'the rows')
    .replaceAll('the cell', 'the field');
  if (e instanceof CsvValidationError) {
    return new UserInputError(message, {
      row: rowOf(e.line),
      field: e.column === undefined ? null : fieldName(e.column),
    });
  }
  return new UserInputError(message, e.details);
}

export interface ImportRowsOptions {
  readonly tenantId: number;
  readonly datasetId: number;
  readonly rows: readonly ObservationRowInput[];
  /** The dataset's holiday calendar (see `ImportCsvOptions.country`). */
  readonly country?: string | undefined;
  readonly frequency?: Frequency | undefined;
  readonly allowNegativeValues?: boolean | undefined;
  /** What the values measure (see `ImportCsvOptions.unit`). */
  readonly unit?: string | undefined;
}

/** Imports rows into an existing dataset through `importCsv`: one transaction, idempotent. */
export async function importRows(sink: ObservationSink, options: ImportRowsOptions): Promise<ImportCsvResult> {
  const shape = rowsToCsv(options.rows);
  try {
    return await importCsv(sink, {
      tenantId: options.tenantId,
      dataset: { id: options.datasetId },
      input: Buffer.from(shape.csv, 'utf8'),
      columnKinds: shape.columnKinds,
      ...(options.country === undefined ? {} : { country: options.country }),
      ...(options.frequency === undefined ? {} : { frequency: options.frequency }),
      ...(options.allowNegativeValues === undefined ? {} : { allowNegativeValues: options.allowNegativeValues }),
      ...(options.unit === undefined ? {} : { unit: options.unit }),
    });
  } catch (e) {
    throw toRowsError(e, shape);
  }
}
