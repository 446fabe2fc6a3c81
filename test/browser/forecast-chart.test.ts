/**
 * <fq-forecast-chart> in real Chromium against the FIXTURE API, for what the real server cannot
 * produce or does not need: no global CSS, a bad token (the API has no auth yet), the empty state,
 * 10,000 points downsampled, CSV/PNG/SVG export, drag-to-zoom, zh-CN in the dark theme. Data drawn from the real
 * server, the tooltip (also in a host shadow root), annotations, series picking, group totals and
 * buckets are in real-server.test.ts. Screenshots: test-artifacts/.
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

async function chartReady(page: Page): Promise<void> {
  await page.locator('fq-forecast-chart .apexcharts-series').first().waitFor({ timeout: 15_000 });
  await page
    .locator('fq-forecast-chart')
    .evaluate((element) => (element as unknown as { chartUpdateComplete: Promise<void> }).chartUpdateComplete);
}

/** One FOODS_1_001_CA_1 chart from the fixture API, drawn, with its plot grid laid out (pointer tests). */
async function mountChartGrid(
  browser: Browser,
  server: WidgetTestServer,
): Promise<
  Awaited<ReturnType<typeof mountWidgets>> & { grid: { x: number; y: number; width: number; height: number } }
> {
  server.configure({});
  const mounted = await mountWidgets(
    browser,
    server,
    `<fq-forecast-chart ${connection(server)} series="FOODS_1_001_CA_1"></fq-forecast-chart>`,
  );
  await chartReady(mounted.page);
  const grid = await mounted.page.locator('fq-forecast-chart .apexcharts-grid').first().boundingBox();
  assert.ok(grid, 'the plot grid is laid out');
  return { ...mounted, grid };
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
    assert.equal((errors[0]?.detail as { code?: string } | undefined)?.code, 'UNAUTHENTICATED');
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

  test('a dataset with sales but no run shows its history, not "No data"', async () => {
    server.configure({ noRun: true });
    const { page, problems } = await mountWidgets(
      browser,
      server,
      `<fq-forecast-chart ${connection(server)} series="FOODS_1_001_CA_1"></fq-forecast-chart>`,
    );
    await chartReady(page);
    assert.equal(await page.locator('fq-forecast-chart [data-kind="empty"]').count(), 0);
    assert.match(
      (await page.locator('fq-forecast-chart [part="history-note"]').textContent()) ?? '',
      /No forecast yet: this is the sales history/,
    );
    const rows = await page.locator('fq-forecast-chart table[part="table"] tbody tr').count();
    assert.ok(rows > 300, `${rows} days of history in the table`);
    assert.ok(server.operations.includes('WidgetSalesHistory'), server.operations.join(', '));
    await screenshot(page, 'forecast-chart-history-only');
    assert.deepEqual(problems, []);
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
    assert.equal(lines[0], 'series,date,actual,sold_so_far,p10,p50,p90');
    assert.equal(lines.length, 1 + 820);
    // Values rounded to at most 4 decimals (not 15 digits of float noise).
    assert.match(lines.at(-1)!, /^FOODS_1_001_CA_1,2026-03-31,,,\d+(\.\d{1,4})?,\d+(\.\d{1,4})?,\d+(\.\d{1,4})?$/);
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

  test('exports the drawn chart as a PNG image', async () => {
    server.configure({});
    const { page, events } = await mountWidgets(
      browser,
      server,
      `<fq-forecast-chart ${connection(server)} series="FOODS_1_001_CA_1"></fq-forecast-chart>`,
    );
    await chartReady(page);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('fq-forecast-chart [part="export-png"]').click(),
    ]);
    assert.equal(download.suggestedFilename(), 'forecast-FOODS_1_001_CA_1-day.png');
    const png = await readFile(await download.path());
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'PNG signature');
    // IHDR width and height (big-endian at bytes 16 and 20): scale 2 of a chart several hundred px wide.
    const width = png.readUInt32BE(16);
    const height = png.readUInt32BE(20);
    assert.ok(width >= 600 && height >= 300, `PNG is ${width}×${height}, expected a full chart at scale 2`);
    assert.ok(png.length > 10_000, `PNG has ${png.length} bytes: a blank image would be far smaller`);
    const exports = (await events()).filter((event) => event.type === 'fq-export').map((event) => event.detail);
    assert.deepEqual(exports, [{ format: 'png', fileName: 'forecast-FOODS_1_001_CA_1-day.png' }]);
    await page.close();
  });

  test('zooming by dragging across the plot fires fq-range-change with the selected dates', async () => {
    const { page, events, grid } = await mountChartGrid(browser, server);
    const y = grid.y + grid.height / 2;
    await page.mouse.move(grid.x + grid.width * 0.5, y);
    await page.mouse.down();
    await page.mouse.move(grid.x + grid.width * 0.6, y, { steps: 5 });
    await page.mouse.move(grid.x + grid.width * 0.75, y, { steps: 5 });
    await page.mouse.up();
    await page.waitForFunction(
      () =>
        (globalThis as unknown as { fqEvents?: { type: string }[] }).fqEvents?.some(
          (event) => event.type === 'fq-range-change',
        ) ?? false,
      undefined,
      { timeout: 10_000 },
    );
    const ranges = (await events())
      .filter((event) => event.type === 'fq-range-change')
      .map((event) => event.detail as { from: string; to: string });
    const { from, to } = ranges.at(-1)!;
    assert.match(from, /^\d{4}-\d{2}-\d{2}$/);
    assert.match(to, /^\d{4}-\d{2}-\d{2}$/);
    // The fixture's 820 days end 2026-03-31; the drag covers half to three quarters of the width.
    const spanDays = (Date.parse(to) - Date.parse(from)) / 86_400_000;
    assert.ok(spanDays > 60 && spanDays < 260, `zoomed to ${from} … ${to} (${spanDays} days)`);
    assert.ok(from > '2024-06-01' && to < '2026-01-01', `zoomed to ${from} … ${to}`);
    await screenshot(page, 'forecast-chart-zoomed');
    await page.close();
  });

  test('the tooltip stays open while the cursor rests on a drawn point, history or forecast', async () => {
    // ApexCharts enlarges the point nearest the cursor; when that point took the pointer, a cursor
    // resting on it fired mouseout and the tooltip vanished: whether it did depended on the data.
    const { page, problems, grid } = await mountChartGrid(browser, server);
    // Pixel positions of drawn points (relative to the grid), read from the chart ApexCharts drew:
    // a history day of the actual line (series 1) and a forecast day of the band (series 0).
    const spots = await page.locator('fq-forecast-chart').evaluate((element) => {
      const { globals } = (
        element as unknown as { chart: { w: { globals: { seriesXvalues: number[][]; seriesYvalues: number[][] } } } }
      ).chart.w;
      const last = globals.seriesXvalues[0]!.length - 10;
      return {
        history: [globals.seriesXvalues[1]![200]!, globals.seriesYvalues[1]![200]!] as const,
        forecast: [globals.seriesXvalues[0]![last]!, globals.seriesYvalues[0]![last]!] as const,
      };
    });
    for (const [kind, [x, y], label] of [
      ['history', spots.history, /Actual sales/],
      ['forecast', spots.forecast, /Forecast \(median\)/],
    ] as const) {
      await page.mouse.move(grid.x + x - 6, grid.y + y - 6);
      await page.mouse.move(grid.x + x, grid.y + y);
      const tooltip = page.locator('fq-forecast-chart .apexcharts-tooltip.apexcharts-active');
      await tooltip.waitFor({ state: 'visible', timeout: 5000 });
      // The cursor stays still: the tooltip must not close by itself.
      await page.waitForTimeout(500);
      assert.equal(await tooltip.count(), 1, `the tooltip is still open on the ${kind} point`);
      assert.match((await tooltip.textContent()) ?? '', label);
    }
    await screenshot(page, 'forecast-chart-tooltip-on-point');
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('moving between drawn elements inside the plot does not hide the tooltip; leaving the chart does', async () => {
    // ApexCharts hides the tooltip on every mouseout inside its SVG, throttled: one deferred just
    // before the cursor came to rest could run after the last mousemove (1 rest in 10 above).
    const { page, problems, grid } = await mountChartGrid(browser, server);
    const [x, y] = await page.locator('fq-forecast-chart').evaluate((element) => {
      const { globals } = (
        element as unknown as { chart: { w: { globals: { seriesXvalues: number[][]; seriesYvalues: number[][] } } } }
      ).chart.w;
      const last = globals.seriesXvalues[0]!.length - 10;
      return [globals.seriesXvalues[0]![last]!, globals.seriesYvalues[0]![last]!];
    });
    await page.mouse.move(grid.x + x! - 6, grid.y + y! - 6);
    await page.mouse.move(grid.x + x!, grid.y + y!);
    const tooltip = page.locator('fq-forecast-chart .apexcharts-tooltip.apexcharts-active');
    await tooltip.waitFor({ state: 'visible', timeout: 5000 });
    // Past ApexCharts' 20 ms throttle, so that a mouseout it sees is handled at once.
    await page.waitForTimeout(100);
    const dispatch = (to: 'inside' | 'outside') =>
      page.locator('fq-forecast-chart').evaluate((element, where) => {
        const root = element.shadowRoot!;
        const band = root.querySelector('.apexcharts-rangeArea')!;
        const relatedTarget = where === 'inside' ? root.querySelector('.apexcharts-grid')! : document.body;
        band.dispatchEvent(new MouseEvent('mouseout', { bubbles: true, composed: true, relatedTarget }));
      }, to);
    await dispatch('inside');
    await page.waitForTimeout(100);
    assert.equal(await tooltip.count(), 1, 'the band to the grid, inside the plot: the tooltip stays');
    await dispatch('outside');
    await page.waitForTimeout(100);
    assert.equal(await tooltip.count(), 0, 'leaving the chart hides the tooltip');
    assert.deepEqual(problems, []);
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
    // currency="CNY" does not turn units into yuan: the table shows quantities.
    const firstCell =
      (await page.locator('fq-forecast-chart table[part="table"] tbody td').first().textContent()) ?? '';
    assert.doesNotMatch(firstCell, /¥/);
    assert.match(firstCell, /\d/);
    assert.deepEqual(await seriousAxeViolations(page), []);
    await screenshot(page, 'forecast-chart-zh-dark');
    assert.deepEqual(problems, []);
    await page.close();
  });
});
