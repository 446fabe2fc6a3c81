/**
 * README "Use as a plugin" prints the host examples that test/hosts/ runs (test/hosts/examples/),
 * verbatim but for the import of the package itself ('forecastql', 'forecastql/subgraph').
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';

const root = new URL('../../', import.meta.url);

async function asPrinted(name: string): Promise<string> {
  const text = await readFile(new URL(`test/hosts/examples/${name}`, root), 'utf8');
  const lines = text.split('\n');
  while (lines[0]?.startsWith('//')) lines.shift();
  return `${lines.join('\n').trim()}\n`
    .replace("'../../../api/plugin/index.js'", "'forecastql'")
    .replace("'../../../api/plugin/subgraph.js'", "'forecastql/subgraph'");
}

test('README "Use as a plugin" shows the code of each host test, as it runs', async () => {
  const readme = await readFile(new URL('README.md', root), 'utf8');
  const section = readme.slice(
    readme.indexOf('## Use as a plugin'),
    readme.indexOf('\n## ', readme.indexOf('## Use as a plugin') + 5),
  );
  for (const name of ['apollo-server.ts', 'graphql-yoga.ts', 'apollo-gateway.ts']) {
    const code = await asPrinted(name);
    assert.ok(section.includes('```ts\n' + code + '```'), `README lacks the code of test/hosts/examples/${name}`);
  }
});
