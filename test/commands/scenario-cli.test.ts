/**
 * `forecastql scenario` (issue 18) on SQLite: the README's command run as written (but for the
 * paths), on the scenario tests' price panel with its trained MLP (elasticity −2): the CSV of
 * both forecasts, a price cut raising the units, the summary on stderr; bad input refused with
 * the value and the fix, nothing written.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createKnex } from '../../api/db/knex.js';
import { migrateLatest } from '../../api/db/migrate.js';
import { createTenantsRepository } from '../../api/db/tenants.repository.js';
import { runCli } from '../helpers/cli.js';
import { snapshot } from '../db/snapshot.js';
import { seedTrainedDataset } from '../scenarios/support/trained.js';

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

/** The README's `forecastql scenario` command lines of the "What-if scenarios" section, comments dropped. */
function readmeCommands(): string[][] {
  const start = README.indexOf('## What-if scenarios');
  const section = README.slice(start, README.indexOf('\n## ', start + 5));
  return section
    .split('\n')
    .filter((l) => l.startsWith('forecastql scenario'))
    .map((l) =>
      l
        .replace(/#.*$/, '')
        .replace(/\[[^\]]*\]/g, '')
        .trim()
        .split(/\s+/)
        .slice(1),
    );
}

describe('forecastql scenario (SQLite)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fq-scenario-cli-'));
  const db = join(dir, 'scenario.sqlite');
  after(() => rmSync(dir, { recursive: true, force: true }));

  before(async () => {
    const knex = createKnex({ client: 'sqlite', filename: db });
    try {
      await migrateLatest(knex);
      const tenantId = await createTenantsRepository(knex).defaultTenantId();
      await seedTrainedDataset(knex, tenantId);
    } finally {
      await knex.destroy();
    }
  });

  test('the README command writes both forecasts as CSV and says the difference; a cut raises the units', async () => {
    const commands = readmeCommands();
    assert.equal(commands.length, 1, 'the README shows one scenario command');
    const out = join(dir, 'scenario.csv');
    const args = [...commands[0]!.map((a) => (a === 'scenario.csv' ? out : a)), '--db', db];
    const knex = createKnex({ client: 'sqlite', filename: db });
    const initial = await snapshot(knex);
    const [run] = runCli([args]);
    assert.equal(run!.status, 0, run!.stderr);
    assert.deepEqual(await snapshot(knex), initial, 'a scenario writes nothing');
    await knex.destroy();
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    assert.equal(
      lines[0],
      'date,baseline_p10,baseline_p50,baseline_p90,baseline_mean,scenario_p10,scenario_p50,scenario_p90,scenario_mean,difference,baseline_price,scenario_price,baseline_revenue,scenario_revenue,revenue_difference',
    );
    const rows = lines.slice(1).map((l) => l.split(',').map((c, i) => (i === 0 ? c : Number(c))));
    assert.equal(rows.length, 4, 'the run forecast 4 weeks');
    for (const r of rows) {
      const [, bp10, bp50, bp90, bMean, sp10, sp50, sp90, sMean, diff, bPrice, sPrice] = r as [string, ...number[]];
      assert.ok(bp10! <= bp50! && bp50! <= bp90! && sp10! <= sp50! && sp50! <= sp90!, String(r));
      assert.ok(Math.abs(sPrice! - 0.9 * bPrice!) < 1e-3, 'the price is 10 % lower');
      assert.ok(Math.abs(diff! - (sMean! - bMean!)) < 1e-3, 'difference = scenario mean - baseline mean');
    }
    const sum = (k: number): number => rows.reduce((s, r) => s + (r[k] as number), 0);
    assert.ok(sum(8) > sum(4), `a price cut raises the forecast (${sum(8)} vs ${sum(4)})`);
    assert.match(
      run!.stderr,
      /Scenario of series "S1_B1", price -10 % \(run \d+, model mlp\): [\d.]+ -> [\d.]+ units over 4 periods \(\+[\d.]+ %\); revenue/,
    );
    assert.match(run!.stderr, /Wrote 4 rows to /);
  });

  test('bad input: a percent that is not a number, a covariate the model never saw, an unknown series', () => {
    const base = ['scenario', '--dataset', 'price-panel', '--db', db];
    const [nan, never, unknown, noDataset] = runCli([
      [...base, '--series', 'S1_B1', '--percent', 'ten', '--out', join(dir, 'nothing.csv')],
      [...base, '--series', 'S1_B1', '--covariate', 'weather', '--percent', '5', '--out', join(dir, 'nothing.csv')],
      [...base, '--series', 'NOPE', '--percent', '-10'],
      ['scenario', '--dataset', 'nope', '--series', 'S1_B1', '--percent', '-10', '--db', db],
    ]);
    assert.notEqual(nan!.status, 0);
    assert.match(nan!.stderr, /--percent "ten" is not a number; write e\.g\. --percent -10/);
    assert.notEqual(never!.status, 0);
    assert.match(never!.stderr, /never saw covariate "weather"/);
    assert.notEqual(unknown!.status, 0);
    assert.match(unknown!.stderr, /NOPE/);
    assert.notEqual(noDataset!.status, 0);
    assert.match(noDataset!.stderr, /nope/);
    assert.equal(existsSync(join(dir, 'nothing.csv')), false, 'a refused scenario writes no file');
  });
});
