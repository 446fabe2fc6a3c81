/**
 * <fq-explanation> (issue 19 item 4) in real Chromium. Against the REAL server (a Theta run of 4
 * series): the drivers of a forecast point as `explainForecast` gives them, largest first with
 * their sign; `linked` to the chart, whose keyboard cursor on a forecast point (`fq-point-select`)
 * picks the point explained; zh-CN dark; axe. Against the fixture API: the planted drivers read
 * "Black Friday +38, Price +12, Weekday pattern −5", and the states before a point is picked.
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

interface Effect {
  feature: string;
  label: string;
  effect: number;
}

const EXPLAIN = `query($runId: ID!, $seriesId: String!, $date: String!) {
  explainForecast(runId: $runId, seriesId: $seriesId, date: $date) { forecast effects { feature label effect } }
}`;

/** What the widget lists: [feature, signed whole units], largest absolute effect first (ties by label). */
function expected(effects: readonly Effect[]): [string, string][] {
  return effects
    .toSorted((a, b) => Math.abs(b.effect) - Math.abs(a.effect) || a.label.localeCompare(b.label))
    .map((e) => {
      const amount = Math.round(Math.abs(e.effect));
      const sign = amount === 0 ? '' : e.effect > 0 ? '+' : '\u2212';
      return [e.feature, `${sign}${amount.toLocaleString('en')}`];
    });
}

/** The chart tooltip's line for a point: the 3 largest effects that round to a unit or more, with sign. */
function expectedWhy(effects: readonly Effect[]): string {
  const top = effects
    .toSorted((a, b) => Math.abs(b.effect) - Math.abs(a.effect) || a.label.localeCompare(b.label))
    .filter((e) => Math.round(Math.abs(e.effect)) !== 0)
    .slice(0, 3)
    .map((e) => `${e.label} ${e.effect > 0 ? '+' : '\u2212'}${Math.round(Math.abs(e.effect)).toLocaleString('en')}`);
  return `Why: ${top.join(', ')}`;
}

/** The dates of the `explainForecast` requests the page sent. */
function explainRequests(page: Page): string[] {
  const dates: string[] = [];
  page.on('request', (request) => {
    const body = request.postData() ?? '';
    if (!body.includes('explainForecast')) return;
    const { variables } = JSON.parse(body) as { variables: { date: string } };
    dates.push(variables.date);
  });
  return dates;
}

/** Requests for the latest run (`WidgetLatestRun`): the chart needs none, its forecast names its run. */
function latestRunRequests(page: Page): string[] {
  const asked: string[] = [];
  page.on('request', (request) => {
    if ((request.postData() ?? '').includes('WidgetLatestRun')) asked.push(request.url());
  });
  return asked;
}

/**
 * Hovers the chart's plot area at a fraction of its width; resolves with the tooltip shown. A chart
 * still drawing when the pointer arrives (a loaded machine: once in a full `npm test` run beside
 * benchmarks) shows no tooltip until the pointer moves again, so it moves again, three times at most.
 */
async function hoverChart(page: Page, fraction: number): Promise<ReturnType<Page['locator']>> {
  const tooltip = page.locator('fq-forecast-chart .apexcharts-tooltip.apexcharts-active');
  for (let attempt = 1; ; attempt++) {
    const box = await page.locator('fq-forecast-chart .apexcharts-grid').first().boundingBox();
    assert.ok(box, 'the plot area has a box');
    await page.mouse.move(box.x + box.width * (fraction - 0.01), box.y + box.height * 0.5);
    await page.mouse.move(box.x + box.width * fraction, box.y + box.height * 0.55);
    try {
      await tooltip.waitFor({ state: 'visible', timeout: 5000 });
      return tooltip;
    } catch (error) {
      if (attempt >= 3) throw error;
    }
  }
}

async function shown(page: Page): Promise<[string, string][]> {
  return page
    .locator('fq-explanation [part="driver"]')
    .evaluateAll((items) =>
      items.map((li) => [
        li.getAttribute('data-feature') ?? '',
        (li.querySelector('.amount')?.textContent ?? '').trim(),
      ]),
    ) as Promise<[string, string][]>;
}

async function settled(page: Page): Promise<void> {
  await page.waitForFunction(
    () => {
      const root = (globalThis as unknown as { document: Document }).document.querySelector(
        'fq-explanation',
      )?.shadowRoot;
      return !!root?.querySelector('[part="forecast"]') || !!root?.querySelector('[part="error"]');
    },
    undefined,
    { timeout: 30_000 },
  );
}

describe('<fq-explanation> against the real server', { skip: skip ?? false }, () => {
  let browser: Browser;
  let real: RealServer;
  let server: WidgetTestServer;
  let seriesId: string;
  let forecastDates: string[] = [];

  before(async () => {
    ensureBundle();
    [real, browser] = await Promise.all([startRealServer({ model: 'theta' }), launchChromium()]);
    server = await startWidgetServer({}, real);
    seriesId = real.seriesIds[0]!;
    const { forecast } = await real.graphql<{ forecast: { points: { date: string; actual: number | null }[] } }>(
      `query($d: ID!, $s: String) { forecast(datasetId: $d, seriesId: $s) { points { date actual } } }`,
      { d: real.datasetId, s: seriesId },
    );
    forecastDates = forecast.points.filter((p) => p.actual === null).map((p) => p.date.slice(0, 10));
    assert.ok(forecastDates.length > 1, `${forecastDates.length} forecast dates`);
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    await real?.stop();
  });

  const explain = async (date: string): Promise<{ forecast: number; effects: Effect[] }> =>
    (
      await real.graphql<{ explainForecast: { forecast: number; effects: Effect[] } }>(EXPLAIN, {
        runId: real.runId,
        seriesId,
        date,
      })
    ).explainForecast;

  test('lists the drivers of a point as explainForecast gives them, largest first, with sign', async () => {
    const date = forecastDates[0]!;
    const api = await explain(date);
    const { page, problems } = await mountWidgets(
      browser,
      server,
      `<fq-explanation series="${seriesId}" date="${date}" ${connection(server)}></fq-explanation>`,
    );
    await settled(page);
    assert.deepEqual(await shown(page), expected(api.effects));
    assert.match(
      (await page.locator('fq-explanation [part="forecast"]').textContent()) ?? '',
      new RegExp(`Forecast: ${api.forecast.toLocaleString('en', { maximumFractionDigits: 1 }).replace('.', '\\.')}`),
    );
    assert.match((await page.locator('fq-explanation h2').textContent()) ?? '', new RegExp(seriesId));
    assert.deepEqual(await seriousAxeViolations(page), []);
    await screenshot(page, 'real-explanation');
    assert.deepEqual(problems, []);
    await page.close();
  });

  test("linked: the chart's keyboard cursor on a forecast point picks the point explained", async () => {
    const { page, problems } = await mountWidgets(
      browser,
      server,
      `<fq-forecast-chart series="${seriesId}" ${connection(server)}></fq-forecast-chart>
       <fq-explanation linked ${connection(server)}></fq-explanation>`,
    );
    await page.locator('fq-forecast-chart .apexcharts-series').first().waitFor({ timeout: 20_000 });
    assert.equal(await page.locator('fq-explanation [part="driver"]').count(), 0, 'no point picked yet');
    await page.locator('fq-forecast-chart [part="chart"]').focus();
    // From no cursor, ← goes to the last point shown: the last forecast date.
    await page.keyboard.press('ArrowLeft');
    const last = forecastDates.at(-1)!;
    await settled(page);
    assert.equal(await page.locator('fq-explanation').getAttribute('date'), null, 'a property, not an attribute');
    assert.equal(await page.locator('fq-explanation').evaluate((el) => (el as unknown as { date: string }).date), last);
    assert.deepEqual(await shown(page), expected((await explain(last)).effects));
    // ← again: the day before, explained in its turn.
    await page.keyboard.press('ArrowLeft');
    const previous = forecastDates.at(-2)!;
    await page.waitForFunction(
      (d) =>
        (
          (globalThis as unknown as { document: Document }).document.querySelector('fq-explanation') as unknown as {
            date: string;
          }
        ).date === d,
      previous,
      { timeout: 10_000 },
    );
    await settled(page);
    await page.waitForTimeout(300);
    assert.deepEqual(await shown(page), expected((await explain(previous)).effects));
    assert.deepEqual(await seriousAxeViolations(page), []);
    await screenshot(page, 'real-explanation-linked');
    assert.deepEqual(problems, []);
    await page.close();
  });

  test("the chart's tooltip names the drivers explainForecast gives for the hovered forecast day, fetched on first hover only", async () => {
    const { page, problems } = await mountWidgets(
      browser,
      server,
      `<fq-forecast-chart series="${seriesId}" ${connection(server)}></fq-forecast-chart>`,
    );
    const asked = explainRequests(page);
    const latestRun = latestRunRequests(page);
    await page.locator('fq-forecast-chart .apexcharts-series').first().waitFor({ timeout: 20_000 });
    await page.waitForTimeout(300);
    assert.equal(asked.length, 0, 'nothing is explained before a hover');
    // A history point (the left end): no explanation slot, nothing asked.
    const history = await hoverChart(page, 0.05);
    assert.equal(await history.locator('.fq-tooltip-why').count(), 0, 'no explanation for history');
    assert.equal(asked.length, 0, `asked ${asked.join(', ')}`);
    // The right end: a forecast day.
    const tooltip = await hoverChart(page, 0.98);
    const slot = tooltip.locator('.fq-tooltip-why');
    const date = await slot.getAttribute('data-date');
    assert.ok(date && forecastDates.includes(date), `hovered forecast day ${date}`);
    const why = expectedWhy((await explain(date)).effects);
    assert.notEqual(why, 'Why: ', `the run explains ${date} with at least one driver`);
    await page.waitForFunction(
      ([d, text]) =>
        (globalThis as unknown as { document: Document }).document
          .querySelector('fq-forecast-chart')
          ?.shadowRoot?.querySelector(`.apexcharts-tooltip .fq-tooltip-why[data-date="${d}"]`)?.textContent === text,
      [date, why] as const,
      { timeout: 30_000 },
    );
    // Hovering it again is answered from the cache: each day is asked at most once.
    await hoverChart(page, 0.5);
    await hoverChart(page, 0.98);
    assert.match((await tooltip.textContent()) ?? '', new RegExp(why.replace(/[+]/g, '\\+')));
    assert.ok(asked.includes(date), `asked ${asked.join(', ')}`);
    assert.equal(new Set(asked).size, asked.length, `each day asked once: ${asked.join(', ')}`);
    assert.equal(latestRun.length, 0, 'the forecast answer names its run: no request for the latest run');
    assert.deepEqual(await seriousAxeViolations(page), []);
    await screenshot(page, 'real-forecast-chart-tooltip-why');
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('the keyboard readout adds the explanation of the forecast day under the cursor', async () => {
    const { page, problems } = await mountWidgets(
      browser,
      server,
      `<fq-forecast-chart series="${seriesId}" ${connection(server)}></fq-forecast-chart>`,
    );
    await page.locator('fq-forecast-chart .apexcharts-series').first().waitFor({ timeout: 20_000 });
    await page.locator('fq-forecast-chart [part="chart"]').focus();
    await page.keyboard.press('ArrowLeft');
    const last = forecastDates.at(-1)!;
    const why = expectedWhy((await explain(last)).effects);
    const readout = page.locator('fq-forecast-chart [part="readout"]');
    await page.waitForFunction(
      (text) =>
        (
          (globalThis as unknown as { document: Document }).document
            .querySelector('fq-forecast-chart')
            ?.shadowRoot?.querySelector('[part="readout"]')?.textContent ?? ''
        ).includes(text),
      why,
      { timeout: 30_000 },
    );
    assert.equal(await readout.getAttribute('aria-live'), 'polite');
    // ← again: the day before, with its own explanation.
    await page.keyboard.press('ArrowLeft');
    const previous = expectedWhy((await explain(forecastDates.at(-2)!)).effects);
    await page.waitForFunction(
      (text) =>
        (
          (globalThis as unknown as { document: Document }).document
            .querySelector('fq-forecast-chart')
            ?.shadowRoot?.querySelector('[part="readout"]')?.textContent ?? ''
        ).includes(text),
      previous,
      { timeout: 30_000 },
    );
    assert.deepEqual(await seriousAxeViolations(page), []);
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('zh-CN: the tooltip explains in Chinese; a group total explains nothing', async () => {
    const { page, problems } = await mountWidgets(
      browser,
      server,
      `<fq-forecast-chart series="${seriesId}" locale="zh-CN" theme="dark" ${connection(server)}></fq-forecast-chart>`,
      { colorScheme: 'dark' },
    );
    await page.locator('fq-forecast-chart .apexcharts-series').first().waitFor({ timeout: 20_000 });
    const tooltip = await hoverChart(page, 0.98);
    const date = (await tooltip.locator('.fq-tooltip-why').getAttribute('data-date'))!;
    const amounts = expectedWhy((await explain(date)).effects)
      .slice('Why: '.length)
      .split(', ')
      .map((phrase) => phrase.split(' ').at(-1)!);
    await page.waitForFunction(
      () =>
        (
          (globalThis as unknown as { document: Document }).document
            .querySelector('fq-forecast-chart')
            ?.shadowRoot?.querySelector('.apexcharts-tooltip .fq-tooltip-why')?.textContent ?? ''
        ).startsWith('原因：'),
      undefined,
      { timeout: 30_000 },
    );
    const text = (await tooltip.locator('.fq-tooltip-why').textContent()) ?? '';
    assert.deepEqual(
      text
        .slice('原因：'.length)
        .split('，')
        .map((phrase) => phrase.split(' ').at(-1)),
      amounts,
      text,
    );
    assert.deepEqual(await seriousAxeViolations(page), []);
    await screenshot(page, 'real-forecast-chart-tooltip-why-zh-CN-dark');
    assert.deepEqual(problems, []);
    await page.close();

    // The total of every series: no point of one series, so no explanation and nothing asked.
    const total = await mountWidgets(browser, server, `<fq-forecast-chart ${connection(server)}></fq-forecast-chart>`);
    const asked = explainRequests(total.page);
    await total.page.locator('fq-forecast-chart .apexcharts-series').first().waitFor({ timeout: 20_000 });
    const totalTooltip = await hoverChart(total.page, 0.98);
    assert.equal(await totalTooltip.locator('.fq-tooltip-why').count(), 0);
    await total.page.waitForTimeout(300);
    assert.equal(asked.length, 0, `asked ${asked.join(', ')}`);
    assert.deepEqual(total.problems, []);
    await total.page.close();
  });

  test('zh-CN, dark', async () => {
    const date = forecastDates[1]!;
    const { page, problems } = await mountWidgets(
      browser,
      server,
      `<fq-explanation series="${seriesId}" date="${date}" locale="zh-CN" theme="dark" ${connection(server)}></fq-explanation>`,
      { colorScheme: 'dark' },
    );
    await settled(page);
    assert.match((await page.locator('fq-explanation h2').textContent()) ?? '', /为什么是这个预测？/);
    assert.match((await page.locator('fq-explanation [part="forecast"]').textContent()) ?? '', /预测：/);
    assert.deepEqual(await seriousAxeViolations(page), []);
    await screenshot(page, 'real-explanation-zh-CN-dark');
    assert.deepEqual(problems, []);
    await page.close();
  });
});

describe('<fq-explanation> with the fixture API', { skip: skip ?? false }, () => {
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
    test(`the planted drivers with their sign, ${theme}`, async () => {
      const { page, problems } = await mountWidgets(
        browser,
        server,
        `<fq-explanation series="${FIXTURE_SERIES[0]!.id}" date="2024-11-29" theme="${theme}" ${connection(server)}></fq-explanation>`,
        { colorScheme: theme },
      );
      await settled(page);
      const items = await page.locator('fq-explanation [part="driver"]').evaluateAll((lis) =>
        lis.map((li) => ({
          label: (li.querySelector('.label')?.textContent ?? '').trim(),
          amount: (li.querySelector('.amount')?.textContent ?? '').trim(),
          direction: li.getAttribute('data-direction'),
          spoken: (li.querySelector('.sr-only')?.textContent ?? '').trim(),
        })),
      );
      assert.deepEqual(
        items.map((i) => `${i.label} ${i.amount}`),
        ['Black Friday +38', 'Price +12', 'Weekday pattern \u22125', 'Sales history 0'],
      );
      assert.deepEqual(
        items.map((i) => i.direction),
        ['up', 'up', 'down', 'none'],
      );
      assert.deepEqual(
        items.map((i) => i.spoken),
        ['raised it by 38', 'raised it by 12', 'lowered it by 5', 'no effect'],
      );
      assert.deepEqual(await seriousAxeViolations(page), []);
      await screenshot(page, `explanation-${theme}`);
      assert.deepEqual(problems, []);
      await page.close();
    });
  }

  for (const theme of ['light', 'dark'] as const) {
    test(`the chart's tooltip and readout name the 3 largest planted drivers with their sign, ${theme}`, async () => {
      const { page, problems } = await mountWidgets(
        browser,
        server,
        `<fq-forecast-chart series="${FIXTURE_SERIES[0]!.id}" theme="${theme}" ${connection(server)}></fq-forecast-chart>`,
        { colorScheme: theme },
      );
      const latestRun = latestRunRequests(page);
      await page.locator('fq-forecast-chart .apexcharts-series').first().waitFor({ timeout: 20_000 });
      const tooltip = await hoverChart(page, 0.98);
      const why = tooltip.locator('.fq-tooltip-why');
      // "Sales history +0.2" rounds to 0: left out.
      await page.waitForFunction(
        () =>
          (globalThis as unknown as { document: Document }).document
            .querySelector('fq-forecast-chart')
            ?.shadowRoot?.querySelector('.apexcharts-tooltip .fq-tooltip-why')?.textContent ===
          'Why: Black Friday +38, Price +12, Weekday pattern \u22125',
        undefined,
        { timeout: 10_000 },
      );
      assert.ok(await why.isVisible(), 'the line is shown in the tooltip');
      await page.locator('fq-forecast-chart [part="chart"]').focus();
      await page.keyboard.press('ArrowLeft');
      await page.waitForFunction(
        () =>
          (
            (globalThis as unknown as { document: Document }).document
              .querySelector('fq-forecast-chart')
              ?.shadowRoot?.querySelector('[part="readout"]')?.textContent ?? ''
          ).includes('Why: Black Friday +38, Price +12, Weekday pattern \u22125'),
        undefined,
        { timeout: 10_000 },
      );
      assert.equal(latestRun.length, 0, 'the forecast answer names its run: no request for the latest run');
      assert.deepEqual(await seriousAxeViolations(page), []);
      await screenshot(page, `forecast-chart-tooltip-why-${theme}`);
      assert.deepEqual(problems, []);
      await page.close();
    });
  }

  test('an explanation that cannot be fetched leaves the tooltip and readout as they were, silently', async () => {
    const { page, problems, events } = await mountWidgets(
      browser,
      server,
      `<fq-forecast-chart series="${FIXTURE_SERIES[0]!.id}" ${connection(server)}></fq-forecast-chart>`,
    );
    await page.locator('fq-forecast-chart .apexcharts-series').first().waitFor({ timeout: 20_000 });
    let refused = 0;
    await page.route(
      () => true,
      async (route) => {
        if (!(route.request().postData() ?? '').includes('explainForecast')) return route.continue();
        refused += 1;
        return route.fulfill({
          status: 200,
          contentType: 'application/json',
          body: JSON.stringify({ errors: [{ message: 'boom', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] }),
        });
      },
    );
    const tooltip = await hoverChart(page, 0.98);
    await page.waitForTimeout(500);
    assert.ok(refused >= 1, 'the explanation was asked and refused');
    assert.equal(((await tooltip.locator('.fq-tooltip-why').textContent()) ?? '').trim(), '');
    assert.match((await tooltip.textContent()) ?? '', /Forecast/);
    await page.locator('fq-forecast-chart [part="chart"]').focus();
    await page.keyboard.press('ArrowLeft');
    await page.waitForTimeout(500);
    assert.doesNotMatch((await page.locator('fq-forecast-chart [part="readout"]').textContent()) ?? '', /Why/);
    assert.deepEqual(
      (await events()).filter((event) => event.type === 'fq-error'),
      [],
    );
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('asks for a point until one is picked; the empty state before any run', async () => {
    const { page } = await mountWidgets(browser, server, `<fq-explanation ${connection(server)}></fq-explanation>`);
    await page.locator('fq-explanation [data-kind="empty"]').waitFor({ timeout: 10_000 });
    assert.match((await page.locator('fq-explanation [data-kind="empty"]').textContent()) ?? '', /Pick a product/);
    await page.close();
    server.configure({ mode: 'empty' });
    const empty = await mountWidgets(
      browser,
      server,
      `<fq-explanation series="${FIXTURE_SERIES[0]!.id}" date="2024-11-29" ${connection(server)}></fq-explanation>`,
    );
    await empty.page.locator('fq-explanation [data-kind="empty"]').waitFor({ timeout: 10_000 });
    assert.match(
      (await empty.page.locator('fq-explanation [data-kind="empty"]').textContent()) ?? '',
      /train a model first/,
    );
    server.configure({});
    await empty.page.close();
  });
});
