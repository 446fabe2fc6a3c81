import { ErrorCode } from './codes.js';
import { DomainError } from './domain-error.js';

/** Input the user can fix: the message names the value and the fix. */
export class UserInputError extends DomainError {
  override readonly name = 'UserInputError';
  constructor(message: string, details: Readonly<Record<string, unknown>> = {}) {
    super(ErrorCode.BAD_USER_INPUT, message, details);
  }
}
