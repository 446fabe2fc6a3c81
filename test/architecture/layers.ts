/**
 * ARCHITECTURE §1's "may import" column as code: every relative import (static, dynamic,
 * re-export, and module URLs built with `new URL('…', import.meta.url)`) of every `api/**\/*.ts`
 * file is resolved to the layer it lands in and checked against the layers its own layer may
 * import. Imports within a layer, of npm packages and of node built-ins are not checked here.
 *
 * Front doors are `api/*.ts` (cli, server, demo, log), `api/commands/`, `api/http/` (the standalone
 * server's HTTP helpers) and `api/plugin/` (the composition root: the package API, the subgraph,
 * the wiring of ports to adapters). Beyond the table: `api/errors/` (the coded DomainError classes, which import nothing of ours)
 * is the kernel every layer may throw, and `api/config/` (environment parsing, which imports only
 * errors) may be read by the adapters and front doors, not by the core or the engine.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

export type Layer =
  | 'forecasting'
  | 'app'
  | 'ingest'
  | 'db'
  | 'runs'
  | 'graphql'
  | 'auth'
  | 'front'
  | 'errors'
  | 'config'
  | 'migrations'
  | 'export';

/** The layer of a path relative to the project root (`api/db/knex.ts` → db); undefined outside api/ and migrations/. */
export function layerOf(path: string): Layer | undefined {
  const parts = path.split(sep).join('/').split('/');
  if (parts[0] === 'migrations') return 'migrations';
  if (parts[0] !== 'api') return undefined;
  if (parts.length === 2) return 'front'; // api/cli.ts, api/server.ts, api/demo.ts, api/log.ts
  switch (parts[1]) {
    case 'forecasting':
      return 'forecasting';
    case 'app':
      return 'app';
    case 'ingest':
      return 'ingest';
    case 'db':
      return 'db';
    case 'training':
    case 'queue':
      return 'runs';
    case 'graphql':
      return 'graphql';
    case 'auth':
      return 'auth';
    case 'commands':
    case 'plugin': // the composition root: createForecastQL, the subgraph, the standalone app's wiring
    case 'http': // the standalone server's HTTP helpers
      return 'front';
    case 'errors':
      return 'errors';
    case 'config':
      return 'config';
    case 'export':
      return 'export';
    default:
      return undefined;
  }
}

const KERNEL: readonly Layer[] = ['errors'];
const ADAPTER_KERNEL: readonly Layer[] = ['errors', 'config'];

/** What each layer may import besides itself (ARCHITECTURE §1). */
export const MAY_IMPORT: Readonly<Record<Layer, readonly Layer[]>> = {
  forecasting: [...KERNEL],
  app: ['forecasting', ...KERNEL],
  ingest: ['app', 'forecasting', ...KERNEL],
  db: ['app', 'migrations', ...ADAPTER_KERNEL],
  runs: ['app', 'forecasting', 'db', ...ADAPTER_KERNEL],
  graphql: ['app', 'auth', ...ADAPTER_KERNEL],
  auth: ['app', 'db', ...ADAPTER_KERNEL],
  export: [...KERNEL],
  migrations: [],
  errors: [],
  config: ['errors'],
  front: ['forecasting', 'app', 'ingest', 'db', 'runs', 'graphql', 'auth', 'errors', 'config', 'migrations', 'export'],
};

export interface Violation {
  readonly file: string;
  readonly line: number;
  readonly specifier: string;
  readonly from: Layer;
  readonly to: Layer | 'unknown';
}

const IMPORT_PATTERNS = [
  // import … from '…' / export … from '…' (possibly over several lines)
  /\b(?:import|export)\s+(?:type\s+)?[^'";]*?\bfrom\s*['"]([^'"]+)['"]/g,
  // import '…' (side effect)
  /\bimport\s*['"]([^'"]+)['"]/g,
  // import('…')
  /\bimport\s*\(\s*['"`]([^'"`]+)['"`]\s*\)/g,
  // new URL('…', import.meta.url): a module or file reached by path
  /\bnew\s+URL\s*\(\s*['"`]([^'"`]+)['"`]\s*,\s*import\.meta\.url\s*\)/g,
];

/** Relative specifiers a TypeScript file imports, with their line numbers. */
export function importsOf(source: string): Array<{ specifier: string; line: number }> {
  // Comments go, so examples in doc comments are not imports; strings stay.
  const text = source
    .replace(/\/\*[\s\S]*?\*\//g, (m) => m.replace(/[^\n]/g, ' '))
    .replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
  const out: Array<{ specifier: string; line: number }> = [];
  for (const pattern of IMPORT_PATTERNS) {
    for (const m of text.matchAll(pattern)) {
      const specifier = m[1]!;
      if (!specifier.startsWith('.')) continue;
      out.push({ specifier, line: text.slice(0, m.index).split('\n').length });
    }
  }
  return out;
}

function walk(dir: string, out: string[]): void {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(p);
  }
}

/** Every import in `root`/api/**.ts that its layer may not make. */
export function checkLayers(root: string): Violation[] {
  const files: string[] = [];
  walk(join(root, 'api'), files);
  const violations: Violation[] = [];
  for (const file of files) {
    const rel = relative(root, file);
    const from = layerOf(rel);
    if (!from) {
      violations.push({ file: rel, line: 0, specifier: '(file)', from: 'front', to: 'unknown' });
      continue;
    }
    for (const { specifier, line } of importsOf(readFileSync(file, 'utf8'))) {
      // A template literal's `${…}` part cannot be resolved: the folder before it decides.
      const target = relative(root, resolve(dirname(file), specifier.split('${')[0]!));
      const to = layerOf(target);
      if (to === from) continue;
      if (to === undefined || !MAY_IMPORT[from].includes(to)) {
        violations.push({ file: rel, line, specifier, from, to: to ?? 'unknown' });
      }
    }
  }
  return violations;
}

export function describe(v: Violation): string {
  return `${v.file}:${v.line} (${v.from}) imports ${v.specifier} (${v.to}); ${v.from} may import ${MAY_IMPORT[v.from].join(', ') || 'nothing else'}`;
}
