/**
 * The published orange-juice benchmark's score on our own data: MAPE of units on the last H − 1
 * steps of every H-step window (a one-week gap, then two weeks: H = 3), over every series and
 * rolling origin, points whose actual is 0 left out (MAPE has none there). It reads the panel
 * and any predictions CSVs (`series_id,date,p50,…`, as `bench/accuracy-backtest.ts --out` and
 * the peers' `run_peers.py` write them) and prints one line per model:
 *
 *   npx tsx bench/price-synthetic.ts --out /tmp/price
 *   npx tsx bench/accuracy-backtest.ts --data /tmp/price/price-panel-wide.csv --horizon 3 --origins 12 --model auto --out auto.csv
 *   /usr/bin/python3 ../shared/peers/run_peers.py /tmp/price/price-panel-wide.csv --horizon 3 --origins 12 --models gbm,arima --use-exog --nonneg --out peers
 *   npx tsx bench/gap-mape.ts /tmp/price/price-panel-wide.csv 3 auto=auto.csv gbm+x=peers/predictions/gbm+x.csv
 *
 * The windows of one series are told apart by date order: its forecasts, sorted, come in blocks
 * of H (the harness's origins are H steps apart).
 */
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';

type Row = Record<string, string>;
const read = (path: string): Row[] => parse(readFileSync(path), { columns: true, skip_empty_lines: true }) as Row[];

const [dataPath, hText, ...specs] = process.argv.slice(2);
const H = Number(hText);
if (!dataPath || !Number.isInteger(H) || H < 2 || specs.length === 0) {
  process.stderr.write('usage: npx tsx bench/gap-mape.ts PANEL.csv H name=predictions.csv [name=predictions.csv …]\n');
  process.exit(2);
}
const actual = new Map<string, number>();
for (const r of read(dataPath)) actual.set(`${r['series_id']}|${r['date']}`, Number(r['value']));

for (const spec of specs) {
  const [name, path] = spec.split('=', 2) as [string, string];
  const bySeries = new Map<string, { date: string; p50: number }[]>();
  for (const r of read(path)) {
    const list = bySeries.get(r['series_id']!) ?? [];
    list.push({ date: r['date']!, p50: Number(r['p50']) });
    bySeries.set(r['series_id']!, list);
  }
  let ape = 0;
  let scored = 0;
  let absErr = 0;
  let absY = 0;
  let points = 0;
  for (const [id, list] of bySeries) {
    list.sort((a, b) => a.date.localeCompare(b.date));
    list.forEach((p, i) => {
      if (i % H === 0) return; // the gap week
      const y = actual.get(`${id}|${p.date}`);
      if (y === undefined || !Number.isFinite(y)) return;
      points++;
      absErr += Math.abs(y - p.p50);
      absY += Math.abs(y);
      if (y > 0) {
        ape += Math.abs(y - p.p50) / y;
        scored++;
      }
    });
  }
  process.stdout.write(
    `${name}: MAPE of steps 2..${H} ${((100 * ape) / scored).toFixed(2)} % (${scored} of ${points} points, actual > 0), WAPE ${(absErr / absY).toFixed(3)}\n`,
  );
}
