/**
 * <fq-accuracy> per series (issue 19 item 6) in real Chromium: against the REAL server (a Theta run
 * of 4 series), a `linked` widget follows the page's selection (`fq-series-change`) to the series'
 * own backtest, as `backtest(runId, seriesId)` answers it, and back to the dataset's for a group;
 * the `series` attribute in en and zh-CN, light and dark, with axe. Against the fixture API: a
 * series the run did not score shows the dataset's figure with a note.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { FIXTURE_SERIES } from './fixtures/fixture-data.js';
import { startRealServer, type RealServer } from '../helpers/real-server.js';
import { ensureBundle } from './helpers/bundle.js';
import { browserSkipReason, launchChromium } from './helpers/chromium.js';
import { connection, mountWidgets, screenshot, seriousAxeViolations } from './helpers/page.js';
import { startWidgetServer, type WidgetTestServer } from './helpers/widget-server.js';

const skip = browserSkipReason();
if (skip) process.stderr.write(`${skip}\n`);

interface Score {
  model: string;
  chosen: boolean;
  wape: number | null;
  coverage: number | null;
}

/** The percentage the widget shows: 1 − WAPE(chosen) / WAPE(seasonal naive), rounded. */
function expectedPercent(models: readonly Score[]): number {
  const chosen = models.find((m) => m.chosen)!;
  const snaive = models.find((m) => m.model === 'snaive')!;
  return Math.round((1 - chosen.wape! / snaive.wape!) * 100);
}

async function select(page: Page, detail: { seriesId: string | null; groupBy: string | null }): Promise<void> {
  // Another widget of the page announces a selection (as the chart's series picker does).
  await page.evaluate((d) => {
    const doc = (globalThis as unknown as { document: { body: EventTarget } }).document;
    doc.body.dispatchEvent(new CustomEvent('fq-series-change', { detail: d, bubbles: true, composed: true }));
  }, detail);
}

/** The headline for an improvement of `p` %, in en. */
const words = (p: number): RegExp =>
  p === 0
    ? /About as accurate/
    : new RegExp(`^${Math.abs(p)}% ${p > 0 ? 'more' : 'less'} accurate than repeating the same weekday`);

const scopeOf = (page: Page) => page.locator('fq-accuracy section[part="base"]').getAttribute('data-scope');

describe('<fq-accuracy> per series against the real server', { skip: skip ?? false }, () => {
  let browser: Browser;
  let real: RealServer;
  let server: WidgetTestServer;
  const own = new Map<string, Score[]>();
  let dataset: Score[] = [];

  before(async () => {
    ensureBundle();
    [real, browser] = await Promise.all([startRealServer({ model: 'theta' }), launchChromium()]);
    server = await startWidgetServer({}, real);
    const q = `query($runId: ID!, $seriesId: String) { backtest(runId: $runId, seriesId: $seriesId) { seriesId models { model chosen wape coverage } } }`;
    dataset = (await real.graphql<{ backtest: { models: Score[] } }>(q, { runId: real.runId })).backtest.models;
    for (const id of real.seriesIds) {
      const { backtest } = await real.graphql<{ backtest: { seriesId: string; models: Score[] } }>(q, {
        runId: real.runId,
        seriesId: id,
      });
      assert.equal(backtest.seriesId, id);
      own.set(id, backtest.models);
    }
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    await real?.stop();
  });

  test("every series has its own score, and they are not all the dataset's", () => {
    for (const [id, models] of own) {
      assert.deepEqual(
        models.map((m) => [m.model, m.chosen]),
        [
          ['theta', true],
          ['snaive', false],
        ],
        id,
      );
    }
    const percents = new Set([...own.values()].map(expectedPercent));
    assert.ok(percents.size > 1 || !percents.has(expectedPercent(dataset)), [...percents].join(', '));
  });

  test('linked: follows the selected series to its own accuracy, and a group back to the dataset', async () => {
    const [first, second] = real.seriesIds;
    const { page, problems } = await mountWidgets(
      browser,
      server,
      `<fq-accuracy linked ${connection(server)}></fq-accuracy>`,
    );
    const headline = page.locator('fq-accuracy [part="headline"]');
    await headline.waitFor({ timeout: 15_000 });
    assert.equal(await scopeOf(page), 'dataset');
    assert.match((await headline.textContent())?.trim() ?? '', words(expectedPercent(dataset)));

    for (const id of [first!, second!]) {
      await select(page, { seriesId: id, groupBy: null });
      await page.waitForFunction(
        (key) =>
          (globalThis as unknown as { document: Document }).document
            .querySelector('fq-accuracy')
            ?.shadowRoot?.querySelector('.subject')
            ?.textContent?.includes(key) ?? false,
        id,
        { timeout: 15_000 },
      );
      assert.equal(await scopeOf(page), 'series');
      assert.match((await headline.textContent())?.trim() ?? '', words(expectedPercent(own.get(id)!)));
      const coverage = Math.round(own.get(id)!.find((m) => m.chosen)!.coverage! * 100);
      assert.match(
        (await page.locator('fq-accuracy [part="coverage"]').textContent()) ?? '',
        new RegExp(`${coverage}% of the time`),
      );
      const rows = await page.locator('fq-accuracy [part="table"] tbody th').allTextContents();
      assert.deepEqual(rows, ['theta', 'snaive']);
      assert.equal(await page.locator('fq-accuracy [part="note"]').count(), 0);
    }
    assert.deepEqual(await seriousAxeViolations(page), []);
    await screenshot(page, 'real-accuracy-series');

    // A group total has no accuracy of its own: the dataset's figure again.
    await select(page, { seriesId: null, groupBy: 'store=CA_1' });
    await page.waitForFunction(
      () =>
        (globalThis as unknown as { document: Document }).document
          .querySelector('fq-accuracy')
          ?.shadowRoot?.querySelector('section')
          ?.getAttribute('data-scope') === 'dataset',
      undefined,
      { timeout: 15_000 },
    );
    assert.match((await headline.textContent())?.trim() ?? '', words(expectedPercent(dataset)));
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('an unlinked widget keeps its own scope', async () => {
    const { page } = await mountWidgets(browser, server, `<fq-accuracy ${connection(server)}></fq-accuracy>`);
    await page.locator('fq-accuracy [part="headline"]').waitFor({ timeout: 15_000 });
    await select(page, { seriesId: real.seriesIds[0]!, groupBy: null });
    await page.waitForTimeout(500);
    assert.equal(await scopeOf(page), 'dataset');
    await page.close();
  });

  for (const [locale, theme] of [
    ['zh-CN', 'light'],
    ['en', 'dark'],
  ] as const) {
    test(`the series attribute in ${locale}, ${theme}`, async () => {
      const id = real.seriesIds[2]!;
      const { page, problems } = await mountWidgets(
        browser,
        server,
        `<fq-accuracy series="${id}" locale="${locale}" theme="${theme}" ${connection(server)}></fq-accuracy>`,
        { colorScheme: theme },
      );
      const headline = page.locator('fq-accuracy [part="headline"]');
      await headline.waitFor({ timeout: 15_000 });
      assert.equal(await scopeOf(page), 'series');
      const subject = (await page.locator('fq-accuracy .subject').textContent())?.trim();
      assert.equal(subject, locale === 'zh-CN' ? `（${id}）` : `for ${id}`);
      const p = expectedPercent(own.get(id)!);
      const text = (await headline.textContent())?.trim() ?? '';
      if (locale === 'zh-CN') assert.match(text, p === 0 ? /准确度/ : new RegExp(`${Math.abs(p)}%`));
      else assert.match(text, new RegExp(`${Math.abs(p)}%`));
      assert.deepEqual(await seriousAxeViolations(page), []);
      await screenshot(page, `real-accuracy-series-${locale}-${theme}`);
      assert.deepEqual(problems, []);
      await page.close();
    });
  }
});

describe('<fq-accuracy> for a series the run did not score (fixture API)', { skip: skip ?? false }, () => {
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

  test("shows the dataset's figure with a note; a scored series shows its own", async () => {
    const { page, problems } = await mountWidgets(
      browser,
      server,
      `<fq-accuracy series="${FIXTURE_SERIES[1]!.id}" ${connection(server)}></fq-accuracy>`,
    );
    const note = page.locator('fq-accuracy [part="note"]');
    await note.waitFor({ timeout: 10_000 });
    assert.match((await note.textContent()) ?? '', new RegExp(`${FIXTURE_SERIES[1]!.id} has no accuracy of its own`));
    assert.equal(await scopeOf(page), 'dataset');
    // The dataset's: mlp WAPE 0.301 against seasonal naive 0.443.
    assert.match((await page.locator('fq-accuracy [part="headline"]').textContent()) ?? '', /^\s*32% more accurate/);
    assert.deepEqual(await seriousAxeViolations(page), []);
    await screenshot(page, 'accuracy-series-not-scored');

    await page.locator('fq-accuracy').evaluate((el, id) => el.setAttribute('series', id), FIXTURE_SERIES[0]!.id);
    await page.locator('fq-accuracy .subject').waitFor({ timeout: 10_000 });
    // The series' own: mlp WAPE 0.52 against seasonal naive 0.47: 11% less accurate.
    assert.match((await page.locator('fq-accuracy [part="headline"]').textContent()) ?? '', /^\s*11% less accurate/);
    assert.equal(await note.count(), 0);
    assert.deepEqual(problems, []);
    await page.close();
  });
});
