/**
 * What a dataset's values measure (issue 13, item 7): `UNITS` (quantities sold: forecasts never
 * go below 0, returns or not) or `MONEY` (revenue: forecasts go below 0 only where the dataset
 * allows negatives, e.g. refunds larger than sales). Pure rules; stored as `datasets.unit` and
 * `datasets.allow_negative` (migration 20261207213016).
 */
import { UserInputError } from '../../errors/index.js';

export const DATASET_UNITS = ['UNITS', 'MONEY'] as const;
export type DatasetUnit = (typeof DATASET_UNITS)[number];

/** `units`, `Money`, … → the stored spelling; anything else is BAD_USER_INPUT naming the choices. */
export function normalizeDatasetUnit(value: string, argument = 'unit'): DatasetUnit {
  const v = value.trim().toUpperCase();
  if ((DATASET_UNITS as readonly string[]).includes(v)) return v as DatasetUnit;
  throw new UserInputError(
    `${argument} "${value}" is not a dataset unit: use UNITS (quantities sold, never forecast below 0) or MONEY (revenue; forecasts may go below 0 when the dataset allows negatives).`,
    { argument, value },
  );
}

/** True when the engine may forecast below 0: a dataset in money that allows negatives. */
export function forecastsMayBeNegative(dataset: {
  readonly unit: DatasetUnit;
  readonly allowNegative: boolean;
}): boolean {
  return dataset.unit === 'MONEY' && dataset.allowNegative;
}
