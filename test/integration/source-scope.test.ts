/**
 * Data sources are scope-wrapped like every other store (app/scope.ts `scopeDataSources`): through
 * the core's own wiring (createDataPorts → createCoreFor → servicesFor(scope).sources), on SQLite
 * and PostgreSQL, a scope limited to one dataset neither lists, tests nor syncs the source of
 * another dataset, a read-only scope syncs nothing, and another tenant sees none of them.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { Role, type AccessScope } from '../../api/app/scope.js';
import type { Core } from '../../api/app/services.js';
import { migrateLatest } from '../../api/db/migrate.js';
import { createTenantsRepository } from '../../api/db/tenants.repository.js';
import { createCoreFor, createDataPorts } from '../../api/plugin/core.js';
import { createRunEventBus } from '../../api/training/events.js';
import { withDbs } from '../helpers/dbs.js';

const QUERY = 'SELECT sku AS series_id, ordered_at, qty AS quantity FROM order_lines';
const URL_ENV = 'FQ_SCOPE_SHOP_URL';

withDbs(
  (db) => {
    let dir: string;
    let core: Core;
    let tenantId: number;
    let otherTenant: number;
    let datasetA: number;
    let datasetB: number;
    const syncedEvents: number[] = [];
    const admin = (): AccessScope => ({ tenantId, role: Role.ADMIN, datasetIds: null });

    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'fq-scope-shop-'));
      const shop = join(dir, 'shop.sqlite');
      const s = new Database(shop);
      s.exec('CREATE TABLE order_lines (sku TEXT NOT NULL, ordered_at TEXT NOT NULL, qty INTEGER NOT NULL)');
      const insert = s.prepare('INSERT INTO order_lines VALUES (?, ?, ?)');
      for (let d = 1; d <= 9; d++) insert.run('MUG', `2024-03-0${d} 09:00:00`, d);
      s.close();
      process.env[URL_ENV] = `sqlite://${shop}`;
      const ports = createDataPorts(db.knex);
      // What follows a sync (alerts) listens on the composition root's service: it must hear the
      // syncs of every scoped copy too.
      ports.sources.onSynced((e) => void syncedEvents.push(e.datasetId));
      tenantId = await createTenantsRepository(db.knex).defaultTenantId();
      const [other] = (await db
        .knex('tenants')
        .insert({ slug: `scope-other-${process.pid}`, name: 'Other' })
        .returning('id')) as Array<{ id: number } | number>;
      otherTenant = Number(typeof other === 'object' ? other.id : other);
      core = createCoreFor(ports, {
        queue: { submit: async () => {}, cancel: async () => undefined },
        bus: createRunEventBus(),
        maxHorizon: 90,
      });
      const sources = core.servicesFor(admin()).sources;
      const base = { kind: 'generic', urlEnv: URL_ENV, query: QUERY };
      datasetA = (await sources.create(tenantId, { ...base, name: 'shop-a', dataset: 'scope-a' })).datasetId;
      datasetB = (await sources.create(tenantId, { ...base, name: 'shop-b', dataset: 'scope-b' })).datasetId;
      assert.notEqual(datasetA, datasetB);
    });
    after(() => {
      rmSync(dir, { recursive: true, force: true });
      delete process.env[URL_ENV];
    });

    describe('data sources under an access scope', () => {
      test('a scope limited to dataset A lists, tests and syncs only the source of A', async () => {
        const scope: AccessScope = { tenantId, role: Role.ADMIN, datasetIds: [datasetA] };
        const sources = core.servicesFor(scope).sources;
        assert.deepEqual(
          (await sources.list(tenantId)).map((s) => s.name),
          ['shop-a'],
        );
        await assert.rejects(sources.test(tenantId, 'shop-b'), { code: 'NOT_FOUND' });
        await assert.rejects(sources.sync(tenantId, 'shop-b'), { code: 'NOT_FOUND' });
        const synced = await sources.sync(tenantId, 'shop-a');
        assert.equal(synced.datasetId, datasetA);
        assert.equal(synced.linesRead, 9);
        assert.deepEqual(syncedEvents, [datasetA], 'the unscoped service heard the scoped sync');
        // B's dataset is untouched: nothing was synced into it.
        const b = (await db.knex('datasets').where({ id: datasetB }).first('row_count')) as { row_count: unknown };
        assert.equal(Number(b.row_count), 0);
        const a = (await db.knex('datasets').where({ id: datasetA }).first('row_count')) as { row_count: unknown };
        assert.equal(Number(a.row_count), 9);
      });

      test('a scope limited to some datasets cannot create a source (it may create a dataset)', async () => {
        const sources = core.servicesFor({ tenantId, role: Role.ADMIN, datasetIds: [datasetA] }).sources;
        await assert.rejects(
          sources.create(tenantId, {
            name: 'shop-c',
            kind: 'generic',
            urlEnv: URL_ENV,
            query: QUERY,
            dataset: 'scope-c',
          }),
          { code: 'FORBIDDEN' },
        );
        assert.equal(await db.knex('data_sources').where({ name: 'shop-c' }).first(), undefined);
      });

      test('a read-only scope reads its own source but cannot sync it; nothing is written', async () => {
        const stored = (await db.knex('data_sources').where({ name: 'shop-a' }).first('last_sync')) as {
          last_sync: unknown;
        };
        const sources = core.servicesFor({ tenantId, role: Role.EMBED, datasetIds: [datasetA] }).sources;
        assert.deepEqual(
          (await sources.list(tenantId)).map((s) => s.name),
          ['shop-a'],
        );
        await assert.rejects(sources.sync(tenantId, 'shop-a'), { code: 'FORBIDDEN' });
        const now = (await db.knex('data_sources').where({ name: 'shop-a' }).first('last_sync')) as {
          last_sync: unknown;
        };
        assert.deepEqual(now, stored);
      });

      test('another tenant sees no source, whatever tenant id its caller passes', async () => {
        const sources = core.servicesFor({ tenantId: otherTenant, role: Role.ADMIN, datasetIds: null }).sources;
        assert.deepEqual(await sources.list(tenantId), []);
        await assert.rejects(sources.sync(tenantId, 'shop-a'), { code: 'NOT_FOUND' });
      });
    });
  },
  async (knex) => {
    await migrateLatest(knex);
  },
);
