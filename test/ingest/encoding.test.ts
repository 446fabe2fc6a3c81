/**
 * The importer refuses text that is not UTF-8 rather than storing mojibake: `utf8Checked` (every
 * import's byte stream passes through it) names the line and column, however the bytes are cut
 * into chunks, and lets every UTF-8 byte through unchanged.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CsvValidationError } from '../../api/ingest/errors.js';
import { utf8Checked } from '../../api/ingest/input.js';

async function drain(chunks: readonly Buffer[]): Promise<Buffer> {
  const out: Buffer[] = [];
  for await (const chunk of utf8Checked(chunks)) out.push(chunk);
  return Buffer.concat(out);
}

/** Every way of cutting `bytes` in two, plus one-byte chunks. */
function cuts(bytes: Buffer): Buffer[][] {
  const ways: Buffer[][] = [];
  for (let i = 0; i <= bytes.length; i++) ways.push([bytes.subarray(0, i), bytes.subarray(i)]);
  ways.push([...bytes].map((b) => Buffer.from([b])));
  return ways;
}

async function refusal(chunks: readonly Buffer[]): Promise<CsvValidationError> {
  try {
    await drain(chunks);
  } catch (e) {
    assert.ok(e instanceof CsvValidationError, `a CsvValidationError, got ${String(e)}`);
    return e;
  }
  assert.fail('the bytes were accepted');
}

describe('utf8Checked', () => {
  test('passes UTF-8 through unchanged, even with a multi-byte character cut between chunks', async () => {
    const text = Buffer.from(
      'series_id,date,value,store\r\nA,2024-01-01,1,Café 北京 🛒\r\nB,2024-01-01,2,Zürich',
      'utf8',
    );
    for (const chunks of cuts(text)) assert.deepEqual(await drain(chunks), text);
  });

  test('names the line and column of an ISO-8859-1 byte, wherever the chunks are cut', async () => {
    const bytes = Buffer.concat([
      Buffer.from('series_id,date,value,store\nA,2024-01-01,1,Nord\nA,2024-01-02,2,Caf'),
      Buffer.from([0xe9]),
      Buffer.from(' Sud\nA,2024-01-03,3,Ouest\n'),
    ]);
    for (const chunks of cuts(bytes)) {
      const e = await refusal(chunks);
      assert.equal(e.line, 3);
      assert.equal(e.column, 'store');
      assert.match(
        e.message,
        /^line 3, column "store": the text is not UTF-8 \("Café Sud" read as ISO-8859-1; the first bad byte is 0xE9\)\. Save the file as UTF-8/,
      );
    }
  });

  test('refuses U+FFFD, the mark of text already decoded in the wrong encoding', async () => {
    const e = await refusal([Buffer.from('series_id,date,value,store\nA,2024-01-01,1,Caf\uFFFD Nord\n')]);
    assert.equal(e.line, 2);
    assert.equal(e.column, 'store');
    assert.match(e.message, /holds U\+FFFD/);
  });

  test('refuses UTF-16 (either byte order) at line 1 and says to save as UTF-8', async () => {
    for (const bom of [
      [0xff, 0xfe],
      [0xfe, 0xff],
    ]) {
      const body = Buffer.from('series_id,date,value\n', bom[0] === 0xff ? 'utf16le' : 'latin1');
      const e = await refusal([Buffer.concat([Buffer.from(bom), body])]);
      assert.equal(e.line, 1);
      assert.equal(e.column, undefined);
      assert.match(e.message, /^line 1: the file is UTF-16 text, not UTF-8\. Save the file as UTF-8/);
    }
  });

  test('a bad last line without a final line break is found too', async () => {
    const e = await refusal([Buffer.from('series_id,date,value\nA,2024-01-01,1\nA,2024-01-0'), Buffer.from([0xff])]);
    assert.equal(e.line, 3);
    assert.equal(e.column, 'date');
  });
});
