/**
 * Synthetic weekly store × brand panels whose sales move with price, deals, displays and
 * competitors' prices (test/fixtures/forecasting/price-panel.ts), written as long CSVs that
 * `bench/accuracy-backtest.ts` and the peers' `run_peers.py` both read:
 *
 *   npx tsx bench/price-synthetic.ts [--out DIR]
 *
 * Two panels, like the held-out ones in kind (never seen here): `price-panel-96` (12 stores × 8
 * brands, 160 weeks, price/deal/display) and `price-panel-7` (one store, 7 brands, 160 weeks,
 * price/display, no deal flag), and `price-panel-wide` (12 stores × 8 brands, every brand's price
 * of the store as a column `price1` … `price8`, the own one named by the `brand` attribute, `deal`
 * and `feat`: the layout of the published orange-juice benchmark). Every parameter (elasticities, deal and display lifts, the cross
 * effect) is drawn or fixed in the fixture; nothing here is tuned to a result.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pricePanel, pricePanelCsv, pricePanelWideCsv } from '../test/fixtures/forecasting/price-panel.js';

const i = process.argv.indexOf('--out');
const out = resolve(i >= 0 ? process.argv[i + 1]! : '/tmp/forecastql-price');
mkdirSync(out, { recursive: true });
const big = pricePanel({ stores: 12, brands: 8, weeks: 160, future: 0, seed: 11 });
writeFileSync(join(out, 'price-panel-96.csv'), pricePanelCsv(big));
const small = pricePanel({ stores: 1, brands: 7, weeks: 160, future: 0, seed: 12, deal: 0, dealElasticity: 0 });
// The small panel has displays but no deal flag (its discounts still move sales).
const csv = pricePanelCsv(small)
  .split('\n')
  .map((l) => l.split(',').toSpliced(4, 1).join(','))
  .join('\n');
writeFileSync(join(out, 'price-panel-7.csv'), csv);
const wide = pricePanel({ stores: 12, brands: 8, weeks: 160, future: 0, seed: 13 });
writeFileSync(join(out, 'price-panel-wide.csv'), pricePanelWideCsv(wide));
process.stdout.write(`wrote price-panel-96.csv, price-panel-7.csv and price-panel-wide.csv to ${out}\n`);
