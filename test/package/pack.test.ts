/**
 * The package installs: `npm pack` gives a tarball with the compiled API and its .d.ts, the CLI,
 * the widget bundle and the migrations, and none of the sources, tests or benchmarks; a scratch
 * host project that installs the tarball (not the folder) runs the CLI, imports `forecastql`,
 * `forecastql/subgraph` and `forecastql/widgets`, and answers a query as the README's hosts do.
 *
 * Offline: the tarball is unpacked into the scratch project's node_modules, next to links to this
 * repository's installed dependencies (what `npm install` would fetch). Packing needs the build
 * (`prepack` runs it; CI builds before it tests): the test says it is skipped without `dist/`.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

const root = fileURLToPath(new URL('../..', import.meta.url));
const built =
  existsSync(join(root, 'dist', 'api', 'plugin', 'index.js')) &&
  existsSync(join(root, 'dist', 'widgets', 'forecastql.js'));

test(
  'npm pack holds what a host needs, and a host that installs the tarball uses it',
  { skip: built ? false : 'dist/ is missing: run `npm run build` first' },
  () => {
    const scratch = mkdtempSync(join(tmpdir(), 'fq-pack-'));
    try {
      // --ignore-scripts: the build is there already (prepack would run it again).
      const out = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', scratch], {
        cwd: root,
        encoding: 'utf8',
      });
      const [info] = JSON.parse(out) as Array<{ filename: string; files: { path: string }[]; size: number }>;
      const files = info!.files.map((f) => f.path);
      for (const needed of [
        'bin/forecastql.js',
        'dist/api/cli.js',
        'dist/api/plugin/index.js',
        'dist/api/plugin/index.d.ts',
        'dist/api/plugin/subgraph.js',
        'dist/api/plugin/subgraph.d.ts',
        'dist/api/app/ports.d.ts',
        'dist/widgets/forecastql.js',
        'dist/widgets/forecastql.js.br',
        'dist/widgets/index.js',
        'dist/widgets-types/widgets/index.d.ts',
        'dist/migrations/index.js',
        'custom-elements.json',
        'package.json',
      ]) {
        assert.ok(files.includes(needed), `the tarball lacks ${needed}`);
      }
      // The lazily loaded chunks the entry imports: one per widget, the shared core, ApexCharts.
      for (const chunk of ['kpis', 'forecast-chart', 'core', 'apexcharts']) {
        assert.ok(
          files.some((f) => new RegExp(`^dist/widgets/chunks/${chunk}-[\\w-]+\\.js$`).test(f)),
          `the tarball lacks the ${chunk} chunk`,
        );
      }
      const unwanted = files.filter(
        (f) =>
          /^(api|test|bench|scripts|storybook|widgets\/(?!demo\/index\.html))/.test(f) ||
          /^dist\/(test|bench|scripts)\//.test(f) ||
          f.endsWith('.map') ||
          /\.test\.(js|d\.ts)$/.test(f) ||
          (f.endsWith('.ts') && !f.endsWith('.d.ts')),
      );
      assert.deepEqual(unwanted, [], 'sources, tests, benchmarks and source maps stay out');

      // A scratch host: the tarball unpacked as node_modules/forecastql, dependencies linked.
      const host = join(scratch, 'host');
      const modules = join(host, 'node_modules');
      mkdirSync(join(modules, 'forecastql'), { recursive: true });
      execFileSync('tar', [
        'xzf',
        join(scratch, info!.filename),
        '-C',
        join(modules, 'forecastql'),
        '--strip-components=1',
      ]);
      const shared = realpathSync(join(root, 'node_modules'));
      for (const name of readdirSync(shared)) {
        if (name === 'forecastql' || name === '.bin' || name.startsWith('.')) continue;
        symlinkSync(join(shared, name), join(modules, name));
      }
      writeFileSync(join(host, 'package.json'), JSON.stringify({ name: 'host', type: 'module', private: true }));
      const db = join(scratch, 'host.sqlite');
      const cli = (...args: string[]) =>
        spawnSync(process.execPath, [join(modules, 'forecastql', 'bin', 'forecastql.js'), ...args], {
          cwd: host,
          encoding: 'utf8',
          env: { ...process.env, NODE_ENV: 'production', LOG_LEVEL: 'warn' },
        });
      const migrated = cli('migrate', '--db', db);
      assert.equal(migrated.status, 0, migrated.stderr);
      const csv = join(scratch, 'sales.csv');
      writeFileSync(
        csv,
        [
          'series_id,date,value',
          ...Array.from({ length: 30 }, (_, d) => `sku-1,2024-01-${String(d + 1).padStart(2, '0')},${(d % 7) + 1}`),
        ].join('\n') + '\n',
      );
      const imported = cli('import', csv, '--dataset', 'shop', '--db', db);
      assert.equal(imported.status, 0, imported.stderr);

      // The package API, as a host's code uses it (plain ESM, no TypeScript loader).
      writeFileSync(
        join(host, 'host.mjs'),
        `import { createForecastQL } from 'forecastql';
import { createForecastQLSubgraph } from 'forecastql/subgraph';
import { graphql } from 'graphql';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
const principal = (req) => (req.shop ? { tenant: req.shop, role: 'reader' } : null);
const fq = await createForecastQL({ db: 'sqlite:${db}', principal, training: 'off' });
const ask = async (shop, source) =>
  graphql({ schema: fq.schema, source, contextValue: await fq.context({ shop }) });
const own = await ask('default', '{ datasets { nodes { name seriesCount rowCount } } }');
const other = await ask('shop-b', '{ datasets { totalCount } }');
let refused = null;
try { await fq.context({}); } catch (e) { refused = e.extensions.code; }
await fq.close();
const sub = await createForecastQLSubgraph({ db: 'sqlite:${db}', principal, training: 'off', dataset: 'shop' });
const product = sub.schema.getType('Product');
await sub.close();
const widgets = fileURLToPath(import.meta.resolve('forecastql/widgets'));
console.log(JSON.stringify({
  own: own.data, other: other.data, refused,
  product: Object.keys(product.getFields()),
  widgets: existsSync(widgets),
}));
`,
      );
      const ran = spawnSync(process.execPath, ['host.mjs'], { cwd: host, encoding: 'utf8' });
      assert.equal(ran.status, 0, ran.stderr);
      const result = JSON.parse(ran.stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
      assert.deepEqual(result, {
        own: { datasets: { nodes: [{ name: 'shop', seriesCount: 1, rowCount: 30 }] } },
        other: { datasets: { totalCount: 0 } },
        refused: 'UNAUTHENTICATED',
        product: ['sku', 'salesForecast'],
        widgets: true,
      });
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  },
);
