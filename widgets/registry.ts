/**
 * Every widget's tag and the module that defines it: the one list the script-tag entry
 * (`widgets/loader.ts`, built as `dist/widgets/forecastql.js`) loads lazily from. Adding a widget is
 * one line here (and its class exported from `widgets/index.ts` for bundler users);
 * `widgets/registry.test.ts` fails when a `customElements.define('fq-…')` is missing from either.
 */

/** Tag → the module whose import defines it (each becomes its own chunk of the build). */
export const WIDGET_MODULES = {
  'fq-forecast-chart': () => import('./forecast-chart/forecast-chart.js'),
  'fq-feature-importance': () => import('./feature-importance/feature-importance.js'),
  'fq-training-runs': () => import('./training-runs/training-runs.js'),
  'fq-accuracy': () => import('./accuracy/accuracy.js'),
  'fq-kpis': () => import('./kpis/kpis.js'),
  'fq-heatmap': () => import('./heatmap/heatmap.js'),
  'fq-stock-plan': () => import('./stock-plan/stock-plan.js'),
  'fq-price-response': () => import('./price-response/price-response.js'),
  'fq-scenario': () => import('./scenario/scenario.js'),
  'fq-alerts': () => import('./alerts/alerts.js'),
  'fq-explanation': () => import('./explanation/explanation.js'),
} as const satisfies Record<`fq-${string}`, () => Promise<unknown>>;

export type WidgetTag = keyof typeof WIDGET_MODULES;

export const WIDGET_TAGS = Object.keys(WIDGET_MODULES) as readonly WidgetTag[];

export function isWidgetTag(name: string): name is WidgetTag {
  return Object.hasOwn(WIDGET_MODULES, name);
}
