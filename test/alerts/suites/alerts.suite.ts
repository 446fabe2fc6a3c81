/**
 * Alerts and webhooks end to end in-process (issue 18 item 3), on SQLite and PostgreSQL: actuals
 * imported after a SUCCEEDED run's forecast become alerts (one point far out, a run of days on one
 * side), raised once per breach across re-imports, published to `alertRaised`, acknowledged, and
 * POSTed to the tenant's webhooks with an HMAC-SHA256 signature the receiver verifies, retried
 * after a 500, logged; never to another tenant's URL.
 */
import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { parse, subscribe } from 'graphql';
import type { Knex } from 'knex';
import Database from 'better-sqlite3';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Role } from '../../../api/app/scope.js';
import { createForecastsRepository } from '../../../api/db/forecasts.repository.js';
import { createRunsRepository } from '../../../api/db/runs.repository.js';
import { createWebhookTransport } from '../../../api/http/webhook-transport.js';
import { createAdminKey, type TestKey } from '../../helpers/auth.js';
import { withDbs, type TestDb } from '../../helpers/dbs.js';
import { createTestApi, waitFor, type TestApi } from '../../integration/support/api.js';
import { RUN_UPDATED, RunStatus } from '../../../api/app/ports.js';

const day = (i: number): string => new Date(Date.UTC(2024, 0, 1 + i)).toISOString().slice(0, 10);
const HISTORY_DAYS = 60;
const HORIZON = 14;

/** `series × days` history rows, a steady 10 a day (so the stored band 8–12 fits it). */
function historyCsv(series: readonly string[]): string {
  const lines = ['series_id,date,value'];
  for (const s of series) for (let d = 0; d < HISTORY_DAYS; d++) lines.push(`${s},${day(d)},10`);
  return `${lines.join('\n')}\n`;
}

/** Actuals after the history: `values[i]` on forecast day i. */
function actualsCsv(series: string, values: readonly number[]): string {
  return `series_id,date,value\n${values.map((v, i) => `${series},${day(HISTORY_DAYS + i)},${v}`).join('\n')}\n`;
}

/** A SUCCEEDED run of `datasetId` with a band 8–12 (p50 10) for every series and forecast day. */
async function storeRun(knex: Knex, tenantId: number, datasetId: number): Promise<number> {
  const runs = createRunsRepository(knex);
  const run = await runs.create(tenantId, {
    datasetId,
    model: 'snaive',
    horizon: HORIZON,
    quantiles: [0.1, 0.5, 0.9],
    epochs: null,
    seed: 1,
  });
  const forecasts = createForecastsRepository(knex);
  const ids = await forecasts.seriesIdsByKey(tenantId, datasetId);
  const rows = [...ids.values()].flatMap((seriesId) =>
    Array.from({ length: HORIZON }, (_, i) => ({
      seriesId,
      date: day(HISTORY_DAYS + i),
      values: new Map([
        [0.1, 8],
        [0.5, 10],
        [0.9, 12],
      ]),
    })),
  );
  await forecasts.insertMany(tenantId, run.id, rows);
  const now = new Date();
  await knex('training_runs')
    .where({ id: run.id })
    .update({ status: 'SUCCEEDED', started_at: now, finished_at: now, updated_at: now });
  return run.id;
}

interface Received {
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** A webhook receiver on 127.0.0.1: answers with `statuses` in turn (then 200), records every request. */
async function startReceiver(
  statuses: number[] = [],
): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.statusCode = statuses.shift() ?? 200;
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/forecastql`,
    received,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** What the README tells a receiver to do: HMAC-SHA256 over `timestamp.body`, compared in constant time. */
function verifySignature(secret: string, r: Received): boolean {
  const timestamp = String(r.headers['x-forecastql-timestamp']);
  const expected = `sha256=${createHmac('sha256', secret).update(`${timestamp}.${r.body}`).digest('hex')}`;
  const given = String(r.headers['x-forecastql-signature']);
  return given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected));
}

interface AlertView {
  id: string;
  seriesId: string;
  kind: string;
  direction: string | null;
  severity: string;
  status: string;
  from: string;
  to: string;
  actual: number | null;
  p10: number | null;
  p90: number | null;
  points: { date: string; actual: number }[];
  message: string;
}

const ALERTS = `query($d: ID, $status: AlertStatus) {
  alerts(datasetId: $d, status: $status, first: 50) {
    totalCount
    nodes { id seriesId kind direction severity status from to actual p10 p90 points { date actual } message }
  }
}`;
const IMPORT = `mutation($d: ID!, $csv: String!) { importObservations(datasetId: $d, csv: $csv) { rowsImported } }`;
const CREATE_WEBHOOK = `mutation($url: String!, $secret: String) {
  createWebhook(url: $url, secret: $secret) { webhook { id url } secret }
}`;
const DELIVERIES = `query($w: ID) {
  webhookDeliveries(webhookId: $w, first: 50) {
    totalCount
    nodes { id webhookId alertId status attempts lastStatusCode lastError deliveredAt payload }
  }
}`;

withDbs((db) => {
  // A describe of its own, so that its `after` (closing the API and its webhook dispatcher) runs
  // before withDbs closes the database.
  describe('alerting', () => suite(db));
});

function suite(db: TestDb): void {
  let api: TestApi;
  let keyB: TestKey;

  before(async () => {
    api = await createTestApi(db.knex, db.config);
    keyB = await createAdminKey(db.knex, 'shop-b', 'b-admin');
  });
  after(async () => {
    await api?.close();
  });

  /** A dataset of tenant `headers` with history and a stored run; returns its id. */
  async function datasetWithRun(
    name: string,
    series: readonly string[],
    headers = api.adminKey.headers,
    tenantId = api.tenantId,
  ): Promise<string> {
    const as = (q: string, v?: Record<string, unknown>) => api.execAs(headers, q, v);
    const created = await as(`mutation($n: String!) { createDataset(input: { name: $n }) { id } }`, { n: name });
    assert.equal(created.errors, undefined, JSON.stringify(created.errors));
    const id = (created.data as { createDataset: { id: string } }).createDataset.id;
    const imported = await as(IMPORT, { d: id, csv: historyCsv(series) });
    assert.equal(imported.errors, undefined, JSON.stringify(imported.errors));
    await storeRun(db.knex, tenantId, Number(id));
    return id;
  }

  describe('alerts after an import', () => {
    let d: string;
    let receiver: Awaited<ReturnType<typeof startReceiver>>;
    let secret: string;
    let webhookId: string;

    before(async () => {
      d = await datasetWithRun('alerts-import', ['A', 'B']);
      // The first POST is answered 500: the delivery must be retried, then DELIVERED.
      receiver = await startReceiver([500]);
      const r = await api.ok<{ createWebhook: { webhook: { id: string; url: string }; secret: string } }>(
        CREATE_WEBHOOK,
        { url: receiver.url, secret: 'a-shared-secret-of-the-shop' },
      );
      secret = r.createWebhook.secret;
      webhookId = r.createWebhook.webhook.id;
      assert.equal(secret, 'a-shared-secret-of-the-shop');
      assert.equal(r.createWebhook.webhook.url, receiver.url);
    });
    after(async () => receiver?.close());

    test('history inside the band raises nothing', async () => {
      const { alerts } = await api.ok<{ alerts: { totalCount: number } }>(ALERTS, { d });
      assert.equal(alerts.totalCount, 0);
    });

    test('a point far out and a run of days above the band become two alerts, published to alertRaised', async () => {
      const subscription = (await subscribe({
        schema: api.app.schema,
        document: parse(`subscription($d: ID) { alertRaised(datasetId: $d) { seriesId kind from to } }`),
        variableValues: { d },
        contextValue: await api.app.context(api.adminKey.headers),
      })) as AsyncIterableIterator<{ data?: { alertRaised: { seriesId: string; kind: string } } }>;
      assert.equal(typeof subscription.next, 'function', 'alertRaised subscribes');
      // A: day 0 at 40 (band 8–12: 14 half-bands out), days 0–5 above p90 but within one half-band
      // after day 0; B stays inside.
      await api.ok(IMPORT, {
        d,
        csv:
          actualsCsv('A', [40, 13, 14, 13, 13.5, 13, 10]) +
          actualsCsv('B', [10, 11, 9]).split('\n').slice(1).join('\n'),
      });
      const { alerts } = await api.ok<{ alerts: { totalCount: number; nodes: AlertView[] } }>(ALERTS, { d });
      assert.equal(alerts.totalCount, 2, JSON.stringify(alerts.nodes));
      const outlier = alerts.nodes.find((a) => a.kind === 'OUTLIER')!;
      const run = alerts.nodes.find((a) => a.kind === 'RUN')!;
      assert.deepEqual(
        [
          outlier.seriesId,
          outlier.direction,
          outlier.severity,
          outlier.from,
          outlier.to,
          outlier.actual,
          outlier.p10,
          outlier.p90,
        ],
        ['A', 'ABOVE', 'CRITICAL', day(60), day(60), 40, 8, 12],
      );
      assert.deepEqual(
        [run.seriesId, run.direction, run.from, run.to, run.status],
        ['A', 'ABOVE', day(60), day(65), 'OPEN'],
      );
      assert.deepEqual(
        run.points.map((p) => p.actual),
        [40, 13, 14, 13, 13.5, 13],
      );
      assert.match(outlier.message, /A sold 40 on 2024-03-01, far above the forecast's p10–p90 band 8–12/);
      const first = await subscription.next();
      const second = await subscription.next();
      assert.deepEqual(
        [first.value?.data?.alertRaised, second.value?.data?.alertRaised].map((a) => a?.kind).toSorted(),
        ['OUTLIER', 'RUN'],
      );
      await subscription.return?.();
    });

    test('re-importing the same rows, or importing anything else, raises nothing again', async () => {
      await api.ok(IMPORT, { d, csv: actualsCsv('A', [40, 13, 14, 13, 13.5, 13, 10]) });
      // A change elsewhere in the dataset makes the check run again over the same days.
      await api.ok(IMPORT, { d, csv: actualsCsv('B', [10, 11, 9, 10]) });
      assert.deepEqual(await api.alerting.detector.check(api.tenantId, Number(d)), [], 'a direct check raises nothing');
      const { alerts } = await api.ok<{ alerts: { totalCount: number } }>(ALERTS, { d });
      assert.equal(alerts.totalCount, 2);
    });

    test('a run that grows is the same alert, widened, not a new one', async () => {
      await api.ok(IMPORT, {
        d,
        csv: actualsCsv('A', [40, 13, 14, 13, 13.5, 13, 10]).replace(`A,${day(66)},10`, `A,${day(66)},13.5`),
      });
      const { alerts } = await api.ok<{ alerts: { totalCount: number; nodes: AlertView[] } }>(ALERTS, { d });
      assert.equal(alerts.totalCount, 2);
      const run = alerts.nodes.find((a) => a.kind === 'RUN')!;
      assert.deepEqual([run.from, run.to, run.points.length], [day(60), day(66), 7]);
    });

    test('the webhook got each alert once, signed, after a retry of the first POST', async () => {
      const deliveries = await waitFor(
        async () => {
          const r = await api.ok<{
            webhookDeliveries: {
              totalCount: number;
              nodes: {
                status: string;
                attempts: number;
                lastStatusCode: number;
                lastError: string | null;
                alertId: string;
                payload: string;
              }[];
            };
          }>(DELIVERIES, { w: webhookId });
          return r.webhookDeliveries.nodes.every((n) => n.status === 'DELIVERED') ? r.webhookDeliveries : undefined;
        },
        10_000,
        'both deliveries DELIVERED',
      );
      assert.equal(deliveries.totalCount, 2, 'one delivery per alert, none for the re-imports');
      const attempts = deliveries.nodes.map((n) => n.attempts).toSorted();
      assert.deepEqual(attempts, [1, 2], 'the delivery answered 500 was sent again');
      assert.ok(deliveries.nodes.every((n) => n.lastStatusCode === 200));
      assert.equal(receiver.received.length, 3, '2 alerts, one of them twice');
      for (const r of receiver.received) {
        assert.ok(verifySignature(secret, r), 'the signature verifies with the shared secret');
        assert.equal(r.headers['x-forecastql-event'], 'alert.raised');
        assert.equal(r.headers['content-type'], 'application/json');
        const body = JSON.parse(r.body) as {
          event: string;
          alert: { seriesId: string; kind: string; datasetId: string };
        };
        assert.equal(body.event, 'alert.raised');
        assert.equal(body.alert.seriesId, 'A');
        assert.equal(body.alert.datasetId, d);
      }
      assert.ok(!verifySignature('another-secret-entirely', receiver.received[0]!), 'a wrong secret does not verify');
      const tampered = { ...receiver.received[0]!, body: receiver.received[0]!.body.replace('"A"', '"B"') };
      assert.ok(!verifySignature(secret, tampered), 'a changed body does not verify');
      // The retried body is byte-for-byte the first one.
      const bodies = receiver.received.map((r) => r.body);
      assert.equal(new Set(bodies).size, 2);
    });

    test("the README's example query and signature check work as written", async () => {
      const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
      const start = readme.indexOf('## Alerts and webhooks');
      const section = readme.slice(start, readme.indexOf('\n## ', start + 5));
      const query = /```graphql\n([\s\S]*?)```/.exec(section)?.[1];
      const variables = /with the variables `(\{[^`]*\})`/.exec(section)?.[1];
      const code = /```js\n([\s\S]*?)```/.exec(section)?.[1];
      assert.ok(query && variables && code, 'the section has a query, its variables and the verification code');
      const r = await api.ok<{ alerts: { totalCount: number; nodes: AlertView[] } }>(query, {
        ...(JSON.parse(variables) as Record<string, unknown>),
        datasetId: d,
      });
      assert.equal(r.alerts.totalCount, 2);
      const dir = mkdtempSync(join(tmpdir(), 'fq-readme-'));
      try {
        writeFileSync(join(dir, 'verify.mjs'), code);
        const { verifyForecastQL } = (await import(pathToFileURL(join(dir, 'verify.mjs')).href)) as {
          verifyForecastQL: (secret: string, headers: IncomingHttpHeaders, body: string) => boolean;
        };
        for (const got of receiver.received) assert.equal(verifyForecastQL(secret, got.headers, got.body), true);
        const got = receiver.received[0]!;
        assert.equal(verifyForecastQL(secret, got.headers, got.body.replace('"A"', '"B"')), false);
        assert.equal(verifyForecastQL('not-the-secret-of-this-hook', got.headers, got.body), false);
        const old = { ...got.headers, 'x-forecastql-timestamp': String(Math.floor(Date.now() / 1000) - 3600) };
        assert.equal(verifyForecastQL(secret, old, got.body), false, 'an old timestamp is refused');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    test('acknowledgeAlert marks it, and the OPEN filter leaves it out', async () => {
      const { alerts } = await api.ok<{ alerts: { nodes: AlertView[] } }>(ALERTS, { d });
      const id = alerts.nodes[0]!.id;
      const r = await api.ok<{ acknowledgeAlert: { status: string; acknowledgedAt: string } }>(
        'mutation($id: ID!) { acknowledgeAlert(id: $id) { status acknowledgedAt } }',
        { id },
      );
      assert.equal(r.acknowledgeAlert.status, 'ACKNOWLEDGED');
      assert.ok(r.acknowledgeAlert.acknowledgedAt);
      const open = await api.ok<{ alerts: { totalCount: number } }>(ALERTS, { d, status: 'OPEN' });
      assert.equal(open.alerts.totalCount, 1);
      const missing = await api.fails('mutation { acknowledgeAlert(id: "999999") { id } }');
      assert.equal(missing.code, 'NOT_FOUND');
    });
  });

  describe('alerts after a data-source sync', () => {
    test('a sync that brings sales outside the band raises alerts once; a re-sync of the same days raises none', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'fq-alert-shop-'));
      const file = join(dir, 'shop.sqlite');
      const env = `FQ_ALERT_SHOP_${db.dialect.toUpperCase()}`;
      try {
        const shop = new Database(file);
        shop.exec('CREATE TABLE daily (sku TEXT, day TEXT, qty REAL)');
        const insert = shop.prepare('INSERT INTO daily VALUES (?, ?, ?)');
        for (let d = 0; d < HISTORY_DAYS; d++) insert.run('S', day(d), 10);
        process.env[env] = `sqlite://${file}`;
        const services = api.app.core.servicesFor({ tenantId: api.tenantId, role: Role.ADMIN, datasetIds: null });
        const source = await services.sources.create(api.tenantId, {
          name: `alert-shop-${db.dialect}`,
          kind: 'generic',
          urlEnv: env,
          query: 'SELECT sku AS series_id, day AS date, qty AS quantity FROM daily',
          dataset: `alert-shop-${db.dialect}`,
        });
        await services.sources.sync(api.tenantId, source.name);
        await storeRun(db.knex, api.tenantId, source.datasetId);
        for (let d = HISTORY_DAYS; d < HISTORY_DAYS + 6; d++) insert.run('S', day(d), 20);
        shop.close();
        const count = async () =>
          (
            await api.ok<{ alerts: { totalCount: number; nodes: AlertView[] } }>(ALERTS, {
              d: String(source.datasetId),
            })
          ).alerts;
        assert.equal((await count()).totalCount, 0);
        await services.sources.sync(api.tenantId, source.name);
        const raised = await count();
        // Six days at 20 against 8–12: six outliers (4 half-bands out, CRITICAL) and one run.
        assert.deepEqual(raised.nodes.map((a) => a.kind).toSorted(), [
          'OUTLIER',
          'OUTLIER',
          'OUTLIER',
          'OUTLIER',
          'OUTLIER',
          'OUTLIER',
          'RUN',
        ]);
        assert.ok(raised.nodes.every((a) => a.seriesId === 'S'));
        await services.sources.sync(api.tenantId, source.name, { full: true });
        await services.sources.sync(api.tenantId, source.name);
        assert.equal((await count()).totalCount, 7, 're-syncs of the same days raise nothing');
      } finally {
        delete process.env[env];
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe('predicted stock-outs', () => {
    test('a series whose stock will run out before the next delivery raises one STOCK_OUT alert', async () => {
      const d = await datasetWithRun('stock-outs', ['LOW', 'PLENTY']);
      const set = await api.exec(
        `mutation($d: ID!) { setStock(datasetId: $d, levels: [
          { seriesId: "LOW", onHand: 1, leadTime: 3, reviewPeriod: 1 },
          { seriesId: "PLENTY", onHand: 500, leadTime: 3, reviewPeriod: 1 }]) }`,
        { d },
      );
      assert.equal(set.errors, undefined, JSON.stringify(set.errors));
      // Actuals inside the band: the only alert is the predicted stock-out.
      await api.ok(IMPORT, { d, csv: actualsCsv('PLENTY', [10]) });
      const { alerts } = await api.ok<{ alerts: { nodes: (AlertView & { probability: number })[] } }>(
        ALERTS.replace('message }', 'message probability }'),
        { d },
      );
      assert.deepEqual(
        alerts.nodes.map((a) => [a.kind, a.seriesId]),
        [['STOCK_OUT', 'LOW']],
      );
      assert.ok(alerts.nodes[0]!.probability > 0.9, String(alerts.nodes[0]!.probability));
      assert.equal(alerts.nodes[0]!.actual, 1, 'units on hand');
      assert.match(alerts.nodes[0]!.message, /chance of a stock-out before the next delivery/);
      await api.ok(IMPORT, { d, csv: actualsCsv('PLENTY', [11]) });
      const again = await api.ok<{ alerts: { totalCount: number } }>(ALERTS, { d });
      assert.equal(again.alerts.totalCount, 1, 'raised once');
    });
  });

  describe('stock-outs checked when the stock or the run changes', () => {
    const STOCK_OUTS = `query($d: ID) { alerts(datasetId: $d, first: 50) { totalCount nodes { kind seriesId actual } } }`;
    type StockOuts = { alerts: { totalCount: number; nodes: { kind: string; seriesId: string; actual: number }[] } };

    test('setStock alone raises the STOCK_OUT alert it makes likely, at once and once', async () => {
      const d = await datasetWithRun('stock-set', ['SHORT', 'FULL']);
      const none = await api.ok<StockOuts>(STOCK_OUTS, { d });
      assert.equal(none.alerts.totalCount, 0, 'no stock levels yet: no alert');
      const SET = `mutation($d: ID!, $n: Float!) { setStock(datasetId: $d, levels: [
        { seriesId: "SHORT", onHand: $n, leadTime: 3, reviewPeriod: 1 },
        { seriesId: "FULL", onHand: 500, leadTime: 3, reviewPeriod: 1 }]) }`;
      await api.ok(SET, { d, n: 2 });
      // No import and no sync in between: the stock change itself was checked.
      const raised = await api.ok<StockOuts>(STOCK_OUTS, { d });
      assert.deepEqual(
        raised.alerts.nodes.map((a) => [a.kind, a.seriesId, a.actual]),
        [['STOCK_OUT', 'SHORT', 2]],
      );
      await api.ok(SET, { d, n: 2 });
      assert.equal(
        (await api.ok<StockOuts>(STOCK_OUTS, { d })).alerts.totalCount,
        1,
        'the same stock again: raised once',
      );
    });

    test('a training run that succeeds raises the stock-out its plan predicts', async () => {
      const created = await api.ok<{ createDataset: { id: string } }>(
        `mutation { createDataset(input: { name: "stock-run" }) { id } }`,
      );
      const d = created.createDataset.id;
      await api.ok(IMPORT, { d, csv: historyCsv(['THIN', 'THICK']) });
      await api.ok(
        `mutation($d: ID!) { setStock(datasetId: $d, levels: [
          { seriesId: "THIN", onHand: 1, leadTime: 3, reviewPeriod: 1 },
          { seriesId: "THICK", onHand: 500, leadTime: 3, reviewPeriod: 1 }]) }`,
        { d },
      );
      assert.equal((await api.ok<StockOuts>(STOCK_OUTS, { d })).alerts.totalCount, 0, 'no run yet: no plan, no alert');
      // The run's results are saved, then the runner announces its SUCCEEDED state on the run bus
      // (in a worker process, through the PostgreSQL bridge): that announcement triggers the check.
      const runId = await storeRun(db.knex, api.tenantId, Number(d));
      assert.equal((await api.ok<StockOuts>(STOCK_OUTS, { d })).alerts.totalCount, 0, 'saved, not yet announced');
      const run = await createRunsRepository(db.knex).get(api.tenantId, runId);
      assert.equal(run?.status, 'SUCCEEDED');
      api.bus.publish(RUN_UPDATED, runId, { ...run!, status: RunStatus.RUNNING });
      api.bus.publish(RUN_UPDATED, runId, run!);
      api.bus.publish(RUN_UPDATED, runId, run!);
      const raised = await waitFor(
        async () => {
          const r = await api.ok<StockOuts>(STOCK_OUTS, { d });
          return r.alerts.totalCount > 0 ? r : undefined;
        },
        15_000,
        'the stock-out alert after the run',
      );
      assert.deepEqual(
        raised.alerts.nodes.map((a) => [a.kind, a.seriesId]),
        [['STOCK_OUT', 'THIN']],
      );
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.equal((await api.ok<StockOuts>(STOCK_OUTS, { d })).alerts.totalCount, 1, 'raised once');
    });
  });

  describe('tenants', () => {
    test("an alert of tenant A is never sent to tenant B's webhook, nor listed for B", async () => {
      const receiverA = await startReceiver();
      const receiverB = await startReceiver();
      try {
        const asB = (q: string, v?: Record<string, unknown>) => api.execAs(keyB.headers, q, v);
        const hookB = await asB(CREATE_WEBHOOK, { url: receiverB.url });
        assert.equal(hookB.errors, undefined, JSON.stringify(hookB.errors));
        const secretB = (hookB.data as { createWebhook: { secret: string } }).createWebhook.secret;
        assert.ok(secretB.length >= 32, 'a secret is generated when none is given');
        await api.ok(CREATE_WEBHOOK, { url: receiverA.url });
        const dA = await datasetWithRun('tenancy-a', ['X']);
        const dB = await datasetWithRun('tenancy-b', ['X'], keyB.headers, keyB.tenantId);
        await api.ok(IMPORT, { d: dA, csv: actualsCsv('X', [90]) });
        await waitFor(async () => (receiverA.received.length > 0 ? true : undefined), 10_000, "A's receiver");
        await api.alerting.dispatcher.whenIdle();
        assert.equal(receiverB.received.length, 0, "nothing reached B's URL");
        const bAlerts = await asB(ALERTS, {});
        assert.equal((bAlerts.data as { alerts: { totalCount: number } }).alerts.totalCount, 0);
        const bDeliveries = await asB(DELIVERIES, {});
        assert.equal(
          (bDeliveries.data as { webhookDeliveries: { totalCount: number } }).webhookDeliveries.totalCount,
          0,
        );
        const outOfReach = await asB(ALERTS, { d: dA });
        assert.equal(outOfReach.errors?.[0]?.extensions?.['code'], 'NOT_FOUND');
        // B's own breach reaches B, signed with B's secret, and not A.
        const beforeA = receiverA.received.length;
        const imported = await asB(IMPORT, { d: dB, csv: actualsCsv('X', [0, 0, 0, 0, 0, 0]) });
        assert.equal(imported.errors, undefined, JSON.stringify(imported.errors));
        await waitFor(async () => (receiverB.received.length > 0 ? true : undefined), 10_000, "B's receiver");
        await api.alerting.dispatcher.whenIdle();
        assert.ok(receiverB.received.every((r) => verifySignature(secretB, r)));
        assert.ok(
          receiverB.received.every(
            (r) => (JSON.parse(r.body) as { alert: { datasetId: string } }).alert.datasetId === dB,
          ),
        );
        assert.equal(receiverA.received.length, beforeA, "B's alert did not reach A");
      } finally {
        await receiverA.close();
        await receiverB.close();
      }
    });

    test('an embed token reads alerts of its datasets but cannot acknowledge or manage webhooks', async () => {
      const { createEmbedToken } = await api.ok<{ createEmbedToken: { token: string } }>(
        'mutation { createEmbedToken(datasetIds: ["1"]) { token } }',
      );
      const headers = { authorization: `Bearer ${createEmbedToken.token}` };
      const list = await api.execAs(headers, ALERTS, {});
      assert.equal(list.errors, undefined, JSON.stringify(list.errors));
      const ack = await api.execAs(headers, 'mutation { acknowledgeAlert(id: "1") { id } }');
      assert.equal(ack.errors?.[0]?.extensions?.['code'], 'FORBIDDEN');
      const hooks = await api.execAs(headers, '{ webhooks { id } }');
      assert.equal(hooks.errors?.[0]?.extensions?.['code'], 'FORBIDDEN');
    });
  });

  describe('webhook URLs', () => {
    test('a non-http(s) URL is refused with WEBHOOK_URL_REFUSED, and nothing is stored', async () => {
      const stored = (await api.ok<{ webhooks: unknown[] }>('{ webhooks { id } }')).webhooks.length;
      for (const url of [
        'ftp://shop.example.com/x',
        'file:///etc/passwd',
        'javascript:alert(1)',
        'not a url',
        'https://user:pw@shop.example.com/',
      ]) {
        const res = await api.exec(CREATE_WEBHOOK, { url });
        assert.equal(res.errors?.[0]?.extensions?.['code'], 'WEBHOOK_URL_REFUSED', url);
        assert.match(res.errors![0]!.message, /refused/);
      }
      const secretTooShort = await api.exec(CREATE_WEBHOOK, { url: 'https://shop.example.com/h', secret: 'short' });
      assert.equal(secretTooShort.errors?.[0]?.extensions?.['code'], 'BAD_USER_INPUT');
      assert.equal((await api.ok<{ webhooks: unknown[] }>('{ webhooks { id } }')).webhooks.length, stored);
    });

    test('by default private, loopback and link-local addresses are refused, at creation and at send time', async () => {
      const guarded = createWebhookTransport({ allowPrivate: false });
      for (const url of [
        'http://127.0.0.1:8080/',
        'http://localhost/',
        'http://10.1.2.3/',
        'http://192.168.0.10/',
        'http://169.254.169.254/latest/meta-data/',
        'http://[::1]/',
        'http://[::ffff:127.0.0.1]/',
      ]) {
        assert.ok(await guarded.refusal(new URL(url)), `${url} refused`);
      }
      assert.equal(await guarded.refusal(new URL('http://93.184.215.14/')), null, 'a public address is allowed');
      // At send time too: a name that resolves to loopback is refused by the connection's lookup.
      const receiver = await startReceiver();
      try {
        const port = new URL(receiver.url).port;
        const outcome = await guarded.post(new URL(`http://localhost:${port}/`), {}, '{}', 2000);
        assert.ok('error' in outcome, JSON.stringify(outcome));
        assert.equal(receiver.received.length, 0);
      } finally {
        await receiver.close();
      }
    });

    test('deleteWebhook removes it and its log; another tenant cannot delete it', async () => {
      const created = await api.ok<{ createWebhook: { webhook: { id: string } } }>(CREATE_WEBHOOK, {
        url: 'https://shop.example.com/hooks/x',
      });
      const id = created.createWebhook.webhook.id;
      const byB = await api.execAs(keyB.headers, 'mutation($id: ID!) { deleteWebhook(id: $id) }', { id });
      assert.equal(byB.errors?.[0]?.extensions?.['code'], 'NOT_FOUND');
      const r = await api.ok<{ deleteWebhook: string }>('mutation($id: ID!) { deleteWebhook(id: $id) }', { id });
      assert.equal(r.deleteWebhook, id);
      const { webhooks } = await api.ok<{ webhooks: { id: string }[] }>('{ webhooks { id } }');
      assert.ok(!webhooks.some((w) => w.id === id));
    });
  });
}
