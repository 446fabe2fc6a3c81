/**
 * Opens a CSV source (a file path, a byte stream or bytes), detects gzip by its magic bytes
 * (1f 8b) rather than by the file name, and counts the raw bytes read for progress.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable, pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { UserInputError } from '../errors/index.js';

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

function toBuffer(chunk: unknown): Buffer {
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
    stream = pipeline(counted, gunzip, () => {});
  }
  return { stream, gzipped, totalBytes, bytesRead: () => bytes };
}
