/**
 * The demo page's what-if (issue 18) in real Chromium against the REAL server on the REAL demo
 * data: a child process imports the demo as `npm start` does (`ensureDemoData`: the UCI file,
 * its stock levels and its planned prices), fits a price-aware MLP on it (the engine's own model,
 * on a small training budget so the test takes a minute, not the first demo run's `auto` search),
 * saves the run as a training worker does, and serves the demo page at `/` with its embed token.
 * The page's `<fq-scenario>` for 85123A must draw the baseline and the scenario with their bands
 * and say the difference a 10 % price cut makes, with no error.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { ensureBundle } from './helpers/bundle.js';
import { browserSkipReason, launchChromium } from './helpers/chromium.js';
import { screenshot } from './helpers/page.js';

const SELF = fileURLToPath(import.meta.url);
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The demo page's scenario product. */
const PRODUCT = '85123A';

/** Child mode: import the demo, fit and save a price-aware run, serve; print `{ url }`. */
async function runChild(file: string): Promise<void> {
  const { loadConfig, parseDatabaseUrl } = await import('../../api/config/env.js');
  const { createKnex } = await import('../../api/db/knex.js');
  const { createDatasetsRepository } = await import('../../api/db/datasets.repository.js');
  const { createRunsRepository } = await import('../../api/db/runs.repository.js');
  const { ensureDemoData } = await import('../../api/demo.js');
  const { DEMO_HORIZON } = await import('../../api/commands/serve.js');
  const { initBackend } = await import('../../api/forecasting/backend.js');
  const { createDeepForecaster } = await import('../../api/forecasting/deep/index.js');
  const { modelInputs } = await import('../../api/forecasting/scenario.js');
  const { loadPanel } = await import('../../api/training/raw-series.js');
  const { saveRunResults } = await import('../../api/training/results.js');
  const { startServer } = await import('../../api/server.js');
  const { pino } = await import('pino');
  const database = parseDatabaseUrl(file);
  const knex = createKnex(database);
  const logger = pino({ level: 'warn' }, process.stderr);
  const demo = await ensureDemoData(knex, logger);
  const dataset = await createDatasetsRepository(knex).require(demo.tenantId, demo.datasetId);
  const panel = await loadPanel(knex, demo.tenantId, demo.datasetId, dataset.frequency);
  await initBackend('wasm');
  const model = createDeepForecaster('mlp', { windows: 2000, hidden: 32, epochs: 5, seed: 1 });
  const quantiles = [0.1, 0.5, 0.9];
  let result;
  try {
    await model.fit(panel, { horizon: DEMO_HORIZON, quantiles, seed: 1 });
    const forecasts = await model.predict(panel);
    const artefact = await model.serialize();
    const inputs = modelInputs(artefact.json);
    if (!inputs?.known.includes('price'))
      throw new Error(`the demo model does not read planned prices: ${JSON.stringify(inputs)}`);
    result = {
      chosenModel: 'mlp',
      forecasts,
      backtest: { origins: 0, horizon: DEMO_HORIZON, scores: [] },
      importance: [],
      seriesImportance: new Map(),
      artefact,
      warnings: [],
    };
  } finally {
    model.dispose();
  }
  const runs = createRunsRepository(knex);
  const run = await runs.create(demo.tenantId, {
    datasetId: demo.datasetId,
    model: 'mlp',
    horizon: DEMO_HORIZON,
    quantiles,
    epochs: 5,
    seed: 1,
  });
  const claimed = await runs.queueClaimNext('demo-scenario-test');
  if (claimed?.id !== run.id) throw new Error(`claimed run ${claimed?.id}, expected ${run.id}`);
  await saveRunResults(knex, { runId: run.id, tenantId: demo.tenantId, datasetId: demo.datasetId }, result);
  const server = await startServer({
    config: {
      ...loadConfig({}),
      nodeEnv: 'test' as const,
      host: '127.0.0.1',
      database,
      backend: 'cpu' as const,
      logLevel: 'silent' as const,
    },
    knex,
    logger,
    port: 0,
    demo: true,
    demoDatasetId: demo.datasetId,
    demoTenantId: demo.tenantId,
  });
  process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);
  const shutdown = (): void => {
    void server
      .close()
      .then(() => knex.destroy())
      .then(() => process.exit(0));
  };
  process.once('SIGTERM', shutdown);
  process.stdin.once('end', shutdown);
  process.stdin.resume();
}

const isChild = process.argv[1] === SELF && process.argv[2] === '--child';
if (isChild) await runChild(process.argv[3]!);

const skip = isChild ? null : browserSkipReason();
if (skip) process.stderr.write(`${skip}\n`);

function waitForExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

if (!isChild) {
  describe('the demo page on the demo data: a what-if for a real product', { skip: skip ?? false }, () => {
    let browser: Browser;
    let child: ChildProcess;
    let url: string;
    let dir: string;

    before(async () => {
      ensureBundle();
      dir = mkdtempSync(join(tmpdir(), 'fq-demo-scenario-'));
      child = spawn(process.execPath, ['--import', 'tsx', SELF, '--child', join(dir, 'forecastql.sqlite')], {
        cwd: REPO_ROOT,
        env: { ...process.env, TSX_TSCONFIG_PATH: 'api/tsconfig.json', FORECASTQL_BACKEND: 'cpu' },
        stdio: ['pipe', 'pipe', 'inherit'],
      });
      const ready = new Promise<{ url: string }>((resolve, reject) => {
        createInterface({ input: child.stdout! }).once('line', (line) => resolve(JSON.parse(line) as { url: string }));
        child.once('exit', (code) => reject(new Error(`the demo server exited (${code}) before it was ready`)));
      });
      [{ url }, browser] = await Promise.all([ready, launchChromium()]);
    });

    after(async () => {
      await browser?.close();
      if (child && child.exitCode === null && child.signalCode === null) {
        const exited = waitForExit(child);
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    test(`<fq-scenario> on the page at / draws ${PRODUCT}'s baseline and -10 % price curves and says the difference`, async () => {
      const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
      const problems: string[] = [];
      page.on('pageerror', (error) => problems.push(error.message));
      const answers: unknown[] = [];
      page.on('response', async (response) => {
        if (!response.url().endsWith('/graphql')) return;
        const body = response.request().postData() ?? '';
        if (body.includes('scenario(')) answers.push(await response.json().catch(() => null));
        // Not asserted here (another widget's area): a refused read of the page is reported for the record.
        if (response.status() >= 400) {
          const text = await response.text().catch(() => '');
          process.stderr.write(
            `demo page: HTTP ${response.status()} for ${body.slice(0, 80)}…: ${text.slice(0, 400)}\n`,
          );
        }
      });
      await page.goto(`${url}/`);
      const widget = page.locator('fq-scenario');
      assert.equal(await widget.getAttribute('series'), PRODUCT);
      const summary = page.locator('fq-scenario [part="summary"]');
      // The first what-if restores the model and starts the engine: generous on a loaded machine.
      await summary.waitFor({ timeout: 240_000 });
      const text = (await summary.textContent()) ?? '';
      // "price -10%: +12 units over the forecast (+3%)" (or a fall): the difference in words.
      assert.match(text, /price -10%: [+−-]?[\d,.]+ units over the forecast/, text);
      assert.ok(['up', 'down', 'flat'].includes((await summary.getAttribute('data-direction')) ?? ''), text);
      // Baseline and scenario: two lines and two bands in the SVG.
      await page.locator('fq-scenario [part="chart"] .apexcharts-series').first().waitFor({ timeout: 15_000 });
      const drawn = await page.locator('fq-scenario [part="chart"] .apexcharts-series').count();
      assert.ok(drawn >= 4, `${drawn} series drawn`);
      assert.equal(await page.locator('fq-scenario [role="alert"]').count(), 0, 'no error state');
      const answer = answers.find(Boolean) as
        | { data?: { scenario?: { totals: { baselineUnits: number; scenarioUnits: number } } }; errors?: unknown }
        | undefined;
      assert.equal(answer?.errors, undefined, JSON.stringify(answer?.errors));
      const totals = answer?.data?.scenario?.totals;
      assert.ok(totals && totals.baselineUnits > 0, JSON.stringify(totals));
      // The demo's own prices taught the model that cheaper sells more: a cut raises the forecast.
      assert.ok(totals.scenarioUnits > totals.baselineUnits, JSON.stringify(totals));
      assert.equal(await summary.getAttribute('data-direction'), 'up', text);
      process.stderr.write(
        `${PRODUCT}, price -10 % over the demo's 28 days: ${totals.baselineUnits.toFixed(1)} -> ${totals.scenarioUnits.toFixed(1)} units\n`,
      );
      // The README's demo example, as written, with the token the page carries (a read-only embed token).
      const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
      const section = readme.slice(readme.indexOf('## What-if scenarios'));
      const example = /```graphql\n(query DemoPriceCut[\s\S]*?)```\n\nwith `(\{[^`]*\})`/.exec(section);
      assert.ok(example, 'the README shows the demo example and its variables');
      const token = await widget.getAttribute('token');
      const response = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: example[1], variables: JSON.parse(example[2]!) as unknown }),
      });
      const readmeAnswer = (await response.json()) as {
        data?: { scenario: { totals: { baselineUnits: number; scenarioUnits: number } } };
        errors?: unknown;
      };
      assert.equal(readmeAnswer.errors, undefined, JSON.stringify(readmeAnswer.errors));
      assert.deepEqual(readmeAnswer.data!.scenario.totals.baselineUnits, totals.baselineUnits);
      assert.deepEqual(readmeAnswer.data!.scenario.totals.scenarioUnits, totals.scenarioUnits);
      await screenshot(page, 'demo-page-scenario');
      assert.deepEqual(problems, []);
      await page.close();
    });
  });
}
