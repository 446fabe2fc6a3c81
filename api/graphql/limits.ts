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
  GraphQLError,
  specifiedRules,
  type ASTNode,
  validate,
  type DocumentNode,
  type GraphQLSchema,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import type { LimitsConfig } from '../config/env.js';

export interface GraphQLLimits {
  /** Added to graphql-js's specified rules (Apollo's `validationRules`). */
  readonly validationRules: readonly ValidationRule[];
  /** Apollo plugins: list variables, and field-suggestion masking in production. */
  readonly plugins: readonly ApolloServerPlugin[];
  /** Apollo's `parseOptions`: the token limit. */
  readonly parseOptions: { readonly maxTokens: number };
  /** graphql-js `validate` with the limit rules, for transports other than Apollo (graphql-ws). */
  validate(schema: GraphQLSchema, document: DocumentNode): ReturnType<typeof validate>;
}

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

/** List variables longer than `max`, refused before the operation runs. */
function maxListItemsPlugin(max: number): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request }) {
          const longest = longestList(request.variables ?? {});
          if (longest > max) throw tooManyItems(longest, max);
        },
      };
    },
  };
}

export function createGraphQLLimits(limits: LimitsConfig, options: { readonly production: boolean }): GraphQLLimits {
  const armor = new ApolloArmor({
    maxDepth: { n: limits.maxDepth, flattenFragments: true, ...rejectWith('FORECASTQL_MAX_DEPTH') },
    costLimit: { maxCost: limits.maxCost, flattenFragments: true, ...rejectWith('FORECASTQL_MAX_COST') },
    maxAliases: { n: limits.maxAliases, ...rejectWith('FORECASTQL_MAX_ALIASES') },
    maxDirectives: { n: limits.maxDirectives, ...rejectWith('FORECASTQL_MAX_DIRECTIVES') },
    // graphql-js's parser enforces the token limit (parseOptions below), without parsing twice.
    maxTokens: { enabled: false },
    blockFieldSuggestion: { enabled: options.production },
  });
  // graphql-armor's types name @apollo/server's CommonJS build, this project its ES module build:
  // the same plugin interface, declared twice (hence the cast below).
  const armored = armor.protect();
  const validationRules = [...armored.validationRules, maxListItemsRule(limits.maxListItems)];
  const plugins = [...(armored.plugins as unknown as ApolloServerPlugin[]), maxListItemsPlugin(limits.maxListItems)];
  return {
    validationRules,
    plugins,
    parseOptions: { maxTokens: limits.maxTokens },
    validate: (schema, document) => validate(schema, document, [...specifiedRules, ...validationRules]),
  };
}
