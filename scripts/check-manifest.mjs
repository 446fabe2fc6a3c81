#!/usr/bin/env node
// `npm run check:manifest`: custom-elements.json must be what `npm run analyze` makes of the
// widgets' sources (like `check:schema` for schema/schema.graphql). The analyzer writes only into
// the working tree, so the committed file is kept aside, the manifest regenerated and compared,
// and the committed file put back.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const file = join(root, 'custom-elements.json');
const committed = readFileSync(file, 'utf8');
const run = spawnSync('npm', ['run', '--silent', 'analyze'], { cwd: root, encoding: 'utf8' });
const generated = readFileSync(file, 'utf8');
writeFileSync(file, committed);
if (run.status !== 0) {
  process.stderr.write(`${run.stdout}${run.stderr}The analyzer failed: run \`npm run analyze\` and read its output.\n`);
  process.exit(1);
}
if (generated !== committed) {
  process.stderr.write(
    'custom-elements.json is out of date with the widgets: run `npm run analyze` and commit the result.\n',
  );
  process.exit(1);
}
process.stdout.write('custom-elements.json matches the widgets.\n');
