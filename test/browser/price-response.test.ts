/**
 * <fq-price-response> in real Chromium against the FIXTURE API: the history scatter (promotion
 * days apart) and the model's curve from `priceResponse`, read per day; the curve from history
 * alone before a run; states, en and zh-CN, light and dark, axe; linked to a picked product.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { ensureBundle } from './helpers/bundle.js';
import { browserSkipReason, launchChromium } from './helpers/chromium.js';
import { connection, mountWidgets, screenshot, seriousAxeViolations } from './helpers/page.js';
import { startWidgetServer, type WidgetTestServer } from './helpers/widget-server.js';

const skip = browserSkipReason();
if (skip) process.stderr.write(`${skip}\n`);

/** Markers drawn per ApexCharts series (by its name). */
async function drawn(page: Page): Promise<Record<string, number>> {
  return page
    .locator('fq-price-response .apexcharts-series')
    .evaluateAll((nodes) =>
      Object.fromEntries(
        nodes.map((node) => [
          String(node.getAttribute('seriesName')),
          node.querySelectorAll('.apexcharts-marker, path').length,
        ]),
      ),
    );
}

async function curveRows(page: Page): Promise<string[][]> {
  return page
    .locator('fq-price-response table tbody tr')
    .evaluateAll((rows) =>
      rows.map((row) =>
        Array.from(row.querySelectorAll('td') as ArrayLike<{ textContent: string | null }>).map((td) =>
          (td.textContent ?? '').trim(),
        ),
      ),
    );
}

describe('<fq-price-response>', { skip: skip ?? false }, () => {
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

  test('the days scattered by price, promotions apart, and the model’s falling curve (en, light)', async () => {
    server.configure({});
    const { page, problems } = await mountWidgets(
      browser,
      server,
      `<fq-price-response ${connection(server)} series="FOODS_1_001_CA_1" currency="EUR"></fq-price-response>`,
    );
    await page.locator('fq-price-response .apexcharts-series').first().waitFor({ timeout: 15_000 });
    assert.equal(await page.locator('fq-price-response [part="note"]').getAttribute('data-source'), 'model');
    const series = await drawn(page);
    assert.ok(Object.keys(series).length >= 3, JSON.stringify(series));
    // The curve read per day: units fall as the price rises (the fixture's elasticity is −1.4).
    const rows = await curveRows(page);
    assert.ok(rows.length >= 5, `${rows.length} curve points`);
    const units = rows.map((row) => Number(row[1]!.replace(/,/g, '')));
    for (let i = 1; i < units.length; i++) assert.ok(units[i]! < units[i - 1]!, units.join(' > '));
    assert.match(rows[0]![0]!, /€/);
    // At the current price (2.50) the model says 12 a day (28 days of 336 units).
    const atCurrent = rows.find((row) => row[0] === '€2.50');
    assert.equal(atCurrent?.[1], '12');
    assert.match((await page.locator('fq-price-response [part="note"]').textContent()) ?? '', /€2\.50/);
    assert.deepEqual(await seriousAxeViolations(page), []);
    await screenshot(page, 'price-response-light-en');
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('before a run: the curve from history (zh-CN, dark)', async () => {
    server.configure({ noRun: true });
    const { page, problems } = await mountWidgets(
      browser,
      server,
      `<fq-price-response ${connection(server)} series="FOODS_1_001_CA_1" locale="zh-CN" theme="dark" currency="CNY"></fq-price-response>`,
    );
    await page.locator('fq-price-response .apexcharts-series').first().waitFor({ timeout: 15_000 });
    assert.equal(await page.locator('fq-price-response [part="note"]').getAttribute('data-source'), 'history');
    assert.match((await page.locator('fq-price-response [part="note"]').textContent()) ?? '', /尚无模型/);
    assert.match((await page.locator('fq-price-response h2').textContent()) ?? '', /价格与销量/);
    assert.equal((await curveRows(page)).length, 5);
    assert.deepEqual(await seriousAxeViolations(page), []);
    await screenshot(page, 'price-response-dark-zh-CN');
    assert.deepEqual(problems, []);
    await page.close();
    server.configure({});
  });

  test('no product, no prices, and an error', async () => {
    server.configure({ mode: 'empty' });
    const empty = await mountWidgets(
      browser,
      server,
      `<fq-price-response ${connection(server)}></fq-price-response><fq-price-response ${connection(server)} series="FOODS_1_001_CA_1"></fq-price-response>`,
    );
    await empty.page.locator('fq-price-response >> nth=1 >> [data-kind="empty"]').waitFor({ timeout: 10_000 });
    assert.match(
      (await empty.page.locator('fq-price-response >> nth=0 >> [data-kind="empty"]').textContent()) ?? '',
      /Pick a product/,
    );
    assert.match(
      (await empty.page.locator('fq-price-response >> nth=1 >> [data-kind="empty"]').textContent()) ?? '',
      /no price/,
    );
    assert.deepEqual(await seriousAxeViolations(empty.page), []);
    await empty.page.close();
    server.configure({ mode: 'error', errorCode: 'INTERNAL_SERVER_ERROR' });
    const failed = await mountWidgets(
      browser,
      server,
      `<fq-price-response ${connection(server)} series="FOODS_1_001_CA_1"></fq-price-response>`,
    );
    await failed.page.locator('fq-price-response [data-kind="error"]').waitFor({ timeout: 10_000 });
    assert.deepEqual(await seriousAxeViolations(failed.page), []);
    await failed.page.close();
    server.configure({});
  });

  test('linked: a product picked in the chart is drawn', async () => {
    server.configure({});
    const { page, problems } = await mountWidgets(
      browser,
      server,
      `<fq-forecast-chart ${connection(server)}></fq-forecast-chart><fq-price-response linked ${connection(server)}></fq-price-response>`,
    );
    await page.locator('fq-price-response [data-kind="empty"]').waitFor({ timeout: 10_000 });
    await page.locator('fq-forecast-chart [part="series-select"]').waitFor({ timeout: 10_000 });
    await page.locator('fq-forecast-chart [part="series-select"]').selectOption('HOBBIES_1_008_TX_1');
    await page.locator('fq-price-response h2', { hasText: 'HOBBIES_1_008_TX_1' }).waitFor({ timeout: 10_000 });
    await page.locator('fq-price-response .apexcharts-series').first().waitFor({ timeout: 15_000 });
    assert.deepEqual(problems, []);
    await page.close();
  });
});
