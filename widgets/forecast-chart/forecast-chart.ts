import { FqForecastChart } from './forecast-chart.component.js';

export { FqForecastChart } from './forecast-chart.component.js';

if (!customElements.get('fq-forecast-chart')) customElements.define('fq-forecast-chart', FqForecastChart);

declare global {
  interface HTMLElementTagNameMap {
    'fq-forecast-chart': FqForecastChart;
  }
}
