/**
 * Every widget in real Chromium against the REAL ForecastQL server (test/helpers/real-server.ts): a
 * temp SQLite file seeded through `importCsv` with 4 series (store × category, 2 years daily, a
 * promo covariate) and trained to SUCCEEDED with the Theta model. The page is served by the widget
 * test server, which proxies `/graphql` (HTTP and the graphql-ws upgrade) to the real server.
 *
 * The widgets here carry the server's admin key (the training-runs widget starts runs); embed
 * tokens and bad tokens against the real server are in auth.test.ts. Not here, because the real
 * server cannot produce them: loading/empty states and 10,000 points (fixture suites cover those).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { startRealServer, type RealServer } from '../helpers/real-server.js';
import { ensureBundle } from './helpers/bundle.js';
import { browserSkipReason, launchChromium } from './helpers/chromium.js';
import { connection, mountWidgets, screenshot, seriousAxeViolations } from './helpers/page.js';
import { startWidgetServer, type WidgetTestServer } from './helpers/widget-server.js';

const skip = browserSkipReason();
if (skip) process.stderr.write(`${skip}\n`);

interface ApiPoint {
  readonly date: string;
  readonly actual: number | null;
  readonly p10: number | null;
  readonly p50: number | null;
  readonly p90: number | null;
}

const FORECAST_QUERY = `query TestForecast($datasetId: ID!, $seriesId: String, $groupBy: String, $bucket: Bucket) {
  forecast(datasetId: $datasetId, seriesId: $seriesId, groupBy: $groupBy, bucket: $bucket) {
    points { date actual p10 p50 p90 }
  }
}`;

/** A number as the widgets format it in `en` ("1,234.5"); null for "–". */
function parseShown(text: string): number | null {
  const cleaned = text.replace(/[^\d.-]/g, '');
  return cleaned === '' || cleaned === '-' ? null : Number(cleaned);
}

async function tableRows(page: Page): Promise<{ actual: string; p50: string; band: string }[]> {
  return page.locator('fq-forecast-chart table[part="table"] tbody tr').evaluateAll((rows) =>
    rows.map((row) => {
      const cells = Array.from(row.querySelectorAll('td') as ArrayLike<{ textContent: string | null }>).map((cell) =>
        (cell.textContent ?? '').trim(),
      );
      return { actual: cells[0] ?? '', p50: cells[1] ?? '', band: cells[2] ?? '' };
    }),
  );
}

async function chartReady(page: Page): Promise<void> {
  await page.locator('fq-forecast-chart .apexcharts-series').first().waitFor({ timeout: 15_000 });
  await page
    .locator('fq-forecast-chart')
    .evaluate((element) => (element as unknown as { chartUpdateComplete: Promise<void> }).chartUpdateComplete);
}

/** The API's points for a series or group, as the widget asks for them. */
async function apiPoints(
  real: RealServer,
  variables: { seriesId?: string; groupBy?: string; bucket?: string },
): Promise<ApiPoint[]> {
  const { forecast } = await real.graphql<{ forecast: { points: ApiPoint[] } }>(FORECAST_QUERY, {
    datasetId: real.datasetId,
    ...variables,
  });
  return forecast.points;
}

/**
 * Checks the hidden table against the API's points, and the API's daily actuals against the
 * imported data (summed over `members` for a group total).
 */
async function assertTableMatches(
  page: Page,
  real: RealServer,
  variables: { seriesId?: string; groupBy?: string; bucket?: string },
  members: readonly string[],
): Promise<ApiPoint[]> {
  const points = await apiPoints(real, variables);
  const history = points.filter((point) => point.actual !== null);
  const future = points.filter((point) => point.actual === null && point.p50 !== null);
  assert.ok(history.length > 10, `${history.length} periods of history`);
  assert.ok(future.length >= 1, `${future.length} forecast periods`);
  if (!variables.bucket || variables.bucket === 'DAY') {
    const imported = new Map<string, number>();
    for (const id of members)
      for (const row of real.actuals.get(id)!) imported.set(row.date, (imported.get(row.date) ?? 0) + row.value);
    for (const point of history) assert.equal(point.actual, imported.get(point.date), `${point.date}`);
  }
  const rows = await tableRows(page);
  assert.equal(rows.length, points.length, 'the hidden table lists every point');
  for (let index = 0; index < 10; index++) {
    assert.equal(parseShown(rows[index]!.actual), points[index]!.actual, `row ${index}: actual`);
  }
  const firstForecast = points.findIndex((point) => point.actual === null);
  const shownP50 = parseShown(rows[firstForecast]!.p50)!;
  assert.ok(
    Math.abs(shownP50 - points[firstForecast]!.p50!) <= 0.051 * Math.max(1, Math.abs(points[firstForecast]!.p50!)),
    `first forecast row p50 ${shownP50} vs API ${points[firstForecast]!.p50}`,
  );
  assert.match(rows[firstForecast]!.band, /[\d.,]+ – [\d.,]+/);
  return points;
}

describe('widgets against the real server (SQLite)', { skip: skip ?? false }, () => {
  let browser: Browser;
  let real: RealServer;
  let server: WidgetTestServer;

  before(async () => {
    ensureBundle();
    [real, browser] = await Promise.all([startRealServer({ model: 'theta' }), launchChromium()]);
    server = await startWidgetServer({}, real);
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    await real?.stop();
  });

  test('forecast chart: actual, p50 and band come from the real forecast; hidden table equals the imports', async () => {
    const [seriesId] = real.seriesIds;
    const { page, problems, events } = await mountWidgets(
      browser,
      server,
      `<fq-forecast-chart ${connection(server)} series="${seriesId}"></fq-forecast-chart>`,
    );
    await chartReady(page);
    const groups = await page.locator('fq-forecast-chart .apexcharts-series').evaluateAll((nodes) =>
      nodes.map((group) => ({
        name: String(group.getAttribute('seriesName')),
        length: Array.from(
          group.querySelectorAll('path') as ArrayLike<{ getAttribute(name: string): string | null }>,
        ).reduce((sum: number, path) => sum + String(path.getAttribute('d') ?? '').length, 0),
      })),
    );
    assert.deepEqual(
      groups.map((group) => group.name),
      ['Likelyxrangexxp10–p90x', 'Actualxsales', 'Forecastxxmedianx'],
    );
    for (const group of groups) assert.ok(group.length > 100, `${group.name} is drawn (${group.length} chars)`);
    const annotations = await page.locator('fq-forecast-chart .apexcharts-xaxis-annotations text').allTextContents();
    assert.ok(annotations.includes('Forecast starts'), annotations.join(' | '));
    const points = await assertTableMatches(page, real, { seriesId: seriesId! }, [seriesId!]);
    const loads = (await events()).filter((event) => event.type === 'fq-load');
    assert.deepEqual(loads.at(-1)?.detail, { kind: 'forecast', count: points.length });
    assert.deepEqual(await seriousAxeViolations(page), []);
    await screenshot(page, 'real-forecast-chart');
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('forecast chart: holidays and the imported promo days are annotated', async () => {
    // `from` narrows the chart to the last months, where the annotations can be read one by one.
    const [seriesId] = real.seriesIds;
    const from = '2025-10-01';
    const { calendarEvents } = await real.graphql<{ calendarEvents: { date: string; kind: string; label: string }[] }>(
      `query($datasetId: ID!, $seriesId: String, $from: Date) {
        calendarEvents(datasetId: $datasetId, seriesId: $seriesId, from: $from) { date kind label }
      }`,
      { datasetId: real.datasetId, seriesId, from },
    );
    const { page, problems } = await mountWidgets(
      browser,
      server,
      `<fq-forecast-chart ${connection(server)} series="${seriesId}" from="${from}"></fq-forecast-chart>`,
    );
    await chartReady(page);
    const rows = await tableRows(page);
    const lastDrawn = Date.parse(`${from}T00:00:00Z`) + (rows.length - 1) * 86_400_000;
    const promoDays = calendarEvents
      .filter((event) => event.kind === 'PROMOTION' && Date.parse(`${event.date}T00:00:00Z`) <= lastDrawn)
      .map((event) => Date.parse(`${event.date}T00:00:00Z`));
    // The imported promo plan, one week in five: consecutive days merge into one band.
    const runs = promoDays.filter((day, index) => index === 0 || day - promoDays[index - 1]! > 86_400_000).length;
    assert.ok(runs >= 3, `${runs} promotion weeks in range`);
    const texts = await page.locator('fq-forecast-chart .apexcharts-xaxis-annotations text').allTextContents();
    assert.ok(texts.includes('Christmas'), `annotations: ${texts.join(' | ')}`);
    const bands = await page
      .locator('fq-forecast-chart .apexcharts-xaxis-annotations rect')
      .evaluateAll(
        (rects) => rects.filter((rect) => String(rect.getAttribute('fill')).toLowerCase() === '#7c3aed').length,
      );
    assert.equal(bands, runs, 'one band per promotion week');
    await screenshot(page, 'real-forecast-chart-annotations');
    assert.deepEqual(problems, []);
    await page.close();
  });

  for (const inShadowRoot of [false, true]) {
    test(`forecast chart: hovering shows the real values in a tooltip${inShadowRoot ? ' inside a host shadow root' : ''}`, async () => {
      const { page, problems } = await mountWidgets(
        browser,
        server,
        `<fq-forecast-chart ${connection(server)} series="${real.seriesIds[0]}"></fq-forecast-chart>`,
        { inShadowRoot },
      );
      await chartReady(page);
      const box = await page.locator('fq-forecast-chart .apexcharts-grid').first().boundingBox();
      assert.ok(box, 'the plot area has a box');
      await page.mouse.move(box.x + box.width * 0.97, box.y + box.height * 0.5);
      await page.mouse.move(box.x + box.width * 0.98, box.y + box.height * 0.55);
      const tooltip = page.locator('fq-forecast-chart .apexcharts-tooltip.apexcharts-active');
      await tooltip.waitFor({ state: 'visible', timeout: 5000 });
      const text = (await tooltip.textContent()) ?? '';
      const median = /Forecast \(median\)\s*([\d.,]+)/.exec(text);
      const band = /Likely range \(p10–p90\)\s*([\d.,]+) – ([\d.,]+)/.exec(text);
      assert.ok(median && band, `tooltip text: ${text}`);
      const [p10, p50, p90] = [band[1]!, median[1]!, band[2]!].map((value) => parseShown(value)!);
      assert.ok(p10 <= p50 && p50 <= p90, `p10 ${p10} ≤ p50 ${p50} ≤ p90 ${p90}`);
      // The hovered day is one of the real forecast's days: its p50 is one the API returned.
      const { forecast } = await real.graphql<{ forecast: { points: ApiPoint[] } }>(FORECAST_QUERY, {
        datasetId: real.datasetId,
        seriesId: real.seriesIds[0],
      });
      const p50s = forecast.points.filter((point) => point.p50 !== null).map((point) => point.p50!);
      assert.ok(
        p50s.some((value) => Math.abs(value - p50) <= 0.051 * Math.max(1, value)),
        `tooltip p50 ${p50} is among the API's p50s`,
      );
      assert.match(text, /2026/);
      await screenshot(page, `real-forecast-chart-tooltip${inShadowRoot ? '-shadow-host' : ''}`);
      assert.deepEqual(problems, []);
      await page.close();
    });
  }

  test('forecast chart: picking another series sends a new WidgetForecast request and draws its real data', async () => {
    const [first] = real.seriesIds;
    const { page, events } = await mountWidgets(
      browser,
      server,
      `<fq-forecast-chart ${connection(server)} series="${first}"></fq-forecast-chart>`,
    );
    await chartReady(page);
    const shownBefore = await tableRows(page);
    const requests: { seriesId: unknown; groupBy: unknown; bucket: unknown }[] = [];
    page.on('request', (request) => {
      if (!request.url().endsWith('/graphql') || request.method() !== 'POST') return;
      const body = JSON.parse(request.postData() ?? '{}') as {
        query?: string;
        variables?: { seriesId?: unknown; groupBy?: unknown; bucket?: unknown };
      };
      if (/query WidgetForecast\b/.test(body.query ?? ''))
        requests.push({
          seriesId: body.variables?.seriesId,
          groupBy: body.variables?.groupBy,
          bucket: body.variables?.bucket,
        });
    });
    // Search by attribute value: the real API's series search matches "TOYS" in the category.
    const { series } = await real.graphql<{ series: { edges: { node: { id: string } }[] } }>(
      `query($datasetId: ID!) { series(datasetId: $datasetId, search: "TOYS") { edges { node { id } } } }`,
      { datasetId: real.datasetId },
    );
    assert.deepEqual(
      series.edges.map((edge) => edge.node.id),
      ['S1_TOYS', 'S2_TOYS'],
    );
    await page.locator('fq-forecast-chart [part="search"]').fill('TOYS');
    // Until the search answers, the picker lists the first page of all series; then only the matches.
    await page.waitForFunction(
      () => {
        const doc = (
          globalThis as unknown as {
            document: {
              querySelector(s: string): {
                shadowRoot: { querySelectorAll(s: string): ArrayLike<{ getAttribute(n: string): string | null }> };
              };
            };
          }
        ).document;
        const values = Array.from(
          doc.querySelector('fq-forecast-chart').shadowRoot.querySelectorAll('[part="series-select"] option'),
        ).map((option) => option.getAttribute('value'));
        return values.includes('S2_TOYS') && !values.includes('S2_FOODS');
      },
      undefined,
      { timeout: 10_000 },
    );
    const target = 'S2_TOYS';
    const found = await page
      .locator('fq-forecast-chart [part="series-select"] option')
      .evaluateAll((nodes) => nodes.map((node) => String(node.getAttribute('value'))));
    // The current series stays listed first; the search found exactly the two TOYS series.
    assert.deepEqual(found, [first, 'S1_TOYS', 'S2_TOYS']);
    await page.locator('fq-forecast-chart [part="series-select"]').selectOption(target);
    await page.locator('fq-forecast-chart h2', { hasText: target }).waitFor({ timeout: 10_000 });
    await chartReady(page);
    assert.deepEqual(
      requests,
      [{ seriesId: target, groupBy: null, bucket: 'DAY' }],
      'one forecast request, for the picked series',
    );
    await assertTableMatches(page, real, { seriesId: target }, [target]);
    assert.notDeepEqual(await tableRows(page), shownBefore, 'the table now shows the other series');
    const change = (await events()).filter((event) => event.type === 'fq-series-change');
    assert.deepEqual(change.at(-1)?.detail, { seriesId: target, groupBy: null });
    await screenshot(page, 'real-forecast-chart-picked-series');

    // The total of the picked series' store (both S2 series), then weekly buckets: each re-queries.
    await page.locator('fq-forecast-chart [part="view-select"]').selectOption('group:store=S2');
    await page.locator('fq-forecast-chart h2', { hasText: 'store S2' }).waitFor({ timeout: 10_000 });
    await chartReady(page);
    await assertTableMatches(page, real, { groupBy: 'store=S2' }, ['S2_FOODS', 'S2_TOYS']);
    await page.locator('fq-forecast-chart [part="bucket-select"]').selectOption('WEEK');
    await page.waitForFunction(
      () =>
        (globalThis as unknown as { fqEvents: { type: string }[] }).fqEvents.some(
          (event) => event.type === 'fq-bucket-change',
        ),
      undefined,
      { timeout: 10_000 },
    );
    await page.waitForFunction(
      () => {
        const doc = (
          globalThis as unknown as {
            document: { querySelector(s: string): { shadowRoot: { querySelectorAll(s: string): { length: number } } } };
          }
        ).document;
        const rows = doc.querySelector('fq-forecast-chart').shadowRoot.querySelectorAll('table[part="table"] tbody tr');
        return rows.length > 0 && rows.length < 40;
      },
      undefined,
      { timeout: 10_000 },
    );
    await chartReady(page);
    const weekly = await assertTableMatches(page, real, { groupBy: 'store=S2', bucket: 'WEEK' }, []);
    // A full week's total is the sum of its 7 imported days over both series.
    const full = weekly.find(
      (point, index) => index > 0 && point.actual !== null && weekly[index + 1]?.actual !== null,
    )!;
    const start = Date.parse(`${full.date}T00:00:00Z`);
    const days = new Set(
      Array.from({ length: 7 }, (_, day) => new Date(start + day * 86_400_000).toISOString().slice(0, 10)),
    );
    const expected = ['S2_FOODS', 'S2_TOYS']
      .flatMap((id) => real.actuals.get(id)!)
      .filter((row) => days.has(row.date))
      .reduce((sum, row) => sum + row.value, 0);
    assert.equal(full.actual, expected, `week of ${full.date}`);
    assert.deepEqual(requests.slice(1), [
      { seriesId: null, groupBy: 'store=S2', bucket: 'DAY' },
      { seriesId: null, groupBy: 'store=S2', bucket: 'WEEK' },
    ]);
    await screenshot(page, 'real-forecast-chart-store-total-weekly');
    await page.close();
  });

  test('feature importance: the run’s drivers, labelled and ranked as the API returns them', async () => {
    const { featureImportance } = await real.graphql<{
      featureImportance: { feature: string; label: string; importance: number }[];
    }>(`query($runId: ID!) { featureImportance(runId: $runId) { feature label importance } }`, { runId: real.runId });
    assert.ok(featureImportance.length > 0, 'the real run stored feature importance');
    const { page, problems } = await mountWidgets(
      browser,
      server,
      `<fq-feature-importance ${connection(server)}></fq-feature-importance>`,
    );
    await page.locator('fq-feature-importance [part="list"] li').first().waitFor({ timeout: 10_000 });
    const labels = await page.locator('fq-feature-importance [part="list"] li .label').allTextContents();
    // The widget's rule (rank-drivers.ts): a negative permutation score (noise) counts as 0, ties by label.
    const ranked = featureImportance
      .map((entry) => ({ label: entry.label, score: entry.importance > 0 ? entry.importance : 0 }))
      .toSorted((a, b) => b.score - a.score || a.label.localeCompare(b.label))
      .map((entry) => entry.label);
    assert.deepEqual(
      labels.map((label) => label.trim()),
      ranked,
    );
    const top = Math.round(featureImportance.reduce((max, entry) => Math.max(max, entry.importance), 0) * 100);
    assert.match((await page.locator('fq-feature-importance li').first().textContent()) ?? '', new RegExp(`${top}%`));
    const width = await page
      .locator('fq-feature-importance [part="bar"]')
      .first()
      .evaluate(
        (bar) => (bar as unknown as { getBoundingClientRect(): { width: number } }).getBoundingClientRect().width,
      );
    assert.ok(width > 100, `the top bar is drawn (${width}px)`);
    assert.deepEqual(await seriousAxeViolations(page), []);
    await screenshot(page, 'real-feature-importance');
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('accuracy: the run’s real backtest against seasonal naive, with coverage', async () => {
    const { backtest } = await real.graphql<{
      backtest: { models: { model: string; chosen: boolean; wape: number | null; coverage: number | null }[] };
    }>(`query($runId: ID!) { backtest(runId: $runId) { models { model chosen wape coverage } } }`, {
      runId: real.runId,
    });
    const chosen = backtest.models.find((model) => model.chosen)!;
    const snaive = backtest.models.find((model) => model.model === 'snaive')!;
    assert.equal(chosen.model, 'theta');
    const percent = Math.round((1 - chosen.wape! / snaive.wape!) * 100);
    assert.ok(percent > 0, `theta beats seasonal naive on this data (${percent}%)`);
    const { page, problems } = await mountWidgets(browser, server, `<fq-accuracy ${connection(server)}></fq-accuracy>`);
    const headline = page.locator('fq-accuracy [part="headline"]');
    await headline.waitFor({ timeout: 10_000 });
    assert.equal(
      (await headline.textContent())?.trim(),
      `${percent}% more accurate than repeating the same weekday of last week`,
    );
    assert.equal(await headline.getAttribute('data-direction'), 'better');
    const coverage = Math.round(chosen.coverage! * 100);
    assert.match(
      (await page.locator('fq-accuracy [part="coverage"]').textContent()) ?? '',
      new RegExp(`${coverage}% of the time \\(aim: 80%\\)`),
    );
    const rows = await page.locator('fq-accuracy [part="table"] tbody th').allTextContents();
    assert.ok(rows.includes('theta') && rows.includes('snaive'), `table rows: ${rows.join(', ')}`);
    assert.deepEqual(await seriousAxeViolations(page), []);
    await screenshot(page, 'real-accuracy');
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('kpis: the real headline of the next 4 weeks, its range and last year, as the API computes them', async () => {
    const { headline } = await real.graphql<{
      headline: {
        units: { p10: number; p50: number; p90: number; lastYear: number | null; changeVsLastYear: number | null };
        revenue: unknown;
        lastYear: { daysWithData: number; days: number };
      };
    }>(
      `query($id: ID!) { headline(datasetId: $id) { units { p10 p50 p90 lastYear changeVsLastYear } revenue { p50 } lastYear { days daysWithData } } }`,
      { id: real.datasetId },
    );
    assert.ok(headline.units.p10 < headline.units.p50 && headline.units.p50 < headline.units.p90);
    assert.equal(headline.lastYear.daysWithData, headline.lastYear.days, 'two years of history cover last year');
    assert.equal(headline.revenue, null, 'this dataset has no price');
    const { page, problems } = await mountWidgets(browser, server, `<fq-kpis ${connection(server)}></fq-kpis>`);
    await page.locator('fq-kpis [part="card"]').first().waitFor({ timeout: 15_000 });
    const en = new Intl.NumberFormat('en', { maximumFractionDigits: 1 });
    assert.equal(
      await page.locator('fq-kpis [data-measure="units"] [part="value"]').textContent(),
      en.format(headline.units.p50),
    );
    assert.match(
      (await page.locator('fq-kpis [data-measure="units"] [part="range"]').textContent()) ?? '',
      new RegExp(`${en.format(headline.units.p10)} – ${en.format(headline.units.p90)}`),
    );
    assert.match(
      (await page.locator('fq-kpis [data-against="lastYear"]').textContent()) ?? '',
      new RegExp(`was ${en.format(headline.units.lastYear!)}`),
    );
    assert.equal(await page.locator('fq-kpis [data-measure="revenue"]').count(), 0);
    assert.deepEqual(await seriousAxeViolations(page), []);
    await screenshot(page, 'real-kpis');
    assert.deepEqual(problems, []);
    await page.close();
  });

  // Last: it adds a second run to the dataset.
  test('training runs: lists the real run as SUCCEEDED, then follows a run started from the widget live', async () => {
    const { page, events, problems } = await mountWidgets(
      browser,
      server,
      `<fq-training-runs ${connection(server)} model="SNAIVE" horizon="14" poll-interval="500"></fq-training-runs>`,
    );
    const seeded = page.locator(`fq-training-runs tr[data-run-id="${real.runId}"]`);
    await seeded.waitFor({ timeout: 10_000 });
    assert.equal(await seeded.getAttribute('data-status'), 'SUCCEEDED');
    assert.match((await seeded.textContent()) ?? '', /theta|THETA/);
    assert.equal(await page.locator('fq-training-runs tbody tr').count(), 1);
    await screenshot(page, 'real-training-runs');

    // Live updates come over graphql-ws from the real server (tunnelled by the widget test server).
    const frames: string[] = [];
    page.on('websocket', (socket) => socket.on('framereceived', (frame) => frames.push(String(frame.payload))));
    await page.locator('fq-training-runs [part="start-button"]').click();
    await page.waitForFunction(
      () =>
        (globalThis as unknown as { fqEvents: { type: string }[] }).fqEvents.some(
          (event) => event.type === 'fq-run-start',
        ),
      undefined,
      { timeout: 10_000 },
    );
    const runId = (
      (await events()).find((event) => event.type === 'fq-run-start')?.detail as { runId?: string } | undefined
    )?.runId;
    assert.notEqual(runId, real.runId);
    const row = page.locator(`fq-training-runs tr[data-run-id="${runId}"]`);
    await row.waitFor({ timeout: 10_000 });
    await page
      .locator(`fq-training-runs tr[data-run-id="${runId}"][data-status="SUCCEEDED"]`)
      .waitFor({ timeout: 60_000 });
    const updates = (await events())
      .filter((event) => event.type === 'fq-run-update')
      .map((event) => event.detail as { runId: string; status: string; fraction: number | null })
      .filter((detail) => detail.runId === runId);
    assert.ok(updates.length >= 1, `updates: ${JSON.stringify(updates)}`);
    assert.equal(updates.at(-1)?.status, 'SUCCEEDED');
    const pushed = frames
      .map(
        (frame) =>
          JSON.parse(frame) as {
            type: string;
            payload?: { data?: { trainingRunUpdated?: { id: string; status: string } } };
          },
      )
      .filter((message) => message.type === 'next' && message.payload?.data?.trainingRunUpdated?.id === runId)
      .map((message) => message.payload!.data!.trainingRunUpdated!.status);
    assert.equal(pushed.at(-1), 'SUCCEEDED', `subscription pushed: ${pushed.join(', ')}`);
    // The server agrees.
    const { trainingRun } = await real.graphql<{ trainingRun: { status: string; horizon: number; model: string } }>(
      `query($id: ID!) { trainingRun(id: $id) { status horizon model } }`,
      { id: runId },
    );
    assert.deepEqual(trainingRun, { status: 'SUCCEEDED', horizon: 14, model: 'SNAIVE' });
    assert.equal(await page.locator('fq-training-runs tbody tr').count(), 2);
    assert.deepEqual(await seriousAxeViolations(page), []);
    await screenshot(page, 'real-training-runs-after-start');
    assert.deepEqual(problems, []);
    await page.close();
  });
});
