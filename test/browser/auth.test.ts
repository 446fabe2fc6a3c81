/**
 * Tokens in real Chromium against the REAL server (test/helpers/real-server.ts, SQLite): a widget
 * with a bad or foreign-signed token shows the UNAUTHENTICATED state the API answers; a widget
 * with an embed token reads its dataset; and the demo page that `serve --demo` serves at `/`
 * works with the embed token the server puts into it (no key in the page).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { createEmbedTokens } from '../../api/auth/embed-token.js';
import { startRealServer, type RealServer } from '../helpers/real-server.js';
import { ensureBundle } from './helpers/bundle.js';
import { browserSkipReason, launchChromium } from './helpers/chromium.js';
import { connection, mountWidgets, screenshot } from './helpers/page.js';
import { startWidgetServer, type WidgetTestServer } from './helpers/widget-server.js';

const skip = browserSkipReason();
if (skip) process.stderr.write(`${skip}\n`);

describe('tokens against the real server (SQLite)', { skip: skip ?? false }, () => {
  let browser: Browser;
  let real: RealServer;
  let server: WidgetTestServer;

  before(async () => {
    ensureBundle();
    [real, browser] = await Promise.all([startRealServer({ demo: true }), launchChromium()]);
    server = await startWidgetServer({}, real);
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    await real?.stop();
  });

  test('a bad, forged or missing token shows the UNAUTHENTICATED state', async () => {
    const forged = await createEmbedTokens(new TextEncoder().encode('not-the-server-secret-but-32-chars!!')).issue({
      tenantId: 1,
      datasetIds: [Number(real.datasetId)],
    });
    for (const [name, token] of [
      ['garbage', 'not-a-token'],
      ['forged', forged.token],
      ['missing', ''],
    ] as const) {
      const { page, events } = await mountWidgets(
        browser,
        server,
        `<fq-forecast-chart ${connection(server, token)} series="${real.seriesIds[0]}"></fq-forecast-chart>
         <fq-feature-importance ${connection(server, token)}></fq-feature-importance>`,
      );
      for (const tag of ['fq-forecast-chart', 'fq-feature-importance']) {
        const alert = page.locator(`${tag} [role="alert"]`);
        await alert.waitFor({ timeout: 10_000 });
        assert.equal(await alert.getAttribute('data-code'), 'UNAUTHENTICATED', `${name}: ${tag}`);
        assert.match((await alert.textContent()) ?? '', /access token is missing, invalid or expired/, name);
      }
      const errors = (await events()).filter((event) => event.type === 'fq-error');
      assert.ok(errors.length >= 2, `${name}: fq-error fired by both widgets`);
      assert.ok(
        errors.every((event) => (event.detail as { code?: string }).code === 'UNAUTHENTICATED'),
        JSON.stringify(errors),
      );
      if (name === 'forged') await screenshot(page, 'real-bad-token');
      await page.close();
    }
  });

  test('an embed token reads its dataset', async () => {
    const { page, problems } = await mountWidgets(
      browser,
      server,
      `<fq-forecast-chart ${connection(server, real.embedToken)} series="${real.seriesIds[0]}"></fq-forecast-chart>`,
    );
    await page.locator('fq-forecast-chart .apexcharts-series').first().waitFor({ timeout: 15_000 });
    assert.equal(await page.locator('fq-forecast-chart [role="alert"]').count(), 0, 'no error state');
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('the demo page served by the API works with the embed token the server puts in it', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    const sent: string[] = [];
    page.on('request', (request) => {
      if (request.url().endsWith('/graphql')) sent.push(request.headers()['authorization'] ?? '(none)');
    });
    await page.goto(`${real.url}/`);
    await page.locator('fq-forecast-chart .apexcharts-series').first().waitFor({ timeout: 15_000 });
    await page.locator('fq-feature-importance [part="list"]').waitFor({ timeout: 10_000 });
    await page.locator('fq-training-runs [part="table"]').waitFor({ timeout: 10_000 });
    const token = await page.locator('fq-forecast-chart').getAttribute('token');
    assert.match(token ?? '', /^eyJ[\w-]+\.[\w-]+\.[\w-]+$/, 'the widgets carry a JWT embed token');
    assert.notEqual(token, real.token, 'not the admin key');
    assert.ok(sent.length > 0, 'the widgets called the API');
    assert.ok(
      sent.every((header) => header === `Bearer ${token}`),
      `every request carries the embed token: ${sent.join(', ')}`,
    );
    for (const tag of ['fq-forecast-chart', 'fq-feature-importance', 'fq-accuracy', 'fq-training-runs']) {
      assert.equal(await page.locator(`${tag} [role="alert"]`).count(), 0, `${tag} shows no error`);
    }
    await screenshot(page, 'real-demo-page-embed-token');
    assert.deepEqual(problems, []);
    await page.close();
  });
});
