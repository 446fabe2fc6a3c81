/**
 * Executes GraphQL operations with graphql-jit instead of graphql-js's interpreter (issue 4's
 * latency goal). A forecast answer has hundreds of leaf fields; graphql-js completes each through
 * generic code (argument lookup, type checks, path objects), while graphql-jit compiles each
 * operation once into a function specialised for its selection set and reuses it.
 *
 * Apollo Server accepts a custom executor only through its gateway interface, so this is a
 * "gateway" that serves our own schema. Everything before execution stays Apollo's: parsing (with
 * the token limit), validation (graphql-armor's rules), the document cache, plugins, error
 * formatting and masking. Subscriptions (graphql-ws) keep graphql-js's `subscribe`.
 *
 * Compiled operations are cached per parsed document; Apollo's document store hands back the same
 * DocumentNode for the same query text, so a repeated query compiles once. The cache is a WeakMap:
 * documents evicted from Apollo's store take their compiled code with them.
 */
import type { GatewayExecutor, GatewayInterface } from '@apollo/server-gateway-interface';
import { getVariableValues, GraphQLError, type DocumentNode, type ExecutionResult, type GraphQLSchema } from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';

type Compiled = CompiledQuery | ExecutionResult;

/** Compiles (once per document and operation name) and runs an operation. */
export function createJitExecutor(schema: GraphQLSchema): GatewayExecutor {
  const compiled = new WeakMap<DocumentNode, Map<string, Compiled>>();
  function compile(document: DocumentNode, operationName: string | null): Compiled {
    let byName = compiled.get(document);
    if (!byName) {
      byName = new Map();
      compiled.set(document, byName);
    }
    const key = operationName ?? '';
    let found = byName.get(key);
    if (!found) {
      // Leaf values are serialised by their scalar's `serialize`, as graphql-js does; errors carry
      // no captured stack (they are formatted, and masked outside development, by Apollo).
      found = compileQuery(schema, document, operationName ?? undefined, { disablingCapturingStackErrors: true });
      byName.set(key, found);
    }
    return found;
  }
  return async (requestContext) => {
    const variables = requestContext.request.variables ?? {};
    // Variables are coerced by graphql-js first: its errors name the variable and carry our
    // scalars' own messages ('Date "2024-02-30" is not valid: write …'), and Apollo recognises
    // them as BAD_USER_INPUT (HTTP 400). graphql-jit's own would say only "Expected type Date".
    const coerced = getVariableValues(schema, requestContext.operation.variableDefinitions ?? [], variables, {
      maxErrors: 50,
    });
    if (coerced.errors) return { errors: coerced.errors };
    const query = compile(requestContext.document, requestContext.operationName);
    // Other compilation errors (none expected after Apollo's validation) come back as a result.
    if (!isCompiledQuery(query)) return withStandardErrors(query);
    return withStandardErrors(await query.query(undefined, requestContext.context, variables));
  };
}

/**
 * graphql-jit's errors are GraphQLErrors without `extensions` when the thrown error has none;
 * Apollo and our formatter expect graphql-js's shape (extensions always an object, the thrown error
 * as `originalError`). Errors are rare, so they are rebuilt as graphql-js errors here.
 */
function withStandardErrors(result: ExecutionResult): ExecutionResult {
  if (!result.errors?.length) return result;
  const errors = result.errors.map((e) => {
    const standard = new GraphQLError(e.message, {
      ...(e.path ? { path: e.path } : {}),
      ...(e.originalError ? { originalError: e.originalError } : {}),
      ...(e.extensions ? { extensions: e.extensions } : {}),
    });
    if (e.locations) (standard as { locations?: typeof e.locations }).locations = e.locations;
    return standard;
  });
  return { ...result, errors };
}

/** The Apollo "gateway" that serves `schema` with the graphql-jit executor. */
export function jitGateway(schema: GraphQLSchema): GatewayInterface {
  const executor = createJitExecutor(schema);
  return {
    onSchemaLoadOrUpdate(callback) {
      callback({ apiSchema: schema, coreSupergraphSdl: '' });
      return () => {};
    },
    load: () => Promise.resolve({ executor }),
    stop: () => Promise.resolve(),
  };
}
