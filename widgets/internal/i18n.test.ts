import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createFormatters, messagesFor, resolveLocale } from './i18n.js';

describe('locales', () => {
  test('normalises Chinese variants to zh-CN and everything else to en', () => {
    assert.equal(resolveLocale('zh'), 'zh-CN');
    assert.equal(resolveLocale('zh-Hans-CN'), 'zh-CN');
    assert.equal(resolveLocale('ZH-cn'), 'zh-CN');
    assert.equal(resolveLocale('fr'), 'en');
    assert.equal(resolveLocale(undefined), 'en');
  });

  test('every locale has a message for every error code English has', () => {
    const english = Object.keys(messagesFor('en').errorByCode).toSorted();
    assert.deepEqual(Object.keys(messagesFor('zh-CN').errorByCode).toSorted(), english);
    assert.match(messagesFor('zh-CN').moreAccurate('32%', '去年同周的销量'), /去年同周的销量准确 32%/);
  });
});

describe('createFormatters', () => {
  test('units stay units with a currency set; money is formatted in the currency; dates per locale', () => {
    const en = createFormatters('en', 'USD', 'DAY');
    assert.equal(en.value(1234.5), '1,234.5');
    assert.equal(en.money(1234.5), '$1,234.50');
    assert.equal(en.date('2026-01-05'), 'Mon, Jan 5, 2026');
    const zh = createFormatters('zh-CN', 'CNY', 'MONTH');
    assert.equal(zh.value(1234.5), '1,234.5');
    assert.equal(zh.money(1234.5), '¥1,234.50');
    assert.equal(zh.date('2026-01-01'), '2026年1月');
    assert.equal(zh.axis(12_000), '1.2万');
  });

  test('formats plain units without a currency, and missing values as a dash', () => {
    const en = createFormatters('en', '', 'WEEK');
    assert.equal(en.value(12.25), '12.3');
    assert.equal(en.value(null), '–');
    assert.equal(en.percent(0.318), '32%');
  });

  test('falls back to plain numbers for an invalid currency code', () => {
    assert.equal(createFormatters('en', 'NOT-A-CODE').money(5), '5');
  });
});

describe('Chinese names of API labels', () => {
  test('holidays, commerce events and drivers the API names in English read in Chinese', async () => {
    const { localizeLabel } = await import('./event-labels.js');
    assert.equal(localizeLabel('Christmas', 'zh-CN'), '圣诞节');
    assert.equal(localizeLabel("Singles' Day (11.11)", 'zh-CN'), '双十一');
    assert.equal(localizeLabel('Weekday pattern', 'zh'), '星期规律');
    assert.equal(localizeLabel('Christmas', 'en'), 'Christmas');
    assert.equal(localizeLabel('Some shop event', 'zh-CN'), 'Some shop event', 'unknown names are kept');
  });

  test('zh-CN formats axis dates in Chinese order', () => {
    assert.deepEqual(messagesFor('zh-CN').axisDates, { year: 'yyyy年', month: 'yyyy年M月', day: 'M月d日' });
  });
});
