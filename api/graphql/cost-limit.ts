/**
 * The estimated cost of an operation (FORECASTQL_MAX_COST). graphql-armor's cost model, with one
 * change: a page of flat rows (`forecastTable`) is priced by the values it returns.
 *
 * graphql-armor prices a field as its own cost plus 1.5 × each child's, and multiplies the whole
 * field, `totalCount` and `pageInfo` included, by its `first`. That fits nested objects, each of
 * which may cost a query of its own, but not a table page: its rows come from one SQL statement
 * (one more for their actuals), and a row's values cost about the same however they are nested
 * in the document (`attributes { name value }` is one JSON column). armor priced the README's
 * 500-row page at 19,375, so about 129 rows fitted the default 5,000. Here a flat page costs
 * `first` × (1 + 0.5 per value a row selects), plus its `totalCount` and `pageInfo` once: that
 * page costs 2,500-odd, every field of the row 3,000-odd. A `first` passed as a variable is
 * priced at the largest page (validation does not see variables); graphql-armor counted it as 1.
 * Every other field is priced exactly as graphql-armor prices it (objects 2, scalars 1, 1.5 per
 * level, fragments flattened).
 */
import {
  type ASTNode,
  type FieldNode,
  GraphQLError,
  Kind,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';

const OBJECT_COST = 2;
const SCALAR_COST = 1;
const DEPTH_COST_FACTOR = 1.5;
/** A flat row: its object, and each value it selects. */
const ROW_COST = 1;
const ROW_VALUE_COST = 0.5;

/** Connection fields whose rows are flat: the declared default and the largest `first`. */
export const FLAT_PAGES: ReadonlyMap<string, { readonly defaultFirst: number; readonly maxFirst: number }> = new Map([
  ['forecastTable', { defaultFirst: 100, maxFirst: 500 }],
  ['stockPlan', { defaultFirst: 20, maxFirst: 500 }],
]);

/** The connection fields that hold the rows. */
const ROW_FIELDS = new Set(['nodes', 'edges']);

export interface CostLimitOptions {
  readonly maxCost: number;
  /** The setting that raises the limit, named in the rejection. */
  readonly setting: string;
}

class CostEstimator {
  /** Fragment costs, as graphql-armor keeps them: -1 while a fragment is being priced. */
  private readonly fragments = new Map<string, number>();

  constructor(private readonly context: ValidationContext) {}

  /** The `first` of a flat page: the literal, else the default when absent, the largest when a variable. */
  private pageSize(node: FieldNode, page: { defaultFirst: number; maxFirst: number }): number {
    const first = node.arguments?.find((a) => a.name.value === 'first');
    if (!first) return page.defaultFirst;
    if (first.value.kind === Kind.INT) return Math.max(1, Number.parseInt(first.value.value, 10));
    return first.value.kind === Kind.NULL ? page.defaultFirst : page.maxFirst;
  }

  /** Fields of a selection set with inline fragments and fragment spreads flattened. */
  private fieldsOf(set: SelectionSetNode | undefined, seen = new Set<string>()): FieldNode[] {
    const out: FieldNode[] = [];
    for (const s of set?.selections ?? []) {
      if (s.kind === Kind.FIELD) out.push(s);
      else if (s.kind === Kind.INLINE_FRAGMENT) out.push(...this.fieldsOf(s.selectionSet, seen));
      else if (!seen.has(s.name.value)) {
        seen.add(s.name.value);
        out.push(...this.fieldsOf(this.context.getFragment(s.name.value)?.selectionSet, seen));
      }
    }
    return out;
  }

  /** Values a row selects by fragment, priced once each (graphql-armor memoises fragments too). */
  private readonly fragmentValues = new Map<string, number>();

  /**
   * Values a selection selects: its leaf fields, however nested. A fragment already being priced
   * (a cycle, which graphql-js's NoFragmentCyclesRule refuses anyway) counts 0.
   */
  private valuesOf(set: SelectionSetNode | undefined, stack = new Set<string>()): number {
    let n = 0;
    for (const s of set?.selections ?? []) {
      if (s.kind === Kind.FIELD) n += s.selectionSet ? this.valuesOf(s.selectionSet, stack) : 1;
      else if (s.kind === Kind.INLINE_FRAGMENT) n += this.valuesOf(s.selectionSet, stack);
      else if (!stack.has(s.name.value)) {
        const name = s.name.value;
        let values = this.fragmentValues.get(name);
        if (values === undefined) {
          stack.add(name);
          values = this.valuesOf(this.context.getFragment(name)?.selectionSet, stack);
          stack.delete(name);
          this.fragmentValues.set(name, values);
        }
        n += values;
      }
    }
    return n;
  }

  private flatPage(node: FieldNode, page: { defaultFirst: number; maxFirst: number }, depth: number): number {
    const rows = this.pageSize(node, page);
    let cost = OBJECT_COST;
    for (const field of this.fieldsOf(node.selectionSet)) {
      cost += ROW_FIELDS.has(field.name.value)
        ? rows * (ROW_COST + ROW_VALUE_COST * (field.selectionSet ? this.valuesOf(field.selectionSet) : 1))
        : DEPTH_COST_FACTOR * this.cost(field, depth + 1);
    }
    return cost;
  }

  /** graphql-armor's `computeComplexity` (flattenFragments: true), flat pages aside. */
  cost(node: ASTNode, depth = 0): number {
    if (node.kind === Kind.OPERATION_DEFINITION) {
      return node.selectionSet.selections.reduce((v, child) => v + this.cost(child, depth + 1), 0);
    }
    if (node.kind === Kind.FIELD && node.name.value === '__schema') return 0;
    if (node.kind === Kind.FIELD && node.selectionSet) {
      const page = FLAT_PAGES.get(node.name.value);
      if (page) return this.flatPage(node, page, depth);
    }
    let cost = SCALAR_COST;
    if ('selectionSet' in node && node.selectionSet) {
      cost = OBJECT_COST;
      let multiplier = 1;
      const first =
        'arguments' in node ? node.arguments?.find((a) => ['first', 'last'].includes(a.name.value)) : undefined;
      if (first?.value.kind === Kind.INT) multiplier = Math.max(Number.parseInt(first.value.value, 10) || 1, 1);
      for (const child of node.selectionSet.selections) {
        cost +=
          child.kind === Kind.INLINE_FRAGMENT || child.kind === Kind.FRAGMENT_SPREAD
            ? this.cost(child, depth)
            : DEPTH_COST_FACTOR * this.cost(child, depth + 1);
      }
      cost *= multiplier;
    } else if (node.kind === Kind.FRAGMENT_SPREAD) {
      const name = node.name.value;
      if (this.fragments.has(name)) return cost + DEPTH_COST_FACTOR * (this.fragments.get(name) ?? 0);
      this.fragments.set(name, -1);
      const fragment = this.context.getFragment(name);
      if (fragment) {
        const fragmentCost = this.cost(fragment, depth);
        cost += fragmentCost;
        if (this.fragments.get(name) === -1) this.fragments.set(name, fragmentCost);
      }
    }
    return cost;
  }
}

/** Refuses an operation whose estimated cost is over `maxCost`, naming the cost and the setting. */
export function costLimitRule(options: CostLimitOptions): ValidationRule {
  return (context) => {
    // One per document, as graphql-armor's: a fragment priced once is reused by later operations.
    const estimator = new CostEstimator(context);
    return {
      OperationDefinition(operation) {
        const cost = estimator.cost(operation);
        if (cost > options.maxCost) {
          context.reportError(
            new GraphQLError(
              `Query Cost limit of ${options.maxCost} exceeded, found ${cost}. Ask for less in one operation, or raise ${options.setting}.`,
              { nodes: [operation], extensions: { code: 'BAD_USER_INPUT' } },
            ),
          );
        }
      },
    };
  };
}
