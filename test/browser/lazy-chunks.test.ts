/**
 * The script-tag entry loads each widget's chunk only when its tag appears (widgets/loader.ts), in
 * real Chromium against the fixture API: a page with only <fq-kpis> never requests the ApexCharts
 * chunk (nor any other widget's); a chart added later brings it, with the chunks it needs requested
 * together; widgets added inside a host component's shadow root after load, and a
 * `customElements.whenDefined` wait (React 19 hosts), load too; a chunk that fails to load makes
 * the element fire `fq-error` (WIDGET_LOAD_FAILED, naming the tag), and the tag's next appearance loads it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { ensureBundle } from './helpers/bundle.js';
import { browserSkipReason, launchChromium } from './helpers/chromium.js';
import { connection } from './helpers/page.js';
import { startWidgetServer, type WidgetTestServer } from './helpers/widget-server.js';

const skip = browserSkipReason();
if (skip) process.stderr.write(`${skip}\n`);

/** The chunk file names the page requested, in order, without their content hash (8 characters, "-" among them). */
function chunkLog(page: Page): { names: () => string[]; problems: string[] } {
  const requested: string[] = [];
  const problems: string[] = [];
  page.on('request', (request) => {
    const name = /\/widgets\/chunks\/(.+)-[\w-]{8}\.js$/.exec(new URL(request.url()).pathname)?.[1];
    if (name) requested.push(name);
  });
  page.on('console', (message) => {
    if (message.type() !== 'error' || message.location().url.endsWith('/favicon.ico')) return;
    problems.push(`${message.text()} (${message.location().url})`);
  });
  page.on('pageerror', (error) => problems.push(error.message));
  return { names: () => [...requested], problems };
}

const defined = (page: Page, tag: string): Promise<boolean> =>
  page.evaluate(
    (name) =>
      Boolean((globalThis as unknown as { customElements: { get(n: string): unknown } }).customElements.get(name)),
    tag,
  );

describe('lazily loaded widget chunks', { skip: skip ?? false }, () => {
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

  test('a page with only <fq-kpis> loads its chunk and the shared core, never ApexCharts; a chart added later brings it', async () => {
    const page = await browser.newPage();
    const log = chunkLog(page);
    await page.goto(`${server.baseUrl}/`);
    await page.evaluate(
      (markup) => {
        (
          globalThis as unknown as { document: { querySelector(s: string): { innerHTML: string } } }
        ).document.querySelector('#root').innerHTML = markup;
      },
      `<fq-kpis ${connection(server)} currency="EUR"></fq-kpis>`,
    );
    await page.locator('fq-kpis [part="card"]').first().waitFor({ timeout: 15_000 });
    await page.waitForLoadState('networkidle');
    assert.deepEqual(log.names().toSorted(), ['core', 'kpis']);
    assert.equal(await defined(page, 'fq-forecast-chart'), false, 'no other widget is defined');

    // A chart appended later: its chunk, the shared code and ApexCharts, requested together.
    await page.evaluate(
      (markup) => {
        const doc = (globalThis as unknown as { document: Document }).document;
        doc.querySelector('#root')!.insertAdjacentHTML('beforeend', markup);
      },
      `<fq-forecast-chart ${connection(server)} series="FOODS_1_001_CA_1"></fq-forecast-chart>`,
    );
    await page.locator('fq-forecast-chart .apexcharts-series').first().waitFor({ timeout: 20_000 });
    const later = log.names().slice(2);
    assert.equal(later[0], 'forecast-chart');
    assert.ok(later.includes('apexcharts'), `requested after the chart appeared: ${later.join(', ')}`);
    assert.equal(log.names().filter((name) => name === 'core').length, 1, 'the shared core is requested once');
    assert.deepEqual(log.problems, []);
    await page.close();
  });

  test('a widget in a shadow root attached after load, and a whenDefined wait, load their widget', async () => {
    const page = await browser.newPage();
    const log = chunkLog(page);
    await page.goto(`${server.baseUrl}/`);
    await page.evaluate(
      (markup) => {
        const doc = (globalThis as unknown as { document: Document }).document;
        const host = doc.createElement('x-admin-card');
        doc.querySelector('#root')!.append(host);
        host.attachShadow({ mode: 'closed' }).innerHTML = markup;
        (globalThis as unknown as { shadowCard: Element }).shadowCard = host;
      },
      `<fq-accuracy ${connection(server)}></fq-accuracy>`,
    );
    await page.waitForFunction(() =>
      Boolean(
        (globalThis as unknown as { customElements: { get(n: string): unknown } }).customElements.get('fq-accuracy'),
      ),
    );
    assert.ok(log.names().includes('accuracy'));

    const waited = await page.evaluate(async () => {
      const registry = (globalThis as unknown as { customElements: CustomElementRegistry }).customElements;
      const constructor = await registry.whenDefined('fq-alerts');
      return constructor === registry.get('fq-alerts');
    });
    assert.equal(waited, true, 'whenDefined resolves with the class, with no <fq-alerts> on the page');
    assert.ok(log.names().includes('alerts'));
    assert.equal(log.names().includes('apexcharts'), false);
    assert.deepEqual(log.problems, []);
    await page.close();
  });

  test('a chunk that cannot be loaded: fq-error names the tag and the fix, and the next appearance loads it', async () => {
    const page = await browser.newPage();
    const log = chunkLog(page);
    await page.route(/\/widgets\/chunks\/stock-plan-/, (route) => route.abort('connectionrefused'));
    await page.goto(`${server.baseUrl}/`);
    const error = await page.evaluate(
      async (markup) => {
        const doc = (globalThis as unknown as { document: Document }).document;
        const failed = new Promise<{ code: string; message: string; tag: string }>((resolve) =>
          doc.addEventListener(
            'fq-error',
            (event) => {
              const { detail, target } = event as CustomEvent<{ code: string; message: string }>;
              resolve({ ...detail, tag: (target as Element).localName });
            },
            { once: true },
          ),
        );
        doc.querySelector('#root')!.innerHTML = markup;
        return failed;
      },
      `<fq-stock-plan ${connection(server)}></fq-stock-plan>`,
    );
    assert.equal(error.code, 'WIDGET_LOAD_FAILED');
    assert.equal(error.tag, 'fq-stock-plan');
    assert.match(error.message, /<fq-stock-plan> could not be loaded .*widgets\/chunks\/.*reload the page/);
    assert.equal(await defined(page, 'fq-stock-plan'), false);
    assert.ok(log.problems.some((text) => text.includes('ForecastQL: <fq-stock-plan> could not be loaded')));

    // The network is back: the tag's next appearance loads the widget.
    await page.unroute(/\/widgets\/chunks\/stock-plan-/);
    await page.evaluate(
      (markup) => {
        const doc = (globalThis as unknown as { document: Document }).document;
        doc.querySelector('#root')!.insertAdjacentHTML('beforeend', markup);
      },
      `<fq-stock-plan ${connection(server)}></fq-stock-plan>`,
    );
    await page.waitForFunction(() =>
      Boolean(
        (globalThis as unknown as { customElements: { get(n: string): unknown } }).customElements.get('fq-stock-plan'),
      ),
    );
    await page.close();
  });
});
