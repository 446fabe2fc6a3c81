/**
 * The one error formatter of the API (Apollo's formatError, also applied to subscriptions). It
 * never throws. Domain errors keep their code and message; class-validator failures become one
 * readable BAD_USER_INPUT; GraphQL's own request errors pass through; everything else is masked
 * as INTERNAL_SERVER_ERROR outside development (and logged with its stack); when the database is
 * unreachable (a restart, a full pool) the message says so, so clients know to retry.
 */
import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { Logger } from 'pino';
import { ArgumentValidationError } from 'type-graphql';
import { DomainError, ErrorCode } from '../errors/index.js';

/** Codes GraphQL and Apollo give to malformed requests: safe to show as they are. */
const REQUEST_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  'RATE_LIMITED',
]);

interface ValidationIssue {
  property?: string;
  value?: unknown;
  constraints?: Record<string, string>;
  children?: ValidationIssue[];
}

function describeValidation(issues: readonly ValidationIssue[], path = ''): string[] {
  const out: string[] = [];
  for (const i of issues) {
    const name = path ? `${path}.${i.property}` : String(i.property);
    for (const message of Object.values(i.constraints ?? {}))
      out.push(`${name} ${JSON.stringify(i.value)}: ${message}`);
    out.push(...describeValidation(i.children ?? [], name));
  }
  return out;
}

/** Connection-level failures (node-postgres, knex's pool, SQLite busy): the database, not the request. */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '08000',
  '08001',
  '08003',
  '08006',
  'SQLITE_BUSY',
]);
const UNAVAILABLE_MESSAGE =
  /Connection terminated|Timeout acquiring a connection|the database system is (starting up|shutting down|in recovery)/;

/** Whether an error (or one of its causes) says the database cannot be reached right now. */
export function databaseUnavailable(error: unknown): boolean {
  let e: unknown = error;
  for (let depth = 0; depth < 6 && e instanceof Error; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) return true;
    if (UNAVAILABLE_MESSAGE.test(e.message)) return true;
    e = (e as { originalError?: unknown }).originalError ?? (e as { cause?: unknown }).cause;
  }
  return false;
}

export interface FormatErrorOptions {
  readonly development: boolean;
  readonly logger: Logger;
}

export function createFormatError(options: FormatErrorOptions) {
  return function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
    try {
      const original = unwrapResolverError(error);
      const base = {
        ...(formatted.locations ? { locations: formatted.locations } : {}),
        ...(formatted.path ? { path: formatted.path } : {}),
      };
      if (original instanceof DomainError) {
        const code = original.code === ErrorCode.INVALID_CONFIGURATION ? ErrorCode.BAD_USER_INPUT : original.code;
        return { ...base, message: original.message, extensions: { code, ...original.details } };
      }
      if (original instanceof ArgumentValidationError) {
        const issues = (original.extensions['validationErrors'] ?? []) as ValidationIssue[];
        const lines = describeValidation(issues);
        return {
          ...base,
          message: lines.length > 0 ? `Invalid argument: ${lines.join('; ')}.` : original.message,
          extensions: { code: ErrorCode.BAD_USER_INPUT },
        };
      }
      // A literal our scalars reject (e.g. Date "2024-02-30") fails validation; it is still user input.
      const cause = error instanceof GraphQLError ? error.originalError : undefined;
      if (cause instanceof GraphQLError && cause.extensions['code'] === ErrorCode.BAD_USER_INPUT) {
        return { ...base, message: formatted.message, extensions: { code: ErrorCode.BAD_USER_INPUT } };
      }
      const code = formatted.extensions?.['code'];
      if (typeof code === 'string' && REQUEST_CODES.has(code)) {
        return { ...base, message: formatted.message, extensions: { code } };
      }
      if (
        original instanceof GraphQLError &&
        typeof original.extensions['code'] === 'string' &&
        original.extensions['code'] !== ErrorCode.INTERNAL_SERVER_ERROR
      ) {
        const c = original.extensions['code'];
        if (REQUEST_CODES.has(c) || Object.values(ErrorCode).includes(c as ErrorCode)) {
          return { ...base, message: original.message, extensions: { code: c } };
        }
      }
      options.logger.error(
        { err: original, path: formatted.path?.join('.'), code: ErrorCode.INTERNAL_SERVER_ERROR },
        'unexpected error in a GraphQL operation',
      );
      if (databaseUnavailable(error)) {
        return {
          ...base,
          message: 'The database is unavailable. Retry in a few seconds; if it lasts, check the database server.',
          extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
        };
      }
      if (options.development) {
        return {
          ...base,
          message: formatted.message,
          extensions: {
            code: ErrorCode.INTERNAL_SERVER_ERROR,
            ...(original instanceof Error && original.stack ? { stacktrace: original.stack.split('\n') } : {}),
          },
        };
      }
      return { ...base, message: 'Internal server error.', extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } };
    } catch {
      return { message: 'Internal server error.', extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } };
    }
  };
}
