/**
 * Shop databases for the data-source tests: the real UCI "Online Retail" order lines
 * (../shared/data/uci-online-retail-orders.csv.gz, CC0, 541,909 lines) loaded into WooCommerce's
 * and Magento 2's table layouts (the columns the connectors read, with the platforms' documented
 * keys and types), and the expected daily aggregation computed here, independently of the code
 * under test.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import mysql from 'mysql2/promise';

/** The `sales_order_item` columns the tests fill, in the order of their rows. */
export const MAGENTO_ITEM_COLUMNS = [
  'item_id',
  'order_id',
  'store_id',
  'created_at',
  'parent_item_id',
  'product_id',
  'product_type',
  'sku',
  'qty_ordered',
  'qty_refunded',
  'price',
] as const;

export const ORDERS_FILE = new URL('../../../shared/data/uci-online-retail-orders.csv.gz', import.meta.url).pathname;
export const TEST_MYSQL_URL: string | undefined = process.env['TEST_MYSQL_URL'] || undefined;

export interface OrderLine {
  readonly invoice: string;
  readonly code: string;
  readonly quantity: number;
  /** London local time `YYYY-MM-DD HH:MM:SS`, as published. */
  readonly local: string;
  readonly price: number;
  readonly country: string;
}

let cached: OrderLine[] | undefined;

const LINE = /^"([^"]*)","([^"]*)",(?:"(?:[^"]|"")*"|[^,]*),(-?\d+),"([^"]*)",([^,]*),[^,]*,"([^"]*)"\r?$/;

/** Every order line of the file, in file order (csv-parse for the few lines the pattern misses). */
export function readOrders(): OrderLine[] {
  if (cached) return cached;
  const text = gunzipSync(readFileSync(ORDERS_FILE)).toString('utf8');
  const out: OrderLine[] = [];
  let start = text.indexOf('\n') + 1;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    const line = text.slice(start, end);
    start = end + 1;
    if (line === '' || line === '\r') continue;
    const m = LINE.exec(line);
    const r = m ? [m[1]!, m[2]!, '', m[3]!, m[4]!, m[5]!, '', m[6]!] : (parse(line) as string[][])[0]!;
    out.push({
      invoice: r[0]!,
      code: r[1]!,
      quantity: Number(r[3]),
      local: r[4]!.length === 16 ? `${r[4]}:00` : r[4]!,
      price: Number(r[5]),
      country: r[7]!,
    });
  }
  cached = out;
  return out;
}

/** London local time → UTC text (GMT; BST from 2011-03-27 01:00 UTC to 2011-10-30 01:00 UTC). */
export function londonToUtc(local: string): string {
  const ms = Date.parse(`${local.replace(' ', 'T')}Z`);
  const bst = local >= '2011-03-27 02:00:00' && local < '2011-10-30 02:00:00';
  return new Date(bst ? ms - 3_600_000 : ms).toISOString().slice(0, 19).replace('T', ' ');
}

export const isCancellation = (o: OrderLine): boolean => o.invoice.startsWith('C');

export interface IdMaps {
  readonly order: Map<string, number>;
  readonly product: Map<string, number>;
}

/** Ids for invoices and stock codes, by first appearance. */
export function ids(orders: readonly OrderLine[]): IdMaps {
  const order = new Map<string, number>();
  const product = new Map<string, number>();
  for (const o of orders) {
    if (!order.has(o.invoice)) order.set(o.invoice, order.size + 10);
    if (!product.has(o.code)) product.set(o.code, product.size + 100);
  }
  return { order, product };
}

export interface Expected {
  readonly units: number;
  readonly price: number | null;
}

/** Daily totals keyed `series\u0000YYYY-MM-DD` from (key, day, units, unit price) lines. */
export function aggregate(
  lines: Iterable<{ key: string; day: string; units: number; price: number | null }>,
): Map<string, Expected> {
  const acc = new Map<string, { units: number; revenue: number; sold: number }>();
  for (const l of lines) {
    const k = `${l.key}\u0000${l.day}`;
    let a = acc.get(k);
    if (!a) {
      a = { units: 0, revenue: 0, sold: 0 };
      acc.set(k, a);
    }
    a.units += l.units;
    if (l.units > 0 && l.price !== null) {
      a.revenue += l.price * l.units;
      a.sold += l.units;
    }
  }
  return new Map(
    [...acc].map(([k, a]) => [k, { units: a.units, price: a.sold > 0 ? a.revenue / a.sold : null }] as const),
  );
}

/** A fresh MariaDB database for a suite; `drop` removes it. */
export async function createMysqlDatabase(): Promise<{
  url: string;
  conn: mysql.Connection;
  drop: () => Promise<void>;
}> {
  if (!TEST_MYSQL_URL) throw new Error('TEST_MYSQL_URL is not set');
  const name = `fq_shop_${Date.now()}_${randomBytes(3).toString('hex')}`;
  const admin = await mysql.createConnection(TEST_MYSQL_URL);
  await admin.query(`CREATE DATABASE ${name} CHARACTER SET utf8mb4`);
  await admin.end();
  const u = new URL(TEST_MYSQL_URL);
  u.pathname = `/${name}`;
  const url = u.toString();
  const conn = await mysql.createConnection({ uri: url, timezone: 'Z', dateStrings: true });
  await conn.query("SET time_zone = '+00:00'");
  return {
    url,
    conn,
    drop: async () => {
      await conn.end().catch(() => undefined);
      const a = await mysql.createConnection(TEST_MYSQL_URL!);
      await a.query(`DROP DATABASE IF EXISTS ${name}`);
      await a.end();
    },
  };
}

/** TSV text of a value for LOAD DATA (\\N is NULL). */
function tsv(v: unknown): string {
  if (v === null || v === undefined) return '\\N';
  return String(v).replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n');
}

/** Bulk load through LOAD DATA LOCAL INFILE (a stream built here; no file on disk). */
export async function insertMany(
  conn: mysql.Connection,
  table: string,
  columns: readonly string[],
  rows: readonly unknown[][],
): Promise<void> {
  if (rows.length === 0) return;
  const text = rows.map((r) => r.map(tsv).join('\t')).join('\n') + '\n';
  await conn.query({
    sql: `LOAD DATA LOCAL INFILE 'rows.tsv' INTO TABLE ${table} CHARACTER SET utf8mb4 FIELDS TERMINATED BY '\\t' ESCAPED BY '\\\\' LINES TERMINATED BY '\\n' (${columns.join(', ')})`,
    // Chunks well under max_allowed_packet: mysql2 sends each chunk as one packet.
    infileStreamFactory: () => {
      const bytes = Buffer.from(text, 'utf8');
      const chunks: Buffer[] = [];
      for (let i = 0; i < bytes.length; i += 1 << 20) chunks.push(bytes.subarray(i, i + (1 << 20)));
      return Readable.from(chunks);
    },
  });
}

/** WooCommerce's analytics tables (WooCommerce 8.x `wc_order_stats`, `wc_order_product_lookup`, `wc_product_meta_lookup`). */
export async function createWooTables(conn: mysql.Connection, prefix = 'wp_'): Promise<void> {
  await conn.query(`CREATE TABLE ${prefix}wc_order_stats (
    order_id bigint(20) unsigned NOT NULL,
    parent_id bigint(20) unsigned NOT NULL DEFAULT 0,
    date_created datetime NOT NULL DEFAULT '0000-00-00 00:00:00',
    date_created_gmt datetime NOT NULL DEFAULT '0000-00-00 00:00:00',
    num_items_sold int(11) NOT NULL DEFAULT 0,
    net_total double NOT NULL DEFAULT 0,
    status varchar(200) NOT NULL,
    customer_id bigint(20) unsigned NOT NULL DEFAULT 0,
    PRIMARY KEY (order_id),
    KEY date_created (date_created),
    KEY customer_id (customer_id),
    KEY status (status(191))
  )`);
  await conn.query(`CREATE TABLE ${prefix}wc_order_product_lookup (
    order_item_id bigint(20) unsigned NOT NULL,
    order_id bigint(20) unsigned NOT NULL,
    product_id bigint(20) unsigned NOT NULL,
    variation_id bigint(20) unsigned NOT NULL,
    customer_id bigint(20) unsigned NULL,
    date_created datetime NOT NULL DEFAULT '0000-00-00 00:00:00',
    product_qty int(11) NOT NULL,
    product_net_revenue double NOT NULL DEFAULT 0,
    product_gross_revenue double NOT NULL DEFAULT 0,
    PRIMARY KEY (order_item_id),
    KEY order_id (order_id),
    KEY product_id (product_id),
    KEY customer_id (customer_id),
    KEY date_created (date_created)
  )`);
  await conn.query(`CREATE TABLE ${prefix}wc_product_meta_lookup (
    product_id bigint(20) NOT NULL,
    sku varchar(100) NULL DEFAULT '',
    min_price decimal(19,4) NULL,
    max_price decimal(19,4) NULL,
    PRIMARY KEY (product_id),
    KEY sku (sku(50))
  )`);
}

/** The net revenue WooCommerce would store for a line (2 decimals). */
export const wooRevenue = (o: OrderLine): number => Math.round(o.quantity * o.price * 100) / 100;

/** The placeholder order the file's cancellations refund, and the products' SKUs. */
export async function loadWooProducts(conn: mysql.Connection, map: IdMaps, prefix = 'wp_'): Promise<void> {
  await conn.query(
    `INSERT INTO ${prefix}wc_order_stats (order_id, parent_id, date_created, date_created_gmt, status) VALUES (1, 0, '2010-11-30 00:00:00', '2010-11-30 00:00:00', 'wc-completed')`,
  );
  await insertMany(
    conn,
    `${prefix}wc_product_meta_lookup`,
    ['product_id', 'sku'],
    [...map.product].map(([code, id]) => [id, code]),
  );
}

/**
 * Loads order lines into the WooCommerce tables: an invoice is an order (status wc-completed); a
 * cancellation invoice (`C…`) is a refund order of the placeholder order 1, its lines negative.
 */
export async function loadWoo(
  conn: mysql.Connection,
  orders: readonly OrderLine[],
  map: IdMaps,
  prefix = 'wp_',
  firstItemId = 1,
): Promise<void> {
  const seen = new Set<string>();
  const stats: unknown[][] = [];
  const lines: unknown[][] = [];
  orders.forEach((o, i) => {
    const orderId = map.order.get(o.invoice)!;
    if (!seen.has(o.invoice)) {
      seen.add(o.invoice);
      stats.push([orderId, isCancellation(o) ? 1 : 0, o.local, londonToUtc(o.local), 'wc-completed']);
    }
    lines.push([firstItemId + i, orderId, map.product.get(o.code)!, 0, o.local, o.quantity, wooRevenue(o)]);
  });
  await insertMany(
    conn,
    `${prefix}wc_order_stats`,
    ['order_id', 'parent_id', 'date_created', 'date_created_gmt', 'status'],
    stats,
  );
  await insertMany(
    conn,
    `${prefix}wc_order_product_lookup`,
    ['order_item_id', 'order_id', 'product_id', 'variation_id', 'date_created', 'product_qty', 'product_net_revenue'],
    lines,
  );
}

/** Expected WooCommerce dataset: per SKU and London day, units (refunds netted) and average net price. */
export function expectedWoo(orders: readonly OrderLine[]): Map<string, Expected> {
  return aggregate(
    orders.map((o) => ({
      key: o.code,
      day: o.local.slice(0, 10),
      units: o.quantity,
      price: o.quantity !== 0 ? wooRevenue(o) / o.quantity : null,
    })),
  );
}

/** Magento 2 `sales_order` and `sales_order_item` (2.4), the columns the preset reads. */
export async function createMagentoTables(conn: mysql.Connection): Promise<void> {
  await conn.query(`CREATE TABLE sales_order (
    entity_id int(10) unsigned NOT NULL AUTO_INCREMENT,
    state varchar(32) NULL,
    status varchar(32) NULL,
    store_id smallint(5) unsigned NULL,
    created_at timestamp NOT NULL DEFAULT current_timestamp(),
    updated_at timestamp NOT NULL DEFAULT current_timestamp() ON UPDATE current_timestamp(),
    PRIMARY KEY (entity_id),
    KEY SALES_ORDER_STATUS (status),
    KEY SALES_ORDER_STATE (state),
    KEY SALES_ORDER_STORE_ID (store_id),
    KEY SALES_ORDER_CREATED_AT (created_at)
  )`);
  await conn.query(`CREATE TABLE sales_order_item (
    item_id int(10) unsigned NOT NULL AUTO_INCREMENT,
    order_id int(10) unsigned NOT NULL DEFAULT 0,
    parent_item_id int(10) unsigned NULL,
    store_id smallint(5) unsigned NULL,
    created_at timestamp NOT NULL DEFAULT current_timestamp(),
    product_id int(10) unsigned NULL,
    product_type varchar(255) NULL,
    sku varchar(255) NULL,
    qty_canceled decimal(12,4) DEFAULT 0.0000,
    qty_ordered decimal(12,4) DEFAULT 0.0000,
    qty_refunded decimal(12,4) DEFAULT 0.0000,
    price decimal(20,4) NOT NULL DEFAULT 0.0000,
    PRIMARY KEY (item_id),
    KEY SALES_ORDER_ITEM_ORDER_ID (order_id),
    KEY SALES_ORDER_ITEM_STORE_ID (store_id),
    CONSTRAINT SALES_ORDER_ITEM_ORDER_ID_SALES_ORDER_ENTITY_ID FOREIGN KEY (order_id) REFERENCES sales_order (entity_id) ON DELETE CASCADE
  )`);
}

export const storeOf = (o: OrderLine): number => (o.country === 'United Kingdom' ? 1 : 2);
/** Stock codes of digits ending in a letter are sold as a configurable product's variant. */
export const isConfigurable = (o: OrderLine): boolean => /^\d+[A-Za-z]$/.test(o.code);
/** Magento cannot hold a negative ordered quantity: the adjustment lines of the file are left out. */
export const inMagento = (o: OrderLine): boolean => o.quantity > 0 || isCancellation(o);

/**
 * Loads order lines into Magento 2's tables: an invoice is an order (state complete, store 1 for
 * the UK, 2 elsewhere); a cancellation invoice is a closed order whose items are fully refunded;
 * a configurable variant is a configurable parent item plus its simple child item.
 */
export async function loadMagento(
  conn: mysql.Connection,
  orders: readonly OrderLine[],
  map: IdMaps,
  firstItemId = 1,
): Promise<void> {
  const seen = new Set<string>();
  const sales: unknown[][] = [];
  const items: unknown[][] = [];
  let itemId = firstItemId;
  for (const o of orders) {
    if (!inMagento(o)) continue;
    const orderId = map.order.get(o.invoice)!;
    const utc = londonToUtc(o.local);
    const c = isCancellation(o);
    if (!seen.has(o.invoice)) {
      seen.add(o.invoice);
      sales.push([orderId, c ? 'closed' : 'complete', c ? 'closed' : 'complete', storeOf(o), utc]);
    }
    const qty = Math.abs(o.quantity);
    const productId = map.product.get(o.code)!;
    const base = [orderId, storeOf(o), utc];
    if (isConfigurable(o)) {
      const parent = itemId++;
      items.push([parent, ...base, null, 900_000 + productId, 'configurable', o.code, qty, c ? qty : 0, o.price]);
      items.push([itemId++, ...base, parent, productId, 'simple', o.code, qty, 0, 0]);
    } else {
      items.push([itemId++, ...base, null, productId, 'simple', o.code, qty, c ? qty : 0, o.price]);
    }
  }
  await insertMany(conn, 'sales_order', ['entity_id', 'state', 'status', 'store_id', 'created_at'], sales);
  await insertMany(conn, 'sales_order_item', MAGENTO_ITEM_COLUMNS, items);
}

/** Expected Magento dataset: per SKU/store and London day, units net of refunds and average price. */
export function expectedMagento(orders: readonly OrderLine[]): Map<string, Expected> {
  return aggregate(
    orders.filter(inMagento).map((o) => ({
      key: `${o.code}/${storeOf(o)}`,
      day: o.local.slice(0, 10),
      units: isCancellation(o) ? 0 : o.quantity,
      price: o.price,
    })),
  );
}
