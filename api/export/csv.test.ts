import assert from 'node:assert/strict';
import { test } from 'node:test';
import { csvTextCell } from './csv.js';

test('text cells that a spreadsheet would run as a formula get a leading quote', () => {
  assert.equal(csvTextCell('=1+2'), "'=1+2");
  assert.equal(csvTextCell('+49 30 123'), "'+49 30 123");
  assert.equal(csvTextCell('-SKU'), "'-SKU");
  assert.equal(csvTextCell('@SUM(A1)'), "'@SUM(A1)");
  assert.equal(csvTextCell('\tcmd'), "'\tcmd");
  assert.equal(csvTextCell('=HYPERLINK("http://x","y")'), `"'=HYPERLINK(""http://x"",""y"")"`);
});

test('plain text is unchanged; commas, quotes and line breaks are quoted', () => {
  assert.equal(csvTextCell('85123A'), '85123A');
  assert.equal(csvTextCell('a=b'), 'a=b', 'only the first character matters');
  assert.equal(csvTextCell(''), '');
  assert.equal(csvTextCell('a,b'), '"a,b"');
  assert.equal(csvTextCell('say "hi"'), '"say ""hi"""');
  assert.equal(csvTextCell('two\nlines'), '"two\nlines"');
});
