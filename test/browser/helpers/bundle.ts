import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { BUNDLE_PATH, REPO_ROOT } from './widget-server.js';

/** Builds `dist/widgets/forecastql.js` when it is missing (CI builds it in `npm run build`). */
export function ensureBundle(): void {
  if (existsSync(BUNDLE_PATH)) return;
  process.stderr.write(`${BUNDLE_PATH} is missing: running vite build -c vite.widgets.config.ts\n`);
  const result = spawnSync(
    process.execPath,
    ['node_modules/vite/bin/vite.js', 'build', '-c', 'vite.widgets.config.ts'],
    {
      cwd: REPO_ROOT,
      stdio: 'inherit',
    },
  );
  if (result.status !== 0)
    throw new Error('Building the widget bundle failed: run `npm run build:widgets` and read its output');
}
