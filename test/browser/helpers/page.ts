/**
 * Page helpers for the widget browser tests: mount widgets into the blank page (optionally inside
 * a host element's shadow root), collect console problems, run axe-core and save screenshots.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Browser, Page } from 'playwright-core';
import { artifactPath } from './chromium.js';
import type { WidgetTestServer } from './widget-server.js';

const require = createRequire(import.meta.url);
const AXE_PATH = require.resolve('axe-core/axe.min.js');

export interface WidgetPage {
  readonly page: Page;
  /** Console errors/warnings and uncaught exceptions seen so far (favicon 404s excluded). */
  readonly problems: string[];
  /** `fq-*` events seen by a listener on `document`, in order: `{ type, detail }`. */
  events(): Promise<{ type: string; detail: unknown }[]>;
}

/** Attributes every widget needs to reach the test server. */
export function connection(server: WidgetTestServer, token: string = server.token): string {
  return `endpoint="${server.endpoint}" token="${token}" dataset-id="${server.datasetId}"`;
}

/**
 * Opens the blank page and puts `markup` into it. With `inShadowRoot`, the markup goes into the open
 * shadow root of a `<x-host>` element, as when a shop admin's own component embeds the widget.
 */
export async function mountWidgets(
  browser: Browser,
  server: WidgetTestServer,
  markup: string,
  options: { readonly inShadowRoot?: boolean; readonly colorScheme?: 'light' | 'dark'; readonly width?: number } = {},
): Promise<WidgetPage> {
  const page = await browser.newPage({
    viewport: { width: options.width ?? 1100, height: 900 },
    colorScheme: options.colorScheme ?? 'light',
    acceptDownloads: true,
  });
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() !== 'error' && message.type() !== 'warning') return;
    if (message.text().includes('favicon') || message.location().url.endsWith('/favicon.ico')) return;
    // Expected: the error-state tests make the server answer 401.
    if (/status of 401/.test(message.text())) return;
    problems.push(`${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  await page.goto(`${server.baseUrl}/`);
  await page.evaluate(
    ({ markup: html, inShadowRoot }) => {
      const doc = (globalThis as unknown as { document: { [key: string]: unknown } }).document as unknown as {
        querySelector(selector: string): { append(node: unknown): void; innerHTML: string };
        createElement(name: string): { attachShadow(init: { mode: string }): { innerHTML: string } };
        addEventListener(type: string, listener: (event: { type: string; detail: unknown }) => void): void;
      };
      const log: { type: string; detail: unknown }[] = [];
      (globalThis as unknown as { fqEvents: unknown }).fqEvents = log;
      for (const type of [
        'fq-load',
        'fq-error',
        'fq-series-change',
        'fq-bucket-change',
        'fq-range-change',
        'fq-export',
        'fq-run-start',
        'fq-run-cancel',
        'fq-run-update',
        'fq-scenario-change',
        'fq-alert-raised',
        'fq-alert-acknowledge',
      ]) {
        doc.addEventListener(type, (event) => log.push({ type: event.type, detail: event.detail }));
      }
      const root = doc.querySelector('#root');
      if (inShadowRoot) {
        const host = doc.createElement('x-host');
        root.append(host);
        host.attachShadow({ mode: 'open' }).innerHTML = html;
      } else root.innerHTML = html;
    },
    { markup, inShadowRoot: options.inShadowRoot ?? false },
  );
  return {
    page,
    problems,
    events: () =>
      page.evaluate(() => (globalThis as unknown as { fqEvents: { type: string; detail: unknown }[] }).fqEvents),
  };
}

/**
 * Violations of impact serious or critical, as `id (impact): help at targets` lines. `exclude` takes
 * axe selectors, an array per element crossing shadow roots (`['fq-forecast-chart', 'table']`).
 */
export async function seriousAxeViolations(
  page: Page,
  exclude: readonly (readonly string[])[] = [],
): Promise<string[]> {
  if (!existsSync(AXE_PATH)) throw new Error(`axe-core is missing at ${AXE_PATH}: npm install`);
  await page.addScriptTag({ path: AXE_PATH });
  const violations = await page.evaluate(async (excluded) => {
    const axe = (
      globalThis as unknown as {
        axe: {
          run(
            context: unknown,
            options: unknown,
          ): Promise<{
            violations: { id: string; impact: string | null; help: string; nodes: { target: unknown }[] }[];
          }>;
        };
      }
    ).axe;
    const context =
      excluded.length > 0
        ? { include: [['html']], exclude: excluded }
        : (globalThis as unknown as { document: unknown }).document;
    const result = await axe.run(context, { resultTypes: ['violations'] });
    return result.violations.map((violation) => ({
      id: violation.id,
      impact: violation.impact,
      help: violation.help,
      targets: violation.nodes.map((node) => JSON.stringify(node.target)),
    }));
  }, exclude);
  return violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.id} (${violation.impact}): ${violation.help} at ${violation.targets.join(', ')}`);
}

/** Saves a screenshot under test-artifacts/ and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  const path = artifactPath(`${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
