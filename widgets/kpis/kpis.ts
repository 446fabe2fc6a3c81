import { FqKpis } from './kpis.component.js';

export { FqKpis } from './kpis.component.js';

if (!customElements.get('fq-kpis')) customElements.define('fq-kpis', FqKpis);

declare global {
  interface HTMLElementTagNameMap {
    'fq-kpis': FqKpis;
  }
}
