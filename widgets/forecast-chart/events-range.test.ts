import assert from 'node:assert/strict';
import { test } from 'node:test';
import { displayedRange } from './events-range.js';

test('the displayed range runs from the first point to the end of the last bucket', () => {
  const points = [{ date: '2013-01-07' }, { date: '2012-12-31' }, { date: '2013-01-14' }];
  assert.deepEqual(displayedRange(points, 'DAY'), { from: '2012-12-31', to: '2013-01-14' });
  assert.deepEqual(displayedRange(points, 'WEEK'), { from: '2012-12-31', to: '2013-01-20' });
  assert.deepEqual(displayedRange([{ date: '2012-01-01' }, { date: '2012-02-01' }], 'MONTH'), {
    from: '2012-01-01',
    to: '2012-02-29',
  });
  assert.equal(displayedRange([], 'DAY'), null);
});
