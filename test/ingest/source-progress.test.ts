/**
 * A running sync's progress, on SQLite and PostgreSQL: while the source is read, the stored
 * progress (what `dataSource.syncProgress` shows to any process) says READING and how many lines
 * so far; the sync's transaction clears it, and so does a failed sync. The reader is a stand-in
 * that hands out its batches one at a time on the test's word, so nothing depends on timing.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SourceReader, SourceReaderFactory, SourceRow, SyncProgress } from '../../api/app/sources/ports.js';
import { createDataSourcesRepository } from '../../api/db/data-sources.repository.js';
import { migrateLatest } from '../../api/db/migrate.js';
import { createTenantsRepository } from '../../api/db/tenants.repository.js';
import { SourceError, ErrorCode } from '../../api/errors/index.js';
import { createDataSourceService } from '../../api/plugin/sources.js';
import { withDbs } from '../helpers/dbs.js';

/** A reader of `batches`; each batch waits until `release()` is called, and `failAt` throws instead. */
function gatedReaders(batches: SourceRow[][], failAt?: number) {
  const waiting: Array<() => void> = [];
  let handedOut = 0;
  const factory: SourceReaderFactory = {
    async open(source) {
      const reader: SourceReader = {
        async probe() {
          return { columns: ['series_id', 'date', 'quantity'], shape: 'daily', attributes: [] };
        },
        async *read() {
          for (const [i, batch] of batches.entries()) {
            await new Promise<void>((resolve) => waiting.push(resolve));
            if (i === failAt) {
              throw new SourceError(ErrorCode.SOURCE_UNREACHABLE, source.name, 'the connection dropped', 'Try again.');
            }
            handedOut++;
            yield batch;
          }
        },
        async close() {},
      };
      return reader;
    },
  };
  return {
    factory,
    /** Lets the next batch through once the reader asks for it. */
    async release(): Promise<void> {
      while (waiting.length === 0) await new Promise((r) => setImmediate(r));
      waiting.shift()!();
    },
    get handedOut() {
      return handedOut;
    },
  };
}

const day = (d: number, key: string, quantity: number): SourceRow => ({
  key,
  at: `2024-06-${String(d).padStart(2, '0')}`,
  quantity,
  unitPrice: null,
  attributes: [],
  category: null,
});

withDbs(
  (db) => {
    test('progress while a sync reads, cleared when it ends or fails', async () => {
      const tenantId = await createTenantsRepository(db.knex).defaultTenantId();
      const store = createDataSourcesRepository(db.knex);
      const gate = gatedReaders([
        [day(1, 'A', 1), day(1, 'B', 2), day(2, 'A', 3)],
        [day(2, 'B', 4), day(3, 'A', 5)],
      ]);
      const service = createDataSourceService(db.knex, { readers: gate.factory, progressEveryMs: 0 });
      const source = await service.create(tenantId, {
        name: 'gated',
        kind: 'generic',
        urlEnv: 'FQ_UNUSED_URL',
        query: 'SELECT series_id, date, quantity FROM t',
        dataset: 'gated',
      });
      const seen: SyncProgress[] = [];
      const syncing = service.sync(tenantId, 'gated', { onProgress: (p) => seen.push(p) });

      await gate.release();
      // The first batch is in; the reader now waits for the second.
      while (gate.handedOut < 1 || seen.at(-1)?.linesRead !== 3) await new Promise((r) => setImmediate(r));
      let stored = (await store.get(tenantId, source.id))!.progress;
      for (let i = 0; i < 3000 && stored?.linesRead !== 3; i++) {
        await new Promise((r) => setTimeout(r, 10));
        stored = (await store.get(tenantId, source.id))!.progress;
      }
      assert.equal(stored?.phase, 'reading');
      assert.equal(stored?.linesRead, 3, 'the lines read so far, readable by any process');
      assert.equal(stored?.full, true, 'the first sync reads everything');

      await gate.release();
      const result = await syncing;
      assert.equal(result.linesRead, 5);
      assert.deepEqual(
        [...new Set(seen.map((p) => p.phase))],
        ['reading', 'writing'],
        'the caller saw the phases in order',
      );
      assert.equal((await store.get(tenantId, source.id))!.progress, null, 'the sync committed: no progress');

      const failing = gatedReaders([[day(4, 'A', 1)], [day(5, 'A', 1)]], 1);
      const failingService = createDataSourceService(db.knex, { readers: failing.factory, progressEveryMs: 0 });
      const failed = failingService.sync(tenantId, 'gated');
      await failing.release();
      await failing.release();
      await assert.rejects(failed, (e: unknown) => e instanceof SourceError && e.code === 'SOURCE_UNREACHABLE');
      const after = (await store.get(tenantId, source.id))!;
      assert.equal(after.progress, null, 'a failed sync leaves no progress behind');
      assert.equal(after.lastSync?.status, 'failed');
      assert.equal(after.lastSync?.linesRead, 1, 'it had read one line');
    });
  },
  async (knex) => {
    await migrateLatest(knex);
  },
);
