import { FqExplanation } from './explanation.component.js';

export { FqExplanation } from './explanation.component.js';

if (!customElements.get('fq-explanation')) customElements.define('fq-explanation', FqExplanation);

declare global {
  interface HTMLElementTagNameMap {
    'fq-explanation': FqExplanation;
  }
}
