import type { ErrorCode } from './codes.js';
import { DomainError } from './domain-error.js';

export type SourceErrorCode =
  | typeof ErrorCode.SOURCE_UNREACHABLE
  | typeof ErrorCode.SOURCE_AUTH_FAILED
  | typeof ErrorCode.SOURCE_SCHEMA_MISMATCH
  | typeof ErrorCode.SOURCE_BAD_ROWS
  | typeof ErrorCode.SOURCE_LIMIT_EXCEEDED;

/**
 * A data source that cannot be read: the message names the source, the cause and the fix, e.g.
 * `Data source "shop": the table "wp_wc_order_stats" does not exist in the shop database. Fix: …`.
 * Nothing is written when a source fails.
 */
export class SourceError extends DomainError {
  override readonly name = 'SourceError';
  constructor(code: SourceErrorCode, source: string, cause: string, fix: string) {
    super(code, `Data source "${source}": ${cause}. ${fix}`, { source });
  }
}
