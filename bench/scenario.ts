/**
 * Latency of a what-if scenario (issue 18 item 2; goal: p99 under 100 ms for one series on this
 * machine), through the application core's use-case (`services.scenarios.evaluate`: the run and
 * series reads, the restored model from its per-run cache, the panel, two predictions, finishing
 * and shaping), over a SQLite file or PostgreSQL:
 *
 *   nice -n 10 npx tsx bench/scenario.ts [--n 500] [--db postgres://…]
 *
 * The dataset is the synthetic store × brand price panel (60 weekly series, 120 weeks, a store
 * of 6 brands is each series' competitor group) with an MLP trained on it
 * (test/scenarios/support/trained.ts). Prints the first (cold: model restored, panel read) call,
 * then `n` calls on one series each (series and price change drawn in turn, every series and
 * change seen many times), as min / p50 / p95 / p99 / max in ms, and one total over all 60 series.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Role } from '../api/app/scope.js';
import type { RunEventBus, RunQueue } from '../api/app/ports.js';
import type { DatabaseConfig } from '../api/config/env.js';
import { createKnex } from '../api/db/knex.js';
import { migrateLatest } from '../api/db/migrate.js';
import { createTenantsRepository } from '../api/db/tenants.repository.js';
import { createCoreFor, createDataPorts } from '../api/plugin/core.js';
import { createRunEventBus } from '../api/training/events.js';
import { seedTrainedDataset } from '../test/scenarios/support/trained.js';

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const N = Number(arg('n') ?? 500);
const pgUrl = arg('db');

const NO_RUNS: RunQueue = { submit: async () => {}, cancel: async () => undefined };

function quantile(sorted: readonly number[], q: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i]!;
}

const dir = mkdtempSync(join(tmpdir(), 'fq-bench-scenario-'));
const config: DatabaseConfig = pgUrl
  ? { client: 'pg', connectionString: pgUrl }
  : { client: 'sqlite', filename: join(dir, 'bench.sqlite') };
const knex = createKnex(config);
try {
  await migrateLatest(knex);
  const ports = createDataPorts(knex);
  const tenantId = await createTenantsRepository(knex).defaultTenantId();
  const name = `scenario-bench-${Date.now()}`;
  const t0 = performance.now();
  const { datasetId, panel } = await seedTrainedDataset(knex, tenantId, name);
  console.log(`seeded and trained in ${((performance.now() - t0) / 1000).toFixed(1)} s (${config.client})`);
  const bus: RunEventBus = createRunEventBus();
  const core = createCoreFor(ports, { queue: NO_RUNS, bus, maxHorizon: 365 });
  const services = core.servicesFor({ tenantId, role: Role.ADMIN, datasetIds: null });
  const dataset = await services.datasets.require(tenantId, String(datasetId));
  const ids = panel.panel.series.map((s) => s.id);
  const changes = [-20, -10, -5, 5, 10].map((p) => [{ covariate: 'price', percentChange: p }]);

  const c0 = performance.now();
  const first = await services.scenarios.evaluate(tenantId, dataset, { seriesId: ids[0]!, changes: changes[0]! });
  const cold = performance.now() - c0;
  console.log(
    `cold first call (engine import, model restore, panel read): ${cold.toFixed(1)} ms; ${first.seriesId}: ${first.totals.differencePercent?.toFixed(1)} % units for a 20 % cut`,
  );
  // Each series' first call reads its panel (store group) once; warm them so the figures below
  // are the steady state of a planner moving a slider, then measure.
  for (const id of ids) await services.scenarios.evaluate(tenantId, dataset, { seriesId: id, changes: changes[1]! });
  const times: number[] = [];
  for (let i = 0; i < N; i++) {
    const s = performance.now();
    await services.scenarios.evaluate(tenantId, dataset, {
      seriesId: ids[i % ids.length]!,
      changes: changes[i % changes.length]!,
    });
    times.push(performance.now() - s);
  }
  times.sort((a, b) => a - b);
  console.log(
    `one series, ${N} calls: min ${times[0]!.toFixed(1)}  p50 ${quantile(times, 0.5).toFixed(1)}  p95 ${quantile(times, 0.95).toFixed(1)}  p99 ${quantile(times, 0.99).toFixed(1)}  max ${times.at(-1)!.toFixed(1)} ms`,
  );
  const coldSeries: number[] = [];
  for (const id of ids.slice(0, 12)) {
    // A series' panel not yet read at this data version: a fresh dataset version is what an import makes.
    const s = performance.now();
    await services.scenarios.evaluate(
      tenantId,
      { ...dataset, dataVersion: dataset.dataVersion + 1000 + coldSeries.length },
      {
        seriesId: id,
        changes: changes[1]!,
      },
    );
    coldSeries.push(performance.now() - s);
  }
  coldSeries.sort((a, b) => a - b);
  console.log(
    `one series, panel not cached (read from the database), 12 calls: p50 ${quantile(coldSeries, 0.5).toFixed(1)}  max ${coldSeries.at(-1)!.toFixed(1)} ms`,
  );
  const a0 = performance.now();
  const all = await services.scenarios.evaluate(tenantId, dataset, { groupBy: 'all', changes: changes[1]! });
  console.log(
    `total over all ${all.seriesCount} series (cold panel): ${(performance.now() - a0).toFixed(1)} ms; 10 % cut: ${all.totals.differencePercent?.toFixed(1)} % units`,
  );
  const a1 = performance.now();
  await services.scenarios.evaluate(tenantId, dataset, { groupBy: 'all', changes: changes[1]! });
  console.log(`total over all series again (warm): ${(performance.now() - a1).toFixed(1)} ms`);
} finally {
  await knex.destroy();
  rmSync(dir, { recursive: true, force: true });
}
