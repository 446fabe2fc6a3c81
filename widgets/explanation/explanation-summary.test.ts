import assert from 'node:assert/strict';
import { test } from 'node:test';
import { driverPhrases } from './explanation-summary.js';

const whole = (v: number) => v.toFixed(0);

test('largest absolute effect first, each with its sign (a true minus)', () => {
  const phrases = driverPhrases(
    [
      { feature: 'weekday', label: 'Weekday pattern', effect: -5.2 },
      { feature: 'holiday:black_friday', label: 'Black Friday', effect: 38.4 },
      { feature: 'covariate:price', label: 'Price', effect: 12.1 },
    ],
    whole,
  );
  assert.deepEqual(
    phrases.map((p) => `${p.label} ${p.signed}`),
    ['Black Friday +38', 'Price +12', 'Weekday pattern \u22125'],
  );
  assert.deepEqual(
    phrases.map((p) => p.direction),
    ['up', 'up', 'down'],
  );
});

test('an effect that rounds to 0 has no sign; ties go by label; non-finite effects are left out', () => {
  const phrases = driverPhrases(
    [
      { feature: 'b', label: 'B', effect: 0.2 },
      { feature: 'a', label: 'A', effect: -0.2 },
      { feature: 'x', label: 'X', effect: Number.NaN },
    ],
    whole,
  );
  assert.deepEqual(
    phrases.map((p) => [p.label, p.signed, p.direction]),
    [
      ['A', '0', 'none'],
      ['B', '0', 'none'],
    ],
  );
});
