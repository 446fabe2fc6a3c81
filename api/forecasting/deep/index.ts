/** Deep global forecasters (MLP, dilated causal Conv1D, LSTM, GRU) in TensorFlow.js. */
import { type DeepOptions, DeepForecaster } from './model.js';
import type { DeepKind } from './network.js';

export { DEEP_KINDS, type DeepKind } from './network.js';
export { type DeepFitOptions, DeepForecaster, type DeepOptions, deserializeDeepForecaster } from './model.js';

/** A deep global forecaster of the given kind; options default to sizes that suit 100–500 series. */
export function createDeepForecaster(kind: DeepKind, options: DeepOptions = {}): DeepForecaster {
  return new DeepForecaster(kind, options);
}
