/**
 * Opens a CSV source (a file path, a byte stream or bytes), detects gzip by its magic bytes
 * (1f 8b) rather than by the file name, counts the raw bytes read for progress, and refuses text
 * that is not UTF-8 (naming the line and column) rather than storing mojibake.
 */
import { isUtf8 } from 'node:buffer';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable, pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { UserInputError } from '../errors/index.js';
import { CsvValidationError } from './errors.js';
import { inflateGuard, MAX_LINE_BYTES } from '../errors/input-guard.js';

/** A file path, a readable byte stream (e.g. an upload), or the bytes themselves. */
export type CsvInput = string | Readable | Uint8Array;

export interface OpenedCsvInput {
  /** Decompressed bytes of the CSV. */
  readonly stream: Readable;
  readonly gzipped: boolean;
  /** Size of the raw (possibly compressed) input when known (files and bytes). */
  readonly totalBytes: number | undefined;
  /** Raw bytes consumed so far. */
  bytesRead(): number;
}

const READ_CHUNK = 1 << 20;

/** A chunk of a byte stream (or text) as a Buffer, without copying bytes. */
export function toBuffer(chunk: unknown): Buffer {
  if (Buffer.isBuffer(chunk)) return chunk;
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  if (typeof chunk === 'string') return Buffer.from(chunk, 'utf8');
  throw new UserInputError('The CSV input must be bytes or text. Pass a file path, a byte stream or a Buffer.');
}

export async function openCsvInput(input: CsvInput): Promise<OpenedCsvInput> {
  let raw: Readable;
  let totalBytes: number | undefined;
  if (typeof input === 'string') {
    try {
      const s = await stat(input);
      if (!s.isFile()) throw new UserInputError(`"${input}" is not a file. Give the path of a CSV file.`);
      totalBytes = s.size;
    } catch (e) {
      if (e instanceof UserInputError) throw e;
      throw new UserInputError(`Cannot read "${input}": ${(e as Error).message}. Check the path.`);
    }
    raw = createReadStream(input, { highWaterMark: READ_CHUNK });
  } else if (input instanceof Uint8Array) {
    totalBytes = input.byteLength;
    raw = Readable.from([toBuffer(input)]);
  } else {
    raw = input;
  }

  const iterator = raw[Symbol.asyncIterator]() as AsyncIterator<unknown>;
  const first = await iterator.next();
  const head = first.done ? Buffer.alloc(0) : toBuffer(first.value);
  let bytes = head.length;
  const gzipped = head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;

  async function* chunks(): AsyncGenerator<Buffer> {
    if (head.length > 0) yield head;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      const b = toBuffer(next.value);
      bytes += b.length;
      yield b;
    }
  }
  const counted = Readable.from(chunks(), { objectMode: false });
  let stream: Readable = counted;
  if (gzipped) {
    const gunzip = createGunzip({ chunkSize: 256 * 1024 });
    const inflated = pipeline(counted, gunzip, () => {});
    // A gzip bomb is refused by its ratio long before its output fills memory or the disk.
    const guard = inflateGuard(() => bytes);
    stream = Readable.from(
      (async function* () {
        for await (const chunk of inflated) {
          guard((chunk as Buffer).length);
          yield chunk as Buffer;
        }
      })(),
      { objectMode: false },
    );
  }
  const checked = Readable.from(utf8Checked(stream), { objectMode: false });
  return { stream: checked, gzipped, totalBytes, bytesRead: () => bytes };
}

const LF = 0x0a;
/** U+FFFD in UTF-8: what a decoder leaves where its input was not in the encoding it assumed. */
const REPLACEMENT = Buffer.from([0xef, 0xbf, 0xbd]);
const SAVE_AS_UTF8 =
  'Save the file as UTF-8 (Excel: "CSV UTF-8 (Comma delimited)"; LibreOffice: character set "Unicode (UTF-8)") and import it again';

/**
 * Passes the decompressed bytes through unchanged, checking them a run of whole lines at a time
 * (a multi-byte character never spans a line break, so each run is valid on its own): the first
 * line that is not UTF-8, or that holds U+FFFD (text a client already decoded in the wrong
 * encoding), stops the import with its line and column. One native check per chunk; lines are
 * only counted, with memchr-speed `indexOf`, to name the line.
 */
export async function* utf8Checked(source: AsyncIterable<unknown> | Iterable<unknown>): AsyncGenerator<Buffer> {
  let carry: Buffer = Buffer.alloc(0);
  let linesBefore = 0;
  let header: string[] | undefined;
  let first = true;
  const check = (run: Buffer): void => {
    if (first) {
      first = false;
      if ((run[0] === 0xff && run[1] === 0xfe) || (run[0] === 0xfe && run[1] === 0xff)) {
        throw new CsvValidationError(1, undefined, 'the file is UTF-16 text, not UTF-8', SAVE_AS_UTF8);
      }
    }
    if (isUtf8(run) && run.indexOf(REPLACEMENT) === -1) {
      if (header === undefined) {
        const end = run.indexOf(LF);
        header = splitCells(run.subarray(0, end === -1 ? run.length : end)).map((c) => c.toString('utf8').trim());
      }
      return;
    }
    throw locateBadText(run, linesBefore, header);
  };
  for await (const piece of source) {
    const chunk = toBuffer(piece);
    const lastLf = chunk.lastIndexOf(LF);
    if (lastLf === -1) {
      carry = carry.length > 0 ? Buffer.concat([carry, chunk]) : Buffer.from(chunk);
    } else {
      const run =
        carry.length > 0 ? Buffer.concat([carry, chunk.subarray(0, lastLf + 1)]) : chunk.subarray(0, lastLf + 1);
      check(run);
      let previous = -1;
      for (let i = run.indexOf(LF); i !== -1; i = run.indexOf(LF, i + 1)) {
        if (i - previous - 1 > MAX_LINE_BYTES) throw lineTooLong(linesBefore + 1);
        linesBefore++;
        previous = i;
      }
      carry = Buffer.from(chunk.subarray(lastLf + 1));
    }
    // A line without its end yet: never kept past the limit (a 1 GB line, or a gzip bomb of zeros).
    if (carry.length > MAX_LINE_BYTES) throw lineTooLong(linesBefore + 1);
    yield chunk;
  }
  if (carry.length > 0) check(carry);
}

export function lineTooLong(line: number): CsvValidationError {
  return new CsvValidationError(
    line,
    undefined,
    `the line is longer than ${MAX_LINE_BYTES} bytes (${MAX_LINE_BYTES / 1024 / 1024} MiB), the most one line may hold`,
    'Check that the file is a CSV with one row per line (a binary or compressed file, or an unclosed quote, reads as one long line)',
  );
}

/** Cells of one line split at commas (quotes ignored: only used to name a column in a message). */
function splitCells(line: Buffer): Buffer[] {
  const cells: Buffer[] = [];
  let start = 0;
  for (let i = line.indexOf(0x2c); i !== -1; i = line.indexOf(0x2c, i + 1)) {
    cells.push(line.subarray(start, i));
    start = i + 1;
  }
  cells.push(line.subarray(start, line.length > 0 && line[line.length - 1] === 0x0d ? -1 : line.length));
  return cells;
}

/** The error for the first line of `run` that is not UTF-8 or holds U+FFFD. */
function locateBadText(run: Buffer, linesBefore: number, known: readonly string[] | undefined): CsvValidationError {
  // The header, when it is in this same run (and is itself UTF-8).
  const firstEnd = run.indexOf(LF);
  const firstLine = run.subarray(0, firstEnd === -1 ? run.length : firstEnd);
  const header =
    known ??
    (linesBefore === 0 && isUtf8(firstLine) ? splitCells(firstLine).map((c) => c.toString('utf8').trim()) : []);
  let start = 0;
  for (let n = 1; start <= run.length; n++) {
    const end = run.indexOf(LF, start);
    const line = run.subarray(start, end === -1 ? run.length : end);
    const invalid = !isUtf8(line);
    if (invalid || line.indexOf(REPLACEMENT) !== -1) {
      const cells = splitCells(line);
      const at = cells.findIndex((c) => (invalid ? !isUtf8(c) : c.indexOf(REPLACEMENT) !== -1));
      const lineNo = linesBefore + n;
      const column = lineNo > 1 && at >= 0 ? (header[at] ?? `#${at + 1}`) : undefined;
      const cell = at >= 0 ? cells[at]! : line;
      const shown = JSON.stringify(cell.subarray(0, 60).toString('latin1'));
      const problem = invalid
        ? `the text is not UTF-8 (${shown} read as ISO-8859-1; the first bad byte is 0x${firstBadByte(cell)})`
        : `the text holds U+FFFD, the mark a decoder leaves where the bytes were not in the encoding it assumed, so the file was read in the wrong encoding before it was sent`;
      return new CsvValidationError(lineNo, column, problem, SAVE_AS_UTF8);
    }
    if (end === -1) break;
    start = end + 1;
  }
  return new CsvValidationError(linesBefore + 1, undefined, 'the text is not UTF-8', SAVE_AS_UTF8);
}

/** Hex of the first byte at which a prefix of `cell` stops being UTF-8. */
function firstBadByte(cell: Buffer): string {
  for (let i = 0; i < cell.length; i++) {
    const b = cell[i]!;
    if (b < 0x80) continue;
    const len = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 0;
    if (len === 0 || !isUtf8(cell.subarray(i, i + len))) return b.toString(16).toUpperCase().padStart(2, '0');
    i += len - 1;
  }
  return '??';
}
