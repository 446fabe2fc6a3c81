import { FqPriceResponse } from './price-response.component.js';

export { FqPriceResponse } from './price-response.component.js';

if (!customElements.get('fq-price-response')) customElements.define('fq-price-response', FqPriceResponse);

declare global {
  interface HTMLElementTagNameMap {
    'fq-price-response': FqPriceResponse;
  }
}
