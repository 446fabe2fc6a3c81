/**
 * ForecastQL widgets for bundler users (`import 'forecastql/widgets'`, built as
 * `dist/widgets/index.js`): importing this module defines every `fq-*` element at once. The
 * script-tag entry `dist/widgets/forecastql.js` (`widgets/loader.ts`) defines them lazily instead,
 * from the same chunks.
 *
 * @example
 * ```html
 * <script type="module" src="https://shop.example/widgets/forecastql.js"></script>
 * <fq-forecast-chart endpoint="/graphql" token="…" dataset="demo-shop" series="FOODS_1_001_CA_1"></fq-forecast-chart>
 * ```
 */
export const WIDGETS_VERSION = '0.1.0';

export { FqForecastChart } from './forecast-chart/forecast-chart.js';
export { BaseWidget, WIDGET_THEMES, type WidgetTheme, type LinkedSelection } from './internal/base-widget.js';
export { GraphQLClient, GraphQLRequestError, CLIENT_ERROR_CODES } from './internal/graphql-client.js';
export { WIDGET_LOCALES, type WidgetLocale, type Bucket } from './internal/i18n.js';
export type * from './internal/events/fq-events.js';
export { FqFeatureImportance } from './feature-importance/feature-importance.js';
export { FqTrainingRuns } from './training-runs/training-runs.js';
export { FqAccuracy } from './accuracy/accuracy.js';
export { FqKpis } from './kpis/kpis.js';
export { FqHeatmap } from './heatmap/heatmap.js';
export { FqStockPlan } from './stock-plan/stock-plan.js';
export { FqPriceResponse } from './price-response/price-response.js';
export { FqScenario } from './scenario/scenario.js';
export { FqAlerts } from './alerts/alerts.js';
export { FqExplanation } from './explanation/explanation.js';
