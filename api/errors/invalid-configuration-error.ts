import { ErrorCode } from './codes.js';
import { DomainError } from './domain-error.js';

/** A configuration value (environment variable or CLI flag) that cannot be used. */
export class InvalidConfigurationError extends DomainError {
  override readonly name = 'InvalidConfigurationError';
  constructor(key: string, value: string, fix: string) {
    super(ErrorCode.INVALID_CONFIGURATION, `Value "${value}" is not valid for ${key}. ${fix}`, { key, value });
  }
}
