/**
 * The demo page (`widgets/demo/index.html`, served at `/` by `npm start`) with every widget, read
 * from URL parameters, in light and dark, with no serious axe violations. Screenshots: test-artifacts/.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { ensureBundle } from './helpers/bundle.js';
import { browserSkipReason, launchChromium } from './helpers/chromium.js';
import { screenshot, seriousAxeViolations } from './helpers/page.js';
import { startWidgetServer, type WidgetTestServer } from './helpers/widget-server.js';

const skip = browserSkipReason();
if (skip) process.stderr.write(`${skip}\n`);

describe('demo page', { skip: skip ?? false }, () => {
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

  for (const theme of ['light', 'dark'] as const) {
    test(`embeds every widget from URL parameters (${theme})`, async () => {
      const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
      const problems: string[] = [];
      page.on('pageerror', (error) => problems.push(error.message));
      const query = new URLSearchParams({ token: server.token, dataset: server.datasetId, theme });
      await page.goto(`${server.baseUrl}/demo?${query.toString()}`);
      await page.locator('fq-forecast-chart .apexcharts-series').first().waitFor({ timeout: 15_000 });
      await page.locator('fq-accuracy [part="headline"]').waitFor({ timeout: 10_000 });
      await page.locator('fq-feature-importance [part="list"]').waitFor({ timeout: 10_000 });
      await page.locator('fq-training-runs [part="table"]').waitFor({ timeout: 10_000 });
      await page.locator('fq-kpis [part="card"]').first().waitFor({ timeout: 10_000 });
      await page.locator('fq-heatmap[kind="weekday"] td[part="cell"]').first().waitFor({ timeout: 10_000 });
      await page.locator('fq-heatmap[kind="drivers"] td[part="cell"]').first().waitFor({ timeout: 10_000 });
      await page.locator('fq-alerts [part="alert"]').first().waitFor({ timeout: 10_000 });
      for (const tag of [
        'fq-forecast-chart',
        'fq-accuracy',
        'fq-feature-importance',
        'fq-training-runs',
        'fq-kpis',
        'fq-heatmap[kind="weekday"]',
        'fq-heatmap[kind="drivers"]',
        'fq-alerts',
      ]) {
        assert.equal(await page.locator(tag).getAttribute('theme'), theme, `${tag} got the theme`);
      }
      // The chart's screen-reader table (820 rows) is checked in forecast-chart.test.ts; skipping it here halves the run.
      assert.deepEqual(await seriousAxeViolations(page, [['fq-forecast-chart', 'table']]), []);
      await screenshot(page, `demo-page-${theme}`);
      assert.deepEqual(problems, []);
      await page.close();
    });
  }
});
