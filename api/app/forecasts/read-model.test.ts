import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ActualRecord, DateRange, ForecastRecord, SeriesSelection } from '../ports.js';
import type { ForecastReadPorts } from './ports.js';
import { createForecastReadModel, forecastReadCaches } from './read-model.js';

/** In-memory ports that count the reads that reach them. */
function memoryPorts() {
  const calls: string[] = [];
  const points = new Map<number, ForecastRecord[]>(); // by run
  const actuals: ActualRecord[] = [];
  const series = new Map<string, number>(); // key → id
  const distributions = new Map<number, { dependence: number }>();
  const ports: ForecastReadPorts = {
    async insertMany(_t, runId, rows) {
      calls.push('insertMany');
      const list = points.get(runId) ?? [];
      for (const r of rows)
        list.push({ seriesId: r.seriesId, date: r.date, levels: [0.5], values: [r.values.get(0.5)!], mean: null });
      points.set(runId, list);
    },
    async saveDistribution(_t, runId, d) {
      calls.push('saveDistribution');
      distributions.set(runId, d as unknown as { dependence: number });
    },
    async distributionOf(_t, runId) {
      calls.push('distributionOf');
      return distributions.get(runId) as never;
    },
    async forSeries(_t, runId, ids, _range: DateRange) {
      calls.push(`forSeries ${runId} ${ids.join(',')}`);
      return (points.get(runId) ?? []).filter((r) => ids.includes(r.seriesId));
    },
    async forSelection() {
      calls.push('forSelection');
      return [];
    },
    async dateSpan() {
      calls.push('dateSpan');
      return undefined;
    },
    async tablePage() {
      calls.push('tablePage');
      return { totalCount: 0, items: [] };
    },
    async actualsForSeries(_t, ids) {
      calls.push(`actualsForSeries ${ids.join(',')}`);
      return actuals.filter((a) => ids.includes(a.seriesId));
    },
    async actualsForSelection(_t, _s: SeriesSelection) {
      calls.push('actualsForSelection');
      return [];
    },
    async seriesIdsByKey() {
      calls.push('seriesIdsByKey');
      return new Map(series);
    },
    async selectSeries() {
      calls.push('selectSeries');
      return [];
    },
    async seriesIdByKey(_t, _d, key) {
      calls.push(`seriesIdByKey ${key}`);
      return series.get(key);
    },
  };
  return { ports, calls, points, actuals, series };
}

const row = (seriesId: number, date: string, p50: number) => ({ seriesId, date, values: new Map([[0.5, p50]]) });

describe('forecast read model', () => {
  test("a succeeded run's rows are read once; a new run is read under its own id", async () => {
    const m = memoryPorts();
    const model = createForecastReadModel(m.ports);
    await model.insertMany(1, 7, [row(1, '2024-01-01', 5), row(2, '2024-01-01', 6)]);
    assert.deepEqual(
      (await model.forSucceededRun(1, 7, [2, 1])).map((r) => [r.seriesId, r.values[0]]),
      [
        [1, 5],
        [2, 6],
      ],
    );
    await model.forSucceededRun(1, 7, [1, 2]);
    assert.equal(m.calls.filter((c) => c.startsWith('forSeries')).length, 1, m.calls.join('\n'));
    // Only the series not yet read reach the store.
    await model.insertMany(1, 7, [row(3, '2024-01-01', 9)]);
    await model.forSucceededRun(1, 7, [1, 3]);
    assert.equal(m.calls.at(-1), 'forSeries 7 3');
    // A new run: new keys, so its rows are read (nothing stale is served).
    await model.insertMany(1, 8, [row(1, '2024-01-01', 50)]);
    assert.deepEqual(
      (await model.forSucceededRun(1, 8, [1])).map((r) => r.values[0]),
      [50],
    );
    // Another tenant never shares an entry.
    assert.deepEqual(
      await model.forSucceededRun(2, 8, [1]),
      m.points.get(8)!.filter(() => true),
    );
    assert.equal(m.calls.at(-1), 'forSeries 8 1');
  });

  test('actuals are kept per data version: a new import (a new version) is read again', async () => {
    const m = memoryPorts();
    const model = createForecastReadModel(m.ports);
    m.actuals.push({ seriesId: 1, date: '2024-01-01', value: 3 });
    const v1 = { id: 4, dataVersion: 1 };
    assert.deepEqual(await model.actualsAtVersion(1, v1, [1], {}), [{ seriesId: 1, date: '2024-01-01', value: 3 }]);
    m.actuals.push({ seriesId: 1, date: '2024-01-02', value: 4 });
    assert.equal((await model.actualsAtVersion(1, v1, [1], {})).length, 1, 'same version: from memory');
    assert.equal((await model.actualsAtVersion(1, { id: 4, dataVersion: 2 }, [1], {})).length, 2);
    assert.equal(m.calls.filter((c) => c.startsWith('actualsForSeries')).length, 2);
    // Plain actual reads are never cached.
    await model.actualsForSeries(1, [1], {});
    await model.actualsForSeries(1, [1], {});
    assert.equal(m.calls.filter((c) => c.startsWith('actualsForSeries')).length, 4);
  });

  test('a series key is cached once found, never while missing (an import may add it)', async () => {
    const m = memoryPorts();
    const model = createForecastReadModel(m.ports);
    assert.equal(await model.seriesIdByKey(1, 4, 'A'), undefined);
    m.series.set('A', 11);
    assert.equal(await model.seriesIdByKey(1, 4, 'A'), 11);
    assert.equal(await model.seriesIdByKey(1, 4, 'A'), 11);
    assert.equal(m.calls.filter((c) => c === 'seriesIdByKey A').length, 2);
  });

  test("saving a run's distribution drops its cached one", async () => {
    const m = memoryPorts();
    const model = createForecastReadModel(m.ports);
    assert.equal(await model.distributionOf(1, 7), undefined);
    assert.equal(await model.distributionOf(1, 7), undefined);
    assert.equal(m.calls.filter((c) => c === 'distributionOf').length, 1);
    await model.saveDistribution(1, 7, { dependence: 0.3 } as never);
    assert.deepEqual(await model.distributionOf(1, 7), { dependence: 0.3 });
  });

  test('models over one database share its caches; clear() empties them', async () => {
    const m = memoryPorts();
    const db = {};
    const a = createForecastReadModel(m.ports, forecastReadCaches(db));
    const b = createForecastReadModel(m.ports, forecastReadCaches(db));
    await a.insertMany(1, 7, [row(1, '2024-01-01', 5)]);
    await a.forSucceededRun(1, 7, [1]);
    await b.forSucceededRun(1, 7, [1]);
    assert.equal(m.calls.filter((c) => c.startsWith('forSeries')).length, 1);
    b.derived.set('1|7|x', [1, 2]);
    assert.deepEqual(a.derived.get('1|7|x'), [1, 2]);
    forecastReadCaches(db).clear();
    assert.equal(a.derived.get('1|7|x'), undefined);
    await a.forSucceededRun(1, 7, [1]);
    assert.equal(m.calls.filter((c) => c.startsWith('forSeries')).length, 2);
    // Another database has its own.
    await createForecastReadModel(m.ports, forecastReadCaches({})).forSucceededRun(1, 7, [1]);
    assert.equal(m.calls.filter((c) => c.startsWith('forSeries')).length, 3);
  });
});
