/**
 * Launching Debian's Chromium through playwright-core for the browser tests. When
 * `/usr/bin/chromium` is missing the suites skip with a clear message, except under CI (`CI` set),
 * where a missing browser is a failure.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { REPO_ROOT } from './widget-server.js';

export const CHROMIUM_PATH = '/usr/bin/chromium';
export const ARTIFACTS_DIR = join(REPO_ROOT, 'test-artifacts');

/** Why the browser suites cannot run, or null when they can. Throws under CI. */
export function browserSkipReason(): string | null {
  if (existsSync(CHROMIUM_PATH)) return null;
  const message = `${CHROMIUM_PATH} is missing: install it with \`apt-get install -y chromium\` (.ci/run does).`;
  if (process.env['CI']) throw new Error(`Browser tests cannot run under CI: ${message}`);
  return `SKIPPED browser tests: ${message}`;
}

/** Headless Chromium with the flags the brief prescribes. */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/** Path of a screenshot under `test-artifacts/` (created on demand). */
export function artifactPath(name: string): string {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  return join(ARTIFACTS_DIR, name);
}
