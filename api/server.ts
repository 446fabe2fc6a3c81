/**
 * The standalone server, one host of the package API (plugin/graphql-app.ts runs plugin/host.ts,
 * the code behind `createForecastQL`, with this server's API keys and embed tokens as its
 * principal implementation and graphql-jit as its executor).
 * The HTTP server: GraphQL at `/graphql` (Apollo Server over node:http), graphql-ws subscriptions
 * on the same port and path, `/healthz` (database ping), the widget bundle under `/widgets/`
 * (api/http/static-bundle.ts) and the demo page at `/`. `close()` shuts down gracefully: stops
 * accepting, lets the requests already accepted finish (up to SHUTDOWN_GRACE_MS), ends
 * subscriptions, stops the training runner, then closes what is left.
 */
import cluster from 'node:cluster';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HeaderMap } from '@apollo/server';
import { execute, GraphQLError, subscribe, type ExecutionArgs, type GraphQLFormattedError } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import type PgBoss from 'pg-boss';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { WebSocketServer, type WebSocket } from 'ws';
import { authorizationOf } from './auth/authenticator.js';
import type { Principal } from './auth/principal.js';
import type { Config } from './config/env.js';
import { InvalidConfigurationError } from './errors/index.js';
import { createTenantsRepository } from './db/tenants.repository.js';
import { createDataSourcesRepository } from './db/data-sources.repository.js';
import { createRunRetrainer } from './app/sources/retrainer.js';
import { SourceScheduler } from './app/sources/scheduler.js';
import { Role } from './app/scope.js';
import { withRunSuccessChecks } from './app/alerts/run-success.js';
import { startAlertBridge } from './queue/alert-notify.js';
import type { Core } from './app/services.js';
import type { DataSourceService } from './app/sources/source.service.js';
import { createDataPorts } from './plugin/core.js';
import { createGraphQLApp, type GraphQLApp } from './plugin/graphql-app.js';
import { readBody } from './http/body.js';
import { createCors } from './http/cors.js';
import { HttpError, sendHttpError } from './http/errors.js';
import { addressOf, createRateLimit, credentialIdentity } from './http/rate-limit.js';
import { BUNDLE_PREFIX, staticBundleAt } from './http/static-bundle.js';
import { createRunEventBus, type RunEventBus } from './training/events.js';
import type { RunQueue } from './app/ports.js';
import { TrainingRunner } from './training/runner.js';
import type { QueueConfig } from './config/env.js';
import { startBoss } from './queue/boss.js';
import { scheduleSourceTicks } from './queue/source-schedule.js';
import { listenRunUpdates } from './queue/notify.js';
import { PgRunQueue } from './queue/pg-queue.js';
import { QueueWorker } from './queue/worker.js';

/** How long close() waits for requests already accepted before it cuts their connections. */
export const SHUTDOWN_GRACE_MS = 10_000;

/** How often open graphql-ws connections re-check their credential (FORECASTQL_WS_RECHECK_MS for tests). */
const WS_RECHECK_MS = Number(process.env['FORECASTQL_WS_RECHECK_MS']) || 5_000;

export interface StartServerOptions {
  readonly config: Config;
  readonly knex: Knex;
  readonly logger: Logger;
  /** Serve the demo page at `/` (it is served whenever widgets/demo/index.html exists). */
  readonly demo?: boolean;
  /** With `--demo`: the demo dataset the page at `/` shows without query parameters. */
  readonly demoDatasetId?: number;
  /** Tenant of `demoDatasetId` (default: the `default` tenant); the page gets an embed token for it. */
  readonly demoTenantId?: number;
  /** Overrides config.port (0 = any free port). */
  readonly port?: number;
  /** Test hook: see RunJob.pipelineModule. */
  readonly pipelineModule?: string;
  /** Training runner tuning (tests shorten the intervals). */
  readonly runner?: {
    readonly pollIntervalMs?: number;
    readonly progressIntervalMs?: number;
    readonly cancelGraceMs?: number;
  };
  /**
   * PostgreSQL only: runs go through the pg-boss job queue (README "Scaling out") instead of the
   * embedded runner; with `worker` this process also trains queued runs (`serve --no-worker` for
   * API-only instances).
   */
  readonly jobQueue?: { readonly config: QueueConfig; readonly worker: boolean };
  /**
   * `serve --processes N` (api/commands/cluster.ts). `http`: a worker process that serves HTTP and
   * trains nothing; on SQLite its runs go to the primary through `runQueue`, and run events arrive
   * on `bus`. `training`: the primary, which trains and publishes run events on `bus` but does not
   * listen (the workers share the port).
   */
  readonly cluster?:
    | { readonly role: 'http'; readonly bus: RunEventBus; readonly runQueue?: RunQueue }
    | { readonly role: 'training'; readonly bus: RunEventBus };
}

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  readonly app: GraphQLApp;
  readonly runner: TrainingRunner;
  close(): Promise<void>;
}

/** The repository root (where package.json is), from src (tsx) or dist/. */
function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    dir = dirname(dir);
  }
  return process.cwd();
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(value));
}

/**
 * PostgreSQL with `jobQueue`: pg-boss, the API side of the queue, the LISTEN bridge that publishes
 * other processes' run events on `bus`, and with `worker` a queue worker of this process.
 */
async function startPgJobQueue(options: StartServerOptions, bus: RunEventBus) {
  const { config, knex, logger, jobQueue } = options;
  const db = config.database;
  if (db.client !== 'pg' || !jobQueue) return undefined;
  const boss = await startBoss({
    connectionString: db.connectionString,
    logger,
    supervise: false,
    queue: jobQueue.config,
    // The data sources' schedule tick runs on pg-boss's cron (queue/source-schedule.ts).
    schedules: true,
  });
  const queue = new PgRunQueue(boss, knex, jobQueue.config, logger);
  const listener = await listenRunUpdates(db.connectionString, knex, bus, logger);
  const worker = jobQueue.worker
    ? new QueueWorker({
        knex,
        connectionString: db.connectionString,
        logger,
        queue: jobQueue.config,
        backend: config.backend,
        ...(options.runner?.progressIntervalMs ? { progressIntervalMs: options.runner.progressIntervalMs } : {}),
        ...(options.pipelineModule ? { pipelineModule: options.pipelineModule } : {}),
      })
    : undefined;
  return { boss, queue, listener, worker };
}

/** A graphql-ws operation refused before it runs, as coded errors. */
const refuse = (code: string, message: string) => [new GraphQLError(message, { extensions: { code } })];

export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  const { config, knex, logger } = options;
  const root = findRoot();
  const role = options.cluster?.role ?? 'all';
  const ports = createDataPorts(knex, {
    alerting: { onError: (e, what) => logger.warn({ err: e }, what) },
  });
  // A run that succeeds (here, or in a worker through the PostgreSQL bridge) is checked for alerts.
  const bus = withRunSuccessChecks(options.cluster?.bus ?? createRunEventBus(), ports.alerting.arrivals);
  const runner = new TrainingRunner({
    knex,
    database: config.database,
    logger,
    bus,
    backend: config.backend,
    frequencyOf: async (tenantId, datasetId) => (await ports.datasets.get(tenantId, datasetId))?.frequency,
    ...(options.pipelineModule ? { pipelineModule: options.pipelineModule } : {}),
    ...options.runner,
  });
  const jobs = await startPgJobQueue(options, bus);
  // PostgreSQL: alertRaised hears alerts that other processes raise (LISTEN/NOTIFY).
  const alertBridge = await startAlertBridge(config.database, knex, ports.alerting, logger);
  const rateLimit = createRateLimit({
    limit: config.limits.rateLimit,
    windowSeconds: config.limits.rateWindowSeconds,
    failureLimit: config.limits.authFailureLimit,
  });
  const cors = createCors(config.limits.corsOrigins, logger);
  const bundle = staticBundleAt(root);
  const queue = jobs?.queue ?? (options.cluster?.role === 'http' ? options.cluster.runQueue : undefined) ?? runner;
  const app = await createGraphQLApp({ config, knex, logger, bus, queue, ...ports });
  const sourceSchedules = await startSourceSchedules(knex, logger, app.core, ports.sources, jobs?.boss);
  // Webhook deliveries: sent as alerts are raised, retried on a timer (also those queued by the CLI).
  ports.alerting.dispatcher.start();

  async function graphql(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    await rateLimit.check(req);
    let body: unknown = undefined;
    if (req.method === 'POST') {
      const text = await readBody(req, config.limits.maxBodyBytes);
      if ((headers.get('content-type') ?? '').includes('application/json') && text !== '') {
        try {
          body = JSON.parse(text);
        } catch {
          sendJson(res, 400, {
            errors: [{ message: 'The request body is not valid JSON.', extensions: { code: 'BAD_REQUEST' } }],
          });
          return;
        }
      } else body = text;
      if (Array.isArray(body)) {
        throw new HttpError(
          400,
          'BAD_REQUEST',
          `Batched operations are not supported (this request holds ${body.length}): send one operation per request.`,
        );
      }
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    const response = await app.apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: req.method ?? 'GET', headers, search: url.search, body },
      context: () => app.context(req.headers),
    });
    for (const [key, value] of response.headers) res.setHeader(key, value);
    res.statusCode = response.status ?? 200;
    // A credential that did not authenticate counts against its address (guessing keys).
    if (res.statusCode === 401) await rateLimit.failed(addressOf(req));
    if (response.body.kind === 'complete') {
      res.end(response.body.string);
      return;
    }
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path === '/healthz') {
      try {
        await knex.raw('select 1');
        // Under `serve --processes N`, which HTTP process answered (1…N, as node:cluster numbers them).
        const httpProcess = cluster.worker ? { process: cluster.worker.id } : {};
        sendJson(res, 200, { status: 'ok', database: config.database.client, ...httpProcess });
      } catch (e) {
        logger.error({ err: e }, 'health check: database unreachable');
        sendJson(res, 503, { status: 'unavailable', database: config.database.client, error: 'database unreachable' });
      }
      return;
    }
    if (path === '/graphql') {
      if ((await cors(req, res)) === 'handled') return;
      return graphql(req, res);
    }
    if (path.startsWith(BUNDLE_PREFIX) && (await bundle(req, res, path))) return;
    if (req.method === 'GET' && (path === '/' || path === '/index.html')) {
      const page = join(root, 'widgets', 'demo', 'index.html');
      if (existsSync(page))
        return send(res, 200, 'text/html; charset=utf-8', await demoPage(readFileSync(page, 'utf8')));
      return send(
        res,
        200,
        'text/html; charset=utf-8',
        '<!doctype html><title>ForecastQL</title><h1>ForecastQL</h1><p>GraphQL API at <a href="/graphql">/graphql</a>, health at <a href="/healthz">/healthz</a>.</p>\n',
      );
    }
    if (req.method === 'GET' && path === '/favicon.ico') return send(res, 204, 'image/x-icon', Buffer.alloc(0));
    send(res, 404, 'text/plain; charset=utf-8', `Not found: ${path}\n`);
  }

  /** The demo page, told which dataset to show when the server runs with `--demo`. */
  async function demoPage(html: string): Promise<string> {
    if (options.demoDatasetId === undefined) return html;
    // A fresh read-only token for the demo dataset with every page (24 h, signed by this server).
    const { token } = await app.embedTokens.issue({
      tenantId: options.demoTenantId ?? (await createTenantsRepository(knex).defaultTenantId()),
      datasetIds: [options.demoDatasetId],
      ttlSeconds: 24 * 3600,
    });
    const demoConfig = JSON.stringify({ endpoint: '/graphql', token, dataset: String(options.demoDatasetId) });
    return html.replace('<head>', `<head>\n    <script>window.FORECASTQL_DEMO = ${demoConfig};</script>`);
  }

  // Requests being answered, so that close() can let them finish (a rolling restart behind a
  // load balancer must not cut the requests it already accepted).
  let inFlight = 0;
  let drained: (() => void) | undefined;
  let closingDown = false;
  const server = createServer(
    {
      // Slow clients (slowloris): headers, and the whole request, must arrive in time.
      headersTimeout: config.limits.headerTimeoutMs,
      requestTimeout: config.limits.requestTimeoutMs,
      connectionsCheckingInterval: Math.min(1000, config.limits.headerTimeoutMs),
    },
    (req, res) => {
      inFlight++;
      res.once('close', () => {
        inFlight--;
        if (closingDown) {
          // A keep-alive connection that just answered is idle now: close it too.
          server.closeIdleConnections();
          if (inFlight === 0) drained?.();
        }
      });
      if (closingDown) res.setHeader('connection', 'close');
      handle(req, res).catch((e: unknown) => {
        if (e instanceof HttpError && !res.headersSent) return sendHttpError(res, e);
        logger.error({ err: e }, 'request failed');
        if (!res.headersSent)
          sendJson(res, 500, {
            errors: [{ message: 'Internal server error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } }],
          });
        else res.destroy();
      });
    },
  );

  const wss = new WebSocketServer({ server, path: '/graphql', maxPayload: 1024 * 1024 });
  const formatErrors = (errors: readonly unknown[] | undefined): GraphQLFormattedError[] | undefined =>
    errors?.map((e) => app.formatError((e as { toJSON(): GraphQLFormattedError }).toJSON(), e));
  const principals = new WeakMap<object, Principal>();
  const credentials = new WeakMap<object, Readonly<Record<string, string | string[] | undefined>>>();
  // Open connections, re-authenticated every WS_RECHECK_MS: a revoked key or token closes them.
  const connections = new Set<WebSocket>();
  const ws = useServer(
    {
      schema: app.schema,
      // Authenticated on connect, from connectionParams (what browsers can send) or the upgrade
      // request's headers; a connection without a valid credential is closed 4403, and counts as a
      // failed authentication of its address. Each operation is rate-limited like an HTTP request,
      // checks the credential again (a key revoked or a token expired meanwhile stops there) and
      // goes through the same limits, input guard and production rules as HTTP (limits.prepare).
      onConnect: async (ctx) => {
        const params = (ctx.connectionParams ?? {}) as Record<string, string | undefined>;
        const headers = authorizationOf(params) ? params : ctx.extra.request.headers;
        const address = ctx.extra.request.socket.remoteAddress ?? 'unknown';
        try {
          await rateLimit.checkAddress(address);
          principals.set(ctx.extra.socket, await app.authenticator.authenticate(headers));
          credentials.set(ctx.extra.socket, headers);
          connections.add(ctx.extra.socket);
          return true;
        } catch (e) {
          if ((e as { code?: string }).code === 'UNAUTHENTICATED') await rateLimit.failed(address);
          logger.debug({ err: e }, 'graphql-ws connection refused: no valid credential');
          return false;
        }
      },
      onClose: (ctx) => void connections.delete(ctx.extra.socket),
      onSubscribe: async (ctx, _id, payload) => {
        const headers = credentials.get(ctx.extra.socket) ?? {};
        let principal: Principal;
        try {
          await rateLimit.consume(credentialIdentity(headers) ?? `ip:${ctx.extra.request.socket.remoteAddress}`);
          principal = await app.authenticator.authenticate(headers);
          principals.set(ctx.extra.socket, principal);
        } catch (e) {
          if (e instanceof HttpError) return refuse(e.code, e.message);
          const unauthenticated = (e as { code?: string }).code === 'UNAUTHENTICATED';
          if (!unauthenticated) logger.error({ err: e }, 'graphql-ws: re-authentication failed');
          principals.delete(ctx.extra.socket);
          return unauthenticated
            ? refuse('UNAUTHENTICATED', (e as Error).message)
            : refuse('INTERNAL_SERVER_ERROR', 'Internal server error.');
        }
        const prepared = app.limits.prepare(app.schema, payload.query, payload.variables);
        if ('errors' in prepared) return [...prepared.errors];
        return {
          schema: app.schema,
          document: prepared.document,
          operationName: payload.operationName ?? null,
          variableValues: payload.variables ?? null,
          contextValue: app.contextFor(principal),
        };
      },
      execute: (args: ExecutionArgs) => execute(args),
      subscribe: (args: ExecutionArgs) => subscribe(args),
      onNext: (_ctx, _id, _payload, _args, result) => {
        if (!result.errors) return result;
        return { ...result, errors: formatErrors(result.errors) } as typeof result;
      },
      onError: (_ctx, _id, _payload, errors) => formatErrors(errors) as never,
    },
    wss,
  );
  const recheck = setInterval(() => {
    for (const socket of connections) {
      const headers = credentials.get(socket);
      if (!headers) continue;
      app.authenticator.authenticate(headers).catch((e: unknown) => {
        if ((e as { code?: string }).code !== 'UNAUTHENTICATED') return;
        connections.delete(socket);
        logger.info('graphql-ws connection closed: its credential was revoked or expired');
        socket.close(4403, 'Forbidden: the credential was revoked or expired');
      });
    }
  }, WS_RECHECK_MS);
  recheck.unref();

  if (jobs) await jobs.worker?.start();
  else if (role !== 'http') await runner.start();
  let port = 0;
  let url = '';
  if (role !== 'training') {
    const wanted = options.port ?? config.port;
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(wanted, config.host, () => resolve());
      });
    } catch (e) {
      // Nothing may keep the process alive: a supervisor must see it exit and restart it.
      clearInterval(recheck);
      await ws.dispose();
      await ports.alerting.dispatcher.stop();
      await runner.stop();
      await jobs?.worker?.stop();
      await jobs?.listener.close();
      await alertBridge?.close();
      await jobs?.boss.stop({ graceful: false, wait: true, timeout: 2000 });
      await app.stop();
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
        throw new InvalidConfigurationError(
          '--port',
          `${config.host}:${wanted}`,
          code === 'EADDRINUSE'
            ? 'Another process listens on that port: stop it, or choose another port with --port or PORT.'
            : `The server cannot listen there (${code}): choose another port or HOST.`,
        );
      }
      throw e;
    }
    port = (server.address() as AddressInfo).port;
    url = `http://${config.host}:${port}`;
    logger.info({ url, graphql: `${url}/graphql`, health: `${url}/healthz` }, 'ForecastQL is serving');
  }

  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    app,
    runner,
    close() {
      closing ??= (async () => {
        closingDown = true;
        const closed = new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve()));
        server.closeIdleConnections();
        // Stop accepting, then let the requests already accepted finish (up to the grace period).
        if (inFlight > 0) {
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, SHUTDOWN_GRACE_MS);
            timer.unref();
            drained = () => {
              clearTimeout(timer);
              resolve();
            };
          });
          if (inFlight > 0) logger.warn({ inFlight }, 'shutting down with requests still running');
        }
        clearInterval(recheck);
        await sourceSchedules.stop();
        await ports.alerting.dispatcher.stop();
        await ws.dispose();
        logger.debug('subscriptions closed');
        await runner.stop();
        await ports.alerting.arrivals.idle();
        await jobs?.worker?.stop();
        await jobs?.listener.close();
        await alertBridge?.close();
        await jobs?.boss.stop({ graceful: false, wait: true, timeout: 2000 });
        logger.debug('training runner stopped');
        await app.stop();
        server.closeAllConnections();
        await closed;
        logger.info('server closed');
      })();
      return closing;
    },
  };
}

/** How often the serving process looks for data sources whose scheduled sync is due. */
const SOURCE_SCHEDULE_TICK_MS = 60_000;

/**
 * Scheduled data-source syncs and retrains: with the PostgreSQL job queue, a pg-boss cron job a
 * minute that one of the serving processes works; otherwise (SQLite, or PostgreSQL without the
 * queue) a timer in this serving process. Either way a due sync or retrain is claimed by one
 * process. A retrain is an ordinary training run.
 */
async function startSourceSchedules(
  knex: Knex,
  logger: Logger,
  core: Core,
  sources: DataSourceService,
  boss: PgBoss | undefined,
): Promise<{ stop(): Promise<void> }> {
  const scheduler = new SourceScheduler(
    createDataSourcesRepository(knex),
    (tenantId) => sources.withScope({ tenantId, role: Role.ADMIN, datasetIds: null }),
    createRunRetrainer(core),
  );
  let current: Promise<unknown> | undefined;
  const tick = (): Promise<unknown> => {
    current = scheduler
      .tick()
      .then((reports) => {
        for (const r of reports) {
          if (r.error) logger.warn({ err: r.error, source: r.source, tenantId: r.tenantId }, 'scheduled sync failed');
          else
            logger.info(
              {
                source: r.source,
                tenantId: r.tenantId,
                linesRead: r.result?.linesRead,
                runId: r.runId,
                retrainReason: r.retrainReason,
              },
              r.result ? 'scheduled sync' : 'scheduled retrain',
            );
        }
      })
      .catch((e: unknown) => logger.error({ err: e }, 'source schedule tick failed'));
    return current;
  };
  if (boss) {
    const workId = await scheduleSourceTicks(boss, tick);
    return {
      async stop() {
        await boss.offWork({ id: workId }).catch(() => undefined);
        await current;
      },
    };
  }
  const timer = setInterval(() => void tick(), SOURCE_SCHEDULE_TICK_MS);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await current;
    },
  };
}
