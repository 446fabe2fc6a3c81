/**
 * The layer rule (ARCHITECTURE §1) fails CI: no file under api/ imports a layer its own layer may
 * not import, and a deliberate upward import (the fixture) is caught.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { checkLayers, describe, importsOf, layerOf } from './layers.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const fixture = fileURLToPath(new URL('./fixtures/upward-import', import.meta.url));

test('every import under api/ follows the layer rule', () => {
  const violations = checkLayers(root);
  assert.deepEqual(violations.map(describe), []);
});

test('a deliberate upward import (db → graphql) fails the check, naming file, line and rule', () => {
  const violations = checkLayers(fixture);
  assert.deepEqual(violations.map(describe), [
    'api/db/upward.repository.ts:3 (db) imports ../graphql/context.js (graphql); db may import app, migrations, errors, config',
  ]);
});

test('imports are read in every form: static, type-only, re-export, dynamic, module URLs; comments are not imports', () => {
  const source = [
    "import { a } from '../app/ports.js';",
    "import type {\n  B,\n} from '../db/knex.js';",
    "export { c } from './c.js';",
    "const m = await import('../forecasting/pipeline.js');",
    "const u = new URL('../training/worker-thread.ts', import.meta.url);",
    "// import { x } from '../graphql/schema.js';",
    "/** import('../graphql/app.js') */",
    "import pino from 'pino';",
  ].join('\n');
  assert.deepEqual(
    importsOf(source).map((i) => i.specifier),
    ['../app/ports.js', '../db/knex.js', './c.js', '../forecasting/pipeline.js', '../training/worker-thread.ts'],
  );
});

test('layers by folder', () => {
  assert.equal(layerOf('api/app/ports.ts'), 'app');
  assert.equal(layerOf('api/queue/pg-queue.ts'), 'runs');
  assert.equal(layerOf('api/training/runner.ts'), 'runs');
  assert.equal(layerOf('api/plugin/index.ts'), 'front');
  assert.equal(layerOf('api/server.ts'), 'front');
  assert.equal(layerOf('widgets/index.ts'), undefined);
});
