import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UserInputError } from '../../errors/index.js';
import { applyScheduleChange, NO_SCHEDULE, parseDuration, parseRetrainWhenText } from './schedule.js';

test('durations: minutes, hours, days, bare minutes, off', () => {
  for (const [text, minutes] of [
    ['15m', 15],
    ['2h', 120],
    ['1d', 1440],
    ['90', 90],
    [' 3 hours ', 180],
    ['off', null],
  ] as const) {
    assert.equal(parseDuration('syncEvery', text, 10_080), minutes, text);
  }
  assert.equal(parseDuration('syncEvery', 45, 10_080), 45);
});

test('refuses a duration below a minute, above the limit, or not a duration, naming it and the fix', () => {
  for (const bad of ['0m', '8d', 'soon', '1.5h', '-5']) {
    assert.throws(
      () => parseDuration('syncEvery', bad, 10_080),
      (e: unknown) =>
        e instanceof UserInputError && e.message.includes(`"${bad}"`) && e.message.includes('15m, 2h or 1d'),
      bad,
    );
  }
});

test('--retrain-when text: never, or rows/days/every in any combination', () => {
  assert.equal(parseRetrainWhenText('never'), null);
  assert.deepEqual(parseRetrainWhenText('rows:500, every:7d'), { newRows: 500, every: '7d' });
  assert.deepEqual(parseRetrainWhenText('days:3'), { newDays: 3 });
  assert.throws(() => parseRetrainWhenText('rows:many'), /at "rows:many".*rows:N, days:N and every:DURATION/);
  assert.throws(() => parseRetrainWhenText('weekly'), /at "weekly"/);
});

test('a schedule change keeps what it leaves out and clears what it sets to null', () => {
  const a = applyScheduleChange(NO_SCHEDULE, { syncEvery: '30m', retrainWhen: { newRows: 100, every: '1d' } });
  assert.deepEqual(a, {
    syncEveryMinutes: 30,
    retrainAfterRows: 100,
    retrainAfterDays: null,
    retrainEveryMinutes: 1440,
  });
  assert.deepEqual(applyScheduleChange(a, {}), a);
  assert.deepEqual(applyScheduleChange(a, { syncEvery: null }), { ...a, syncEveryMinutes: null });
  assert.deepEqual(applyScheduleChange(a, { retrainWhen: { newDays: 7 } }), {
    syncEveryMinutes: 30,
    retrainAfterRows: null,
    retrainAfterDays: 7,
    retrainEveryMinutes: null,
  });
  assert.deepEqual(applyScheduleChange(a, { retrainWhen: null }), { ...NO_SCHEDULE, syncEveryMinutes: 30 });
  assert.throws(() => applyScheduleChange(a, { retrainWhen: { newRows: 0 } }), /retrainWhen.newRows 0/);
});
