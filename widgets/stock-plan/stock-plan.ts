import { FqStockPlan } from './stock-plan.component.js';

export { FqStockPlan } from './stock-plan.component.js';

if (!customElements.get('fq-stock-plan')) customElements.define('fq-stock-plan', FqStockPlan);

declare global {
  interface HTMLElementTagNameMap {
    'fq-stock-plan': FqStockPlan;
  }
}
