/**
 * A forecaster whose intervals are calibrated (calibration.ts): it fits and predicts as the model
 * it wraps, then scales each level's distance from the median by the factors fitted on that
 * model's validation errors. The artefact is the inner model's plus the factors, so a restored
 * model predicts the same calibrated forecast.
 */
import { calibrateForecasts, type IntervalCalibration } from './calibration.js';
import type { FitOptions, GlobalForecaster, Panel, QuantileForecast, SerializedModel } from './types.js';

export const CALIBRATED_FORMAT = 'forecastql.calibrated.v1';

export class CalibratedForecaster implements GlobalForecaster {
  constructor(
    readonly inner: GlobalForecaster,
    readonly calibration: IntervalCalibration,
  ) {}

  /** The inner model's alias: calibration changes its intervals, not what model it is. */
  get alias(): string {
    return this.inner.alias;
  }

  get warnings(): readonly string[] {
    return this.inner.warnings ?? [];
  }

  fit(panel: Panel, options: FitOptions): Promise<void> {
    return this.inner.fit(panel, options);
  }

  async predict(panel: Panel): Promise<QuantileForecast[]> {
    return calibrateForecasts(await this.inner.predict(panel), this.calibration, panel);
  }

  featureGroups(panel: Panel): readonly string[] {
    return this.inner.featureGroups?.(panel) ?? [];
  }

  async predictPermuted(panel: Panel, group: string, seed: number): Promise<QuantileForecast[]> {
    const raw = this.inner.predictPermuted
      ? await this.inner.predictPermuted(panel, group, seed)
      : await this.inner.predict(panel);
    return calibrateForecasts(raw, this.calibration, panel);
  }

  async predictOccluded(panel: Panel, group: string): Promise<QuantileForecast[]> {
    const raw = this.inner.predictOccluded
      ? await this.inner.predictOccluded(panel, group)
      : await this.inner.predict(panel);
    return calibrateForecasts(raw, this.calibration, panel);
  }

  async serialize(): Promise<SerializedModel> {
    const m = await this.inner.serialize();
    return {
      alias: m.alias,
      json: JSON.stringify({
        format: CALIBRATED_FORMAT,
        calibration: this.calibration,
        inner: { alias: m.alias, json: m.json },
      }),
      weights: m.weights,
    };
  }

  /** Restores a calibrated model; `load` restores the inner one (models.ts `deserializeForecaster`). */
  static async deserialize(
    model: SerializedModel,
    load: (m: SerializedModel) => Promise<GlobalForecaster>,
  ): Promise<CalibratedForecaster> {
    const o = JSON.parse(model.json) as { calibration: IntervalCalibration; inner: { alias: string; json: string } };
    const inner = await load({ alias: o.inner.alias, json: o.inner.json, weights: model.weights });
    return new CalibratedForecaster(inner, o.calibration);
  }

  dispose(): void {
    this.inner.dispose();
  }
}
