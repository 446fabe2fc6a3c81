import { ErrorCode } from './codes.js';
import { DomainError } from './domain-error.js';

/** A referenced thing (dataset, run, series) that does not exist for this tenant. */
export class NotFoundError extends DomainError {
  override readonly name = 'NotFoundError';
  constructor(kind: string, id: string) {
    super(ErrorCode.NOT_FOUND, `${kind} "${id}" was not found.`, { kind, id });
  }
}
