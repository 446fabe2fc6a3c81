/** Error codes carried in `extensions.code` and in CLI messages. */
export const ErrorCode = {
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  NOT_FOUND: 'NOT_FOUND',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  INSUFFICIENT_HISTORY: 'INSUFFICIENT_HISTORY',
  FORECAST_FAILED: 'FORECAST_FAILED',
  INVALID_CONFIGURATION: 'INVALID_CONFIGURATION',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
  /** A training run was asked to take an event its status does not accept (app/runs/run-state.ts). */
  RUN_TRANSITION_REFUSED: 'RUN_TRANSITION_REFUSED',
  /** A data source's database cannot be reached (host, port, network). */
  SOURCE_UNREACHABLE: 'SOURCE_UNREACHABLE',
  /** A data source's database refused the credentials of its connection URL. */
  SOURCE_AUTH_FAILED: 'SOURCE_AUTH_FAILED',
  /** A data source's query or preset names a table or column its database does not have. */
  SOURCE_SCHEMA_MISMATCH: 'SOURCE_SCHEMA_MISMATCH',
  /** A data source's query returns columns or values that are not order lines or daily rows. */
  SOURCE_BAD_ROWS: 'SOURCE_BAD_ROWS',
  /** A data source's query ran past its statement timeout or row limit. */
  SOURCE_LIMIT_EXCEEDED: 'SOURCE_LIMIT_EXCEEDED',
  /** A webhook URL that is not http(s), or whose address is private, loopback or link-local (SSRF guard). */
  WEBHOOK_URL_REFUSED: 'WEBHOOK_URL_REFUSED',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];
