import { FqFeatureImportance } from './feature-importance.component.js';

export { FqFeatureImportance } from './feature-importance.component.js';

if (!customElements.get('fq-feature-importance')) customElements.define('fq-feature-importance', FqFeatureImportance);

declare global {
  interface HTMLElementTagNameMap {
    'fq-feature-importance': FqFeatureImportance;
  }
}
