/**
 * The widgets embedded as real shop admins embed them, against the REAL server (a seeded, trained
 * SQLite server in a child process, test/helpers/real-server.ts), from ANOTHER ORIGIN: the host
 * pages come from a second local server on its own port (helpers/host-server.ts) and load the bundle
 * from the API server, so CORS is exercised for the bundle and for /graphql alike.
 *
 * - the README's embed snippet, copied verbatim out of README.md (only its placeholders filled in);
 * - a host origin missing from FORECASTQL_CORS_ORIGINS (the widget names the setting, the server
 *   logs the origin);
 * - a host component's shadow root;
 * - a 390 px phone viewport without sideways scrolling;
 * - zh-CN with no English text left (a walk over every rendered text node);
 * - keyboard-only zoom, pan, reset and the "show as table" toggle;
 * - axe-core without violations.
 *
 * Screenshots of each host go to test-artifacts/embed-*.png. The Vue 3 and React 19 hosts are in
 * framework-hosts.test.ts.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
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

/** The README's embed snippet (Authentication → Embed tokens), exactly as printed there. */
async function readmeEmbedSnippet(): Promise<string> {
  const readme = await readFile(`${REPO_ROOT}README.md`, 'utf8');
  const match = /```html\n((?:[ ]*)<!-- your admin page[^\n]*\n(?:.*\n)*?)[ ]*```/.exec(readme);
  assert.ok(match, 'README.md has the "your admin page" embed snippet');
  return match[1]!
    .split('\n')
    .map((line) => line.replace(/^ {2}/, ''))
    .join('\n');
}

function hostPage(body: string, options: { lang?: string; title?: string } = {}): string {
  return `<!doctype html>
<html lang="${options.lang ?? 'en'}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${options.title ?? 'Shop admin'}</title>
<style>body{font-family:system-ui,sans-serif;margin:12px} fq-forecast-chart,fq-accuracy,fq-feature-importance,fq-training-runs{margin-bottom:12px}</style>
</head><body><main>
<h1>${options.title ?? 'Shop admin'}</h1>
${body}
</main></body></html>`;
}

async function chartReady(page: Page): Promise<void> {
  await page.locator('fq-forecast-chart .apexcharts-series').first().waitFor({ timeout: 20_000 });
  await page
    .locator('fq-forecast-chart')
    .first()
    .evaluate((element) => (element as unknown as { chartUpdateComplete: Promise<void> }).chartUpdateComplete);
}

/** Console errors and page errors, but not the browser's own CORS/network lines of a refusal test. */
function collectProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  return problems;
}

/**
 * Every text a user can see or hear in the widgets: text nodes of every shadow root (SVG included)
 * and aria-label, placeholder and title attributes. A string, so that no compiled helper leaks in.
 */
const WIDGET_TEXTS = `(() => {
  const texts = [];
  const walk = (node) => {
    if (node.nodeType === 3) {
      const text = (node.nodeValue || '').trim();
      if (text) texts.push(text);
      return;
    }
    if (node.localName === 'style' || node.localName === 'script') return;
    for (const attribute of ['aria-label', 'placeholder', 'title']) {
      const value = node.getAttribute && node.getAttribute(attribute);
      if (value) texts.push(value);
    }
    if (node.shadowRoot) walk(node.shadowRoot);
    for (const child of node.childNodes) walk(child);
  };
  for (const widget of document.querySelectorAll('fq-forecast-chart, fq-accuracy, fq-feature-importance, fq-training-runs')) {
    walk(widget.shadowRoot);
  }
  return texts;
})()`;

/** axe-core over the whole page, shadow roots included: every violation, whatever its impact. */
async function axeViolations(page: Page): Promise<string[]> {
  const { createRequire } = await import('node:module');
  const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
  await page.addScriptTag({ path: axePath });
  return page.evaluate(async () => {
    const axe = (
      globalThis as unknown as {
        axe: {
          run(
            context: unknown,
            options: unknown,
          ): Promise<{ violations: { id: string; impact: string | null; nodes: { target: unknown }[] }[] }>;
        };
      }
    ).axe;
    const result = await axe.run((globalThis as unknown as { document: unknown }).document, {
      resultTypes: ['violations'],
    });
    return result.violations.map(
      (violation) =>
        `${violation.id} (${violation.impact}): ${violation.nodes.map((node) => JSON.stringify(node.target)).join(', ')}`,
    );
  });
}

describe('widgets embedded by hosts on another origin (real server)', { skip: skip ?? false }, () => {
  let browser: Browser;
  let real: RealServer;
  let host: HostServer;

  before(async () => {
    ensureBundle();
    host = await startHostServer();
    [real, browser] = await Promise.all([
      startRealServer({ model: 'theta', corsOrigins: [host.origin] }),
      launchChromium(),
    ]);
  });

  after(async () => {
    await browser?.close();
    await host?.close();
    await real?.stop();
  });

  /** All four widgets of the README's Widgets section, as a host on another origin writes them. */
  function allWidgets(attributes = ''): string {
    const connection = `endpoint="${real.graphqlUrl}" token="${real.embedToken}" dataset-id="${real.datasetId}" ${attributes}`;
    return `<script type="module" src="${real.url}/widgets/forecastql.js"></script>
<fq-forecast-chart ${connection} series="${real.seriesIds[0]}"></fq-forecast-chart>
<fq-accuracy ${connection}></fq-accuracy>
<fq-feature-importance ${connection}></fq-feature-importance>
<fq-training-runs ${connection}></fq-training-runs>`;
  }

  test("the README's embed snippet, verbatim, works on another origin", async () => {
    const snippet = await readmeEmbedSnippet();
    assert.match(snippet, /<script type="module" src="https:\/\/your-api\/widgets\/forecastql\.js"><\/script>/);
    const filled = snippet
      .replaceAll('https://your-api', real.url)
      .replace('<token from createEmbedToken>', real.embedToken)
      .replace('dataset-id="1"', `dataset-id="${real.datasetId}"`);
    host.page('/readme.html', hostPage(filled));
    const page = await browser.newPage({ viewport: { width: 1100, height: 800 } });
    const problems = collectProblems(page);
    const bundleResponse = page.waitForResponse((response) => response.url().endsWith('/widgets/forecastql.js'));
    await page.goto(`${host.origin}/readme.html`);
    const response = await bundleResponse;
    assert.equal(response.status(), 200);
    const headers = response.headers();
    assert.equal(headers['access-control-allow-origin'], '*');
    assert.equal(headers['content-encoding'], 'br', 'Chromium asks for brotli and gets it');
    assert.ok(headers['etag']);
    await chartReady(page);
    const rows = await page.locator('fq-forecast-chart table[part="table"] tbody tr').count();
    assert.ok(rows > 100, `${rows} rows of real data`);
    await screenshot(page, 'embed-readme-snippet');
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('an origin missing from FORECASTQL_CORS_ORIGINS: the widget says so, the server logs it', async () => {
    host.page('/refused.html', hostPage(allWidgets()));
    const page = await browser.newPage({ viewport: { width: 1100, height: 800 } });
    await page.goto(`${host.otherOrigin}/refused.html`);
    const alert = page.locator('fq-forecast-chart [role="alert"]');
    await alert.waitFor({ timeout: 15_000 });
    assert.equal(await alert.getAttribute('data-code'), 'CORS_REFUSED');
    const text = (await alert.textContent()) ?? '';
    assert.match(text, /FORECASTQL_CORS_ORIGINS/);
    assert.match(text, new RegExp(host.otherOrigin.replaceAll('.', '\\.')));
    assert.match(
      real.stderr(),
      new RegExp(`refused a browser request from ${host.otherOrigin.replaceAll('.', '\\.')}`),
    );
    await screenshot(page, 'embed-cors-refused');
    await page.close();
  });

  test("inside a host component's shadow root on another origin", async () => {
    const markup = allWidgets().split('\n').slice(1).join('');
    host.page(
      '/shadow.html',
      hostPage(`<script type="module" src="${real.url}/widgets/forecastql.js"></script>
<x-admin-card></x-admin-card>
<script>
  customElements.define('x-admin-card', class extends HTMLElement {
    connectedCallback() {
      this.attachShadow({ mode: 'open' }).innerHTML = '<h2>Admin card</h2>' + ${JSON.stringify(markup)};
    }
  });
</script>`),
    );
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    const problems = collectProblems(page);
    await page.goto(`${host.origin}/shadow.html`);
    await chartReady(page);
    await page.locator('fq-feature-importance li, fq-feature-importance tr').first().waitFor({ timeout: 15_000 });
    await page.locator('fq-training-runs tbody tr').first().waitFor({ timeout: 15_000 });
    const inShadow = await page
      .locator('x-admin-card')
      .evaluate((element) => element.shadowRoot?.querySelectorAll('fq-forecast-chart').length ?? 0);
    assert.equal(inShadow, 1);
    await screenshot(page, 'embed-shadow-root');
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('a 390 px phone: no sideways scrolling, and axe finds nothing', async () => {
    host.page('/phone.html', hostPage(allWidgets()));
    const page = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const problems = collectProblems(page);
    await page.goto(`${host.origin}/phone.html`);
    await chartReady(page);
    await page.locator('fq-training-runs tbody tr').first().waitFor({ timeout: 15_000 });
    await page.locator('fq-accuracy [part="headline"]').first().waitFor({ timeout: 15_000 });
    const widths = await page.evaluate(() => {
      const doc = (
        globalThis as unknown as {
          document: {
            scrollingElement: { scrollWidth: number; clientWidth: number };
            querySelectorAll(
              selector: string,
            ): ArrayLike<{ localName: string; getBoundingClientRect(): { right: number } }>;
          };
        }
      ).document;
      return {
        scrollWidth: doc.scrollingElement.scrollWidth,
        clientWidth: doc.scrollingElement.clientWidth,
        widgets: Array.from(
          doc.querySelectorAll('fq-forecast-chart, fq-accuracy, fq-feature-importance, fq-training-runs'),
        ).map((element) => `${element.localName}:${Math.round(element.getBoundingClientRect().right)}`),
      };
    });
    assert.ok(
      widths.scrollWidth <= widths.clientWidth,
      `page scrolls sideways: ${widths.scrollWidth} > ${widths.clientWidth} (${widths.widgets.join(', ')})`,
    );
    // The legend, the zoom buttons and the "Forecast starts" label must not overlap.
    const overlap = await page.locator('fq-forecast-chart').evaluate((element) => {
      const root = element.shadowRoot!;
      type Box = { left: number; right: number; top: number; bottom: number };
      const boxes: [string, Box | undefined][] = [
        ['legend', root.querySelector('.apexcharts-legend')?.getBoundingClientRect()],
        ['buttons', root.querySelector('[part="chart-tools"]')?.getBoundingClientRect()],
        [
          'start label',
          (
            Array.from(root.querySelectorAll('.apexcharts-xaxis-annotations rect')) as {
              getBoundingClientRect(): Box;
            }[]
          )
            .at(-1)
            ?.getBoundingClientRect(),
        ],
      ];
      const missing = boxes.filter(([, box]) => !box).map(([name]) => name);
      if (missing.length) return `missing ${missing.join(', ')}`;
      const clashes: string[] = [];
      for (let i = 0; i < boxes.length; i++)
        for (let j = i + 1; j < boxes.length; j++) {
          const a = boxes[i]![1]!;
          const b = boxes[j]![1]!;
          if (!(a.right <= b.left || b.right <= a.left || a.bottom <= b.top || b.bottom <= a.top))
            clashes.push(`${boxes[i]![0]} overlaps ${boxes[j]![0]}`);
        }
      return clashes.length ? clashes.join('; ') : 'apart';
    });
    assert.equal(overlap, 'apart');
    await screenshot(page, 'embed-phone-390');
    assert.deepEqual(await axeViolations(page), []);
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('zh-CN: no English text left in any widget, dates in Chinese order', async () => {
    host.page('/zh.html', hostPage(allWidgets('locale="zh-CN"'), { lang: 'zh-CN', title: '店铺后台' }));
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 }, locale: 'zh-CN' });
    const problems = collectProblems(page);
    await page.goto(`${host.origin}/zh.html`);
    await chartReady(page);
    await page.locator('fq-training-runs tbody tr').first().waitFor({ timeout: 15_000 });
    await page.locator('fq-accuracy [part="headline"]').first().waitFor({ timeout: 15_000 });
    await page.locator('fq-feature-importance li').first().waitFor({ timeout: 15_000 });
    // Identifiers that are data, not words: series ids, model names, metric and file-format acronyms.
    const allowed = real.seriesIds.concat(
      ['FOODS', 'TOYS', 'S1', 'S2'],
      ['THETA', 'theta', 'croston', 'snaive', 'naive', 'ses', 'tsb', 'AUTO'],
      ['MASE', 'WAPE', 'CSV', 'PNG', 'SVG', 'p10', 'p50', 'p90', 'API', 'Shift'],
    );
    const english = ((await page.evaluate(WIDGET_TEXTS)) as string[])
      .map((text) => allowed.reduce((rest, token) => rest.replaceAll(token, ' '), text))
      .filter((text) => /[A-Za-z]{2,}/.test(text));
    assert.deepEqual(english, []);
    const xLabels = await page
      .locator('fq-forecast-chart .apexcharts-xaxis-label tspan')
      .evaluateAll((nodes) => nodes.map((node) => node.textContent ?? ''));
    assert.ok(
      xLabels.length > 0 && xLabels.every((label) => /^(\d{4}年(\d{1,2}月)?|\d{1,2}月\d{1,2}日)$/.test(label)),
      xLabels.join(' | '),
    );
    await screenshot(page, 'embed-zh-cn');
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('switching locale at run time re-renders the axes', async () => {
    host.page('/switch.html', hostPage(allWidgets().split('\n').slice(0, 2).join('\n')));
    const page = await browser.newPage({ viewport: { width: 1100, height: 800 } });
    await page.goto(`${host.origin}/switch.html`);
    await chartReady(page);
    const labels = () =>
      page
        .locator('fq-forecast-chart .apexcharts-xaxis-label')
        .evaluateAll((nodes) => nodes.map((node) => node.textContent ?? '').join(' '));
    assert.match(await labels(), /[A-Z][a-z]{2}/, 'English month names first');
    await page.locator('fq-forecast-chart').evaluate((element) => element.setAttribute('locale', 'zh-CN'));
    await page.waitForFunction(
      () => {
        const chart = (
          globalThis as unknown as {
            document: {
              querySelector(s: string): {
                shadowRoot: { querySelectorAll(s: string): ArrayLike<{ textContent: string | null }> };
              };
            };
          }
        ).document.querySelector('fq-forecast-chart');
        const texts = Array.from(chart.shadowRoot.querySelectorAll('.apexcharts-xaxis-label')).map(
          (n) => n.textContent ?? '',
        );
        return texts.length > 0 && texts.every((text) => /[年月日]/.test(text));
      },
      undefined,
      { timeout: 10_000 },
    );
    assert.doesNotMatch(await labels(), /[A-Z][a-z]{2}/);
    await page.close();
  });

  test('keyboard only: zoom, pan, reset, read points and show the table', async () => {
    host.page('/keyboard.html', hostPage(allWidgets().split('\n').slice(0, 2).join('\n')));
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    const problems = collectProblems(page);
    await page.goto(`${host.origin}/keyboard.html`);
    await chartReady(page);
    await page.evaluate(() => {
      const log: unknown[] = [];
      (globalThis as unknown as { ranges: unknown[] }).ranges = log;
      (
        globalThis as unknown as {
          document: { addEventListener(t: string, l: (e: { detail: unknown }) => void): void };
        }
      ).document.addEventListener('fq-range-change', (event) => log.push(event.detail));
    });
    const focused = () =>
      page.evaluate(() => {
        let element = (
          globalThis as unknown as {
            document: {
              activeElement: {
                shadowRoot?: { activeElement: unknown } | null;
                getAttribute(n: string): string | null;
              } | null;
            };
          }
        ).document.activeElement;
        while (element?.shadowRoot?.activeElement) element = element.shadowRoot.activeElement as typeof element;
        return element?.getAttribute('part') ?? null;
      });
    /** Presses Tab until the element with `part` has focus (at most 40 times). */
    const tabTo = async (part: string): Promise<void> => {
      for (let i = 0; i < 40; i++) {
        if ((await focused()) === part) return;
        await page.keyboard.press('Tab');
      }
      assert.fail(`Tab never reached [part=${part}]`);
    };
    const ranges = () =>
      page.evaluate(() => (globalThis as unknown as { ranges: { from: string | null; to: string | null }[] }).ranges);
    await tabTo('zoom-in');
    await page.keyboard.press('Enter');
    const zoomed = (await ranges()).at(-1)!;
    assert.ok(zoomed.from && zoomed.to, `zoomed to ${JSON.stringify(zoomed)}`);
    await tabTo('pan-left');
    await page.keyboard.press('Enter');
    const panned = (await ranges()).at(-1)!;
    assert.ok(panned.from! < zoomed.from!, `panned earlier: ${panned.from} < ${zoomed.from}`);
    await tabTo('reset-zoom');
    await page.keyboard.press('Enter');
    assert.deepEqual((await ranges()).at(-1), { from: null, to: null });
    await tabTo('table-toggle');
    await page.keyboard.press('Space');
    const table = page.locator('fq-forecast-chart table[part="table"]');
    assert.equal(await table.getAttribute('class'), 'data-table');
    assert.ok(((await table.boundingBox())?.height ?? 0) > 100, 'the table is on screen');
    assert.equal(await page.locator('fq-forecast-chart [part="table-toggle"]').getAttribute('aria-pressed'), 'true');
    await tabTo('chart');
    await page.keyboard.press('+');
    assert.ok((await ranges()).at(-1)!.from, '+ zooms in');
    await page.keyboard.press('ArrowRight');
    const readout = page.locator('fq-forecast-chart [part="readout"]');
    assert.match((await readout.textContent()) ?? '', /Actual sales [\d,.]+/);
    await page.keyboard.press('0');
    assert.deepEqual((await ranges()).at(-1), { from: null, to: null }, '0 resets');
    await screenshot(page, 'embed-keyboard-table');
    assert.deepEqual(await axeViolations(page), []);
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('read-only token: no "Start training" but a note; an admin key brings the button back', async () => {
    host.page(
      '/runs.html',
      hostPage(
        allWidgets()
          .split('\n')
          .filter((line) => !line.includes('<fq-') || line.includes('fq-training-runs'))
          .join('\n'),
      ),
    );
    const page = await browser.newPage({ viewport: { width: 1100, height: 600 } });
    await page.goto(`${host.origin}/runs.html`);
    const runs = page.locator('fq-training-runs');
    await runs.locator('tbody tr').first().waitFor({ timeout: 15_000 });
    assert.equal(await runs.locator('[part="start-button"]').count(), 0);
    assert.match((await runs.locator('[part="read-only-note"]').textContent()) ?? '', /admin API key/);
    assert.match((await runs.locator('tbody tr').first().textContent()) ?? '', /THETA/);
    await runs.evaluate((element, key) => element.setAttribute('token', key), real.token);
    await runs.locator('[part="start-button"]').waitFor({ timeout: 10_000 });
    assert.equal(await runs.locator('[part="read-only-note"]').count(), 0);
    await page.close();
  });

  test('MONTH: the straddling month shows what was sold so far, and the forecast point is drawn', async () => {
    host.page('/month.html', hostPage(allWidgets('bucket="MONTH"').split('\n').slice(0, 2).join('\n')));
    const page = await browser.newPage({ viewport: { width: 1100, height: 800 } });
    const problems = collectProblems(page);
    await page.goto(`${host.origin}/month.html`);
    await chartReady(page);
    const rows = await page
      .locator('fq-forecast-chart table[part="table"] tbody tr')
      .evaluateAll((nodes) => nodes.map((node) => (node.textContent ?? '').replace(/\s+/g, ' ').trim()));
    const straddling = rows.find((row) => row.includes('Sold so far'));
    assert.ok(straddling, rows.join('\n'));
    const markers = await page.locator('fq-forecast-chart .apexcharts-series-markers .apexcharts-marker').count();
    assert.ok(markers >= 1, `${markers} forecast markers`);
    await screenshot(page, 'embed-month');
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('a succeeded run announced on the page makes the other widgets load again', async () => {
    host.page('/refresh.html', hostPage(allWidgets()));
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    await page.goto(`${host.origin}/refresh.html`);
    await chartReady(page);
    await page.evaluate(() => {
      const counts = { loads: 0 };
      (globalThis as unknown as { counts: typeof counts }).counts = counts;
      (
        globalThis as unknown as { document: { addEventListener(t: string, l: () => void): void } }
      ).document.addEventListener('fq-load', () => counts.loads++);
    });
    const requests: string[] = [];
    page.on('request', (request) => {
      const body = request.postData() ?? '';
      const name = /(?:query|mutation)\s+(\w+)/.exec(body)?.[1];
      if (name) requests.push(name);
    });
    await page.evaluate((datasetId) => {
      const doc = (globalThis as unknown as { document: { dispatchEvent(e: unknown): void } }).document;
      doc.dispatchEvent(
        new CustomEvent('fq-run-update', { detail: { runId: '99', datasetId, status: 'SUCCEEDED', fraction: 1 } }),
      );
    }, real.datasetId);
    await page.waitForFunction(
      () => (globalThis as unknown as { counts: { loads: number } }).counts.loads >= 1,
      undefined,
      { timeout: 15_000 },
    );
    assert.ok(requests.includes('WidgetForecast'), requests.join(', '));
    assert.ok(
      requests.includes('WidgetBacktest') || requests.some((name) => name.startsWith('WidgetLatestRun')),
      requests.join(', '),
    );
    await page.close();
  });

  test('without `endpoint` the widgets call the API that served the bundle, never the host page', async () => {
    host.page(
      '/no-endpoint.html',
      hostPage(`<script type="module" src="${real.url}/widgets/forecastql.js"></script>
<fq-forecast-chart token="${real.embedToken}" dataset-id="${real.datasetId}" series="${real.seriesIds[0]}"></fq-forecast-chart>`),
    );
    const page = await browser.newPage({ viewport: { width: 1100, height: 800 } });
    const posts: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'POST') posts.push(request.url());
    });
    await page.goto(`${host.origin}/no-endpoint.html`);
    await chartReady(page);
    assert.ok(posts.length > 0);
    assert.deepEqual(
      posts.filter((url) => url !== `${real.url}/graphql`),
      [],
      'every request went to the API that served the bundle',
    );
    await page.close();
  });

  test('the old `dataset` attribute still works, with a deprecation warning', async () => {
    host.page(
      '/legacy.html',
      hostPage(`<script type="module" src="${real.url}/widgets/forecastql.js"></script>
<fq-forecast-chart endpoint="${real.graphqlUrl}" token="${real.embedToken}" dataset="${real.datasetId}" series="${real.seriesIds[0]}"></fq-forecast-chart>`),
    );
    const page = await browser.newPage({ viewport: { width: 1100, height: 800 } });
    const warnings: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'warning') warnings.push(message.text());
    });
    await page.goto(`${host.origin}/legacy.html`);
    await chartReady(page);
    assert.equal(
      await page
        .locator('fq-forecast-chart')
        .evaluate((element) => (element as unknown as { datasetId: string }).datasetId),
      real.datasetId,
    );
    assert.ok(
      warnings.some((text) => /"dataset" attribute is deprecated; use dataset-id=/.test(text)),
      warnings.join('\n'),
    );
    await page.close();
  });
});
