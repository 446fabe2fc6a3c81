/** Errors of the forecasting engine (domain errors; the edges map their codes). */
import { DomainError, ErrorCode } from '../errors/index.js';

export { InsufficientHistoryError } from './frames.js';

/** `predict` or `serialize` was called on a model that has not been fitted. */
export class NotFittedError extends DomainError {
  override readonly name = 'NotFittedError';
  constructor(alias: string) {
    super(ErrorCode.FORECAST_FAILED, `Model "${alias}" is not fitted: call fit(panel, options) before predict.`, {
      alias,
    });
  }
}
