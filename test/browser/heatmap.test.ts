/**
 * <fq-heatmap> in real Chromium against the FIXTURE API: the weekday × week grid holds the API's
 * daily actuals and median forecast under the right weekday and week; the drivers grid shows each
 * product's share per driver and picking a row announces the series; states, en and zh-CN, light
 * and dark, axe; linked to the chart's selection. Against the real server: real-server.test.ts.
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

interface Point {
  date: string;
  actual: number | null;
  p50: number | null;
}

/** The fixture API's daily points of a selection. */
function apiPoints(server: WidgetTestServer, variables: Record<string, unknown>): Point[] {
  const answer = createMockGraphQL()({
    query: 'query WidgetForecast { forecast }',
    variables: { datasetId: server.datasetId, bucket: 'DAY', ...variables },
    authorization: null,
  });
  return (answer.body as { data: { forecast: { points: Point[] } } }).data.forecast.points;
}

async function cells(page: Page, selector = 'fq-heatmap'): Promise<{ date: string; kind: string; value: number }[]> {
  return page.locator(`${selector} td[part="cell"]`).evaluateAll((nodes) =>
    nodes.map((node) => ({
      date: String(node.getAttribute('data-date')),
      kind: String(node.getAttribute('data-kind')),
      value: Number(node.getAttribute('data-value')),
    })),
  );
}

describe('<fq-heatmap>', { skip: skip ?? false }, () => {
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

  test('weekday × week: the API’s actuals, then its median forecast (dashed), under the right weekday (en, light)', async () => {
    server.configure({});
    const { page, problems, events } = await mountWidgets(
      browser,
      server,
      `<fq-heatmap ${connection(server)} weeks="20"></fq-heatmap>`,
    );
    await page.locator('fq-heatmap td[part="cell"]').first().waitFor({ timeout: 10_000 });
    assert.equal(await page.locator('fq-heatmap tbody tr').count(), 7);
    assert.equal(await page.locator('fq-heatmap thead th').count(), 1 + 20);
    const weekdays = await page.locator('fq-heatmap tbody th').allTextContents();
    assert.deepEqual(
      weekdays.map((w) => w.trim()),
      ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'],
    );
    const shown = await cells(page);
    const points = new Map(apiPoints(server, {}).map((p) => [p.date, p]));
    assert.ok(shown.length >= 60, `${shown.length} cells`);
    for (const cell of shown) {
      const point = points.get(cell.date)!;
      const expected = point.actual ?? point.p50;
      assert.equal(cell.value, expected, cell.date);
      assert.equal(cell.kind, point.actual === null ? 'forecast' : 'actual', cell.date);
    }
    assert.ok(shown.some((c) => c.kind === 'forecast') && shown.some((c) => c.kind === 'actual'));
    // A cell's row is its weekday: the first row holds Mondays only.
    const mondays = await page
      .locator('fq-heatmap tbody tr:first-child td[data-date]')
      .evaluateAll((nodes) => nodes.map((node) => new Date(`${node.getAttribute('data-date')}T00:00:00Z`).getUTCDay()));
    assert.ok(mondays.every((day) => day === 1));
    const loads = (await events()).filter((event) => event.type === 'fq-load');
    assert.deepEqual(loads.at(-1)?.detail, { kind: 'heatmap', count: shown.length });
    assert.deepEqual(await seriousAxeViolations(page), []);
    await screenshot(page, 'heatmap-weekday-light-en');
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('drivers (zh-CN, dark): a row per product of the group, shares per driver; picking a row announces it', async () => {
    server.configure({});
    const { page, problems, events } = await mountWidgets(
      browser,
      server,
      `<fq-heatmap ${connection(server)} kind="drivers" group-by="store=CA_1" limit="4" locale="zh-CN" theme="dark"></fq-heatmap>`,
    );
    await page.locator('fq-heatmap td[part="cell"]').first().waitFor({ timeout: 10_000 });
    const rows = await page
      .locator('fq-heatmap tbody tr')
      .evaluateAll((nodes) => nodes.map((node) => String(node.getAttribute('data-series'))));
    assert.deepEqual(rows, ['FOODS_1_001_CA_1', 'FOODS_3_090_CA_1', 'HOBBIES_1_008_CA_1', 'HOUSEHOLD_1_118_CA_1']);
    const headers = (await page.locator('fq-heatmap thead th').allTextContents()).map((h) => h.trim());
    assert.equal(headers.length, 1 + 4);
    assert.ok(headers.includes('星期规律') || headers.some((h) => /[\u4e00-\u9fff]/.test(h)), headers.join(', '));
    // Each row's shares are of that product's own total: the shown percentages are below 100 %.
    const texts = await page.locator('fq-heatmap td[part="cell"]').allTextContents();
    assert.ok(
      texts.every((t) => /^\d+%$/.test(t.trim())),
      texts.join(' '),
    );
    assert.match((await page.locator('fq-heatmap .caption').textContent()) ?? '', /4 个/);
    await page.locator('fq-heatmap tbody tr:nth-child(2) .row-pick').click();
    const change = (await events()).filter((event) => event.type === 'fq-series-change').at(-1);
    assert.deepEqual(change?.detail, { seriesId: 'FOODS_3_090_CA_1', groupBy: null });
    assert.equal(await page.locator('fq-heatmap tbody tr:nth-child(2)').getAttribute('aria-current'), 'true');
    assert.deepEqual(await seriousAxeViolations(page), []);
    await screenshot(page, 'heatmap-drivers-dark-zh-CN');
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('empty, history only (no run yet) and error states', async () => {
    server.configure({ mode: 'empty' });
    const empty = await mountWidgets(browser, server, `<fq-heatmap ${connection(server)}></fq-heatmap>`);
    await empty.page.locator('fq-heatmap [data-kind="empty"]').waitFor({ timeout: 10_000 });
    assert.deepEqual(await seriousAxeViolations(empty.page), []);
    await empty.page.close();

    server.configure({ noRun: true });
    const history = await mountWidgets(browser, server, `<fq-heatmap ${connection(server)}></fq-heatmap>`);
    await history.page.locator('fq-heatmap td[part="cell"]').first().waitFor({ timeout: 10_000 });
    assert.ok((await cells(history.page)).every((cell) => cell.kind === 'actual'));
    await history.page.close();

    server.configure({ mode: 'error', errorCode: 'INTERNAL_SERVER_ERROR' });
    const failed = await mountWidgets(browser, server, `<fq-heatmap ${connection(server)}></fq-heatmap>`);
    await failed.page.locator('fq-heatmap [data-kind="error"]').waitFor({ timeout: 10_000 });
    assert.match((await failed.page.locator('fq-heatmap [data-kind="error"]').textContent()) ?? '', /heatmap/);
    assert.deepEqual(await seriousAxeViolations(failed.page), []);
    await failed.page.close();
    server.configure({});
  });

  test('linked: the weekday grid follows a product picked in the drivers grid', async () => {
    server.configure({});
    const { page, problems } = await mountWidgets(
      browser,
      server,
      `<fq-heatmap id="drivers" ${connection(server)} kind="drivers" limit="3"></fq-heatmap>
       <fq-heatmap id="weekday" linked ${connection(server)} weeks="4"></fq-heatmap>`,
    );
    await page.locator('#drivers td[part="cell"]').first().waitFor({ timeout: 10_000 });
    await page.locator('#weekday td[part="cell"]').first().waitFor({ timeout: 10_000 });
    await page.locator('#drivers tbody tr:nth-child(3) .row-pick').click();
    const picked = (await page.locator('#drivers tbody tr:nth-child(3)').getAttribute('data-series'))!;
    await page.locator('#weekday h2', { hasText: picked }).waitFor({ timeout: 10_000 });
    const points = new Map(apiPoints(server, { seriesId: picked }).map((p) => [p.date, p]));
    await page.waitForFunction(
      () =>
        (globalThis as unknown as { fqEvents: { type: string }[] }).fqEvents.filter((e) => e.type === 'fq-load')
          .length >= 3,
      undefined,
      { timeout: 10_000 },
    );
    for (const cell of await cells(page, '#weekday')) {
      const point = points.get(cell.date)!;
      assert.equal(cell.value, point.actual ?? point.p50, cell.date);
    }
    assert.deepEqual(problems, []);
    await page.close();
  });
});
