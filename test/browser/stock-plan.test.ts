/**
 * <fq-stock-plan> in real Chromium against the FIXTURE API: rows most urgent first with urgency
 * badges, header sorting, picking a row (fq-series-change), zh-CN and dark, the no-run, empty and
 * error states, axe on each.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { ensureBundle } from './helpers/bundle.js';
import { browserSkipReason, launchChromium } from './helpers/chromium.js';
import { connection, mountWidgets, screenshot, seriousAxeViolations } from './helpers/page.js';
import { startWidgetServer, type WidgetTestServer } from './helpers/widget-server.js';

const skip = browserSkipReason();
if (skip) process.stderr.write(`${skip}\n`);

describe('<fq-stock-plan>', { skip: skip ?? false }, () => {
  let browser: Browser;
  let server: WidgetTestServer;

  before(async () => {
    ensureBundle();
    server = await startWidgetServer();
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test('products most urgent first, badges, sorting by a header, and picking a row (en, light)', async () => {
    server.configure({});
    const { page, problems, events } = await mountWidgets(
      browser,
      server,
      `<fq-stock-plan ${connection(server)}></fq-stock-plan>`,
    );
    const rows = page.locator('fq-stock-plan [part="row"]');
    await rows.first().waitFor({ timeout: 10_000 });
    assert.equal(await rows.count(), 16);
    const risk = await page
      .locator('fq-stock-plan [part="row"] td:nth-child(4)')
      .allTextContents()
      .then((cells) => cells.map((c) => (c.includes('%') ? Number.parseFloat(c) : -1)));
    const known = risk.filter((r) => r >= 0);
    assert.deepEqual(
      known,
      known.toSorted((a, b) => b - a),
      'highest stock-out risk first',
    );
    assert.equal(await rows.first().getAttribute('data-urgency'), 'critical');
    assert.equal(await rows.last().getAttribute('data-urgency'), 'unknown', 'no stock level: last');
    assert.match((await page.locator('fq-stock-plan h2').textContent()) ?? '', /What to reorder/);
    assert.deepEqual(await seriousAxeViolations(page), []);
    await screenshot(page, 'stock-plan-light-en');

    await page.locator('fq-stock-plan th button', { hasText: 'Days of cover' }).click();
    await page.waitForFunction(() => {
      const el = document.querySelector('fq-stock-plan');
      return el?.shadowRoot?.querySelector('th[aria-sort="ascending"]') !== null;
    });
    const covers = await page
      .locator('fq-stock-plan [part="row"] td:nth-child(3)')
      .allTextContents()
      .then((cells) => cells.filter((c) => /\d/.test(c)).map((c) => Number.parseFloat(c.replaceAll(',', ''))));
    assert.deepEqual(
      covers,
      covers.toSorted((a, b) => a - b),
      'fewest days of cover first',
    );

    await rows.nth(1).click();
    const picked = (await events()).filter((e) => e.type === 'fq-series-change').at(-1);
    assert.equal(typeof (picked?.detail as { seriesId?: unknown })?.seriesId, 'string');
    const loads = (await events()).filter((e) => e.type === 'fq-load');
    assert.deepEqual(loads.at(-1)?.detail, { kind: 'stock-plan', count: 16 });
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('zh-CN and dark: Chinese words, no axe violations', async () => {
    server.configure({});
    const { page, problems } = await mountWidgets(
      browser,
      server,
      `<fq-stock-plan ${connection(server)} locale="zh-CN" theme="dark" rows="5"></fq-stock-plan>`,
    );
    await page.locator('fq-stock-plan [part="row"]').first().waitFor({ timeout: 10_000 });
    assert.equal(await page.locator('fq-stock-plan [part="row"]').count(), 5);
    assert.match((await page.locator('fq-stock-plan h2').textContent()) ?? '', /补货建议/);
    assert.match((await page.locator('fq-stock-plan thead').textContent()) ?? '', /可售天数[\s\S]*缺货风险/);
    assert.deepEqual(await seriousAxeViolations(page), []);
    await screenshot(page, 'stock-plan-dark-zh-CN');
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('no run yet, nothing to plan, an error with a retry', async () => {
    server.configure({ noRun: true });
    const noRun = await mountWidgets(browser, server, `<fq-stock-plan ${connection(server)}></fq-stock-plan>`);
    await noRun.page.locator('fq-stock-plan [data-kind="empty"]').waitFor({ timeout: 10_000 });
    assert.match(
      (await noRun.page.locator('fq-stock-plan [data-kind="empty"]').textContent()) ?? '',
      /No forecast yet/,
    );
    assert.deepEqual(await seriousAxeViolations(noRun.page), []);
    await noRun.page.close();

    server.configure({ mode: 'empty' });
    const empty = await mountWidgets(browser, server, `<fq-stock-plan ${connection(server)}></fq-stock-plan>`);
    await empty.page.locator('fq-stock-plan [data-kind="empty"]').waitFor({ timeout: 10_000 });
    assert.match((await empty.page.locator('fq-stock-plan [data-kind="empty"]').textContent()) ?? '', /No products/);
    await empty.page.close();

    server.configure({ mode: 'error', errorCode: 'INTERNAL_SERVER_ERROR' });
    const failed = await mountWidgets(browser, server, `<fq-stock-plan ${connection(server)}></fq-stock-plan>`);
    await failed.page.locator('fq-stock-plan [part~="error"]').waitFor({ timeout: 10_000 });
    assert.match((await failed.page.locator('fq-stock-plan [part~="error"]').textContent()) ?? '', /stock plan/);
    assert.deepEqual(await seriousAxeViolations(failed.page), []);
    await failed.page.close();
  });
});
