import { FqHeatmap } from './heatmap.component.js';

export { FqHeatmap } from './heatmap.component.js';

if (!customElements.get('fq-heatmap')) customElements.define('fq-heatmap', FqHeatmap);

declare global {
  interface HTMLElementTagNameMap {
    'fq-heatmap': FqHeatmap;
  }
}
