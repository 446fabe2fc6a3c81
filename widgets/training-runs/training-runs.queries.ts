import type { TrainingRunView } from './run-state.js';

const RUN_FIELDS = /* GraphQL */ `
  fragment WidgetTrainingRunFields on TrainingRun {
    id
    status
    model
    chosenModel
    horizon
    createdAt
    startedAt
    finishedAt
    error
    warnings
    progress {
      fraction
      epoch
      epochs
      eta
      loss
    }
    metrics {
      mase
      wape
    }
  }
`;

/** Mirrors `WidgetTrainingRuns` in `schema/operations/widget-training-runs.graphql`. */
export const TRAINING_RUNS_QUERY = /* GraphQL */ `
  query WidgetTrainingRuns($datasetId: ID!, $first: Int) {
    trainingRuns(datasetId: $datasetId, first: $first) {
      totalCount
      edges {
        node {
          ...WidgetTrainingRunFields
        }
      }
    }
  }
  ${RUN_FIELDS}
`;

/** Mirrors `WidgetTrainingRunUpdated`. */
export const TRAINING_RUN_UPDATED_SUBSCRIPTION = /* GraphQL */ `
  subscription WidgetTrainingRunUpdated($id: ID!) {
    trainingRunUpdated(id: $id) {
      ...WidgetTrainingRunFields
    }
  }
  ${RUN_FIELDS}
`;

/** Mirrors `WidgetStartTrainingRun`. */
export const START_TRAINING_RUN_MUTATION = /* GraphQL */ `
  mutation WidgetStartTrainingRun($input: StartTrainingRunInput!) {
    startTrainingRun(input: $input) {
      ...WidgetTrainingRunFields
    }
  }
  ${RUN_FIELDS}
`;

/** Mirrors `WidgetCancelTrainingRun`. */
export const CANCEL_TRAINING_RUN_MUTATION = /* GraphQL */ `
  mutation WidgetCancelTrainingRun($id: ID!) {
    cancelTrainingRun(id: $id) {
      ...WidgetTrainingRunFields
    }
  }
  ${RUN_FIELDS}
`;

export interface TrainingRunsQueryResult {
  readonly trainingRuns: { readonly totalCount: number; readonly edges: readonly { readonly node: TrainingRunView }[] };
}

export interface TrainingRunUpdatedResult {
  readonly trainingRunUpdated: TrainingRunView;
}

export interface StartTrainingRunResult {
  readonly startTrainingRun: TrainingRunView;
}

export interface CancelTrainingRunResult {
  readonly cancelTrainingRun: TrainingRunView;
}
