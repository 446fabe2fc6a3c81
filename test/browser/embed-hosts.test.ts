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
    // The legend and the zoom toolbar must not overlap.
    const overlap = await page.locator('fq-forecast-chart').evaluate((element) => {
      const root = element.shadowRoot!;
      const legend = root.querySelector('.apexcharts-legend')?.getBoundingClientRect();
      const toolbar = root.querySelector('.apexcharts-toolbar')?.getBoundingClientRect();
      if (!legend || !toolbar) return 'missing';
      const apart =
        legend.right <= toolbar.left ||
        toolbar.right <= legend.left ||
        legend.bottom <= toolbar.top ||
        toolbar.bottom <= legend.top;
      return apart ? 'apart' : `legend ${JSON.stringify(legend)} overlaps toolbar ${JSON.stringify(toolbar)}`;
    });
    assert.equal(overlap, 'apart');
    await screenshot(page, 'embed-phone-390');
    assert.deepEqual(await axeViolations(page), []);
    assert.deepEqual(problems, []);
    await page.close();
  });
});
