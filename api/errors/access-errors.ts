/** The two auth errors: who are you (UNAUTHENTICATED) and you may not (FORBIDDEN). */
import { ErrorCode } from './codes.js';
import { DomainError } from './domain-error.js';

/** No credentials, or credentials that are unknown, malformed, forged, revoked or expired. */
export class UnauthenticatedError extends DomainError {
  override readonly name = 'UnauthenticatedError';
  constructor(message: string) {
    super(ErrorCode.UNAUTHENTICATED, message);
  }
}

/** Valid credentials that do not allow this action (an embed token asking to mutate). */
export class ForbiddenError extends DomainError {
  override readonly name = 'ForbiddenError';
  constructor(message: string) {
    super(ErrorCode.FORBIDDEN, message);
  }
}
