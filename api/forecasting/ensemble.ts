/**
 * An ensemble of global forecasters: each member fits on the same panel, and the forecast is the
 * mean of the members' quantiles level by level (quantile averaging). Means of non-crossing,
 * non-negative quantiles are non-crossing and non-negative. They are also narrower than the
 * members' mixture when the members disagree, so `auto` calibrates an ensemble's intervals on its
 * validation errors afterwards (calibration.ts, step 6 of the rule in pipeline.ts).
 */
import { UserInputError } from '../errors/index.js';
import { NotFittedError } from './errors.js';
import type { FitOptions, GlobalForecaster, Panel, QuantileForecast, SerializedModel } from './types.js';

/** Mean of several models' forecasts of the same series and levels, level by level. */
export function averageForecasts(members: readonly (readonly QuantileForecast[])[]): QuantileForecast[] {
  const first = members[0];
  if (!first) return [];
  const byId = members.slice(1).map((m) => new Map(m.map((f) => [f.seriesId, f])));
  return first.map((f) => {
    const others = byId.map((m) => m.get(f.seriesId));
    const all = [f, ...others.filter((o): o is QuantileForecast => o !== undefined)];
    const values = f.values.map((row, q) => {
      const out = new Float64Array(row.length);
      for (const g of all) {
        const r = g.values[q]!;
        for (let t = 0; t < out.length; t++) out[t]! += r[t]! / all.length;
      }
      return out;
    });
    return { ...f, values };
  });
}

export class EnsembleForecaster implements GlobalForecaster {
  readonly alias: string;
  private fittedMembers = false;

  constructor(readonly members: readonly GlobalForecaster[]) {
    if (members.length === 0) throw new UserInputError('An ensemble needs at least one model.');
    this.alias = `ensemble(${members.map((m) => m.alias).join(',')})`;
  }

  get warnings(): readonly string[] {
    return this.members.flatMap((m) => m.warnings ?? []);
  }

  async fit(panel: Panel, options: FitOptions): Promise<void> {
    const k = this.members.length;
    for (let i = 0; i < k; i++) {
      const inner = options.onProgress;
      await this.members[i]!.fit(panel, {
        ...options,
        ...(inner ? { onProgress: (p) => inner({ ...p, fraction: (i + p.fraction) / k }) } : {}),
      });
    }
    this.fittedMembers = true;
  }

  async predict(panel: Panel): Promise<QuantileForecast[]> {
    if (!this.fittedMembers) throw new NotFittedError(this.alias);
    const all: QuantileForecast[][] = [];
    for (const m of this.members) all.push(await m.predict(panel));
    return averageForecasts(all);
  }

  featureGroups(panel: Panel): readonly string[] {
    const out = new Set<string>();
    for (const m of this.members) for (const g of m.featureGroups?.(panel) ?? []) out.add(g);
    return [...out];
  }

  async predictPermuted(panel: Panel, group: string, seed: number): Promise<QuantileForecast[]> {
    const all: QuantileForecast[][] = [];
    for (const m of this.members) {
      const has = m.featureGroups?.(panel).includes(group) && m.predictPermuted;
      all.push(has ? await m.predictPermuted!(panel, group, seed) : await m.predict(panel));
    }
    return averageForecasts(all);
  }

  async predictOccluded(panel: Panel, group: string): Promise<QuantileForecast[]> {
    const all: QuantileForecast[][] = [];
    for (const m of this.members) {
      const has = m.featureGroups?.(panel).includes(group) && m.predictOccluded;
      all.push(has ? await m.predictOccluded!(panel, group) : await m.predict(panel));
    }
    return averageForecasts(all);
  }

  async serialize(): Promise<SerializedModel> {
    if (!this.fittedMembers) throw new NotFittedError(this.alias);
    const parts: SerializedModel[] = [];
    for (const m of this.members) parts.push(await m.serialize());
    const total = parts.reduce((a, p) => a + p.weights.length, 0);
    const weights = new Uint8Array(total);
    let offset = 0;
    const members = parts.map((p) => {
      weights.set(p.weights, offset);
      const entry = { alias: p.alias, json: p.json, offset, length: p.weights.length };
      offset += p.weights.length;
      return entry;
    });
    return { alias: this.alias, json: JSON.stringify({ format: 'forecastql.ensemble.v1', members }), weights };
  }

  /** Restores an ensemble; `load` restores each member (models.ts `deserializeForecaster`). */
  static async deserialize(
    model: SerializedModel,
    load: (m: SerializedModel) => Promise<GlobalForecaster>,
  ): Promise<EnsembleForecaster> {
    const o = JSON.parse(model.json) as { members: { alias: string; json: string; offset: number; length: number }[] };
    const members: GlobalForecaster[] = [];
    for (const m of o.members) {
      members.push(
        await load({ alias: m.alias, json: m.json, weights: model.weights.slice(m.offset, m.offset + m.length) }),
      );
    }
    const e = new EnsembleForecaster(members);
    e.fittedMembers = true;
    return e;
  }

  dispose(): void {
    for (const m of this.members) m.dispose();
  }
}
