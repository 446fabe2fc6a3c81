import type { GraphQLClient } from './graphql-client.js';

/** Mirrors `WidgetLatestRun` in `schema/operations/widget-feature-importance.graphql`. */
export const LATEST_RUN_QUERY = /* GraphQL */ `
  query WidgetLatestRun($datasetId: ID!) {
    dataset(id: $datasetId) {
      id
      frequency
    }
    trainingRuns(datasetId: $datasetId, status: SUCCEEDED, first: 1) {
      edges {
        node {
          id
          model
          finishedAt
        }
      }
    }
  }
`;

export interface LatestRunQueryResult {
  readonly dataset: { readonly id: string; readonly frequency: string | null } | null;
  readonly trainingRuns: { readonly edges: readonly { readonly node: LatestRun }[] };
}

export interface LatestRun {
  readonly id: string;
  readonly model: string;
  readonly finishedAt: string | null;
}

/** The run a widget reports on: the given id, else the dataset's latest succeeded run (or null). */
export async function resolveRun(
  client: GraphQLClient,
  datasetId: string,
  runId: string,
  signal: AbortSignal,
): Promise<{ runId: string | null; frequency: string | null }> {
  const result = await client.request<LatestRunQueryResult>(LATEST_RUN_QUERY, { datasetId }, signal);
  const frequency = result.dataset?.frequency ?? null;
  if (runId) return { runId, frequency };
  return { runId: result.trainingRuns.edges[0]?.node.id ?? null, frequency };
}
