/**
 * <fq-feature-importance>, <fq-accuracy> and <fq-training-runs> in real Chromium against the
 * FIXTURE API, for what the real server cannot produce quickly: several drivers with proportional
 * bars (a fast real run has one), the empty state, the polling fallback with cancel and a failed
 * run, FORBIDDEN and a bad token (the API has no auth yet). The real run's drivers, backtest and
 * live training are in real-server.test.ts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { ensureBundle } from './helpers/bundle.js';
import { browserSkipReason, launchChromium } from './helpers/chromium.js';
import { connection, mountWidgets, screenshot, seriousAxeViolations } from './helpers/page.js';
import { startWidgetServer, type WidgetTestServer } from './helpers/widget-server.js';
import { FIXTURE_SHIFT_WARNING } from './fixtures/fixture-data.js';

const skip = browserSkipReason();
if (skip) process.stderr.write(`${skip}\n`);

describe('<fq-feature-importance>, <fq-accuracy>, <fq-training-runs>', { skip: skip ?? false }, () => {
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

  test('feature importance: ranked drivers as bars in plain words, widest first', async () => {
    server.configure({});
    const { page, problems } = await mountWidgets(
      browser,
      server,
      `<fq-feature-importance ${connection(server)}></fq-feature-importance>`,
    );
    await page.locator('fq-feature-importance [part="list"] li').first().waitFor({ timeout: 10_000 });
    const labels = await page.locator('fq-feature-importance [part="list"] li .label').allTextContents();
    assert.deepEqual(labels.slice(0, 4), ['Weekday pattern', 'Promotions', 'Same time last year', 'Price']);
    assert.equal(labels.length, 8);
    const widths = await page
      .locator('fq-feature-importance [part="bar"]')
      .evaluateAll((bars) =>
        bars.map(
          (bar) => (bar as unknown as { getBoundingClientRect(): { width: number } }).getBoundingClientRect().width,
        ),
      );
    assert.ok(widths[0]! > 100, `the top bar is drawn (${widths[0]}px wide)`);
    for (let index = 1; index < widths.length; index++)
      assert.ok(widths[index]! <= widths[index - 1]!, 'bars shrink down the ranking');
    // Bars are proportional: Promotions (0.22) against Weekday pattern (0.34).
    assert.ok(Math.abs(widths[1]! / widths[0]! - 0.22 / 0.34) < 0.02, `ratio ${widths[1]! / widths[0]!}`);
    assert.match((await page.locator('fq-feature-importance li').first().textContent()) ?? '', /34%/);
    assert.deepEqual(await seriousAxeViolations(page), []);
    await screenshot(page, 'feature-importance');
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('accuracy and importance show the empty state before any run succeeded', async () => {
    server.configure({ mode: 'empty' });
    const { page } = await mountWidgets(
      browser,
      server,
      `<fq-accuracy ${connection(server)}></fq-accuracy><fq-feature-importance ${connection(server)}></fq-feature-importance>`,
    );
    await page.locator('fq-accuracy [data-kind="empty"]').waitFor({ timeout: 10_000 });
    await page.locator('fq-feature-importance [data-kind="empty"]').waitFor({ timeout: 10_000 });
    assert.match((await page.locator('fq-accuracy [data-kind="empty"]').textContent()) ?? '', /train a model first/);
    await page.close();
    server.configure({});
  });

  test('training runs: progress advances live (polling fallback), then start and cancel', async () => {
    server.configure({ progressStep: 0.2 });
    const { page, events, problems } = await mountWidgets(
      browser,
      server,
      `<fq-training-runs ${connection(server)} poll-interval="300"></fq-training-runs>`,
    );
    const running = page.locator('fq-training-runs tr[data-run-id="run-3"] [role="progressbar"]');
    await running.waitFor({ timeout: 10_000 });
    const first = Number(await running.getAttribute('aria-valuenow'));
    await page
      .locator('fq-training-runs tr[data-run-id="run-3"][data-status="SUCCEEDED"]')
      .waitFor({ timeout: 10_000 });
    assert.equal(Number(await running.getAttribute('aria-valuenow')), 100);
    assert.ok(first < 100, `progress started below 100 (${first})`);
    const updates = (await events()).filter((event) => event.type === 'fq-run-update');
    assert.ok(updates.length >= 2, `${updates.length} fq-run-update events`);
    assert.equal(
      await page.locator('fq-training-runs tr[data-run-id="run-1"] .error-text').count(),
      1,
      'a failed run shows why',
    );
    // A run's things to know, folded under their count: opened, they read as the API wrote them.
    const warnings = page.locator('fq-training-runs tr[data-run-id="run-2"] [part="warnings"]');
    assert.equal((await warnings.locator('summary').textContent())?.trim(), '2 things to know');
    assert.equal(await warnings.locator('li').first().isVisible(), false, 'folded until asked');
    await warnings.locator('summary').click();
    assert.equal(await warnings.locator('li').first().textContent(), FIXTURE_SHIFT_WARNING);
    assert.equal(await warnings.locator('li').count(), 2);
    assert.equal(
      await page.locator('fq-training-runs tr[data-run-id="run-1"] [part="warnings"]').count(),
      0,
      'a run without warnings shows none',
    );
    await screenshot(page, 'training-runs');

    await page.locator('fq-training-runs [part="start-button"]').click();
    const started = page.locator('fq-training-runs tr[data-run-id="run-4"]');
    await started.waitFor({ timeout: 5000 });
    await started.locator('[part="cancel-button"]').click();
    // Cancelling asks first: nothing is sent until the user confirms.
    await started.locator('[part="confirm-cancel-button"]').waitFor({ timeout: 5000 });
    assert.notEqual(await started.getAttribute('data-status'), 'CANCELLED');
    assert.ok((await events()).every((event) => event.type !== 'fq-run-cancel'));
    await started.locator('[part="confirm-cancel-button"]').click();
    await page.locator('fq-training-runs tr[data-run-id="run-4"][data-status="CANCELLED"]').waitFor({ timeout: 5000 });
    const types = (await events()).map((event) => event.type);
    assert.ok(types.includes('fq-run-start') && types.includes('fq-run-cancel'), types.join(', '));
    assert.deepEqual(await seriousAxeViolations(page), []);
    // The test server has no graphql-ws endpoint: the failed WebSocket handshake is the fallback path under test.
    assert.deepEqual(
      problems.filter((problem) => !problem.includes('WebSocket connection to')),
      [],
    );
    await page.close();
  });

  test('training runs: start and cancel disappear once a mutation answers FORBIDDEN', async () => {
    server.configure({ readOnly: true });
    const { page, events } = await mountWidgets(
      browser,
      server,
      `<fq-training-runs ${connection(server)} no-subscription poll-interval="60000"></fq-training-runs>`,
    );
    const start = page.locator('fq-training-runs [part="start-button"]');
    await start.waitFor({ timeout: 10_000 });
    await start.click();
    await start.waitFor({ state: 'detached', timeout: 5000 });
    assert.equal(await page.locator('fq-training-runs [part="cancel-button"]').count(), 0);
    assert.match(
      (await page.locator('fq-training-runs [part="read-only-note"]').textContent()) ?? '',
      /may not start or cancel training/,
    );
    const errors = (await events()).filter((event) => event.type === 'fq-error');
    assert.equal((errors.at(-1)?.detail as { code?: string } | undefined)?.code, 'FORBIDDEN');
    await screenshot(page, 'training-runs-read-only');
    await page.close();
    server.configure({});
  });

  test('every widget shows an error state for a bad token', async () => {
    server.configure({});
    const bad = connection(server, 'expired');
    const { page } = await mountWidgets(
      browser,
      server,
      `<fq-accuracy ${bad}></fq-accuracy><fq-feature-importance ${bad}></fq-feature-importance><fq-training-runs ${bad}></fq-training-runs>`,
    );
    for (const tag of ['fq-accuracy', 'fq-feature-importance', 'fq-training-runs']) {
      const alert = page.locator(`${tag} [role="alert"]`);
      await alert.waitFor({ timeout: 10_000 });
      assert.equal(await alert.getAttribute('data-code'), 'UNAUTHENTICATED', tag);
    }
    await page.close();
  });
});
