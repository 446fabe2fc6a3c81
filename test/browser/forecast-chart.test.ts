/**
 * <fq-forecast-chart> in real Chromium: data drawn as band + actual + p50, tooltip on hover (also
 * inside a host's shadow root), series picking re-queries, buckets, downsampling, CSV export,
 * error and empty states, no global CSS, no serious axe violations. Screenshots: test-artifacts/.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { ensureBundle } from './helpers/bundle.js';
import { browserSkipReason, launchChromium } from './helpers/chromium.js';
import { connection, mountWidgets, screenshot, seriousAxeViolations } from './helpers/page.js';
import { startWidgetServer, type WidgetTestServer } from './helpers/widget-server.js';

const skip = browserSkipReason();
if (skip) process.stderr.write(`${skip}\n`);

/** The `seriesName` attribute ApexCharts gives a series group (spaces and ASCII punctuation become `x`). */
function apexSeriesName(label: string): string {
  return label.replace(/[\s()]/g, 'x');
}

async function seriesSummary(page: Page): Promise<{ name: string; paths: number; length: number }[]> {
  return page.locator('fq-forecast-chart .apexcharts-series').evaluateAll((groups) =>
    groups.map((group) => ({
      name: String(group.getAttribute('seriesName')),
      paths: group.querySelectorAll('path').length,
      length: Array.from(
        group.querySelectorAll('path') as ArrayLike<{ getAttribute(name: string): string | null }>,
      ).reduce((sum: number, path) => sum + String(path.getAttribute('d') ?? '').length, 0),
    })),
  );
}

async function chartReady(page: Page): Promise<void> {
  await page.locator('fq-forecast-chart .apexcharts-series').first().waitFor({ timeout: 15_000 });
  await page
    .locator('fq-forecast-chart')
    .evaluate((element) => (element as unknown as { chartUpdateComplete: Promise<void> }).chartUpdateComplete);
}

async function hoverForecastArea(page: Page): Promise<void> {
  const plot = page.locator('fq-forecast-chart .apexcharts-grid').first();
  const box = await plot.boundingBox();
  assert.ok(box, 'the plot area has a box');
  // Inside the forecast (the right end of the chart), then a small move so ApexCharts sees mousemove.
  await page.mouse.move(box.x + box.width * 0.97, box.y + box.height * 0.5);
  await page.mouse.move(box.x + box.width * 0.98, box.y + box.height * 0.55);
}

describe('<fq-forecast-chart>', { skip: skip ?? false }, () => {
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

  test('draws the p10–p90 band, actuals and the p50 forecast in one SVG, with the forecast start', async () => {
    server.configure({});
    const { page, problems, events } = await mountWidgets(
      browser,
      server,
      `<fq-forecast-chart ${connection(server)} series="FOODS_1_001_CA_1"></fq-forecast-chart>`,
    );
    await chartReady(page);
    const series = await seriesSummary(page);
    assert.deepEqual(
      series.map((item) => item.name),
      [apexSeriesName('Likely range (p10–p90)'), apexSeriesName('Actual sales'), apexSeriesName('Forecast (median)')],
    );
    for (const item of series) assert.ok(item.length > 100, `${item.name} has a drawn path (${item.length} chars)`);
    const annotationTexts = await page
      .locator('fq-forecast-chart .apexcharts-xaxis-annotations text')
      .allTextContents();
    assert.ok(annotationTexts.includes('Forecast starts'), `annotations: ${annotationTexts.join(' | ')}`);
    assert.ok(annotationTexts.includes('Christmas'), 'holiday annotations are labelled');
    const tableRows = await page.locator('fq-forecast-chart table[part="table"] tbody tr').count();
    assert.equal(tableRows, 820, 'the hidden table lists every drawn point (730 history + 90 forecast)');
    const loads = (await events()).filter((event) => event.type === 'fq-load');
    assert.deepEqual(loads.at(-1)?.detail, { kind: 'forecast', count: 820 });
    await screenshot(page, 'forecast-chart-default');
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('keeps every style inside shadow roots: nothing is added to the document', async () => {
    const { page } = await mountWidgets(
      browser,
      server,
      `<fq-forecast-chart ${connection(server)}></fq-forecast-chart>`,
    );
    await chartReady(page);
    const leaks = await page.evaluate(() => {
      const doc = (
        globalThis as unknown as {
          document: { querySelectorAll(s: string): { length: number }; styleSheets: { length: number } };
        }
      ).document;
      return {
        headStyles: doc.querySelectorAll('head style, head link[rel=stylesheet]').length,
        sheets: doc.styleSheets.length,
      };
    });
    assert.equal(leaks.headStyles, 1, 'only the test page’s own <style> is in <head>');
    assert.equal(leaks.sheets, 1);
    const inShadow = await page
      .locator('fq-forecast-chart')
      .evaluate((element) => Boolean(element.shadowRoot?.querySelector('#apexcharts-css')));
    assert.equal(inShadow, true, 'ApexCharts’ stylesheet sits in the widget’s shadow root');
    await page.close();
  });

  for (const inShadowRoot of [false, true]) {
    test(`shows a tooltip with every value on hover${inShadowRoot ? ' inside a host element’s shadow root' : ''}`, async () => {
      const { page, problems, events } = await mountWidgets(
        browser,
        server,
        `<fq-forecast-chart ${connection(server)} series="FOODS_1_001_CA_1"></fq-forecast-chart>`,
        { inShadowRoot },
      );
      await chartReady(page);
      // fq-* events bubble and are composed: a listener on the document hears them through the host's shadow root.
      assert.ok((await events()).some((event) => event.type === 'fq-load'));
      await hoverForecastArea(page);
      const tooltip = page.locator('fq-forecast-chart .apexcharts-tooltip.apexcharts-active');
      await tooltip.waitFor({ state: 'visible', timeout: 5000 });
      const text = await tooltip.textContent();
      assert.match(text ?? '', /Forecast \(median\)\s*[\d.,]+/);
      assert.match(text ?? '', /Likely range \(p10–p90\)\s*[\d.,]+ – [\d.,]+/);
      assert.match(text ?? '', /2026/);
      const box = await tooltip.boundingBox();
      const chartBox = await page.locator('fq-forecast-chart .apexcharts-canvas').boundingBox();
      assert.ok(box && chartBox && box.width > 50 && box.height > 30, 'the tooltip has a size');
      assert.ok(
        box.x >= chartBox.x - 1 && box.x + box.width <= chartBox.x + chartBox.width + 1,
        `the tooltip stays inside the chart (tooltip ${JSON.stringify(box)}, chart ${JSON.stringify(chartBox)})`,
      );
      await screenshot(page, `forecast-chart-tooltip${inShadowRoot ? '-shadow-host' : ''}`);
      assert.deepEqual(problems, []);
      await page.close();
    });
  }

  test('picking another series in the picker re-queries and redraws, and emits fq-series-change', async () => {
    server.configure({});
    const { page, events } = await mountWidgets(
      browser,
      server,
      `<fq-forecast-chart ${connection(server)} series="FOODS_1_001_CA_1"></fq-forecast-chart>`,
    );
    await chartReady(page);
    const before = (await seriesSummary(page)).map((item) => item.length);
    const forecastQueries = server.operations.filter((name) => name === 'WidgetForecast').length;
    await page.locator('fq-forecast-chart [part="search"]').fill('HOBBIES');
    const select = page.locator('fq-forecast-chart [part="series-select"]');
    await page.waitForFunction(
      () => {
        const doc = (
          globalThis as unknown as {
            document: { querySelector(s: string): { shadowRoot: { querySelectorAll(s: string): { length: number } } } };
          }
        ).document;
        return (
          doc
            .querySelector('fq-forecast-chart')
            .shadowRoot.querySelectorAll('[part="series-select"] option[value^="HOBBIES"]').length === 4
        );
      },
      undefined,
      { timeout: 5000 },
    );
    await select.selectOption('HOBBIES_1_008_TX_1');
    await page.locator('fq-forecast-chart h2', { hasText: 'HOBBIES_1_008_TX_1' }).waitFor({ timeout: 5000 });
    await chartReady(page);
    assert.equal(server.operations.filter((name) => name === 'WidgetForecast').length, forecastQueries + 1);
    const afterLengths = (await seriesSummary(page)).map((item) => item.length);
    assert.notDeepEqual(afterLengths, before, 'the drawn paths changed');
    const change = (await events()).filter((event) => event.type === 'fq-series-change');
    assert.deepEqual(change, [{ type: 'fq-series-change', detail: { seriesId: 'HOBBIES_1_008_TX_1', groupBy: null } }]);

    // The store total of the picked series, then weekly buckets.
    await page.locator('fq-forecast-chart [part="view-select"]').selectOption('group:store=TX_1');
    await page.locator('fq-forecast-chart h2', { hasText: 'store TX_1' }).waitFor({ timeout: 5000 });
    await page.locator('fq-forecast-chart [part="bucket-select"]').selectOption('WEEK');
    await page.waitForFunction(
      () => {
        const doc = (
          globalThis as unknown as {
            document: { querySelector(s: string): { shadowRoot: { querySelectorAll(s: string): { length: number } } } };
          }
        ).document;
        const rows = doc
          .querySelector('fq-forecast-chart')
          .shadowRoot.querySelectorAll('table[part="table"] tbody tr').length;
        return rows > 0 && rows < 130;
      },
      undefined,
      { timeout: 5000 },
    );
    const types = (await events()).map((event) => event.type);
    assert.ok(types.includes('fq-bucket-change'));
    await screenshot(page, 'forecast-chart-store-total-weekly');
    await page.close();
  });

  test('a bad token shows an error state with the code and fires fq-error', async () => {
    server.configure({});
    const { page, events } = await mountWidgets(
      browser,
      server,
      `<fq-forecast-chart ${connection(server, 'wrong-token')} series="FOODS_1_001_CA_1"></fq-forecast-chart>`,
    );
    const alert = page.locator('fq-forecast-chart [role="alert"]');
    await alert.waitFor({ timeout: 10_000 });
    assert.equal(await alert.getAttribute('data-code'), 'UNAUTHENTICATED');
    assert.match((await alert.textContent()) ?? '', /access token is missing, invalid or expired/);
    const errors = (await events()).filter((event) => event.type === 'fq-error');
    assert.equal((errors[0]?.detail as { code: string }).code, 'UNAUTHENTICATED');
    assert.deepEqual(await seriousAxeViolations(page), []);
    await screenshot(page, 'forecast-chart-error');
    await page.close();
  });

  test('shows an empty state when there is no data', async () => {
    server.configure({ mode: 'empty' });
    const { page } = await mountWidgets(
      browser,
      server,
      `<fq-forecast-chart ${connection(server)}></fq-forecast-chart>`,
    );
    await page.locator('fq-forecast-chart [data-kind="empty"]').waitFor({ timeout: 10_000 });
    assert.deepEqual(await seriousAxeViolations(page), []);
    await screenshot(page, 'forecast-chart-empty');
    await page.close();
    server.configure({});
  });

  test('downsamples 10,000 points with LTTB and says so', async () => {
    server.configure({ history: 9_910, horizon: 90 });
    const { page } = await mountWidgets(
      browser,
      server,
      `<fq-forecast-chart ${connection(server)} series="FOODS_3_090_WI_1" from="1990-01-01"></fq-forecast-chart>`,
    );
    await chartReady(page);
    const note = await page.locator('fq-forecast-chart .note').textContent();
    assert.match(note ?? '', /Showing 2,00\d of 10,000 points/);
    const rows = await page.locator('fq-forecast-chart table[part="table"] tbody tr').count();
    assert.ok(rows >= 2000 && rows <= 2002, `${rows} rows drawn`);
    await screenshot(page, 'forecast-chart-dense');
    await page.close();
    server.configure({});
  });

  test('exports the full data as CSV and fires fq-export', async () => {
    server.configure({});
    const { page, events } = await mountWidgets(
      browser,
      server,
      `<fq-forecast-chart ${connection(server)} series="FOODS_1_001_CA_1"></fq-forecast-chart>`,
    );
    await chartReady(page);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('fq-forecast-chart [part="export-csv"]').click(),
    ]);
    assert.equal(download.suggestedFilename(), 'forecast-FOODS_1_001_CA_1-day.csv');
    const csv = await readFile(await download.path(), 'utf8');
    const lines = csv.trimEnd().split('\r\n');
    assert.equal(lines[0], 'series,date,actual,p10,p50,p90');
    assert.equal(lines.length, 1 + 820);
    assert.match(lines.at(-1)!, /^FOODS_1_001_CA_1,2026-03-31,,[\d.]+,[\d.]+,[\d.]+$/);
    const [svgDownload] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('fq-forecast-chart [part="export-svg"]').click(),
    ]);
    const svg = await readFile(await svgDownload.path(), 'utf8');
    assert.match(svg, /^<svg[\s\S]*apexcharts-rangeArea[\s\S]*<\/svg>$/);
    const exports = (await events()).filter((event) => event.type === 'fq-export').map((event) => event.detail);
    assert.deepEqual(exports, [
      { format: 'csv', fileName: 'forecast-FOODS_1_001_CA_1-day.csv' },
      { format: 'svg', fileName: 'forecast-FOODS_1_001_CA_1-day.svg' },
    ]);
    await page.close();
  });

  test('speaks zh-CN in the dark theme, and has no serious axe violations', async () => {
    server.configure({});
    const { page, problems } = await mountWidgets(
      browser,
      server,
      `<fq-forecast-chart ${connection(server)} series="FOODS_1_001_CA_1" locale="zh-CN" theme="dark" currency="CNY"></fq-forecast-chart>`,
    );
    await chartReady(page);
    assert.match((await page.locator('fq-forecast-chart h2').textContent()) ?? '', /销量与预测/);
    const legend = await page.locator('fq-forecast-chart .apexcharts-legend').textContent();
    assert.match(legend ?? '', /实际销量/);
    assert.match(
      (await page.locator('fq-forecast-chart table[part="table"] tbody td').first().textContent()) ?? '',
      /¥/,
    );
    assert.deepEqual(await seriousAxeViolations(page), []);
    await screenshot(page, 'forecast-chart-zh-dark');
    assert.deepEqual(problems, []);
    await page.close();
  });
});
