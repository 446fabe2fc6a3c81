/** Reads a long sales CSV (plain or gzipped) into raw series, for the training benchmarks. */
import { parse } from 'csv-parse/sync';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import type { RawSeries } from '../api/forecasting/types.js';

function num(v: string | undefined): number | null {
  return v === undefined || v === '' ? null : Number(v);
}

/** `series_id,date,value` then numeric columns (covariates) and string columns (static attributes). */
export function readLongCsv(path: string): RawSeries[] {
  const text = gunzipSync(readFileSync(path)).toString('utf8');
  const rows = parse(text, { columns: true, skip_empty_lines: true }) as Record<string, string>[];
  const cols = Object.keys(rows[0] ?? {}).filter((c) => c !== 'series_id' && c !== 'date' && c !== 'value');
  const numeric = cols.filter((c) =>
    rows.every((r) => r[c] === '' || r[c] === undefined || Number.isFinite(Number(r[c]))),
  );
  const by = new Map<string, Record<string, string>[]>();
  for (const r of rows) {
    const list = by.get(r.series_id!) ?? [];
    list.push(r);
    by.set(r.series_id!, list);
  }
  return [...by].map(([id, list]) => {
    list.sort((a, b) => (a.date! < b.date! ? -1 : 1));
    const statics: Record<string, string> = {};
    for (const c of cols) if (!numeric.includes(c)) statics[c] = list[0]![c] ?? '';
    const covariates: Record<string, (number | null)[]> = {};
    for (const c of numeric) covariates[c] = list.map((r) => num(r[c]));
    return { id, statics, dates: list.map((r) => r.date!), values: list.map((r) => num(r.value)), covariates };
  });
}
