/**
 * Data sources against real databases: the UCI "Online Retail" order lines (541,909, CC0) loaded
 * into WooCommerce's and Magento 2's tables on MariaDB and into an orders table on PostgreSQL,
 * synced into datasets on SQLite and PostgreSQL, and compared with the daily aggregation computed
 * independently in test/helpers/shop-db.ts. Then a day of new orders, a cancelled and a refunded
 * order, and an incremental sync that reads only its window. Bad sources are refused with coded
 * errors and change nothing.
 *
 * MariaDB suites run when TEST_MYSQL_URL is set (.ci/run sets mysql://root@127.0.0.1:3306/).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Knex } from 'knex';
import type pg from 'pg';
import { migrateLatest } from '../../api/db/migrate.js';
import { createTenantsRepository } from '../../api/db/tenants.repository.js';
import { createDataSourceService } from '../../api/plugin/sources.js';
import type { DataSourceService } from '../../api/app/sources/source.service.js';
import { createEmptyDatabase, TEST_PG_URL, withDbs } from '../helpers/dbs.js';
import {
  aggregate,
  createMagentoTables,
  createMysqlDatabase,
  createWooTables,
  expectedMagento,
  expectedWoo,
  ids,
  insertMany,
  isCancellation,
  loadMagento,
  MAGENTO_ITEM_COLUMNS,
  loadWoo,
  loadWooProducts,
  londonToUtc,
  readOrders,
  TEST_MYSQL_URL,
  wooRevenue,
  type Expected,
  type OrderLine,
} from '../helpers/shop-db.js';

const migrate = async (knex: Knex): Promise<void> => {
  await migrateLatest(knex);
};

const mysqlDescribe = TEST_MYSQL_URL ? describe : describe.skip;
const pgDescribe = TEST_PG_URL ? describe : describe.skip;

let envCounter = 0;
/** An environment variable holding `url`, as a user would export it; returns its name. */
function urlEnv(url: string): string {
  const name = `FQ_TEST_SHOP_URL_${process.pid}_${++envCounter}`;
  process.env[name] = url;
  return name;
}

async function datasetRows(knex: Knex, datasetId: number): Promise<Map<string, Expected>> {
  const rows = (await knex('observations as o')
    .join('series as s', 's.id', 'o.series_id')
    .where('s.dataset_id', datasetId)
    .select('s.key', 'o.date', 'o.value', 'o.covariates')) as Array<{
    key: string;
    date: string;
    value: number;
    covariates: string | null;
  }>;
  return new Map(
    rows.map((r) => {
      const c = r.covariates ? (JSON.parse(r.covariates) as { price?: number }) : {};
      return [`${r.key}\u0000${r.date}`, { units: Number(r.value), price: c.price ?? null }] as const;
    }),
  );
}

function assertSameDaily(actual: Map<string, Expected>, expected: Map<string, Expected>): void {
  const missing = [...expected.keys()].filter((k) => !actual.has(k));
  const extra = [...actual.keys()].filter((k) => !expected.has(k));
  assert.deepEqual(
    { missing: missing.slice(0, 5), extra: extra.slice(0, 5) },
    { missing: [], extra: [] },
    'the dataset has exactly the (series, day) rows of the orders',
  );
  let bad = 0;
  for (const [k, e] of expected) {
    const a = actual.get(k)!;
    const unitsOk = Math.abs(a.units - e.units) < 1e-6;
    const priceOk = e.price === null ? a.price === null : a.price !== null && Math.abs(a.price - e.price) < 1e-3;
    if (!unitsOk || !priceOk) {
      if (bad++ < 5)
        assert.fail(`${k.replace('\u0000', ' ')}: got ${JSON.stringify(a)}, expected ${JSON.stringify(e)}`);
    }
  }
  assert.equal(bad, 0);
}

async function datasetState(knex: Knex, datasetId: number): Promise<{ rows: number; version: number }> {
  const d = (await knex('datasets').where({ id: datasetId }).first('row_count', 'data_version')) as {
    row_count: number;
    data_version: number;
  };
  const n = (await knex('observations as o')
    .join('series as s', 's.id', 'o.series_id')
    .where('s.dataset_id', datasetId)
    .count({ n: '*' })) as Array<{ n: number | string }>;
  assert.equal(Number(d.row_count), Number(n[0]!.n), "the dataset's row count matches its rows");
  return { rows: Number(n[0]!.n), version: Number(d.data_version) };
}

async function setup(knex: Knex): Promise<{ tenantId: number; service: DataSourceService }> {
  return { tenantId: await createTenantsRepository(knex).defaultTenantId(), service: createDataSourceService(knex) };
}

const LAST_DAY = '2011-12-09';

mysqlDescribe('WooCommerce preset on MariaDB: all 541,909 order lines', () => {
  let shop: Awaited<ReturnType<typeof createMysqlDatabase>>;
  let orders: OrderLine[];
  before(async () => {
    orders = readOrders();
    shop = await createMysqlDatabase();
    await createWooTables(shop.conn);
    const map = ids(orders);
    await loadWooProducts(shop.conn, map);
    await loadWoo(shop.conn, orders, map);
  });
  after(async () => shop?.drop());

  // The full file into one target (SQLite); the PostgreSQL target is covered by the suites below.
  withDbs((db) => {
    if (db.dialect !== 'sqlite') return;
    test('a full sync equals the daily aggregation per SKU and London day; a repeat sync changes nothing', async () => {
      const { tenantId, service } = await setup(db.knex);
      const source = await service.create(tenantId, {
        name: 'woo',
        kind: 'woocommerce',
        urlEnv: urlEnv(shop.url),
        dataset: 'shop',
        timezone: 'Europe/London',
      });
      const r = await service.sync(tenantId, 'woo');
      assert.equal(r.linesRead, orders.length);
      assert.equal(r.windowFrom, null);
      assert.equal(r.windowTo, LAST_DAY);
      const expected = expectedWoo(orders);
      assert.equal(r.rowsInWindow, expected.size);
      assertSameDaily(await datasetRows(db.knex, source.datasetId), expected);
      const state = await datasetState(db.knex, source.datasetId);
      assert.equal(state.rows, expected.size);

      const again = await service.sync(tenantId, 'woo');
      assert.equal(again.changed, false, 'the same orders change nothing');
      assert.equal(again.windowFrom, '2011-11-25', 'the window: 14 days before the newest order');
      const inWindow = orders.filter((o) => o.local.slice(0, 10) >= '2011-11-25').length;
      assert.equal(again.linesRead, inWindow, 'only the window was read');
      assert.deepEqual(await datasetState(db.knex, source.datasetId), state);
      const listed = (await service.list(tenantId)).find((s) => s.name === 'woo')!;
      assert.equal(listed.lastSync?.status, 'succeeded');
      assert.equal(listed.lastSync?.linesRead, inWindow);
    });
  }, migrate);
});

/** The file's last weeks: enough for windows, cancellations and refunds, quick to load. */
function recent(from: string): OrderLine[] {
  return readOrders().filter((o) => o.local >= from);
}

mysqlDescribe('WooCommerce on MariaDB: a new day, a cancelled and a refunded order, incremental sync', () => {
  withDbs((db) => {
    let shop: Awaited<ReturnType<typeof createMysqlDatabase>>;
    after(async () => shop?.drop());
    test('only the window is read and the totals follow the changes', async () => {
      const all = recent('2011-11-20');
      const map = ids(all);
      const earlier = all.filter((o) => o.local.slice(0, 10) < LAST_DAY);
      const newDay = all.filter((o) => o.local.slice(0, 10) === LAST_DAY);
      shop = await createMysqlDatabase();
      await createWooTables(shop.conn, 'shop_');
      await loadWooProducts(shop.conn, map, 'shop_');
      await loadWoo(shop.conn, earlier, map, 'shop_');
      const { tenantId, service } = await setup(db.knex);
      const source = await service.create(tenantId, {
        name: 'woo-inc',
        kind: 'woocommerce',
        urlEnv: urlEnv(shop.url),
        prefix: 'shop_',
        statuses: ['completed', 'processing'],
        dataset: 'woo-inc',
        timezone: 'Europe/London',
        rereadDays: 3,
      });
      await service.sync(tenantId, 'woo-inc');
      assertSameDaily(await datasetRows(db.knex, source.datasetId), expectedWoo(earlier));

      // A day of new orders; an order of 2011-12-07 cancelled; one of 2011-12-06 refunded in full
      // on 2011-12-09 (a refund order with negative lines).
      await loadWoo(shop.conn, newDay, map, 'shop_', 1_000_000);
      const invoices = (day: string): string[] => [
        ...new Set(earlier.filter((o) => o.local.startsWith(day) && !isCancellation(o)).map((o) => o.invoice)),
      ];
      const cancelled = invoices('2011-12-07')[0]!;
      const refunded = invoices('2011-12-06')[1]!;
      await shop.conn.query(`UPDATE shop_wc_order_stats SET status = 'wc-cancelled' WHERE order_id = ?`, [
        map.order.get(cancelled),
      ]);
      const refundLines = earlier.filter((o) => o.invoice === refunded);
      const refundAt = '2011-12-09 18:00:00';
      await insertMany(
        shop.conn,
        'shop_wc_order_stats',
        ['order_id', 'parent_id', 'date_created', 'date_created_gmt', 'status'],
        [[5_000_000, map.order.get(refunded), refundAt, londonToUtc(refundAt), 'wc-completed']],
      );
      await insertMany(
        shop.conn,
        'shop_wc_order_product_lookup',
        [
          'order_item_id',
          'order_id',
          'product_id',
          'variation_id',
          'date_created',
          'product_qty',
          'product_net_revenue',
        ],
        refundLines.map((o, i) => [
          2_000_000 + i,
          5_000_000,
          map.product.get(o.code),
          0,
          refundAt,
          -o.quantity,
          -wooRevenue(o),
        ]),
      );

      const r = await service.sync(tenantId, 'woo-inc');
      // The last sync's newest order was on 2011-12-08: the window starts 3 days before.
      assert.equal(r.windowFrom, '2011-12-05');
      const windowLines =
        earlier.filter((o) => o.local.slice(0, 10) >= '2011-12-05' && o.invoice !== cancelled).length +
        newDay.length +
        refundLines.length;
      assert.equal(r.linesRead, windowLines, 'only the window was read (cancelled lines excluded by the query)');
      assert.ok(r.linesRead < all.length / 3);
      const expected = aggregate(
        [...earlier.filter((o) => o.invoice !== cancelled), ...newDay]
          .map((o) => ({
            key: o.code,
            day: o.local.slice(0, 10),
            units: o.quantity,
            price: o.quantity !== 0 ? wooRevenue(o) / o.quantity : null,
          }))
          .concat(refundLines.map((o) => ({ key: o.code, day: LAST_DAY, units: -o.quantity, price: null }))),
      );
      assertSameDaily(await datasetRows(db.knex, source.datasetId), expected);
      const gone = [...expectedWoo(earlier).keys()].filter((k) => !expected.has(k));
      assert.ok(gone.length > 0, 'the cancelled order was the only one of some products that day');
      assert.equal(r.rowsDeleted, gone.length, 'exactly those rows were deleted');
      assert.equal((await datasetState(db.knex, source.datasetId)).rows, expected.size, "the dataset's counts follow");
      // Idempotent.
      const again = await service.sync(tenantId, 'woo-inc');
      assert.equal(again.changed, false);
      assert.equal(again.rowsDeleted, 0);
    });
  }, migrate);
});

mysqlDescribe('Magento 2 preset on MariaDB: configurables once, store attribute, cancellations and refunds', () => {
  withDbs((db) => {
    let shop: Awaited<ReturnType<typeof createMysqlDatabase>>;
    after(async () => shop?.drop());
    test('full sync equals the aggregation; cancel, refund and a new day sync incrementally', async () => {
      const all = recent('2011-11-01');
      const map = ids(all);
      const earlier = all.filter((o) => o.local.slice(0, 10) < LAST_DAY);
      const newDay = all.filter((o) => o.local.slice(0, 10) === LAST_DAY);
      shop = await createMysqlDatabase();
      await createMagentoTables(shop.conn);
      await loadMagento(shop.conn, earlier, map);
      const { tenantId, service } = await setup(db.knex);
      const source = await service.create(tenantId, {
        name: 'magento',
        kind: 'magento2',
        urlEnv: urlEnv(shop.url),
        dataset: 'magento',
        timezone: 'Europe/London',
        rereadDays: 3,
      });
      const dry = await service.test(tenantId, 'magento');
      assert.equal(dry.frequency, 'D');
      assert.ok(dry.columns.includes('store'));
      assert.equal(dry.sample.length, 10);
      assert.equal(await datasetState(db.knex, source.datasetId).then((s) => s.rows), 0, 'a dry run writes nothing');

      const full = await service.sync(tenantId, 'magento');
      assert.equal(full.seriesCount, dry.seriesCount);
      assertSameDaily(await datasetRows(db.knex, source.datasetId), expectedMagento(earlier));
      const series = (await db
        .knex('series')
        .where({ dataset_id: source.datasetId, key: '85123A/1' })
        .first('attributes')) as { attributes: string };
      assert.deepEqual(JSON.parse(series.attributes), { store: '1' });

      await loadMagento(shop.conn, newDay, map, 3_000_000);
      const invoices = (day: string): string[] => [
        ...new Set(earlier.filter((o) => o.local.startsWith(day) && !isCancellation(o)).map((o) => o.invoice)),
      ];
      const cancelled = invoices('2011-12-07')[0]!;
      const refunded = invoices('2011-12-06')[1]!;
      await shop.conn.query(`UPDATE sales_order SET state = 'canceled', status = 'canceled' WHERE entity_id = ?`, [
        map.order.get(cancelled),
      ]);
      await shop.conn.query(
        `UPDATE sales_order_item SET qty_refunded = qty_ordered WHERE order_id = ? AND parent_item_id IS NULL`,
        [map.order.get(refunded)],
      );
      const r = await service.sync(tenantId, 'magento');
      assert.equal(r.windowFrom, '2011-12-05');
      const expected = expectedMagento(
        [...earlier.filter((o) => o.invoice !== cancelled), ...newDay].map((o) =>
          o.invoice === refunded ? { ...o, invoice: `C${o.invoice}` } : o,
        ),
      );
      assertSameDaily(await datasetRows(db.knex, source.datasetId), expected);
      assert.ok(r.linesRead < all.length / 3, 'only the window was read');
    });
  }, migrate);
});

/** Inserts order lines into the PostgreSQL shop's `orders` table, 2,000 a statement. */
async function insertPgOrders(client: pg.Client, rows: readonly OrderLine[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 2000) {
    const chunk = rows.slice(i, i + 2000);
    const values: unknown[] = [];
    const tuples = chunk.map((o, k) => {
      values.push(o.invoice, o.code, `${londonToUtc(o.local)}+00`, o.quantity, o.price, o.country);
      const b = k * 6;
      return `($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5}, $${b + 6}, 'paid')`;
    });
    await client.query(
      `INSERT INTO orders (invoice, sku, ordered_at, quantity, unit_price, country, status) VALUES ${tuples.join(',')}`,
      values,
    );
  }
}

const pgShopOrders = (): OrderLine[] => recent('2011-11-15');
const channel = (o: OrderLine): string => (o.country === 'United Kingdom' ? 'uk' : 'export');
const expectByChannel = (lines: readonly OrderLine[]): Map<string, Expected> =>
  aggregate(
    lines.map((o) => ({
      key: `${o.code}/${channel(o)}`,
      day: o.local.slice(0, 10),
      units: o.quantity,
      price: o.price,
    })),
  );

pgDescribe('generic SQL source on PostgreSQL', () => {
  let shopUrl: string;
  let drop: () => Promise<void>;
  let client: pg.Client;
  before(async () => {
    const created = await createEmptyDatabase('postgres');
    shopUrl = (created.config as { connectionString: string }).connectionString;
    drop = created.drop;
    const { default: pgModule } = await import('pg');
    client = new pgModule.Client({ connectionString: shopUrl });
    await client.connect();
    await client.query(`CREATE TABLE orders (
      line_id serial PRIMARY KEY, invoice text NOT NULL, sku text NOT NULL, ordered_at timestamptz NOT NULL,
      quantity integer NOT NULL, unit_price numeric(12,4) NOT NULL, country text NOT NULL, status text NOT NULL)`);
    await client.query('CREATE INDEX orders_ordered_at ON orders (ordered_at)');
    await insertPgOrders(
      client,
      pgShopOrders().filter((o) => o.local.slice(0, 10) < LAST_DAY),
    );
  });
  after(async () => {
    await client?.end();
    await drop?.();
  });

  withDbs((db) => {
    test('order lines by channel sync, then a new day, a cancelled order and a return line sync incrementally', async () => {
      const { tenantId, service } = await setup(db.knex);
      const query = `SELECT sku AS series_id, ordered_at, quantity, unit_price,
          CASE WHEN country = 'United Kingdom' THEN 'uk' ELSE 'export' END AS channel
        FROM orders WHERE status = 'paid';`;
      const source = await service.create(tenantId, {
        name: `generic-${db.dialect}`,
        kind: 'generic',
        urlEnv: urlEnv(shopUrl),
        query,
        dataset: `generic-${db.dialect}`,
        timezone: 'Europe/London',
        rereadDays: 2,
      });
      // Each dialect starts from the same shop rows.
      await client.query(`DELETE FROM orders WHERE invoice LIKE 'new-%' OR ordered_at >= '2011-12-09 00:00:00+00'`);
      await client.query(`UPDATE orders SET status = 'paid'`);
      const base = pgShopOrders().filter((o) => o.local.slice(0, 10) < LAST_DAY);
      await service.sync(tenantId, source.name);
      assertSameDaily(await datasetRows(db.knex, source.datasetId), expectByChannel(base));

      const newDay = pgShopOrders().filter((o) => o.local.slice(0, 10) === LAST_DAY);
      await insertPgOrders(client, newDay);
      // A return booked as a negative line on the new day.
      const returned: OrderLine = { ...newDay[0]!, invoice: 'R1', quantity: -2, local: '2011-12-09 15:00:00' };
      await client.query(
        `INSERT INTO orders (invoice, sku, ordered_at, quantity, unit_price, country, status) VALUES ($1,$2,$3,$4,$5,$6,'paid')`,
        [
          returned.invoice,
          returned.code,
          `${londonToUtc(returned.local)}+00`,
          returned.quantity,
          returned.price,
          returned.country,
        ],
      );
      const cancelled = base.find((o) => o.local.startsWith('2011-12-08') && !isCancellation(o))!.invoice;
      await client.query(`UPDATE orders SET status = 'cancelled' WHERE invoice = $1`, [cancelled]);
      const r = await service.sync(tenantId, source.name);
      assert.equal(r.windowFrom, '2011-12-06');
      assert.equal(
        r.linesRead,
        base.filter((o) => o.local.slice(0, 10) >= '2011-12-06' && o.invoice !== cancelled).length + newDay.length + 1,
      );
      assertSameDaily(
        await datasetRows(db.knex, source.datasetId),
        expectByChannel([...base.filter((o) => o.invoice !== cancelled), ...newDay, returned]),
      );
    });
  }, migrate);
});

mysqlDescribe('bad sources are refused with a coded error and change nothing', () => {
  withDbs((db) => {
    let shop: Awaited<ReturnType<typeof createMysqlDatabase>>;
    after(async () => shop?.drop());
    test('unreachable, wrong password, missing table or column, text quantities, row limit, unset variable', async () => {
      const orders = recent('2011-12-01');
      const map = ids(orders);
      shop = await createMysqlDatabase();
      await createWooTables(shop.conn);
      await loadWooProducts(shop.conn, map);
      await loadWoo(shop.conn, orders, map);
      await shop.conn.query(
        'CREATE TABLE bad_wc_order_product_lookup AS SELECT order_item_id, order_id, product_id, variation_id, date_created, product_qty FROM wp_wc_order_product_lookup',
      );
      await shop.conn.query('CREATE TABLE bad_wc_order_stats AS SELECT * FROM wp_wc_order_stats');
      await shop.conn.query('CREATE TABLE bad_wc_product_meta_lookup AS SELECT * FROM wp_wc_product_meta_lookup');
      const { tenantId, service } = await setup(db.knex);
      const good = await service.create(tenantId, {
        name: 'good',
        kind: 'woocommerce',
        urlEnv: urlEnv(shop.url),
        dataset: 'guarded',
      });
      await service.sync(tenantId, 'good');
      const state = await datasetState(db.knex, good.datasetId);
      assert.ok(state.rows > 1000);
      const wrongPassword = new URL(shop.url);
      wrongPassword.password = 'not-the-password';
      const unreachable = new URL(shop.url);
      unreachable.port = '1';
      const cases: Array<{ name: string; code: string; input: Record<string, unknown>; words: RegExp }> = [
        {
          name: 'down',
          code: 'SOURCE_UNREACHABLE',
          input: { kind: 'woocommerce', urlEnv: urlEnv(unreachable.toString()) },
          words: /cannot be reached.*Check the host and port/,
        },
        {
          name: 'wrong-password',
          code: 'SOURCE_AUTH_FAILED',
          input: { kind: 'woocommerce', urlEnv: urlEnv(wrongPassword.toString()) },
          words: /refused the user and password/,
        },
        {
          name: 'no-table',
          code: 'SOURCE_SCHEMA_MISMATCH',
          input: { kind: 'woocommerce', urlEnv: urlEnv(shop.url), prefix: 'wp2_' },
          words: /table .* does not exist.*--prefix/,
        },
        {
          name: 'no-column',
          code: 'SOURCE_SCHEMA_MISMATCH',
          input: { kind: 'woocommerce', urlEnv: urlEnv(shop.url), prefix: 'bad_' },
          words: /column .*product_net_revenue/,
        },
        {
          name: 'text-quantity',
          code: 'SOURCE_BAD_ROWS',
          input: {
            kind: 'generic',
            urlEnv: urlEnv(shop.url),
            query:
              "SELECT CAST(product_id AS CHAR) AS series_id, date_created AS ordered_at, CONCAT(product_qty, ' pcs') AS quantity FROM wp_wc_order_product_lookup",
          },
          words: /column quantity of the query holds text.*CAST/,
        },
        {
          name: 'wrong-columns',
          code: 'SOURCE_BAD_ROWS',
          input: {
            kind: 'generic',
            urlEnv: urlEnv(shop.url),
            query: 'SELECT product_id, product_qty FROM wp_wc_order_product_lookup',
          },
          words: /but not series_id, quantity, ordered_at \(or date\)/,
        },
        {
          name: 'too-many',
          code: 'SOURCE_LIMIT_EXCEEDED',
          input: { kind: 'woocommerce', urlEnv: urlEnv(shop.url), rowLimit: 6000 },
          words: /row limit of 6,000/,
        },
        {
          name: 'no-env',
          code: 'SOURCE_UNREACHABLE',
          input: { kind: 'woocommerce', urlEnv: 'FQ_TEST_NOT_SET_ANYWHERE' },
          words: /FQ_TEST_NOT_SET_ANYWHERE is not set/,
        },
      ];
      for (const c of cases) {
        await service.create(tenantId, { name: c.name, dataset: 'guarded', ...c.input } as never);
        await assert.rejects(service.sync(tenantId, c.name), (e: Error & { code?: string }) => {
          assert.equal(e.code, c.code, `${c.name}: ${e.message}`);
          assert.match(e.message, new RegExp(`^Data source "${c.name}": `));
          assert.match(e.message, c.words);
          assert.doesNotMatch(e.message, /not-the-password/, 'the password is never shown');
          return true;
        });
        assert.deepEqual(await datasetState(db.knex, good.datasetId), state, `${c.name}: nothing changed`);
        const stored = (await service.list(tenantId)).find((s) => s.name === c.name)!;
        assert.equal(stored.lastSync?.status, 'failed');
        assert.equal(stored.lastSync?.error?.code, c.code);
        assert.equal(stored.watermark, null);
      }
      // No password is stored: only the variable's name.
      const raw = JSON.stringify(await db.knex('data_sources').select());
      assert.ok(!raw.includes(shop.url) && !raw.includes('@127.0.0.1'), 'no URL is stored');

      // Another tenant can neither see nor use these sources.
      const other = await createTenantsRepository(db.knex).create({ slug: 'other-shop', name: 'Other' });
      assert.deepEqual(await service.list(other.id), []);
      await assert.rejects(service.sync(other.id, 'good'), { code: 'NOT_FOUND' });
      await assert.rejects(service.test(other.id, 'good'), { code: 'NOT_FOUND' });
    });
  }, migrate);
});

/** Local and GMT creation times of an order at 10:00 (a UTC shop). */
const tenAm = (d: string): [string, string] => [`${d} 10:00:00`, `${d} 10:00:00`];

mysqlDescribe('preset options: variations, statuses, refunds, configurable parents', () => {
  withDbs((db) => {
    let shop: Awaited<ReturnType<typeof createMysqlDatabase>>;
    after(async () => shop?.drop());
    test('each option changes the series and units as documented', async () => {
      shop = await createMysqlDatabase();
      await createWooTables(shop.conn);
      await createMagentoTables(shop.conn);
      // A T-shirt (product 10, SKU TEE) in two variations; a mug without a SKU (product 20).
      await insertMany(
        shop.conn,
        'wp_wc_product_meta_lookup',
        ['product_id', 'sku'],
        [
          [10, 'TEE'],
          [11, 'TEE-RED'],
          [12, 'TEE-BLUE'],
          [20, ''],
        ],
      );
      await insertMany(
        shop.conn,
        'wp_wc_order_stats',
        ['order_id', 'parent_id', 'date_created', 'date_created_gmt', 'status'],
        [
          [1, 0, ...tenAm('2024-02-01'), 'wc-completed'],
          [2, 0, ...tenAm('2024-02-01'), 'wc-on-hold'],
          [3, 0, ...tenAm('2024-02-02'), 'wc-processing'],
          [4, 1, ...tenAm('2024-02-03'), 'wc-completed'], // a refund of order 1
        ],
      );
      await insertMany(
        shop.conn,
        'wp_wc_order_product_lookup',
        [
          'order_item_id',
          'order_id',
          'product_id',
          'variation_id',
          'date_created',
          'product_qty',
          'product_net_revenue',
        ],
        [
          [1, 1, 10, 11, '2024-02-01 10:00:00', 2, 20],
          [2, 1, 10, 12, '2024-02-01 10:00:00', 1, 12],
          [3, 2, 20, 0, '2024-02-01 10:00:00', 5, 25],
          [4, 3, 10, 12, '2024-02-02 10:00:00', 3, 30],
          [5, 4, 10, 11, '2024-02-03 10:00:00', -1, -10],
        ],
      );
      const { tenantId, service } = await setup(db.knex);
      const env = urlEnv(shop.url);
      const sync = async (name: string, options: Record<string, unknown>): Promise<Record<string, number>> => {
        const s = await service.create(tenantId, { name, kind: 'woocommerce', urlEnv: env, dataset: name, ...options });
        await service.sync(tenantId, name);
        const rows = await datasetRows(db.knex, s.datasetId);
        return Object.fromEntries([...rows].map(([k, v]) => [k.replace('\u0000', ' '), v.units]));
      };
      assert.deepEqual(await sync('own', {}), {
        'TEE-RED 2024-02-01': 2,
        'TEE-BLUE 2024-02-01': 1,
        'TEE-BLUE 2024-02-02': 3,
        'TEE-RED 2024-02-03': -1,
      });
      assert.deepEqual(
        await sync('rollup', { variations: 'rollup', statuses: ['completed', 'processing', 'on-hold'] }),
        {
          'TEE 2024-02-01': 3,
          'TEE 2024-02-02': 3,
          'TEE 2024-02-03': -1,
          '20 2024-02-01': 5, // no SKU: the product id
        },
      );
      assert.deepEqual(await sync('no-refunds', { refunds: 'ignore' }), {
        'TEE-RED 2024-02-01': 2,
        'TEE-BLUE 2024-02-01': 1,
        'TEE-BLUE 2024-02-02': 3,
      });

      // Magento 2: a configurable (product 500) ordered as its simple child SKU CUP-L.
      await insertMany(
        shop.conn,
        'sales_order',
        ['entity_id', 'state', 'status', 'store_id', 'created_at'],
        [
          [1, 'complete', 'complete', 1, '2024-02-01 10:00:00'],
          [2, 'processing', 'processing', 1, '2024-02-01 11:00:00'],
        ],
      );
      await insertMany(shop.conn, 'sales_order_item', MAGENTO_ITEM_COLUMNS, [
        [1, 1, 1, '2024-02-01 10:00:00', null, 500, 'configurable', 'CUP-L', 4, 1, 6],
        [2, 1, 1, '2024-02-01 10:00:00', 1, 501, 'simple', 'CUP-L', 4, 0, 0],
        [3, 2, 1, '2024-02-01 11:00:00', null, 600, 'simple', 'SPOON', 2, 0, 1],
      ]);
      const magento = async (name: string, options: Record<string, unknown>): Promise<Record<string, number>> => {
        const s = await service.create(tenantId, { name, kind: 'magento2', urlEnv: env, dataset: name, ...options });
        await service.sync(tenantId, name);
        const rows = await datasetRows(db.knex, s.datasetId);
        return Object.fromEntries([...rows].map(([k, v]) => [k.replace('\u0000', ' '), v.units]));
      };
      assert.deepEqual(await magento('m-child', {}), { 'CUP-L/1 2024-02-01': 3, 'SPOON/1 2024-02-01': 2 });
      assert.deepEqual(await magento('m-parent', { configurable: 'parent', refunds: 'ignore' }), {
        '500/1 2024-02-01': 4,
        'SPOON/1 2024-02-01': 2,
      });
      assert.deepEqual(await magento('m-complete', { statuses: ['complete'] }), { 'CUP-L/1 2024-02-01': 3 });
    });
  }, migrate);
});
