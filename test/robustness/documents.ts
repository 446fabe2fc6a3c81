/**
 * Hostile GraphQL documents of the bad-input corpus (test/fixtures/bad/README.md), generated so
 * their size is exact and nothing large is committed.
 */

/** `datasets { nodes { latestRun { dataset { latestRun … { id } } } } }`, `depth` fields deep. */
export function deepQuery(depth: number): string {
  const fields = ['datasets', 'nodes'];
  while (fields.length < depth - 1) fields.push(fields.length % 2 === 0 ? 'latestRun' : 'dataset');
  return `{ ${fields.map((f) => `${f} {`).join(' ')} id ${'}'.repeat(fields.length)} }`;
}

/** `{ a0: datasets { totalCount } a1: … }` with `n` aliases. */
export function aliases(n: number): string {
  return `{ ${Array.from({ length: n }, (_, i) => `a${i}: datasets { totalCount }`).join(' ')} }`;
}

/** `n` selections of one field, each with an `@include(if: true)` directive. */
export function directives(n: number): string {
  return `{ datasets { ${'totalCount @include(if: true) '.repeat(n)}} }`;
}

/** Two fragments spreading each other. */
export function fragmentCycle(): string {
  return 'fragment A on Dataset { id ...B } fragment B on Dataset { name ...A } { datasets { nodes { ...A } } }';
}

/** A `where` list argument of `n` attribute filters, written inline in the document. */
export function hugeListArgument(n: number): string {
  const filters = Array.from({ length: n }, (_, i) => `{ name: "store", value: "v${i}" }`).join(',');
  return `{ forecast(datasetId: "1", where: [${filters}]) { seriesCount } }`;
}
