/**
 * <fq-kpis> in real Chromium against the FIXTURE API (every state, en and zh-CN, light and dark,
 * axe), and the page's linked selection: picking a series in the chart moves every `linked` widget
 * to it and leaves the others as set. The real server's headline is checked in real-server.test.ts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { createMockGraphQL } from './fixtures/mock-graphql.js';
import { ensureBundle } from './helpers/bundle.js';
import { browserSkipReason, launchChromium } from './helpers/chromium.js';
import { connection, mountWidgets, screenshot, seriousAxeViolations } from './helpers/page.js';
import { startWidgetServer, type WidgetTestServer } from './helpers/widget-server.js';

const skip = browserSkipReason();
if (skip) process.stderr.write(`${skip}\n`);

interface Measure {
  p10: number;
  p50: number;
  p90: number;
  lastYear: number;
  changeVsLastYear: number;
}

/** What the fixture API answers for a selection (the widget must show exactly this). */
function expected(server: WidgetTestServer, variables: Record<string, unknown>): { units: Measure; revenue: Measure } {
  const answer = createMockGraphQL()({
    query: 'query WidgetHeadline { headline }',
    variables: { datasetId: server.datasetId, weeks: 4, ...variables },
    authorization: null,
  });
  return (answer.body as { data: { headline: { units: Measure; revenue: Measure } } }).data.headline;
}

const en = new Intl.NumberFormat('en', { maximumFractionDigits: 1 });

async function cardText(page: Page, selector: string, measure: 'units' | 'revenue'): Promise<string> {
  return (await page.locator(`${selector} [part="card"][data-measure="${measure}"]`).textContent()) ?? '';
}

describe('<fq-kpis>', { skip: skip ?? false }, () => {
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

  test('units and revenue of the next 4 weeks, their range, and the change against last year (en, light)', async () => {
    server.configure({});
    const { page, problems, events } = await mountWidgets(
      browser,
      server,
      `<fq-kpis ${connection(server)} currency="EUR"></fq-kpis>`,
    );
    await page.locator('fq-kpis [part="card"]').first().waitFor({ timeout: 10_000 });
    const want = expected(server, {});
    assert.equal(await page.locator('fq-kpis [part="card"]').count(), 2);
    assert.equal(
      await page.locator('fq-kpis [data-measure="units"] [part="value"]').textContent(),
      en.format(want.units.p50),
    );
    const units = await cardText(page, 'fq-kpis', 'units');
    assert.ok(units.includes(`likely ${en.format(want.units.p10)} – ${en.format(want.units.p90)}`), units);
    const percent = `${Math.round(Math.abs(want.units.changeVsLastYear) * 100)}%`;
    const lastYear = page.locator('fq-kpis [data-measure="units"] [data-against="lastYear"]');
    assert.equal(await lastYear.getAttribute('data-direction'), want.units.changeVsLastYear > 0 ? 'up' : 'down');
    assert.match((await lastYear.textContent()) ?? '', new RegExp(`${percent}\\s*vs same period last year`));
    assert.match(await cardText(page, 'fq-kpis', 'revenue'), /€/, 'revenue is money, in the currency');
    assert.match((await page.locator('fq-kpis h2').textContent()) ?? '', /Next 4 weeks/);
    const loads = (await events()).filter((event) => event.type === 'fq-load');
    assert.deepEqual(loads.at(-1)?.detail, { kind: 'headline', count: 2 });
    assert.deepEqual(await seriousAxeViolations(page), []);
    await screenshot(page, 'kpis-light-en');
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('zh-CN and dark: Chinese words, the same numbers, no axe violations', async () => {
    server.configure({});
    const { page, problems } = await mountWidgets(
      browser,
      server,
      `<fq-kpis ${connection(server)} locale="zh-CN" theme="dark" currency="CNY" series="FOODS_1_001_CA_1" weeks="2"></fq-kpis>`,
    );
    await page.locator('fq-kpis [part="card"]').first().waitFor({ timeout: 10_000 });
    const want = expected(server, { seriesId: 'FOODS_1_001_CA_1', weeks: 2 });
    const zh = new Intl.NumberFormat('zh-CN', { maximumFractionDigits: 1 });
    assert.equal(
      await page.locator('fq-kpis [data-measure="units"] [part="value"]').textContent(),
      zh.format(want.units.p50),
    );
    assert.match((await page.locator('fq-kpis h2').textContent()) ?? '', /未来 2周/);
    assert.match(await cardText(page, 'fq-kpis', 'units'), /销量[\s\S]*可能区间[\s\S]*较去年同期/);
    assert.match(await cardText(page, 'fq-kpis', 'revenue'), /¥/);
    const background = await page
      .locator('fq-kpis')
      .evaluate((element) => getComputedStyle(element as unknown as Element).backgroundColor);
    assert.equal(background, 'rgb(17, 24, 39)', 'the dark palette');
    assert.deepEqual(await seriousAxeViolations(page), []);
    await screenshot(page, 'kpis-dark-zh-CN');
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('empty (no run yet), error with a retry, and no dataset', async () => {
    server.configure({ mode: 'empty' });
    const empty = await mountWidgets(browser, server, `<fq-kpis ${connection(server)}></fq-kpis><fq-kpis></fq-kpis>`);
    await empty.page.locator('fq-kpis >> nth=0 >> [data-kind="empty"]').waitFor({ timeout: 10_000 });
    assert.match(
      (await empty.page.locator('fq-kpis >> nth=0 >> [data-kind="empty"]').textContent()) ?? '',
      /No forecast yet/,
    );
    assert.match(
      (await empty.page.locator('fq-kpis >> nth=1 >> [data-kind="empty"]').textContent()) ?? '',
      /dataset-id/,
    );
    assert.deepEqual(await seriousAxeViolations(empty.page), []);
    await empty.page.close();

    server.configure({ mode: 'error', errorCode: 'INTERNAL_SERVER_ERROR' });
    const failed = await mountWidgets(browser, server, `<fq-kpis ${connection(server)}></fq-kpis>`);
    const panel = failed.page.locator('fq-kpis [data-kind="error"]');
    await panel.waitFor({ timeout: 10_000 });
    assert.match((await panel.textContent()) ?? '', /Could not load the headline numbers/);
    assert.deepEqual(await seriousAxeViolations(failed.page), []);
    server.configure({});
    await panel.locator('button').click();
    await failed.page.locator('fq-kpis [part="card"]').first().waitFor({ timeout: 10_000 });
    await failed.page.close();
  });

  test('linked widgets follow a series picked in the chart; an unlinked one stays on the whole shop', async () => {
    server.configure({});
    const { page, problems } = await mountWidgets(
      browser,
      server,
      `<fq-forecast-chart ${connection(server)}></fq-forecast-chart>
       <fq-kpis id="linked" linked ${connection(server)}></fq-kpis>
       <fq-feature-importance linked ${connection(server)}></fq-feature-importance>
       <fq-kpis id="fixed" ${connection(server)}></fq-kpis>`,
    );
    await page.locator('#linked [part="card"]').first().waitFor({ timeout: 10_000 });
    await page.locator('#fixed [part="card"]').first().waitFor({ timeout: 10_000 });
    const total = expected(server, {});
    const one = expected(server, { seriesId: 'HOBBIES_1_008_TX_1' });
    await page.locator('fq-forecast-chart [part="series-select"]').waitFor({ timeout: 10_000 });
    await page.locator('fq-forecast-chart [part="series-select"]').selectOption('HOBBIES_1_008_TX_1');
    await page.locator('#linked h2', { hasText: 'HOBBIES_1_008_TX_1' }).waitFor({ timeout: 10_000 });
    await page.waitForFunction(
      (value) =>
        (
          globalThis as unknown as {
            document: {
              querySelector(s: string): { shadowRoot: { querySelector(s: string): { textContent: string } | null } };
            };
          }
        ).document
          .querySelector('#linked')
          .shadowRoot.querySelector('[data-measure="units"] [part="value"]')?.textContent === value,
      en.format(one.units.p50),
      { timeout: 10_000 },
    );
    assert.equal(
      await page.locator('#fixed [data-measure="units"] [part="value"]').textContent(),
      en.format(total.units.p50),
      'the unlinked widget keeps its selection',
    );
    assert.equal(
      await page.locator('fq-feature-importance').evaluate((el) => (el as unknown as { series: string }).series),
      'HOBBIES_1_008_TX_1',
    );
    // A group total picked in the chart: the linked headline shows that store.
    await page.locator('fq-forecast-chart [part="view-select"]').selectOption('group:store=TX_1');
    await page.locator('#linked h2', { hasText: 'TX_1' }).waitFor({ timeout: 10_000 });
    assert.equal(
      await page.locator('#linked').evaluate((el) => (el as unknown as { groupBy: string }).groupBy),
      'store=TX_1',
    );
    await screenshot(page, 'kpis-linked');
    assert.deepEqual(problems, []);
    await page.close();
  });
});
