/**
 * The standalone server is one host of the package API (issue 14, item 5): `createForecastQL`
 * and `forecastql serve` (plugin/graphql-app.ts) both run plugin/host.ts. Here, on SQLite and
 * PostgreSQL: the public object keeps its contract (`schema`, `context`, `close` and nothing
 * else); a host that brings its own authentication (`authenticate`, as the standalone server does
 * with API keys and embed tokens) gets the principal it gave as its scope, and reads only what
 * that scope may; a host with neither `principal` nor `authenticate` is refused with a coded error.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { graphql } from 'graphql';
import { Role } from '../../../api/app/scope.js';
import type { Principal } from '../../../api/auth/principal.js';
import { migrateLatest } from '../../../api/db/migrate.js';
import { createTenantsRepository } from '../../../api/db/tenants.repository.js';
import { createForecastQLHost, type ForecastQLHost } from '../../../api/plugin/host.js';
import { createForecastQL } from '../../../api/plugin/index.js';
import { withDbs } from '../../helpers/dbs.js';
import { tinyCsv } from '../../integration/support/api.js';
import { seedCsv } from '../../integration/support/seed.js';

const DATASETS = '{ datasets(first: 10) { nodes { name } } }';

withDbs(
  (db) => {
    let tenant = 0;
    let other = 0;
    let shown = 0;
    let host: ForecastQLHost<{ token: string }> | undefined;

    before(async () => {
      const tenants = createTenantsRepository(db.knex);
      tenant = (await tenants.ensure('host-options-a')).tenant.id;
      other = (await tenants.ensure('host-options-b')).tenant.id;
      shown = await seedCsv(db.knex, tenant, 'shown', tinyCsv(2, 14));
      await seedCsv(db.knex, tenant, 'hidden', tinyCsv(2, 14));
      await seedCsv(db.knex, other, 'elsewhere', tinyCsv(2, 14));
      // The standalone's kind of principal implementation: its own credentials, ids already resolved.
      const known: Record<string, Principal> = {
        admin: { tenantId: tenant, role: Role.ADMIN, datasetIds: null, subject: 'key:1' },
        embed: { tenantId: tenant, role: Role.EMBED, datasetIds: [shown], subject: 'embed:t1' },
      };
      host = await createForecastQLHost<{ token: string }>({
        db: db.knex,
        training: 'off',
        authenticate: async (request) => {
          const p = known[request.token];
          if (!p) throw new Error('no such credential');
          return p;
        },
      });
    });
    after(async () => {
      await host?.close();
    });

    test('createForecastQL gives schema, context and close, and nothing else', async () => {
      const fq = await createForecastQL({
        db: db.knex,
        training: 'off',
        principal: () => ({ tenant: 'host-options-a', role: 'reader' }),
      });
      try {
        assert.deepEqual(Object.keys(fq).toSorted(), ['close', 'context', 'schema']);
        const r = await graphql({ schema: fq.schema, source: DATASETS, contextValue: await fq.context({}) });
        assert.equal(r.errors, undefined);
        const names = (r.data as { datasets: { nodes: { name: string }[] } }).datasets.nodes.map((n) => n.name);
        assert.deepEqual(names.toSorted(), ['hidden', 'shown']);
      } finally {
        await fq.close();
      }
    });

    test("a host's own authentication decides the scope: admin reads its tenant, an embed scope one dataset", async () => {
      const names = async (token: string): Promise<string[]> => {
        const contextValue = await host!.context({ token });
        assert.equal(contextValue.tenantId, tenant);
        const r = await graphql({ schema: host!.schema, source: DATASETS, contextValue });
        assert.equal(r.errors, undefined, JSON.stringify(r.errors));
        return (r.data as { datasets: { nodes: { name: string }[] } }).datasets.nodes.map((n) => n.name).toSorted();
      };
      assert.deepEqual(await names('admin'), ['hidden', 'shown']);
      assert.deepEqual(await names('embed'), ['shown']);
      assert.equal((await host!.context({ token: 'embed' })).services.scope.role, Role.EMBED);
      // A read-only scope cannot write, whatever authenticated it.
      const r = await graphql({
        schema: host!.schema,
        source: 'mutation { createDataset(input: { name: "nope", frequency: DAY }) { id } }',
        contextValue: await host!.context({ token: 'embed' }),
      });
      assert.equal(r.errors?.[0]?.extensions?.['code'], 'FORBIDDEN', JSON.stringify(r.errors));
      await assert.rejects(host!.context({ token: 'stolen' }), /no such credential/);
    });

    test('a host with neither principal nor authenticate is refused, naming the option', async () => {
      await assert.rejects(
        createForecastQLHost({ db: db.knex, training: 'off', migrate: false }),
        (e: Error & { code?: string }) => e.code === 'INVALID_CONFIGURATION' && /principal/.test(e.message),
      );
    });
  },
  async (knex) => void (await migrateLatest(knex)),
);
