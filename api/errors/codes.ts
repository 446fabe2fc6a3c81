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
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];
