/**
 * The widgets inside a Vue 3 app and a React 19 app (test/browser/hosts/, the frameworks from npm,
 * built here with Vite), served from another origin than the real API server: the apps pass
 * `dataset-id`/`datasetId`, `series` and `bucket` to `<fq-forecast-chart>`, change `bucket` from
 * their own state, and listen to `fq-load` and `fq-bucket-change`. Screenshots:
 * test-artifacts/host-vue.png, host-react.png.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { startRealServer, type RealServer } from '../helpers/real-server.js';
import { ensureBundle } from './helpers/bundle.js';
import { browserSkipReason, launchChromium } from './helpers/chromium.js';
import { startHostServer, type HostServer } from './helpers/host-server.js';
import { screenshot } from './helpers/page.js';
import { REPO_ROOT } from './helpers/widget-server.js';

const skip = browserSkipReason();
if (skip) process.stderr.write(`${skip}\n`);

/** Builds one host app with Vite into `outDir`, served under `/<name>/`. */
async function buildHost(name: 'vue' | 'react', outDir: string): Promise<void> {
  const { build } = await import('vite');
  const plugins = [];
  if (name === 'vue') {
    const { default: vue } = await import('@vitejs/plugin-vue');
    plugins.push(vue({ template: { compilerOptions: { isCustomElement: (tag) => tag.startsWith('fq-') } } }));
  }
  await build({
    configFile: false,
    // npm test runs with NODE_ENV=test: without this, esbuild would emit React's development JSX.
    mode: 'production',
    root: join(REPO_ROOT, 'test/browser/hosts', name),
    base: `/${name}/`,
    logLevel: 'warn',
    plugins,
    esbuild: name === 'react' ? { jsx: 'automatic', jsxDev: false } : {},
    define: { 'process.env.NODE_ENV': JSON.stringify('production') },
    build: { outDir, emptyOutDir: true, target: 'es2022', reportCompressedSize: false },
  });
}

async function text(page: Page, testId: string): Promise<string> {
  return (await page.getByTestId(testId).textContent()) ?? '';
}

describe('widgets in Vue 3 and React 19 apps on another origin (real server)', { skip: skip ?? false }, () => {
  let browser: Browser;
  let real: RealServer;
  let host: HostServer;
  let out: string;

  before(async () => {
    ensureBundle();
    out = mkdtempSync(join(tmpdir(), 'fq-hosts-'));
    host = await startHostServer();
    await buildHost('vue', join(out, 'vue'));
    await buildHost('react', join(out, 'react'));
    host.directory('vue', join(out, 'vue'));
    host.directory('react', join(out, 'react'));
    [real, browser] = await Promise.all([
      startRealServer({ model: 'theta', corsOrigins: [host.origin] }),
      launchChromium(),
    ]);
  });

  after(async () => {
    await browser?.close();
    await host?.close();
    await real?.stop();
    if (out) rmSync(out, { recursive: true, force: true });
  });

  for (const name of ['vue', 'react'] as const) {
    test(`${name}: attributes and properties reach the chart, events reach the app`, async () => {
      const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
      const problems: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error' || message.type() === 'warning') problems.push(message.text());
      });
      page.on('pageerror', (error) => problems.push(error.message));
      const query = new URLSearchParams({
        api: real.url,
        token: real.embedToken,
        dataset: real.datasetId,
        series: real.seriesIds[1]!,
      });
      await page.goto(`${host.origin}/${name}/?${query}`);
      const chart = page.locator('fq-forecast-chart');
      await page
        .locator('fq-forecast-chart .apexcharts-series')
        .first()
        .waitFor({ timeout: 20_000 })
        .catch(async (error: unknown) => {
          await screenshot(page, `host-${name}-failed`);
          throw new Error(
            `${String(error)}\nconsole: ${problems.join('\n')}\nhtml: ${(await page.content()).slice(0, 2000)}`,
          );
        });
      const state = await chart.evaluate((element) => {
        const widget = element as unknown as { datasetId: string; series: string; bucket: string };
        return { datasetId: widget.datasetId, series: widget.series, bucket: widget.bucket };
      });
      assert.deepEqual(state, { datasetId: real.datasetId, series: real.seriesIds[1], bucket: 'DAY' });
      assert.match(await chart.locator('h2').textContent().then(String), new RegExp(real.seriesIds[1]!));
      await page
        .getByTestId('loads')
        .filter({ hasText: /Charts drawn: [1-9]/ })
        .waitFor({ timeout: 15_000 });
      // The app changes the bucket from its own state: the chart redraws by week.
      await page.getByRole('button', { name: 'Show weeks' }).click();
      await page
        .getByTestId('loads')
        .filter({ hasText: /Charts drawn: [2-9]/ })
        .waitFor({ timeout: 15_000 });
      assert.equal(await chart.evaluate((element) => (element as unknown as { bucket: string }).bucket), 'WEEK');
      assert.equal(await chart.locator('select[part="bucket-select"]').inputValue(), 'WEEK');
      // The user changes it inside the widget: the app hears fq-bucket-change.
      await chart.locator('select[part="bucket-select"]').selectOption('MONTH');
      await page.getByTestId('changes').filter({ hasText: 'MONTH' }).waitFor({ timeout: 10_000 });
      assert.equal(await text(page, 'bucket'), 'Bucket: MONTH');
      await page.locator('fq-accuracy [part="headline"]').waitFor({ timeout: 15_000 });
      await chart.evaluate(
        (element) => (element as unknown as { chartUpdateComplete: Promise<void> }).chartUpdateComplete,
      );
      await screenshot(page, `host-${name}`);
      assert.deepEqual(problems, []);
      await page.close();
    });
  }
});
