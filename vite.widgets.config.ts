// Vite library build of the embeddable widgets: one ES module, `dist/widgets/forecastql.js`, with
// Lit, ApexCharts 4.7.0 and graphql-ws inside (`npm run build:widgets`). The API serves it at
// `/widgets/forecastql.js`; the package exports it as `forecastql/widgets`.
import { transform } from 'esbuild';
import { defineConfig, type Plugin } from 'vite';

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
  plugins: [minifyEsBundle()],
  define: { 'process.env.NODE_ENV': JSON.stringify('production') },
  logLevel: 'warn',
});
