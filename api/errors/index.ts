export { ErrorCode } from './codes.js';
export { DomainError } from './domain-error.js';
export { InvalidConfigurationError } from './invalid-configuration-error.js';
export { NotFoundError } from './not-found-error.js';
export { UserInputError } from './user-input-error.js';
export { SourceError, type SourceErrorCode } from './source-error.js';
export { ForbiddenError, UnauthenticatedError } from './access-errors.js';
