/**
 * The model registry: `ModelKind` → a factory of `GlobalForecaster`s, and artefact → model.
 * `auto` is not a model but a rule over these (pipeline.ts).
 */
import { UserInputError } from '../errors/index.js';
import { BASELINE_KINDS, type BaselineKind, EXTRA_LOCAL_KINDS, LocalForecaster } from './baselines.js';
import { CALIBRATED_FORMAT, CalibratedForecaster } from './calibrated.js';
import { EnsembleForecaster } from './ensemble.js';
import { GBM_FORMAT, GbmForecaster } from './gbm-model.js';
import { createDeepForecaster, DEEP_KINDS, type DeepKind, deserializeDeepForecaster } from './deep/index.js';
import type { FitOptions, GlobalForecaster, ModelKind, Panel, QuantileForecast, SerializedModel } from './types.js';

export interface ModelFactoryOptions {
  readonly seed?: number;
  readonly epochs?: number;
  /** Training windows sampled per fit by the deep models (their default when omitted). */
  readonly trainingWindows?: number;
}

export type ForecasterFactory = (options: ModelFactoryOptions) => GlobalForecaster;

/** Every model a user can name, except `auto`. */
export type ConcreteModelKind = Exclude<ModelKind, 'auto'>;

const FACTORIES: Partial<Record<ConcreteModelKind, ForecasterFactory>> = {};
for (const kind of BASELINE_KINDS) FACTORIES[kind] = () => new LocalForecaster(kind);
/** Models `auto` may try that users cannot name (not in `ModelKind`). */
const EXTRA_FACTORIES: Readonly<Record<string, ForecasterFactory>> = Object.fromEntries(
  EXTRA_LOCAL_KINDS.map((k) => [k, () => new LocalForecaster(k)]),
);
for (const kind of DEEP_KINDS) {
  FACTORIES[kind] = (o) =>
    createDeepForecaster(kind, {
      ...(o.seed === undefined ? {} : { seed: o.seed }),
      ...(o.epochs === undefined ? {} : { epochs: o.epochs }),
      ...(o.trainingWindows === undefined ? {} : { windows: o.trainingWindows }),
    });
}

FACTORIES.gbm = (o) => new GbmForecaster(o.seed === undefined ? {} : { seed: o.seed });

export { BASELINE_KINDS, DEEP_KINDS, EXTRA_LOCAL_KINDS };
export type { BaselineKind, DeepKind };

/** Whether `kind` is a per-series model (cheap, no training loop): a baseline or an extra local model. */
export function isBaseline(kind: string): kind is BaselineKind {
  return (BASELINE_KINDS as readonly string[]).includes(kind) || kind in EXTRA_FACTORIES;
}

/** The kinds this build can create, `auto` excluded. */
export function availableModels(): ConcreteModelKind[] {
  return Object.keys(FACTORIES) as ConcreteModelKind[];
}

/** A fresh, unfitted forecaster of `kind`; BAD_USER_INPUT naming the kinds when unknown. */
export function createForecaster(kind: string, options: ModelFactoryOptions = {}): GlobalForecaster {
  const factory = FACTORIES[kind as ConcreteModelKind] ?? EXTRA_FACTORIES[kind];
  if (!factory) {
    throw new UserInputError(`Model "${kind}" is not available. Use auto or one of: ${availableModels().join(', ')}.`, {
      model: kind,
    });
  }
  return factory(options);
}

/** A model from its artefact (`serialize()` output); it predicts as the original did. */
export async function deserializeForecaster(model: SerializedModel): Promise<GlobalForecaster> {
  let format: unknown;
  try {
    format = (JSON.parse(model.json) as { format?: unknown }).format;
  } catch {
    throw new UserInputError(`Model artefact "${model.alias}" has unreadable JSON.`);
  }
  if (format === 'forecastql.local.v1') return LocalForecaster.deserialize(model);
  if (format === 'forecastql.ensemble.v1') {
    return EnsembleForecaster.deserialize(model, deserializeForecaster);
  }
  if (format === GBM_FORMAT) return GbmForecaster.deserialize(model);
  if (format === CALIBRATED_FORMAT) return CalibratedForecaster.deserialize(model, deserializeForecaster);
  return deserializeDeepForecaster(model);
}

/** statsforecast's `forecast`: `fit` then `predict` on the same panel. */
export async function forecast(
  model: GlobalForecaster,
  panel: Panel,
  options: FitOptions,
): Promise<QuantileForecast[]> {
  await model.fit(panel, options);
  return model.predict(panel);
}
