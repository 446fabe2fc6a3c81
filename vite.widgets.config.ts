// Vite library build of the embeddable widgets (`npm run build:widgets`), into dist/widgets/:
// - `forecastql.js`, the script-tag entry (widgets/loader.ts): a few KB that import each widget's
//   chunk when its tag appears on the page. The API serves it at `/widgets/forecastql.js` (and
//   `/widgets/<hash>/forecastql.js`), and the chunks at `/widgets/chunks/<name>-<hash>.js`.
// - `index.js` (widgets/index.ts): every widget at once, for bundlers (`forecastql/widgets`).
// - `chunks/`: one per widget, Lit and the shared widget code, and ApexCharts 4.7.0 alone in
//   `chunks/apexcharts-<hash>.js`, so pages without a chart never load it.
// Every .js gets its `.br`/`.gz` here.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants as zlib, gzip } from 'node:zlib';
import { transform } from 'esbuild';
import type { OutputBundle, OutputChunk } from 'rollup';
import { defineConfig, type Plugin } from 'vite';

/**
 * Writes `forecastql.js.br` (quality 11) and `.gz` (level 9) next to the bundle, so the server
 * (api/http/static-bundle.ts) sends them without compressing at request time.
 */
function precompress(): Plugin {
  return {
    name: 'forecastql-precompress',
    apply: 'build',
    async writeBundle(options, bundle) {
      for (const name of Object.keys(bundle)) {
        if (!name.endsWith('.js')) continue;
        const file = join(options.dir ?? 'dist/widgets', name);
        const code = await readFile(file);
        const [br, gz] = await Promise.all([
          promisify(brotliCompress)(code, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11 } }),
          promisify(gzip)(code, { level: 9 }),
        ]);
        await Promise.all([writeFile(`${file}.br`, br), writeFile(`${file}.gz`, gz)]);
      }
    },
  };
}

/**
 * Each `import('./chunks/x.js')` of the entry becomes `Promise.all([import(x), import(its static
 * imports, transitively)…]).then((m) => m[0])`: the browser requests a widget's chunk and the chunks
 * it needs at once, rather than discovering them one round trip at a time (Vite's own preload
 * helper is not used in library builds). Importing a dependency early is safe: a module is
 * evaluated once, after its own imports, whatever the order of the requests.
 */
function parallelChunkImports(bundle: OutputBundle, entry: OutputChunk): string {
  const closure = (name: string, seen = new Set<string>()): Set<string> => {
    const chunk = bundle[name];
    if (!chunk || chunk.type !== 'chunk' || seen.has(name)) return seen;
    seen.add(name);
    for (const dependency of chunk.imports) closure(dependency, seen);
    return seen;
  };
  return entry.code.replace(/\bimport\((["'`])\.\/([^"'`]+)\1\)/g, (whole, _quote: string, file: string) => {
    const needed = [...closure(file)].filter((name) => name !== file && !entry.imports.includes(name));
    if (needed.length === 0) return whole;
    const imports = [file, ...needed].map((name) => `import(${JSON.stringify(`./${name}`)})`);
    return `Promise.all([${imports.join(',')}]).then((m) => m[0])`;
  });
}

/**
 * Vite keeps whitespace in ES library builds (to preserve pure annotations for downstream
 * bundlers); these files are shipped as they are to browsers, so minify every chunk fully.
 */
function minifyEsBundle(): Plugin {
  return {
    name: 'forecastql-minify-es-bundle',
    apply: 'build',
    enforce: 'post',
    async generateBundle(_options, bundle) {
      for (const chunk of Object.values(bundle)) {
        if (chunk.type !== 'chunk') continue;
        if (chunk.isEntry && chunk.dynamicImports.length > 0) chunk.code = parallelChunkImports(bundle, chunk);
        const result = await transform(chunk.code, {
          minify: true,
          format: 'esm',
          target: 'es2022',
          legalComments: 'eof',
        });
        chunk.code = result.code;
        chunk.map = null;
      }
    },
  };
}

export default defineConfig({
  // Lit decorators: legacy (experimental) decorators without define semantics, as in widgets/tsconfig.lib.json.
  esbuild: {
    tsconfigRaw: { compilerOptions: { experimentalDecorators: true, useDefineForClassFields: false } },
  },
  build: {
    outDir: 'dist/widgets',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    reportCompressedSize: false,
    lib: {
      entry: { forecastql: 'widgets/loader.ts', index: 'widgets/index.ts' },
      formats: ['es'],
      fileName: (_format, name) => `${name}.js`,
    },
    rollupOptions: {
      output: {
        // A widget's chunk is named after it; `core`, `apexcharts`, and `shared` for what several widgets import.
        chunkFileNames: (chunk) =>
          `chunks/${chunk.isDynamicEntry || chunk.name === 'core' || chunk.name === 'apexcharts' ? chunk.name : 'shared'}-[hash].js`,
        // Tiny shared modules (queries, helpers) join a chunk that needs them instead of costing a request each.
        experimentalMinChunkSize: 8 * 1024,
        // ApexCharts (about 140 KB gzipped) only for the widgets that draw with it; Lit and the code
        // every widget shares (widgets/internal/) in one `core` chunk.
        manualChunks: (id) => {
          if (/[\\/]node_modules[\\/]apexcharts[\\/]/.test(id)) return 'apexcharts';
          if (/[\\/]node_modules[\\/](?:lit|lit-html|lit-element|@lit|@lit-labs)[\\/]/.test(id)) return 'core';
          if (/[\\/]widgets[\\/]internal[\\/]/.test(id)) return 'core';
          return undefined;
        },
      },
    },
  },
  plugins: [minifyEsBundle(), precompress()],
  define: { 'process.env.NODE_ENV': JSON.stringify('production') },
  // Lit's production build whatever NODE_ENV the build runs under: Vite picks the `development` export
  // condition when NODE_ENV is set and not `production` (a test runner's NODE_ENV=test building the
  // bundle on demand shipped "Lit is in dev mode" to the page).
  resolve: { conditions: ['module', 'browser', 'production'] },
  logLevel: 'warn',
});
