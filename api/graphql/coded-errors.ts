/**
 * Coded errors without our error formatter. The standalone server formats errors itself
 * (format-error.ts); a host's server does not know our DomainErrors, and would answer them as
 * INTERNAL_SERVER_ERROR or mask them. In plugin mode every resolver therefore turns a DomainError
 * into a GraphQLError with the same message and `extensions.code` (plus its details), which every
 * GraphQL server passes through as it is.
 */
import { mapSchema, MapperKind } from '@graphql-tools/utils';
import { GraphQLError, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import { DomainError, ErrorCode } from '../errors/index.js';

/** A DomainError as the GraphQLError a host shows; anything else unchanged. */
export function toCodedError(e: unknown): unknown {
  if (!(e instanceof DomainError)) return e;
  const code = e.code === ErrorCode.INVALID_CONFIGURATION ? ErrorCode.BAD_USER_INPUT : e.code;
  const http = code === ErrorCode.UNAUTHENTICATED ? { http: { status: 401 } } : {};
  // No `originalError`: servers such as GraphQL Yoga mask an error that wraps a non-GraphQL one.
  return new GraphQLError(e.message, { extensions: { code, ...e.details, ...http } });
}

/** `resolve`, with DomainErrors (thrown or rejected) coded for any host. */
export function codedErrors<S, C, A>(resolve: GraphQLFieldResolver<S, C, A>): GraphQLFieldResolver<S, C, A> {
  return (source, args, context, info) => {
    try {
      const out = resolve(source, args, context, info) as unknown;
      return out instanceof Promise
        ? out.catch((e: unknown) => {
            throw toCodedError(e);
          })
        : out;
    } catch (e) {
      throw toCodedError(e);
    }
  };
}

/** The schema with every field's resolver (and subscriber) wrapped by `codedErrors`. */
export function withCodedErrors(schema: GraphQLSchema): GraphQLSchema {
  return mapSchema(schema, {
    [MapperKind.OBJECT_FIELD]: (field) => ({
      ...field,
      ...(field.resolve ? { resolve: codedErrors(field.resolve) } : {}),
      ...(field.subscribe ? { subscribe: codedErrors(field.subscribe) } : {}),
    }),
  });
}
