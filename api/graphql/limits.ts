/**
 * Limits on GraphQL documents (issue 6), from graphql-armor: query depth, estimated cost, aliases
 * and directives are validation rules (so they apply to HTTP and to graphql-ws alike); the token
 * count is graphql-js's own parser limit (`parseOptions.maxTokens`), checked before any work.
 * Field suggestions ("Did you mean …") are masked in production, where the schema is not
 * introspectable either. Fragment cycles are rejected by graphql-js's NoFragmentCyclesRule.
 * Every rejection is a `BAD_USER_INPUT` (parse limits: `GRAPHQL_PARSE_FAILED`) naming the limit,
 * the value found and the setting that raises it. List arguments are capped too, inline and in
 * variables (FORECASTQL_MAX_LIST_ITEMS): a long list variable costs no tokens.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import {
  type ArgumentNode,
  GraphQLError,
  Kind,
  NoSchemaIntrospectionCustomRule,
  visit,
  parse,
  specifiedRules,
  type ASTNode,
  validate,
  type DocumentNode,
  type GraphQLSchema,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { LimitsConfig } from '../config/env.js';
import { DomainError } from '../errors/index.js';
import { controlCharacterProblem, CONTROL_FIX, guardJsonStrings } from '../errors/input-guard.js';
import { costLimitRule } from './cost-limit.js';

export interface GraphQLLimits {
  /** Added to graphql-js's specified rules (Apollo's `validationRules`). */
  readonly validationRules: readonly ValidationRule[];
  /** Apollo plugins: list variables, and field-suggestion masking in production. */
  readonly plugins: readonly ApolloServerPlugin[];
  /** Apollo's `parseOptions`: the token limit. */
  readonly parseOptions: { readonly maxTokens: number };
  /** graphql-js `validate` with the limit rules, for transports other than Apollo (graphql-ws). */
  validate(schema: GraphQLSchema, document: DocumentNode): ReturnType<typeof validate>;
  /**
   * What Apollo does before it executes, for graphql-ws: parse with the token limit, validate
   * with the limit rules (and, in production, without introspection or field suggestions), and
   * check the variables (list lengths, the input guard). Coded errors, or the document.
   */
  prepare(
    schema: GraphQLSchema,
    query: unknown,
    variables: Readonly<Record<string, unknown>> | null | undefined,
  ): { readonly document: DocumentNode } | { readonly errors: readonly GraphQLError[] };
}

/**
 * Arguments that carry CSV text (`importObservations(csv:)`): the CSV reader guards each cell
 * itself and names the line and column, which says more than a position in one long string.
 */
const CSV_ARGUMENT = 'csv';

/**
 * The input guard (api/errors/input-guard.ts) on string literals of a document: no NUL, no
 * control characters or ANSI escapes in any argument, on every transport.
 */
function inputGuardRule(): ValidationRule {
  return (ctx) => ({
    StringValue(node, _key, parent) {
      if (parent && !Array.isArray(parent) && (parent as ASTNode).kind === Kind.ARGUMENT) {
        if ((parent as ArgumentNode).name.value === CSV_ARGUMENT) return;
      }
      const problem = controlCharacterProblem(node.value);
      if (problem) {
        ctx.reportError(
          new GraphQLError(`A string argument ${problem}. ${CONTROL_FIX}.`, {
            nodes: [node],
            extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } },
          }),
        );
      }
    },
  });
}

/** Variables a document passes to a CSV argument (checked by the CSV reader instead). */
const csvVariablesOf = (() => {
  const cache = new WeakMap<DocumentNode, ReadonlySet<string>>();
  return (document: DocumentNode): ReadonlySet<string> => {
    let found = cache.get(document);
    if (!found) {
      const names = new Set<string>();
      visit(document, {
        Argument(node) {
          if (node.name.value === CSV_ARGUMENT && node.value.kind === Kind.VARIABLE) names.add(node.value.name.value);
        },
      });
      found = names;
      cache.set(document, found);
    }
    return found;
  };
})();

/** The input guard on variables: the first string holding a control character, as a coded error. */
function guardVariables(
  variables: Readonly<Record<string, unknown>>,
  document: DocumentNode | undefined,
): GraphQLError | undefined {
  const skip = document ? csvVariablesOf(document) : new Set<string>();
  try {
    for (const [name, value] of Object.entries(variables)) {
      if (!skip.has(name)) guardJsonStrings(value, `Variable $${name}`);
    }
    return undefined;
  } catch (e) {
    if (!(e instanceof DomainError)) throw e;
    return new GraphQLError(e.message, { extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } } });
  }
}

/** "Did you mean …?" names fields of the schema: cut where the schema is not introspectable. */
const SUGGESTION = /\s*Did you mean .*\?$/;

/**
 * Reports a rejection as BAD_USER_INPUT with the fix; graphql-armor's own message ("Syntax Error:
 * Query depth limit of 10 exceeded, found 50.") names the limit and the value found.
 */
function rejectWith(setting: string) {
  return {
    propagateOnRejection: false,
    onReject: [
      (ctx: ValidationContext | null, error: GraphQLError) =>
        ctx?.reportError(
          new GraphQLError(
            `${error.message.replace(/^Syntax Error: /, '')} Ask for less in one operation, or raise ${setting}.`,
            { extensions: { code: 'BAD_USER_INPUT' } },
          ),
        ),
    ],
  };
}

function tooManyItems(found: number, max: number, nodes?: readonly ASTNode[]): GraphQLError {
  return new GraphQLError(
    `A list argument holds ${found} items; the limit is ${max}. Send fewer items per operation, or raise FORECASTQL_MAX_LIST_ITEMS.`,
    { ...(nodes ? { nodes } : {}), extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } } },
  );
}

/** Inline list values longer than `max` (the token limit bounds them too, but not tightly). */
function maxListItemsRule(max: number): ValidationRule {
  return (ctx) => ({
    ListValue(node) {
      if (node.values.length > max) ctx.reportError(tooManyItems(node.values.length, max, [node]));
    },
  });
}

/** The longest array anywhere in a JSON value (request variables). */
function longestList(value: unknown, depth = 0): number {
  if (depth > 32 || value === null || typeof value !== 'object') return 0;
  const items: unknown[] = Array.isArray(value) ? value : Object.values(value);
  let longest = Array.isArray(value) ? value.length : 0;
  for (const v of items) {
    if (v !== null && typeof v === 'object') longest = Math.max(longest, longestList(v, depth + 1));
  }
  return longest;
}

/** List variables longer than `max`, and variables the input guard refuses, before the operation runs. */
function variablesPlugin(max: number): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document }) {
          const longest = longestList(request.variables ?? {});
          if (longest > max) throw tooManyItems(longest, max);
          const refused = guardVariables(request.variables ?? {}, document);
          if (refused) throw refused;
        },
      };
    },
  };
}

export function createGraphQLLimits(limits: LimitsConfig, options: { readonly production: boolean }): GraphQLLimits {
  const armor = new ApolloArmor({
    maxDepth: { n: limits.maxDepth, flattenFragments: true, ...rejectWith('FORECASTQL_MAX_DEPTH') },
    // The cost estimate is graphql-armor's, but for flat table pages (./cost-limit.ts).
    costLimit: { enabled: false },
    maxAliases: { n: limits.maxAliases, ...rejectWith('FORECASTQL_MAX_ALIASES') },
    maxDirectives: { n: limits.maxDirectives, ...rejectWith('FORECASTQL_MAX_DIRECTIVES') },
    // graphql-js's parser enforces the token limit (parseOptions below), without parsing twice.
    maxTokens: { enabled: false },
    blockFieldSuggestion: { enabled: options.production },
  });
  // graphql-armor's types name @apollo/server's CommonJS build, this project its ES module build:
  // the same plugin interface, declared twice (hence the cast below).
  const armored = armor.protect();
  const validationRules = [
    ...armored.validationRules,
    costLimitRule({ maxCost: limits.maxCost, setting: 'FORECASTQL_MAX_COST' }),
    maxListItemsRule(limits.maxListItems),
    inputGuardRule(),
  ];
  const plugins = [...(armored.plugins as unknown as ApolloServerPlugin[]), variablesPlugin(limits.maxListItems)];
  const wsRules = [
    ...specifiedRules,
    ...validationRules,
    ...(options.production ? [NoSchemaIntrospectionCustomRule] : []),
  ];
  const coded = (e: GraphQLError, code: string): GraphQLError => {
    if (typeof e.extensions['code'] === 'string') return e;
    const message = options.production ? e.message.replace(SUGGESTION, '') : e.message;
    return new GraphQLError(message, { nodes: e.nodes ?? null, extensions: { code } });
  };
  return {
    validationRules,
    plugins,
    parseOptions: { maxTokens: limits.maxTokens },
    validate: (schema, document) => validate(schema, document, [...specifiedRules, ...validationRules]),
    prepare(schema, query, variables) {
      if (typeof query !== 'string' || query.trim() === '') {
        return {
          errors: [
            new GraphQLError('The operation has no query: send `{ "query": "…" }`.', {
              extensions: { code: 'BAD_REQUEST' },
            }),
          ],
        };
      }
      let document: DocumentNode;
      try {
        document = parse(query, { maxTokens: limits.maxTokens });
      } catch (e) {
        if (!(e instanceof GraphQLError)) throw e;
        return { errors: [coded(e, 'GRAPHQL_PARSE_FAILED')] };
      }
      const invalid = validate(schema, document, wsRules);
      if (invalid.length > 0) return { errors: invalid.map((e) => coded(e, 'GRAPHQL_VALIDATION_FAILED')) };
      const longest = longestList(variables ?? {});
      if (longest > limits.maxListItems) return { errors: [tooManyItems(longest, limits.maxListItems)] };
      const refused = guardVariables(variables ?? {}, document);
      return refused ? { errors: [refused] } : { document };
    },
  };
}

/** What an aggregation will touch, for the read budget. */
export interface AggregationShape {
  /** Series the read aggregates (1 for one series; the dataset's count for a total). */
  readonly series: number;
  /** Dates it covers (from..to; a year when open). */
  readonly dates: number;
  /** Quantile levels asked for (the run's three by default). */
  readonly quantiles: number;
  /** Groups besides the total (`groupBy: "store"`): each member is aggregated twice. */
  readonly grouped: boolean;
}

/** Work units of an aggregation: series × dates × quantiles (× 2 with groups). */
export function aggregationCost(shape: AggregationShape): number {
  const units = Math.max(1, shape.series) * Math.max(1, shape.dates) * Math.max(1, shape.quantiles);
  return shape.grouped ? units * 2 : units;
}

/**
 * The read budget (issue 17): aggregation work (series × dates × quantiles) each credential may ask
 * for per rate window, so a few clients with one embed token cannot keep the event loop busy with
 * totals. Charged before the work; over budget the read answers RATE_LIMITED with its cost.
 */
export interface ReadBudget {
  charge(identity: string, shape: AggregationShape): Promise<void>;
}

export function createReadBudget(budget: number, windowSeconds: number): ReadBudget {
  if (budget <= 0) return { charge: async () => {} };
  const limiter = new RateLimiterMemory({ points: budget, duration: windowSeconds });
  return {
    async charge(identity, shape) {
      const cost = aggregationCost(shape);
      if (cost > budget) {
        throw new GraphQLError(
          `This read aggregates ${shape.series} series × ${shape.dates} dates × ${shape.quantiles} quantiles${shape.grouped ? ' × 2 (groups)' : ''} = ${cost} units, more than the ${budget} one credential may use per ${windowSeconds} s. Narrow \`from\`/\`to\`, ask for fewer quantiles, or raise FORECASTQL_READ_BUDGET.`,
          { extensions: { code: 'RATE_LIMITED', http: { status: 429 } } },
        );
      }
      try {
        await limiter.consume(identity, cost);
      } catch (e) {
        if (!(e instanceof RateLimiterRes)) throw e;
        const retryAfter = Math.max(1, Math.ceil(e.msBeforeNext / 1000));
        throw new GraphQLError(
          `Read budget spent: this read costs ${cost} units (${shape.series} series × ${shape.dates} dates × ${shape.quantiles} quantiles${shape.grouped ? ' × 2' : ''}) and this credential has used its ${budget} per ${windowSeconds} s. Retry after ${retryAfter} s, narrow the read, or raise FORECASTQL_READ_BUDGET.`,
          {
            // Apollo Server reads `http.headers` as a Map; graphql-yoga's global typing of
            // `extensions.http` (loaded by the host tests) says a plain object: typed loosely here.
            extensions: {
              code: 'RATE_LIMITED',
              http: { status: 429, headers: new Map([['retry-after', String(retryAfter)]]) },
            } as Record<string, unknown>,
          },
        );
      }
    },
  };
}
