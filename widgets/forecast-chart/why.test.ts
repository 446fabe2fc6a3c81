import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { whyLine } from './why.js';

const EFFECTS = [
  { feature: 'weekday', label: 'Weekday pattern', effect: -5.2 },
  { feature: 'lag', label: 'Sales history', effect: 0.3 },
  { feature: 'holiday:black_friday', label: 'Black Friday', effect: 38.4 },
  { feature: 'trend', label: 'Trend', effect: 1.6 },
  { feature: 'price', label: 'Price', effect: 12.1 },
];
const whole = (value: number): string => value.toLocaleString('en');

describe('whyLine', () => {
  test('names the 3 largest drivers with their sign, a true minus sign for a lowering one', () => {
    assert.equal(whyLine(EFFECTS, 'en', whole), 'Why: Black Friday +38, Price +12, Weekday pattern \u22125');
  });

  test('zh-CN: translated prefix, separator and driver names', () => {
    assert.equal(whyLine(EFFECTS, 'zh-CN', whole), '原因：黑色星期五 +38，价格 +12，星期规律 \u22125');
  });

  test('leaves out effects that round to 0, and is null when no driver moved the point', () => {
    assert.equal(
      whyLine(
        [
          { feature: 'lag', label: 'Sales history', effect: 0.3 },
          { feature: 'price', label: 'Price', effect: -2.6 },
        ],
        'en',
        whole,
      ),
      'Why: Price \u22123',
    );
    assert.equal(whyLine([{ feature: 'lag', label: 'Sales history', effect: -0.4 }], 'en', whole), null);
    assert.equal(whyLine([], 'en', whole), null);
  });
});
