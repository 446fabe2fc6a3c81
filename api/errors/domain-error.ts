import type { ErrorCode } from './codes.js';

/**
 * Base class of the errors the product raises on purpose. The GraphQL edge and the CLI map
 * `code` to `extensions.code` or to a one-line message; anything that is not a DomainError is
 * treated as an internal error and masked outside development.
 */
export class DomainError extends Error {
  override readonly name: string = 'DomainError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
  }
}
