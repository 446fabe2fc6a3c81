/**
 * The SQL source reader (the `SourceReader` port): a generic SELECT or a preset's query, wrapped
 * so that a sync reads only its window:
 *   SELECT series_id, <time>, quantity, unit_price, <attributes…>, category
 *     FROM (<query>) fq_q WHERE fq_q.<time> >= ?
 * The query returns order lines (`ordered_at`, a timestamp read as UTC) or daily rows (`date`, a
 * calendar day); `quantity` and `unit_price` must be numeric columns, `store`, `channel` and
 * `country` split series (they become attributes), `category` is an attribute.
 */
import type {
  DataSourceRecord,
  SourceProbe,
  SourceReader,
  SourceReaderFactory,
  SourceRow,
  SourceSettings,
} from '../../app/sources/ports.js';
import { ErrorCode, SourceError } from '../../errors/index.js';
import { connect, resolveUrl, sourceErrorOf, type ColumnInfo, type SqlConnection } from './connection.js';
import { magentoQuery, wooCommerceQuery, type PresetQueryOptions } from './presets.js';

export const SPLITTING_ATTRIBUTES = ['store', 'channel', 'country'] as const;

type SourceLike = Pick<DataSourceRecord, 'name'> & SourceSettings;

/** The source's SELECT (a preset's, or the generic one without a trailing `;`). */
export function sourceQuery(source: SourceSettings, options: PresetQueryOptions = {}): string {
  if (source.kind === 'woocommerce') return wooCommerceQuery(source, options);
  if (source.kind === 'magento2') return magentoQuery(source, options);
  return (source.query ?? '').trim().replace(/;+\s*$/, '');
}

function utcText(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

function isoDay(day: number): string {
  return new Date(day * 86_400_000).toISOString().slice(0, 10);
}

class SqlSourceReader implements SourceReader {
  private probed: { probe: SourceProbe; columns: ColumnInfo[] } | undefined;

  constructor(
    private readonly source: SourceLike,
    private readonly url: string,
    private readonly conn: SqlConnection,
  ) {}

  private fail(cause: string, fix: string): never {
    throw new SourceError(ErrorCode.SOURCE_BAD_ROWS, this.source.name, cause, fix);
  }

  async probe(): Promise<SourceProbe> {
    if (this.probed) return this.probed.probe;
    let columns: ColumnInfo[];
    try {
      columns = await this.conn.columns(sourceQuery(this.source), []);
    } catch (e) {
      throw sourceErrorOf(this.source.name, this.url, e);
    }
    const names = columns.map((c) => c.name);
    const col = (n: string): ColumnInfo | undefined => columns.find((c) => c.name === n);
    const hasLines = col('ordered_at') !== undefined;
    const hasDays = col('date') !== undefined;
    const missing = ['series_id', 'quantity'].filter((n) => !col(n));
    if (!hasLines && !hasDays) missing.push('ordered_at (or date)');
    if (missing.length > 0) {
      this.fail(
        `the query returns the columns ${names.join(', ') || '(none)'} but not ${missing.join(', ')}`,
        'Name the columns with AS: series_id (product or SKU), ordered_at (timestamp) or date (day), quantity, and optionally unit_price, store, channel, country, category.',
      );
    }
    for (const n of ['quantity', 'unit_price']) {
      const c = col(n);
      if (c && (c.type === 'text' || c.type === 'time')) {
        this.fail(
          `the column ${n} of the query holds ${c.type === 'text' ? 'text' : 'dates'}, not numbers`,
          `Return a number: CAST(${n} AS DECIMAL(18,4)) on MySQL, ${n}::numeric on PostgreSQL.`,
        );
      }
    }
    const timeColumn = hasLines ? col('ordered_at')! : col('date')!;
    if (timeColumn.type === 'number' || timeColumn.type === 'text') {
      if (timeColumn.type === 'number') {
        this.fail(
          `the column ${timeColumn.name} of the query holds numbers, not timestamps`,
          'Return a DATETIME/TIMESTAMP (or DATE for daily rows), e.g. FROM_UNIXTIME(ts) on MySQL, to_timestamp(ts) on PostgreSQL.',
        );
      }
    }
    const probe: SourceProbe = {
      columns: names,
      shape: hasLines ? 'lines' : 'daily',
      attributes: SPLITTING_ATTRIBUTES.filter((a) => col(a) !== undefined),
    };
    this.probed = { probe, columns };
    return probe;
  }

  async *read(request: {
    since: number | null;
    fromDay: number | null;
    batchSize: number;
    signal?: AbortSignal | undefined;
  }): AsyncGenerator<SourceRow[]> {
    const probe = await this.probe();
    const time = probe.shape === 'lines' ? 'ordered_at' : 'date';
    const hasPrice = probe.columns.includes('unit_price');
    const hasCategory = probe.columns.includes('category');
    const select = [
      'fq_q.series_id',
      `fq_q.${time}`,
      'fq_q.quantity',
      hasPrice ? 'fq_q.unit_price' : 'NULL',
      ...probe.attributes.map((a) => `fq_q.${a}`),
      hasCategory ? 'fq_q.category' : 'NULL',
    ].join(', ');
    const ph = this.conn.dialect === 'postgres' ? '$1' : '?';
    let where = '';
    const params: unknown[] = [];
    if (request.since !== null && request.fromDay !== null) {
      where = ` WHERE fq_q.${time} >= ${ph}`;
      params.push(probe.shape === 'lines' ? utcText(request.since) : isoDay(request.fromDay));
    }
    const sql = `SELECT ${select} FROM (${sourceQuery(this.source, { full: where === '' })}) fq_q${where}`;
    const nAttr = probe.attributes.length;
    const source = this.source.name;
    const badValue = (column: string, value: unknown, fix: string): never =>
      this.fail(`a row's ${column} is ${JSON.stringify(value)}, not a number`, fix);
    try {
      for await (const raw of this.conn.rows(sql, params, request.batchSize)) {
        if (request.signal?.aborted) throw new Error(`The sync of "${source}" was cancelled.`);
        const out: SourceRow[] = Array.from({ length: raw.length });
        for (let i = 0; i < raw.length; i++) {
          const r = raw[i]!;
          const key = r[0];
          if (key === null || key === undefined || key === '') {
            this.fail('a row has no series_id', 'Make series_id NOT NULL, e.g. COALESCE(sku, product_id).');
          }
          let q = r[2];
          if (typeof q !== 'number') {
            if (typeof q === 'bigint') q = Number(q);
            else
              badValue(
                'quantity',
                q,
                'Return quantity as a number (CAST(… AS DECIMAL)) and leave out rows without one.',
              );
          }
          let price = r[3];
          if (price !== null && typeof price !== 'number') {
            if (typeof price === 'bigint') price = Number(price);
            else badValue('unit_price', price, 'Return unit_price as a number or NULL.');
          }
          let at = r[1];
          if (at instanceof Date) at = at.getTime();
          if (typeof at !== 'string' && typeof at !== 'number') {
            this.fail(`a row's ${time} is ${JSON.stringify(at)}`, `Return ${time} in every row.`);
          }
          const attributes: string[] = nAttr === 0 ? EMPTY : Array.from({ length: nAttr });
          for (let k = 0; k < nAttr; k++) {
            const v = r[4 + k];
            attributes[k] = v === null || v === undefined ? '' : String(v);
          }
          const cat = r[4 + nAttr];
          out[i] = {
            key: typeof key === 'string' ? key : String(key),
            at: at as string | number,
            quantity: q as number,
            unitPrice: price as number | null,
            attributes,
            category: cat === null || cat === undefined ? null : String(cat),
          };
        }
        yield out;
      }
    } catch (e) {
      throw sourceErrorOf(source, this.url, e);
    }
  }

  async close(): Promise<void> {
    await this.conn.close();
  }
}

const EMPTY: string[] = [];

/** Opens SQL readers: resolves the URL from its reference, connects read-only. */
export function createSqlReaderFactory(): SourceReaderFactory {
  return {
    async open(source) {
      const url = await resolveUrl(source.name, source.connection);
      const conn = await connect(url, {
        source: source.name,
        statementTimeoutSeconds: source.statementTimeoutSeconds,
      });
      return new SqlSourceReader(source, url, conn);
    },
  };
}
