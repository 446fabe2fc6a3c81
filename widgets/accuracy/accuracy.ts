import { FqAccuracy } from './accuracy.component.js';

export { FqAccuracy } from './accuracy.component.js';

if (!customElements.get('fq-accuracy')) customElements.define('fq-accuracy', FqAccuracy);

declare global {
  interface HTMLElementTagNameMap {
    'fq-accuracy': FqAccuracy;
  }
}
