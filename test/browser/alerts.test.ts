/**
 * <fq-alerts> in real Chromium against the FIXTURE API: the open-count badge and the list (series,
 * kind, dates, actual against the band, severity), acknowledging one (the badge drops), a read-only
 * key refused FORBIDDEN (buttons gone, a notice, nothing lost), picking a series (fq-series-change),
 * new alerts by polling when no graphql-ws is served, zh-CN and dark, empty and error states, axe.
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

describe('<fq-alerts>', { skip: skip ?? false }, () => {
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

  test('badge and list of open alerts, acknowledge one, pick a series (en, light)', async () => {
    server.configure({});
    const { page, problems, events } = await mountWidgets(
      browser,
      server,
      `<fq-alerts ${connection(server)} no-subscription></fq-alerts>`,
    );
    const items = page.locator('fq-alerts [part="alert"]');
    await items.first().waitFor({ timeout: 10_000 });
    assert.equal(await items.count(), 4, 'the four open alerts');
    const badge = page.locator('fq-alerts [part="badge"]');
    assert.equal((await badge.textContent())?.trim(), '4 open');
    assert.equal(await items.first().getAttribute('data-kind'), 'STOCK_OUT', 'newest first');
    const outlier = page.locator('fq-alerts [part="alert"][data-id="alert-4"]');
    const text = (await outlier.textContent())?.replace(/\s+/g, ' ') ?? '';
    assert.match(text, /Outlier, above the forecast/);
    assert.match(text, /sold 96, expected 18–41/);
    assert.match(text, /Critical/);
    assert.match((await items.first().textContent()) ?? '', /42% chance of a stock-out/);
    assert.deepEqual(await seriousAxeViolations(page), []);
    await screenshot(page, 'alerts-light-en');

    await outlier.locator('[part="acknowledge"]').click();
    await page.waitForFunction(
      () => document.querySelector('fq-alerts')?.shadowRoot?.querySelector('[data-id="alert-4"]') === null,
    );
    assert.equal((await badge.textContent())?.trim(), '3 open');
    assert.equal(await items.count(), 3);

    const seriesId = (await items.first().locator('button.series').textContent())?.trim();
    await items.first().locator('button.series').click();
    const all = await events();
    assert.deepEqual(all.filter((e) => e.type === 'fq-series-change').at(-1)?.detail, { seriesId, groupBy: null });
    assert.deepEqual(all.filter((e) => e.type === 'fq-alert-acknowledge').at(-1)?.detail, { alertId: 'alert-4' });
    assert.deepEqual(all.filter((e) => e.type === 'fq-load').at(-1)?.detail, { kind: 'alerts', count: 4 });
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('a read-only embed token: FORBIDDEN hides the buttons, says why, and keeps every alert', async () => {
    server.configure({ readOnly: true });
    const { page, events } = await mountWidgets(
      browser,
      server,
      `<fq-alerts ${connection(server)} no-subscription></fq-alerts>`,
    );
    const items = page.locator('fq-alerts [part="alert"]');
    await items.first().waitFor({ timeout: 10_000 });
    await items.first().locator('[part="acknowledge"]').click();
    await page.locator('fq-alerts .notice').waitFor({ timeout: 10_000 });
    assert.match((await page.locator('fq-alerts .notice').textContent()) ?? '', /may read alerts but not acknowledge/);
    assert.equal(await page.locator('fq-alerts [part="acknowledge"]').count(), 0);
    assert.equal(await items.count(), 4);
    assert.equal((await page.locator('fq-alerts [part="badge"]').textContent())?.trim(), '4 open');
    const errors = (await events()).filter((e) => e.type === 'fq-error');
    assert.equal((errors.at(-1)?.detail as { code?: string })?.code, 'FORBIDDEN');
    assert.deepEqual(await seriousAxeViolations(page), []);
    await page.close();
  });

  test('without graphql-ws, new alerts arrive by polling (fq-alert-raised)', async () => {
    server.configure({ raiseAlertOnRead: true });
    const { page, events } = await mountWidgets(
      browser,
      server,
      `<fq-alerts ${connection(server)} poll-interval="300"></fq-alerts>`,
    );
    const badge = page.locator('fq-alerts [part="badge"]');
    await badge.waitFor({ timeout: 10_000 });
    const first = Number.parseInt((await badge.textContent()) ?? '', 10);
    await page.waitForFunction(
      (initial) =>
        Number.parseInt(
          document.querySelector('fq-alerts')?.shadowRoot?.querySelector('[part="badge"]')?.textContent ?? '',
          10,
        ) > initial,
      first,
      { timeout: 10_000 },
    );
    const raised = (await events()).filter((e) => e.type === 'fq-alert-raised');
    assert.ok(raised.length >= 1, 'a raised event for the new alert');
    assert.equal((raised[0]?.detail as { kind?: string })?.kind, 'OUTLIER');
    await page.close();
  });

  test('zh-CN and dark, no alerts, an error with a retry', async () => {
    server.configure({});
    const zh = await mountWidgets(
      browser,
      server,
      `<fq-alerts ${connection(server)} locale="zh-CN" theme="dark" status="all" no-subscription></fq-alerts>`,
    );
    await zh.page.locator('fq-alerts [part="alert"]').first().waitFor({ timeout: 10_000 });
    assert.equal(await zh.page.locator('fq-alerts [part="alert"]').count(), 5, 'all: the acknowledged one too');
    assert.match((await zh.page.locator('fq-alerts h2').textContent()) ?? '', /预警/);
    assert.match((await zh.page.locator('fq-alerts [part="badge"]').textContent()) ?? '', /4 条未处理/);
    assert.match((await zh.page.locator('fq-alerts [data-status="ACKNOWLEDGED"]').textContent()) ?? '', /已确认/);
    assert.deepEqual(await seriousAxeViolations(zh.page), []);
    await screenshot(zh.page, 'alerts-dark-zh-CN');
    await zh.page.close();

    server.configure({ mode: 'empty' });
    const empty = await mountWidgets(browser, server, `<fq-alerts ${connection(server)} no-subscription></fq-alerts>`);
    await empty.page.locator('fq-alerts [data-kind="empty"]').waitFor({ timeout: 10_000 });
    assert.match((await empty.page.locator('fq-alerts [data-kind="empty"]').textContent()) ?? '', /No alerts/);
    assert.equal((await empty.page.locator('fq-alerts [part="badge"]').textContent())?.trim(), '0 open');
    assert.deepEqual(await seriousAxeViolations(empty.page), []);
    await empty.page.close();

    server.configure({ mode: 'error', errorCode: 'INTERNAL_SERVER_ERROR' });
    const failed = await mountWidgets(browser, server, `<fq-alerts ${connection(server)} no-subscription></fq-alerts>`);
    await failed.page.locator('fq-alerts [part~="error"]').waitFor({ timeout: 10_000 });
    assert.match((await failed.page.locator('fq-alerts [part~="error"]').textContent()) ?? '', /alerts/);
    assert.deepEqual(await seriousAxeViolations(failed.page), []);
    await failed.page.close();
  });
});
