import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { CsvValidationError } from '../../api/ingest/errors.js';
import { LongCsvReader, type LongCsvRow } from '../../api/ingest/long-csv.js';
import { readRawSeries } from '../../api/ingest/raw-series.js';
import { daysFromCivil, isoFromDay, parseIsoDate } from '../../api/ingest/dates.js';

const FIXTURES = new URL('../fixtures/csv/', import.meta.url).pathname;
type Expected = { line: number | null; column: string | null; message: string };
const EXPECTED = JSON.parse(readFileSync(FIXTURES + 'expected.json', 'utf8')) as Record<string, Expected>;

async function readAll(csv: string | Buffer, options = {}): Promise<{ rows: LongCsvRow[]; reader: LongCsvReader }> {
  const reader = new LongCsvReader(Buffer.from(csv), options);
  const rows: LongCsvRow[] = [];
  for await (const row of reader) rows.push(row);
  return { rows, reader };
}

describe('dates', () => {
  test('day numbers round-trip and reject impossible dates', () => {
    for (const iso of ['1970-01-01', '2000-02-29', '2024-12-31', '1899-03-01', '2100-02-28']) {
      const p = parseIsoDate(iso);
      assert.ok(p.ok, iso);
      assert.equal(isoFromDay(p.day), iso);
      assert.equal(p.day, Math.round(Date.parse(`${iso}T00:00:00Z`) / 86_400_000));
    }
    assert.equal(daysFromCivil(1970, 1, 1), 0);
    for (const bad of ['2023-02-29', '2023-02-30', '2024-13-01', '2024-04-31', '2024-1-01', '20240101', '']) {
      assert.equal(parseIsoDate(bad).ok, false, bad);
    }
  });
});

describe('LongCsvReader', () => {
  test('numeric extra columns are covariates, text columns are attributes', async () => {
    const { rows, reader } = await readAll(
      'series_id,date,value,price,store,promo\nA,2024-01-01,3,1.5,north,0\nA,2024-01-02,,1.5,north,1\nB,2024-01-01,0,2,south,\n',
    );
    const schema = await reader.schema();
    assert.deepEqual(schema.covariates, ['price', 'promo']);
    assert.deepEqual(schema.attributes, ['store']);
    assert.deepEqual(
      rows.map((r) => [r.line, r.seriesId, r.date, r.value, r.covariates, r.attributes]),
      [
        [2, 'A', '2024-01-01', 3, [1.5, 0], ['north']],
        [3, 'A', '2024-01-02', null, [1.5, 1], ['north']],
        [4, 'B', '2024-01-01', 0, [2, null], ['south']],
      ],
    );
    assert.deepEqual(
      reader.summary().series.map((s) => [s.id, s.attributes, s.rows, s.values]),
      [
        ['A', { store: 'north' }, 2, 1],
        ['B', { store: 'south' }, 1, 1],
      ],
    );
  });

  test('columnKinds overrides the rule (a numeric store number as attribute)', async () => {
    const { reader, rows } = await readAll('series_id,date,value,store\nA,2024-01-01,3,7\nA,2024-01-02,3,7\n', {
      columnKinds: { store: 'attribute' },
    });
    assert.deepEqual((await reader.schema()).attributes, ['store']);
    assert.deepEqual(rows[0]?.attributes, ['7']);
  });

  test('future rows with an empty value make their covariates known in advance', async () => {
    const { reader } = await readAll(
      'series_id,date,value,price,temp\nA,2024-01-01,3,1.5,10\nA,2024-01-02,4,1.5,11\nA,2024-01-03,,1.2,\nA,2024-01-04,,1.2,\n',
    );
    const s = reader.summary();
    assert.deepEqual(s.knownInAdvance, ['price']);
    assert.equal(s.series[0]?.lastValueDate, '2024-01-02');
    assert.equal(s.series[0]?.endDate, '2024-01-04');
  });

  test('detects daily, weekly (any weekday) and monthly frequencies', async () => {
    const daily = await readAll(
      'series_id,date,value\nA,2024-01-01,1\nA,2024-01-02,1\nA,2024-01-04,1\nA,2024-01-05,1\n',
    );
    assert.equal(daily.reader.summary().frequency, 'D');
    const weekly = await readAll(
      'series_id,date,value\nA,2024-01-03,1\nA,2024-01-10,1\nB,2024-01-03,1\nB,2024-01-24,1\nB,2024-01-31,1\n',
    );
    assert.equal(weekly.reader.summary().frequency, 'W');
    const monthly = await readAll(
      'series_id,date,value\nA,2024-01-01,1\nA,2024-02-01,1\nA,2024-03-01,1\nA,2024-05-01,1\n',
    );
    assert.equal(monthly.reader.summary().frequency, 'M');
    assert.equal(monthly.reader.summary().frequencyDetected, true);
  });

  test('rows in any order: shuffled and newest-first files detect the same frequency', async () => {
    // A seeded shuffle (xorshift), so the order is fixed but has no pattern.
    let seed = 7;
    const random = (): number => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) / 2 ** 32;
    };
    const shuffled = <T>(xs: readonly T[]): T[] => {
      const out = [...xs];
      for (let i = out.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [out[i], out[j]] = [out[j]!, out[i]!];
      }
      return out;
    };
    const cases: Array<[string, number, (i: number) => string]> = [
      ['D', 60, (i) => isoFromDay(daysFromCivil(2024, 1, 1) + i)],
      ['W', 30, (i) => isoFromDay(daysFromCivil(2024, 1, 3) + 7 * i)],
      ['M', 24, (i) => `${2022 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}-01`],
    ];
    for (const [frequency, n, date] of cases) {
      const rows = ['A', 'B', 'C'].flatMap((id) => Array.from({ length: n }, (_, i) => `${id},${date(i)},${i % 5}`));
      for (const [order, body] of [
        ['shuffled', shuffled(rows)],
        ['newest first', rows.toReversed()],
      ] as const) {
        const { rows: read, reader } = await readAll(`series_id,date,value\n${body.join('\n')}\n`);
        const summary = reader.summary();
        assert.equal(summary.frequency, frequency, `${frequency} ${order}`);
        assert.equal(summary.sorted, false);
        assert.equal(read.length, rows.length);
        assert.ok(
          read.every((r) => !r.repeated),
          `${order}: no row is taken for a repeat`,
        );
        assert.deepEqual(
          summary.series.map((x) => [x.id, x.firstDate, x.endDate, x.rows]).toSorted(),
          ['A', 'B', 'C'].map((id) => [id, date(0), date(n - 1), n]).toSorted(),
        );
      }
    }
  });

  test('a given frequency is checked row by row', async () => {
    await assert.rejects(
      readAll('series_id,date,value\nA,2024-01-01,1\nA,2024-01-08,1\nA,2024-01-16,1\n', { frequency: 'W' }),
      (e: unknown) => e instanceof CsvValidationError && e.line === 4 && e.column === 'date',
    );
    const ok = await readAll('series_id,date,value\nA,2024-01-01,1\nA,2024-01-15,1\n', { frequency: 'D' });
    assert.equal(ok.reader.summary().frequency, 'D');
    assert.equal(ok.reader.summary().frequencyDetected, false);
  });

  test('reads gzip by its magic bytes, whatever the name, and from a stream', async () => {
    const csv = 'series_id,date,value\nA,2024-01-01,1\nA,2024-01-02,2\n';
    const { rows } = await readAll(gzipSync(csv));
    assert.deepEqual(
      rows.map((r) => r.value),
      [1, 2],
    );
    const reader = new LongCsvReader(Readable.from([Buffer.from(csv.slice(0, 7)), Buffer.from(csv.slice(7))]));
    const values: (number | null)[] = [];
    for await (const r of reader) values.push(r.value);
    assert.deepEqual(values, [1, 2]);
    assert.equal((await reader.schema()).gzipped, false);
  });

  test('counts lines across quoted line breaks, blank lines and CRLF', async () => {
    await assert.rejects(
      readAll('series_id,date,value,desc\r\nA,2024-01-01,1,"two\nlines"\r\n\r\nA,2024-01-02,x,y\r\n'),
      (e: unknown) => e instanceof CsvValidationError && e.line === 5 && e.column === 'value',
    );
  });

  test('drops an adjacent identical duplicate and flags a later repeat', async () => {
    const { rows, reader } = await readAll(
      'series_id,date,value\nA,2024-01-01,1\nA,2024-01-01,1\nA,2024-01-02,2\nB,2024-01-01,1\nA,2024-01-01,1\n',
    );
    assert.deepEqual(
      rows.map((r) => [r.line, r.repeated]),
      [
        [2, false],
        [4, false],
        [5, false],
        [6, true],
      ],
    );
    assert.equal(reader.summary().droppedDuplicates, 1);
    assert.equal(reader.summary().sorted, false);
  });

  test('negative values are refused unless allowed', async () => {
    const csv = 'series_id,date,value\nA,2024-01-01,-1\nA,2024-01-02,2\n';
    await assert.rejects(readAll(csv), /line 2, column "value": "-1" is negative/);
    const { rows } = await readAll(csv, { allowNegativeValues: true });
    assert.equal(rows[0]?.value, -1);
  });

  test('reports progress and stays bounded on a long file', async () => {
    const lines = ['series_id,date,value'];
    for (let d = 0; d < 20_000; d++) lines.push(`S${d % 10},${isoFromDay(19000 + Math.floor(d / 10))},${d % 7}`);
    const seen: number[] = [];
    const { rows, reader } = await readAll(lines.join('\n'), {
      progressEveryRows: 5000,
      batchSize: 1000,
      onProgress: (p: { rows: number }) => seen.push(p.rows),
    });
    assert.equal(rows.length, 20_000);
    assert.ok(seen.length >= 4, `progress calls: ${seen.join(',')}`);
    assert.equal(seen[seen.length - 1], 20_000);
    assert.equal(reader.summary().series.length, 10);
    assert.equal(reader.summary().frequency, 'D');
  });
});

describe('readRawSeries', () => {
  test('builds sorted RawSeries with statics and covariates', async () => {
    const file = await readRawSeries(
      Buffer.from(
        'series_id,date,value,price,brand\nA,2024-01-02,2,1,x\nA,2024-01-01,1,1,x\nB,2024-01-01,5,,y\nA,2024-01-01,1,1,x\nA,2024-01-03,,0.5,\n',
      ),
    );
    assert.equal(file.frequency, 'D');
    assert.deepEqual(file.knownInAdvance, ['price']);
    assert.deepEqual(file.series, [
      {
        id: 'A',
        statics: { brand: 'x' },
        dates: ['2024-01-01', '2024-01-02', '2024-01-03'],
        values: [1, 2, null],
        covariates: { price: [1, 1, 0.5] },
      },
      { id: 'B', statics: { brand: 'y' }, dates: ['2024-01-01'], values: [5], covariates: { price: [null] } },
    ]);
  });
});

describe('malformed CSV corpus', () => {
  for (const [name, expected] of Object.entries(EXPECTED)) {
    test(`${name} is refused with one line naming line and column`, async () => {
      await assert.rejects(readRawSeries(FIXTURES + name), (e: unknown) => {
        assert.ok(e instanceof Error);
        assert.equal(e.message, expected.message);
        assert.ok(!e.message.includes('\n'));
        if (expected.line !== null) {
          assert.ok(e instanceof CsvValidationError);
          assert.equal(e.line, expected.line);
          assert.equal(e.column ?? null, expected.column);
        }
        return true;
      });
    });
  }
});
