import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { csvCell, toCsv } from './csv.js';

describe('csvCell', () => {
  for (const [input, expected] of [
    ['=1+2', "'=1+2"],
    ['+SUM(A1)', "'+SUM(A1)"],
    ['-2+3', "'-2+3"],
    ['@cmd', "'@cmd"],
    ['\tx', "'\tx"],
  ] as const) {
    test(`prefixes a formula trigger: ${JSON.stringify(input)}`, () => {
      assert.equal(csvCell(input), expected);
    });
  }

  test('quotes commas, quotes and line breaks after escaping formulas', () => {
    assert.equal(csvCell('=HYPERLINK("http://x","y")'), `"'=HYPERLINK(""http://x"",""y"")"`);
    assert.equal(csvCell('a,b'), '"a,b"');
    assert.equal(csvCell('two\nlines'), '"two\nlines"');
  });

  test('writes numbers as numbers (a negative number is data) and null as empty', () => {
    assert.equal(csvCell(-3.5), '-3.5');
    assert.equal(csvCell(0), '0');
    assert.equal(csvCell(null), '');
    assert.equal(csvCell(Number.NaN), '');
    assert.equal(csvCell('plain'), 'plain');
  });
});

describe('toCsv', () => {
  test('joins rows with CRLF and ends with one', () => {
    assert.equal(
      toCsv([
        ['series', 'date', 'p50'],
        ['=evil', '2024-01-01', 12.5],
      ]),
      "series,date,p50\r\n'=evil,2024-01-01,12.5\r\n",
    );
  });
});
