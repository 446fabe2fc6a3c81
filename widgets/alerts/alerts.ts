import { FqAlerts } from './alerts.component.js';

export { FqAlerts } from './alerts.component.js';

if (!customElements.get('fq-alerts')) customElements.define('fq-alerts', FqAlerts);

declare global {
  interface HTMLElementTagNameMap {
    'fq-alerts': FqAlerts;
  }
}
