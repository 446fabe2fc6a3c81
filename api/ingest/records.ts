/**
 * CSV records of a byte stream, in chunks. Most sales files have no quotes and no carriage
 * returns; for those, splitting on `\n` and `,` gives exactly the records csv-parse would, at a
 * fraction of its cost (csv-parse reads m5 at ~170k rows per CPU second; splitting, at several
 * times that). The first chunk that holds a `"` or a `\r` hands that chunk and the rest of the
 * stream to csv-parse, which then does all the work (quoted cells, CRLF, malformed quotes and
 * their errors). Lines already split are counted so that csv-parse's error lines stay those of
 * the file.
 */
import { parse } from 'csv-parse';
import { Readable } from 'node:stream';
import { toBuffer } from './input.js';
import { MAX_LINE_BYTES } from '../errors/input-guard.js';

export type RawRecord = string[];

export interface RecordSource {
  /** Records in the chunks they were read in. */
  readonly chunks: AsyncGenerator<RawRecord[]>;
  /** Lines split before csv-parse took over (add to a csv-parse error's `lines`). */
  lineOffset(): number;
  /** Stops reading and releases the stream. */
  close(): void;
}

const QUOTE = 0x22;
const CR = 0x0d;
const LF = 0x0a;
const MAX_RECORDS_PER_CHUNK = 2048;

/** Records of a csv-parse stream in the chunks it has ready, so rows are not awaited one by one. */
async function* parserChunks(parser: ReturnType<typeof parse>): AsyncGenerator<RawRecord[]> {
  let ended = false;
  let failure: unknown;
  let wake: (() => void) | undefined;
  parser.on('readable', () => wake?.());
  parser.on('end', () => {
    ended = true;
    wake?.();
  });
  parser.on('error', (e) => {
    failure = e;
    wake?.();
  });
  for (;;) {
    const chunk: RawRecord[] = [];
    let r: RawRecord | null;
    while (chunk.length < MAX_RECORDS_PER_CHUNK && (r = parser.read() as RawRecord | null) !== null) chunk.push(r);
    if (failure !== undefined) throw failure;
    if (chunk.length > 0) {
      yield chunk;
      continue;
    }
    if (ended) return;
    await new Promise<void>((resolve) => {
      wake = resolve;
    });
    wake = undefined;
  }
}

/**
 * Records of the complete `\n`-terminated lines of `text` (no quotes, no CR), a few thousand at a
 * time: splitting a whole 1 MB read at once kept ~30k arrays alive long enough for V8 to promote
 * them to the old generation, and garbage collection was ~45% of the reader's time.
 */
function* splitLines(text: string): Generator<RawRecord[]> {
  let start = 0;
  const end = text.length;
  while (start <= end) {
    const records: RawRecord[] = [];
    while (records.length < MAX_RECORDS_PER_CHUNK && start <= end) {
      let stop = text.indexOf('\n', start);
      if (stop === -1) stop = end;
      records.push(text.slice(start, stop).split(','));
      start = stop + 1;
    }
    yield records;
  }
}

/**
 * Reads `source` (decompressed CSV bytes) as records: with csv-parse's options
 * `{ bom: true, relax_column_count: true, trim: false }` and its record for every line (a blank
 * line is `['']`).
 */
export function csvRecords(source: Readable): RecordSource {
  let parser: ReturnType<typeof parse> | undefined;
  let offset = 0;
  let closed = false;
  const iterator = source[Symbol.asyncIterator]() as AsyncIterator<unknown>;

  async function* remaining(first: Buffer): AsyncGenerator<Buffer> {
    if (first.length > 0) yield first;
    for (;;) {
      const n = await iterator.next();
      if (n.done) return;
      yield toBuffer(n.value);
    }
  }

  async function* chunks(): AsyncGenerator<RawRecord[]> {
    let rest: Buffer = Buffer.alloc(0);
    let atStart = true;
    for (;;) {
      const n = await iterator.next();
      if (n.done) break;
      let buf = rest.length > 0 ? Buffer.concat([rest, toBuffer(n.value)]) : toBuffer(n.value);
      rest = Buffer.alloc(0);
      if (atStart) {
        if (buf.length < 3) {
          rest = buf;
          continue;
        }
        if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) buf = buf.subarray(3);
        atStart = false;
      }
      if (buf.indexOf(QUOTE) !== -1 || buf.indexOf(CR) !== -1) {
        // csv-parse from here on. Once a line was split here, its delimiter was `\n`, as
        // csv-parse would have detected it from the first line.
        const p = parse({
          bom: false, // stripped above
          relax_column_count: true,
          trim: false,
          // A record (quoted line breaks included) is bounded like a line.
          max_record_size: MAX_LINE_BYTES,
          ...(offset > 0 ? { record_delimiter: '\n' } : {}),
        });
        parser = p;
        const rest2 = Readable.from(remaining(buf), { objectMode: false });
        rest2.on('error', (e) => p.destroy(e));
        rest2.pipe(p);
        if (closed) p.destroy();
        yield* parserChunks(p);
        return;
      }
      const last = buf.lastIndexOf(LF);
      if (last === -1) {
        rest = buf;
        continue;
      }
      rest = Buffer.from(buf.subarray(last + 1));
      for (const records of splitLines(buf.toString('utf8', 0, last))) {
        offset += records.length;
        yield records;
      }
    }
    if (atStart && rest.length > 0) {
      // A file shorter than three bytes.
      if (rest.indexOf(QUOTE) !== -1 || rest.indexOf(CR) !== -1) {
        const p = parse({ bom: true, relax_column_count: true, trim: false, max_record_size: MAX_LINE_BYTES });
        parser = p;
        p.end(rest);
        yield* parserChunks(p);
        return;
      }
    }
    if (rest.length > 0) {
      let text = rest.toString('utf8');
      if (atStart && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      // A file shorter than three bytes may still hold line breaks; the last line has none.
      const lines = text.split('\n');
      if (lines[lines.length - 1] === '') lines.pop();
      if (lines.length > 0) {
        offset += lines.length;
        yield lines.map((l) => l.split(','));
      }
    }
  }

  return {
    chunks: chunks(),
    lineOffset: () => offset,
    close() {
      closed = true;
      source.destroy();
      parser?.destroy();
    },
  };
}
