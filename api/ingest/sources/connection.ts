/**
 * Read-only connections to a shop's database, by reference: the URL comes from an environment
 * variable or a file the server reads when a sync starts, never from ForecastQL's own database.
 * One small interface over three drivers, each made read-only where it allows and bounded by a
 * statement timeout:
 * - MySQL/MariaDB (`mysql://`, `mariadb://`) through mysql2: `SET SESSION TRANSACTION READ ONLY`,
 *   `max_statement_time` (MariaDB) or `max_execution_time` (MySQL), UTC session time zone;
 * - PostgreSQL (`postgres://`) through pg: `default_transaction_read_only`, `statement_timeout`,
 *   `TimeZone=UTC`, rows fetched from a cursor in a READ ONLY transaction;
 * - SQLite (`sqlite:///path` or a path) through better-sqlite3 opened `readonly`.
 * Rows stream in batches (arrays of column values), so memory stays bounded whatever the table size.
 * Driver errors become SourceErrors naming the source, the cause and the fix.
 */
import { readFile } from 'node:fs/promises';
import Database from 'better-sqlite3';
import mysql from 'mysql2';
import { Client as PgClient, types as pgTypes } from 'pg';
import type { ConnectionRef } from '../../app/sources/ports.js';
import { ErrorCode, SourceError } from '../../errors/index.js';

export type SourceDialect = 'mysql' | 'postgres' | 'sqlite';

export interface ColumnInfo {
  readonly name: string;
  /** `number`, `text`, `time` (date/timestamp) or `other` (unknown, e.g. an SQLite expression). */
  readonly type: 'number' | 'text' | 'time' | 'other';
}

export interface SqlConnection {
  readonly dialect: SourceDialect;
  /** The columns a SELECT returns (runs it with no rows). */
  columns(sql: string, params: readonly unknown[]): Promise<ColumnInfo[]>;
  /** The rows of a SELECT as arrays, in batches of up to `batchSize`. */
  rows(sql: string, params: readonly unknown[], batchSize: number): AsyncGenerator<unknown[][]>;
  close(): Promise<void>;
}

export interface ConnectOptions {
  readonly source: string;
  readonly statementTimeoutSeconds: number;
}

/** The URL a connection reference points at (read now, never stored). */
export async function resolveUrl(source: string, ref: ConnectionRef): Promise<string> {
  if (ref.env !== undefined) {
    const v = process.env[ref.env]?.trim();
    if (!v) {
      throw new SourceError(
        ErrorCode.SOURCE_UNREACHABLE,
        source,
        `the environment variable ${ref.env} is not set`,
        `Set ${ref.env} to the shop database's URL (e.g. mysql://user:pass@host:3306/shop) in the environment of the server or command.`,
      );
    }
    return v;
  }
  try {
    const v = (await readFile(ref.file, 'utf8')).trim();
    if (v === '') throw new Error('the file is empty');
    return v;
  } catch (e) {
    throw new SourceError(
      ErrorCode.SOURCE_UNREACHABLE,
      source,
      `the URL file ${ref.file} cannot be read (${(e as Error).message})`,
      'Write the shop database URL into that file, readable by the ForecastQL process.',
    );
  }
}

export function dialectOf(url: string): SourceDialect | undefined {
  if (/^(mysql|mariadb):\/\//i.test(url)) return 'mysql';
  if (/^postgres(ql)?:\/\//i.test(url)) return 'postgres';
  if (/^sqlite:/i.test(url) || /\.(sqlite3?|db)$/i.test(url)) return 'sqlite';
  return undefined;
}

/** The URL with its password masked, for messages. */
export function maskUrl(url: string): string {
  return url.replace(/(\/\/[^:/@]*:)[^@]*@/, '$1***@');
}

function hostOf(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || (u.protocol.startsWith('postgres') ? '5432' : '3306')}`;
  } catch {
    return url;
  }
}

/** A driver error as a SourceError (or the error itself when it is not one we know). */
export function sourceErrorOf(source: string, url: string, e: unknown): unknown {
  if (e instanceof SourceError) return e;
  const err = e as { code?: unknown; errno?: unknown; message?: unknown; sqlMessage?: unknown };
  const code = typeof err.code === 'string' ? err.code : '';
  const errno = typeof err.errno === 'number' ? err.errno : 0;
  const message = String(err.sqlMessage ?? err.message ?? e);
  const host = hostOf(url);
  if (
    ['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ECONNRESET'].includes(
      code,
    ) ||
    /connection terminated|timeout expired|connect ETIMEDOUT/i.test(message)
  ) {
    return new SourceError(
      ErrorCode.SOURCE_UNREACHABLE,
      source,
      `the shop database at ${host} cannot be reached (${code || message})`,
      'Check the host and port in the URL, that the database server runs and that this machine may connect to it.',
    );
  }
  if (
    code === 'ER_ACCESS_DENIED_ERROR' ||
    code === 'ER_DBACCESS_DENIED_ERROR' ||
    errno === 1045 ||
    code === '28P01' ||
    code === '28000'
  ) {
    return new SourceError(
      ErrorCode.SOURCE_AUTH_FAILED,
      source,
      `the shop database at ${host} refused the user and password of the URL (${message})`,
      'Fix the user and password in the URL the source names, and grant that user SELECT on the shop tables.',
    );
  }
  if (code === 'ER_BAD_DB_ERROR' || code === '3D000' || code === 'SQLITE_CANTOPEN') {
    return new SourceError(
      ErrorCode.SOURCE_UNREACHABLE,
      source,
      `the database named in the URL does not exist (${message})`,
      'Fix the database name in the URL.',
    );
  }
  if (code === 'ER_NO_SUCH_TABLE' || code === '42P01' || /no such table/i.test(message)) {
    return new SourceError(
      ErrorCode.SOURCE_SCHEMA_MISMATCH,
      source,
      `a table the query reads does not exist in the shop database (${message})`,
      'Check the table names (for a preset: --prefix, e.g. wp_), or fix the query.',
    );
  }
  if (code === 'ER_BAD_FIELD_ERROR' || code === '42703' || /no such column/i.test(message)) {
    return new SourceError(
      ErrorCode.SOURCE_SCHEMA_MISMATCH,
      source,
      `a column the query reads does not exist in the shop database (${message})`,
      'Fix the column names in the query (for a preset: check the shop version has the documented columns).',
    );
  }
  if (code === 'ER_STATEMENT_TIMEOUT' || errno === 1969 || errno === 3024 || code === '57014') {
    return new SourceError(
      ErrorCode.SOURCE_LIMIT_EXCEEDED,
      source,
      `the query ran past the source's statement timeout (${message})`,
      "Add an index on the order date, narrow the query, or raise the source's statement timeout.",
    );
  }
  if (errno === 1792 || code === '25006' || code === 'SQLITE_READONLY' || /read.only/i.test(message)) {
    return new SourceError(
      ErrorCode.SOURCE_BAD_ROWS,
      source,
      `the query tried to write to the shop database, which a source never does (${message})`,
      'Give a SELECT that only reads.',
    );
  }
  if (code === 'ER_PARSE_ERROR' || code === '42601' || /syntax error/i.test(message)) {
    return new SourceError(
      ErrorCode.SOURCE_BAD_ROWS,
      source,
      `the query is not valid SQL for this database (${message})`,
      "Fix the query; run it in the shop database's own client first.",
    );
  }
  return e;
}

export async function connect(url: string, options: ConnectOptions): Promise<SqlConnection> {
  const dialect = dialectOf(url);
  try {
    if (dialect === 'mysql') return await connectMysql(url, options);
    if (dialect === 'postgres') return await connectPg(url, options);
    if (dialect === 'sqlite') return connectSqlite(url);
  } catch (e) {
    throw sourceErrorOf(options.source, url, e);
  }
  throw new SourceError(
    ErrorCode.SOURCE_UNREACHABLE,
    options.source,
    `the URL ${maskUrl(url)} is not a database URL ForecastQL reads`,
    'Use mysql://user:pass@host:3306/shop, postgres://user:pass@host:5432/shop or sqlite:///path/to/shop.sqlite.',
  );
}

// ---------------------------------------------------------------- MySQL / MariaDB

const MYSQL_NUMBER = new Set([0, 1, 2, 3, 4, 5, 8, 9, 13, 16, 246]);
const MYSQL_TIME = new Set([7, 10, 12, 14]);
const MYSQL_TEXT = new Set([15, 247, 248, 249, 250, 251, 252, 253, 254]);

async function connectMysql(url: string, options: ConnectOptions): Promise<SqlConnection> {
  const conn = mysql.createConnection({
    uri: url.replace(/^mariadb:/i, 'mysql:'),
    dateStrings: true,
    decimalNumbers: true,
    supportBigNumbers: true,
    bigNumberStrings: false,
    connectTimeout: 10_000,
    timezone: 'Z',
    multipleStatements: false,
  });
  const p = conn.promise();
  const fail = (e: unknown): never => {
    conn.destroy();
    throw e;
  };
  // The 'error' event of an idle connection (server gone) must not crash the process.
  conn.on('error', () => undefined);
  await p.connect().catch(fail);
  await p.query('SET SESSION TRANSACTION READ ONLY').catch(fail);
  await p.query("SET SESSION time_zone = '+00:00'").catch(fail);
  const seconds = Math.max(1, Math.round(options.statementTimeoutSeconds));
  // MariaDB: max_statement_time (seconds); MySQL: max_execution_time (ms, SELECT only).
  await p
    .query(`SET SESSION max_statement_time = ${seconds}`)
    .catch(() => p.query(`SET SESSION max_execution_time = ${seconds * 1000}`))
    .catch(() => undefined);
  return {
    dialect: 'mysql',
    async columns(sql, params) {
      try {
        const [, fields] = await p.query({ sql: `SELECT * FROM (${sql}) fq_q LIMIT 0`, values: params as unknown[] });
        return (fields ?? []).map((f) => ({
          name: f.name,
          type: MYSQL_NUMBER.has(f.columnType ?? -1)
            ? 'number'
            : MYSQL_TIME.has(f.columnType ?? -1)
              ? 'time'
              : MYSQL_TEXT.has(f.columnType ?? -1)
                ? 'text'
                : 'other',
        }));
      } catch (e) {
        throw sourceErrorOf(options.source, url, e);
      }
    },
    async *rows(sql, params, batchSize) {
      let batch: unknown[][] = [];
      const ready: unknown[][][] = [];
      let done = false;
      let failure: unknown;
      let wake: (() => void) | undefined;
      let paused = false;
      const q = conn.query({ sql, values: params as unknown[], rowsAsArray: true });
      q.on('result', (row) => {
        batch.push(row as unknown as unknown[]);
        if (batch.length >= batchSize) {
          ready.push(batch);
          batch = [];
          if (ready.length >= 2 && !paused) {
            paused = true;
            conn.pause();
          }
          wake?.();
        }
      });
      q.on('error', (e) => {
        failure = e;
        wake?.();
      });
      q.on('end', () => {
        if (batch.length > 0) ready.push(batch);
        batch = [];
        done = true;
        wake?.();
      });
      try {
        for (;;) {
          const b = ready.shift();
          if (b) {
            if (paused && ready.length === 0) {
              paused = false;
              conn.resume();
            }
            yield b;
            continue;
          }
          if (failure) throw sourceErrorOf(options.source, url, failure);
          if (done) return;
          await new Promise<void>((resolve) => {
            wake = resolve;
          });
          wake = undefined;
        }
      } finally {
        if (!done && !failure) {
          // Stopped early: the rest of the result is discarded with the connection.
          conn.destroy();
        }
      }
    },
    async close() {
      await p.end().catch(() => conn.destroy());
    },
  };
}

// ---------------------------------------------------------------- PostgreSQL

const PG_NUMBER = new Set([20, 21, 23, 26, 700, 701, 1700]);
const PG_TIME = new Set([1082, 1114, 1184]);
const PG_TEXT = new Set([18, 19, 25, 1042, 1043]);

async function connectPg(url: string, options: ConnectOptions): Promise<SqlConnection> {
  const seconds = Math.max(1, Math.round(options.statementTimeoutSeconds));
  const client = new PgClient({
    connectionString: url,
    connectionTimeoutMillis: 10_000,
    statement_timeout: seconds * 1000,
    options: '-c default_transaction_read_only=on -c TimeZone=UTC',
    types: {
      getTypeParser: ((oid: number, format?: string) => {
        // Dates and timestamps as their text (UTC session); numbers as numbers.
        if (PG_TIME.has(oid)) return (v: string) => v;
        if (oid === 20 || oid === 1700 || oid === 700 || oid === 701) return (v: string) => Number(v);
        return pgTypes.getTypeParser(oid, format as 'text');
      }) as typeof pgTypes.getTypeParser,
    },
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (e) {
    await client.end().catch(() => undefined);
    throw e;
  }
  let cursors = 0;
  return {
    dialect: 'postgres',
    async columns(sql, params) {
      try {
        const r = await client.query(`SELECT * FROM (${sql}) fq_q LIMIT 0`, params as unknown[]);
        return r.fields.map((f) => ({
          name: f.name,
          type: PG_NUMBER.has(f.dataTypeID)
            ? 'number'
            : PG_TIME.has(f.dataTypeID)
              ? 'time'
              : PG_TEXT.has(f.dataTypeID)
                ? 'text'
                : 'other',
        }));
      } catch (e) {
        throw sourceErrorOf(options.source, url, e);
      }
    },
    async *rows(sql, params, batchSize) {
      const name = `fq_cursor_${++cursors}`;
      let open = false;
      try {
        await client.query('BEGIN READ ONLY');
        open = true;
        await client.query(`DECLARE ${name} NO SCROLL CURSOR FOR ${sql}`, params as unknown[]);
        for (;;) {
          const r = await client.query({ text: `FETCH ${batchSize} FROM ${name}`, rowMode: 'array' });
          if (r.rows.length > 0) yield r.rows as unknown[][];
          if (r.rows.length < batchSize) break;
        }
        await client.query('COMMIT');
        open = false;
      } catch (e) {
        throw sourceErrorOf(options.source, url, e);
      } finally {
        if (open) await client.query('ROLLBACK').catch(() => undefined);
      }
    },
    async close() {
      await client.end().catch(() => undefined);
    },
  };
}

// ---------------------------------------------------------------- SQLite

function connectSqlite(url: string): SqlConnection {
  const path = url.replace(/^sqlite:(\/\/)?/i, '');
  const db = new Database(path, { readonly: true, fileMustExist: true });
  return {
    dialect: 'sqlite',
    async columns(sql, params) {
      const stmt = db.prepare(`SELECT * FROM (${sql}) fq_q LIMIT 0`);
      // Declared types only; expressions have none (`other`): their values are checked row by row.
      void params;
      return stmt.columns().map((c) => {
        const t = (c.type ?? '').toUpperCase();
        return {
          name: c.name,
          type: /INT|REAL|FLOA|DOUB|NUM|DEC/.test(t)
            ? 'number'
            : /DATE|TIME/.test(t)
              ? 'time'
              : /CHAR|TEXT|CLOB/.test(t)
                ? 'text'
                : 'other',
        };
      });
    },
    async *rows(sql, params, batchSize) {
      const stmt = db.prepare(sql).raw(true);
      let batch: unknown[][] = [];
      for (const row of stmt.iterate(...(params as unknown[]))) {
        batch.push(row as unknown[]);
        if (batch.length >= batchSize) {
          yield batch;
          batch = [];
        }
      }
      if (batch.length > 0) yield batch;
    },
    async close() {
      db.close();
    },
  };
}
