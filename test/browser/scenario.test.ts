/**
 * <fq-scenario> in real Chromium against the FIXTURE API: both curves and their bands drawn, the
 * difference in words, the slider re-asking with the new change (and `fq-scenario-change` fired on
 * user input only), a covariate the model never saw shown as the API's coded error, zh-CN and
 * dark, axe on every state. The real model's answers are tested in test/scenarios.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { ensureBundle } from './helpers/bundle.js';
import { browserSkipReason, launchChromium } from './helpers/chromium.js';
import { connection, mountWidgets, screenshot, seriousAxeViolations } from './helpers/page.js';
import { startWidgetServer, type WidgetTestServer } from './helpers/widget-server.js';

const skip = browserSkipReason();
if (skip) process.stderr.write(`${skip}\n`);

describe('<fq-scenario>', { skip: skip ?? false }, () => {
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

  test('a 10 % price cut: both forecasts with their bands, the difference in units and revenue; the slider asks again', async () => {
    server.configure({});
    const { page, problems, events } = await mountWidgets(
      browser,
      server,
      `<fq-scenario ${connection(server)} series="FOODS_1_001_CA_1" currency="EUR"></fq-scenario>`,
    );
    const summary = page.locator('fq-scenario [part="summary"]');
    await summary.waitFor({ timeout: 10_000 });
    // Elasticity −2 in the fixture: a 10 % cut sells 0.9^−2 − 1 = +23.5 % units (shown as a whole per cent).
    assert.match((await summary.textContent()) ?? '', /price -10%: \+\d+ units over the forecast \(\+23%\)/);
    assert.match((await summary.textContent()) ?? '', /Revenue \+€/);
    assert.equal(await summary.getAttribute('data-direction'), 'up');
    await page.waitForFunction(
      () => (globalThis as unknown as { fqEvents: { type: string }[] }).fqEvents.some((e) => e.type === 'fq-load'),
      undefined,
      { timeout: 10_000 },
    );
    // Two lines and two range areas in the SVG.
    const seriesDrawn = await page.locator('fq-scenario [part="chart"] .apexcharts-series').count();
    assert.ok(seriesDrawn >= 4, `${seriesDrawn} series drawn`);
    assert.equal((await events()).filter((e) => e.type === 'fq-scenario-change').length, 0, 'no change event on load');
    assert.deepEqual(await seriousAxeViolations(page), []);
    await screenshot(page, 'scenario');
    // The user moves the slider to +20 %: the widget asks again and says units fall.
    const slider = page.locator('fq-scenario input[type="range"]');
    await slider.evaluate((el) => {
      const input = el as unknown as { value: string; dispatchEvent(event: unknown): boolean };
      input.value = '20';
      input.dispatchEvent(
        new (globalThis as unknown as { Event: new (type: string, init: object) => unknown }).Event('change', {
          bubbles: true,
        }),
      );
    });
    await page.waitForFunction(
      () => {
        const host = (
          globalThis as unknown as {
            document: {
              querySelector(
                s: string,
              ): { shadowRoot: { querySelector(s: string): { getAttribute(n: string): string | null } | null } } | null;
            };
          }
        ).document.querySelector('fq-scenario');
        return host?.shadowRoot.querySelector('[part="summary"]')?.getAttribute('data-direction') === 'down';
      },
      undefined,
      { timeout: 10_000 },
    );
    const changes = (await events()).filter((e) => e.type === 'fq-scenario-change');
    assert.deepEqual(
      changes.map((e) => e.detail),
      [{ covariate: 'price', percentChange: 20 }],
    );
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('a covariate the model never saw: the coded error, its message, and a retry button', async () => {
    server.configure({});
    const { page } = await mountWidgets(
      browser,
      server,
      `<fq-scenario ${connection(server)} series="FOODS_1_001_CA_1" covariate="weather"></fq-scenario>`,
    );
    const error = page.locator('fq-scenario [data-kind="error"]');
    await error.waitFor({ timeout: 10_000 });
    assert.equal(await error.getAttribute('data-code'), 'BAD_USER_INPUT');
    assert.match((await error.textContent()) ?? '', /never saw covariate "weather".*price, promo/s);
    assert.deepEqual(await seriousAxeViolations(page), []);
    await page.close();
  });

  test('no product picked: asks for one; zh-CN and dark: Chinese words, no axe violations', async () => {
    server.configure({});
    const { page: empty } = await mountWidgets(browser, server, `<fq-scenario ${connection(server)}></fq-scenario>`);
    await empty.locator('fq-scenario [data-kind="empty"]').waitFor({ timeout: 10_000 });
    assert.match((await empty.locator('fq-scenario [data-kind="empty"]').textContent()) ?? '', /Pick a product/);
    assert.deepEqual(await seriousAxeViolations(empty), []);
    await empty.close();
    const { page } = await mountWidgets(
      browser,
      server,
      `<fq-scenario ${connection(server)} locale="zh-CN" theme="dark" group-by="store=CA_1" percent-change="-40"></fq-scenario>`,
    );
    const summary = page.locator('fq-scenario [part="summary"]');
    await summary.waitFor({ timeout: 10_000 });
    assert.match((await summary.textContent()) ?? '', /预测期内销量/);
    // −40 % is outside the fixture model's training range: the warning is shown.
    assert.equal(await page.locator('fq-scenario [part="warnings"] li').count(), 1);
    assert.deepEqual(await seriousAxeViolations(page), []);
    await screenshot(page, 'scenario-dark-zh-CN');
    await page.close();
  });
});
