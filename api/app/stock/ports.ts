/**
 * Ports of stock planning (issue 18, item 1): where a dataset's stock policy and its series' stock
 * levels are kept. Implemented by `api/db/stock.repository.ts`; every method acts for one tenant.
 */

/** A dataset's defaults: lead time and review period in the dataset's periods, the target cycle service level. */
export interface StockPolicyRecord {
  readonly leadTime: number;
  readonly reviewPeriod: number;
  readonly serviceLevel: number;
}

/** One series' stock, and its own policy where it differs from the dataset's (null: the dataset's). */
export interface SeriesStockRecord {
  readonly seriesId: number;
  readonly onHand: number;
  readonly onOrder: number;
  /** The day at whose end the stock was counted; null: the end of the last observed period. */
  readonly asOf: string | null;
  readonly leadTime: number | null;
  readonly reviewPeriod: number | null;
  readonly serviceLevel: number | null;
}

export interface StockStore {
  policyOf(tenantId: number, datasetId: number): Promise<StockPolicyRecord | undefined>;
  setPolicy(tenantId: number, datasetId: number, policy: StockPolicyRecord): Promise<void>;
  /** The stock of a dataset's series (all of them, or those of `seriesIds`). */
  levelsOf(tenantId: number, datasetId: number, seriesIds?: readonly number[]): Promise<SeriesStockRecord[]>;
  /** Inserts or replaces the stock of these series, all or none (one transaction). */
  setLevels(tenantId: number, datasetId: number, rows: readonly SeriesStockRecord[]): Promise<void>;
}
