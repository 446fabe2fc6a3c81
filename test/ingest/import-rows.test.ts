/** Rows → CSV for `importObservations(rows:)`: quoting, line → row mapping, error wording (pure). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UserInputError } from '../../api/errors/index.js';
import { CsvValidationError } from '../../api/ingest/errors.js';
import { rowsToCsv, toRowsError } from '../../api/ingest/import-rows.js';

const rows = [
  { seriesId: 'a', date: '2024-01-01', value: 1, attributes: [{ name: 'note', value: 'two\nlines, "quoted"' }] },
  { seriesId: 'a', date: '2024-01-02', value: null, covariates: [{ name: 'price', value: 2.5 }] },
  { seriesId: 'b', date: '2024-01-01', value: 0 },
];

test('rows become long CSV with covariate and attribute columns, kinds fixed', () => {
  const shape = rowsToCsv(rows);
  assert.equal(
    shape.csv,
    'series_id,date,value,price,note\na,2024-01-01,1,,"two\nlines, ""quoted"""\na,2024-01-02,,2.5,\nb,2024-01-01,0,,\n',
  );
  assert.deepEqual(shape.columnKinds, { price: 'covariate', note: 'attribute' });
  assert.deepEqual(shape.lineOfRow, [2, 4, 5], 'a quoted newline moves the later rows down a line');
});

test('an error at a CSV line and column names the row and the field', () => {
  const shape = rowsToCsv(rows);
  const mapped = toRowsError(
    new CsvValidationError(4, 'price', '"x" is not a number', 'Write numbers like 3.5'),
    shape,
  );
  assert.ok(mapped instanceof UserInputError, 'still a BAD_USER_INPUT error');
  assert.equal(mapped.message, 'rows[1], field "covariates.price": "x" is not a number. Write numbers like 3.5');
  assert.deepEqual(mapped.details, { row: 1, field: 'covariates.price' });
  const duplicate = toRowsError(
    new CsvValidationError(5, undefined, 'series "b" on 2024-01-01 comes twice (first on line 2)', 'Keep one'),
    shape,
  ) as UserInputError;
  assert.equal(duplicate.message, 'rows[2]: series "b" on 2024-01-01 comes twice (first on rows[0]). Keep one');
  const other = new Error('disk full');
  assert.equal(toRowsError(other, shape), other, 'other errors pass through unchanged');
});

test('an empty list is refused', () => {
  assert.throws(() => rowsToCsv([]), /`rows` is empty/);
});
