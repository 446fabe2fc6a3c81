/**
 * The CLI loads only the module of the command it is given (api/cli.ts): every top-level
 * command of the whole program must be found that way, with the same options. A suite (run by
 * test/integration/api.test.ts in a child whose tsx reads api/tsconfig.json): the whole program
 * loads the GraphQL resolvers, whose parameter decorators the root tsconfig does not enable.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildProgram } from '../../../api/cli.js';

test('every command loads on its own, as the whole program defines it', async () => {
  const all = await buildProgram(['node', 'forecastql']);
  const names = all.commands.map((c) => c.name());
  assert.ok(names.includes('source') && names.includes('token-revoke') && names.includes('stock-plan'), names.join());
  for (const c of all.commands) {
    const one = await buildProgram(['node', 'forecastql', c.name(), '--help']);
    const found = one.commands.find((x) => x.name() === c.name());
    assert.ok(found, `${c.name()} is not registered when the command line names it`);
    assert.deepEqual(
      found.options.map((o) => o.flags),
      c.options.map((o) => o.flags),
      c.name(),
    );
  }
});

test('a command line naming no known command gets every command (help, typos)', async () => {
  const all = (await buildProgram(['node', 'forecastql'])).commands.map((c) => c.name());
  for (const argv of [
    ['node', 'forecastql', 'bogus'],
    ['node', 'forecastql', '--help'],
  ]) {
    assert.deepEqual(
      (await buildProgram(argv)).commands.map((c) => c.name()),
      all,
    );
  }
});
