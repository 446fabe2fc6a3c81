import { FqTrainingRuns } from './training-runs.component.js';

export { FqTrainingRuns } from './training-runs.component.js';

if (!customElements.get('fq-training-runs')) customElements.define('fq-training-runs', FqTrainingRuns);

declare global {
  interface HTMLElementTagNameMap {
    'fq-training-runs': FqTrainingRuns;
  }
}
