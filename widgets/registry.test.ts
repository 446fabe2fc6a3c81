/**
 * The lazy registry is complete: every `customElements.define('fq-…')` under widgets/ is in
 * WIDGET_MODULES (else the script tag never loads it) and its module's class is exported from
 * widgets/index.ts (else bundler users cannot import it), and each registry entry points at the
 * module that defines that very tag.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('.', import.meta.url));

function sources(folder: string, found: string[] = []): string[] {
  for (const name of readdirSync(folder)) {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) sources(path, found);
    else if (name.endsWith('.ts') && !name.endsWith('.test.ts') && !name.endsWith('.stories.ts')) found.push(path);
  }
  return found;
}

test('every defined fq-* element is in the lazy registry and exported for bundlers', () => {
  const defined = new Map<string, string>();
  for (const file of sources(dir)) {
    for (const match of readFileSync(file, 'utf8').matchAll(/customElements\.define\(\s*'(fq-[a-z-]+)'/g)) {
      defined.set(match[1]!, `./${relative(dir, file).replace(/\.ts$/, '.js')}`);
    }
  }
  assert.ok(defined.size >= 10, `found ${defined.size} widgets`);
  const registry = readFileSync(join(dir, 'registry.ts'), 'utf8');
  const registered = new Map(
    [...registry.matchAll(/'(fq-[a-z-]+)': \(\) => import\('([^']+)'\)/g)].map((m) => [m[1]!, m[2]!] as const),
  );
  const index = readFileSync(join(dir, 'index.ts'), 'utf8');
  for (const [tag, module] of defined) {
    assert.equal(
      registered.get(tag),
      module,
      `<${tag}> is defined in ${module}: add \`'${tag}': () => import('${module}'),\` to WIDGET_MODULES in widgets/registry.ts`,
    );
    assert.ok(
      index.includes(`from '${module}'`),
      `<${tag}>'s class is not exported from widgets/index.ts: add \`export { … } from '${module}';\``,
    );
  }
  assert.deepEqual(
    [...registered.keys()].filter((tag) => !defined.has(tag)),
    [],
    'registered tags that nothing defines',
  );
});
