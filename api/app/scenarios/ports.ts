/**
 * The ports of the scenario use-cases (issue 18 item 2): what they need from the world, owned
 * here and implemented by `api/db/scenarios.repository.ts`.
 */
import type { RawSeries } from '../../forecasting/types.js';
import type { SerializedModel } from '../../forecasting/types.js';

/** The series a scenario covers: one series, or a total over `where` filters (`groupBy` "attribute=value" or "all"). */
export interface ScenarioSelection {
  readonly seriesId: string | null;
  readonly groupBy: string | null;
  readonly where: readonly { readonly name: string; readonly value: string }[];
}

/** One covariate change as stored and as asked (forecasting/scenario.ts `CovariateChange`). */
export interface StoredChange {
  readonly covariate: string;
  readonly from: string | null;
  readonly to: string | null;
  readonly value: number | null;
  readonly percentChange: number | null;
}

export interface SavedScenarioRecord {
  readonly id: number;
  readonly tenantId: number;
  readonly datasetId: number;
  readonly name: string;
  readonly selection: ScenarioSelection;
  readonly changes: readonly StoredChange[];
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface NewSavedScenario {
  readonly datasetId: number;
  readonly name: string;
  readonly selection: ScenarioSelection;
  readonly changes: readonly StoredChange[];
}

/** Reads a scenario needs (nothing here writes but the saved-scenario methods). */
export interface ScenarioStore {
  /** A run's model artefact (weights included); undefined when the run stored none. */
  artefact(tenantId: number, runId: number): Promise<SerializedModel | undefined>;
  /** Raw series (history and future covariates) of the given series ids of a dataset, in key order. */
  rawSeries(tenantId: number, datasetId: number, seriesIds: readonly number[]): Promise<RawSeries[]>;
  /** Saves a scenario under its name: a new one, or the one of that name in the dataset replaced. */
  save(tenantId: number, scenario: NewSavedScenario): Promise<SavedScenarioRecord>;
  /** A dataset's saved scenarios, by name. */
  list(tenantId: number, datasetId: number): Promise<SavedScenarioRecord[]>;
  get(tenantId: number, id: number): Promise<SavedScenarioRecord | undefined>;
  delete(tenantId: number, id: number): Promise<boolean>;
}
