import { FqScenario } from './scenario.component.js';

export { FqScenario } from './scenario.component.js';

if (!customElements.get('fq-scenario')) customElements.define('fq-scenario', FqScenario);

declare global {
  interface HTMLElementTagNameMap {
    'fq-scenario': FqScenario;
  }
}
