#!/usr/bin/env node
// The `forecastql` command: runs the compiled CLI (npm run build writes dist/).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const cli = join(here, '..', 'dist', 'api', 'cli.js');
if (!existsSync(cli)) {
  process.stderr.write('forecastql: dist/ is missing. Run `npm run build` first.\n');
  process.exit(1);
}
const { main } = await import(cli);
await main(process.argv);
