#!/usr/bin/env node
// `npm run analyze`: custom-elements.json, the Custom Elements Manifest of the widgets, with its
// modules sorted by path. The analyzer lists modules in the order its file walk returns them,
// which changes from one run to the next (1 run in 6 here), so the file is sorted for a stable
// diff and for `npm run check:manifest`.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const cem = join(root, 'node_modules/@custom-elements-manifest/analyzer/cem.js');
const args = ['analyze', '--litelement', '--globs', 'widgets/**/*.ts', '--exclude', 'widgets/**/*.test.ts'];
const run = spawnSync(process.execPath, [cem, ...args], { cwd: root, stdio: 'inherit' });
if (run.status !== 0) process.exit(run.status ?? 1);
const file = join(root, 'custom-elements.json');
const manifest = JSON.parse(readFileSync(file, 'utf8'));
manifest.modules.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
writeFileSync(file, `${JSON.stringify(manifest, null, 2)}\n`);
