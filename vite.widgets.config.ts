// Vite library build of the embeddable widgets: one ES module, `dist/widgets/forecastql.js`, with
// Lit, ApexCharts 4.7.0 and graphql-ws inside (`npm run build:widgets`). The API serves it at
// `/widgets/forecastql.js` (and `/widgets/<hash>/forecastql.js`), with the `.br`/`.gz` written here;
// the package exports it as `forecastql/widgets`.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants as zlib, gzip } from 'node:zlib';
import { transform } from 'esbuild';
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
 * Vite keeps whitespace in ES library builds (to preserve pure annotations for downstream
 * bundlers); this bundle is shipped as is to browsers, so minify the final chunk fully.
 */
function minifyEsBundle(): Plugin {
  return {
    name: 'forecastql-minify-es-bundle',
    apply: 'build',
    enforce: 'post',
    async generateBundle(_options, bundle) {
      for (const chunk of Object.values(bundle)) {
        if (chunk.type !== 'chunk') continue;
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
      entry: 'widgets/index.ts',
      formats: ['es'],
      fileName: () => 'forecastql.js',
    },
    rollupOptions: {
      output: { inlineDynamicImports: true },
    },
  },
  plugins: [minifyEsBundle(), precompress()],
  define: { 'process.env.NODE_ENV': JSON.stringify('production') },
  logLevel: 'warn',
});
