/**
 * Per-forecast explanations (issue 19 item 4): for one series and one forecast date of a
 * succeeded run, how much each driver group moved the forecast ("Black Friday +38, price cut +12,
 * weekday −5"), computed by the engine (forecasting/explain.ts: occlusion) from the run's stored
 * model. Nothing is trained or written. The model is restored once per run and kept (the scenario
 * use-case's cache, `ScenarioService.seriesContext`), and the run, the dataset and the series are
 * read through the scope's stores, so a key for another tenant or dataset sees NOT_FOUND.
 */
import type * as ExplainMaths from '../../forecasting/explain.js';
import type { PointExplanation } from '../../forecasting/explain.js';
import { DomainError, ErrorCode, NotFoundError, UserInputError } from '../../errors/index.js';
import { parseRowId } from '../common/ids.js';
import { RunStatus, type DatasetStore, type RunStore, type TrainingRunRecord } from '../ports.js';
import type { ScenarioService } from '../scenarios/scenario.service.js';

export interface ForecastExplanation extends PointExplanation {
  readonly runId: string;
  readonly datasetId: string;
  readonly model: string;
}

/** The engine's explain module, imported on the first explanation (not when the API starts). */
let engine: Promise<typeof ExplainMaths> | undefined;

/**
 * A run whose stored model the engine cannot restore (a stand-in or foreign model: its artefact
 * names no format) cannot be re-run per driver: BAD_USER_INPUT with `reason: MODEL_NOT_EXPLAINABLE`,
 * naming the run, its model and the fix (the engine's own message spoke of artefact formats).
 */
export function notExplainable(run: Pick<TrainingRunRecord, 'id' | 'model' | 'chosenModel'>): DomainError {
  const model = run.chosenModel ?? run.model;
  return new DomainError(
    ErrorCode.BAD_USER_INPUT,
    `Training run ${run.id} forecast with model "${model}", whose stored model ForecastQL cannot restore, so its forecast points cannot be explained. Train again with one of ForecastQL's models (auto, mlp or gbm learn drivers), then ask again; the run's global feature importance still applies.`,
    { reason: 'MODEL_NOT_EXPLAINABLE', runId: String(run.id), model },
  );
}

export class ExplanationService {
  constructor(
    private readonly runs: RunStore,
    private readonly datasets: DatasetStore,
    private readonly scenarios: ScenarioService,
  ) {}

  async explain(tenantId: number, runId: string, seriesId: string, date: string): Promise<ForecastExplanation> {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) {
      throw new UserInputError(`Date "${date}" is not an ISO date (YYYY-MM-DD).`, { argument: 'date', value: date });
    }
    const run = await this.runs.get(tenantId, parseRowId('TrainingRun', runId));
    if (!run) throw new NotFoundError('TrainingRun', runId);
    if (run.status !== RunStatus.SUCCEEDED) {
      throw new UserInputError(
        `Training run ${runId} is ${run.status}; only a SUCCEEDED run's forecast is explained.`,
        {
          runId,
        },
      );
    }
    const dataset = await this.datasets.get(tenantId, run.datasetId);
    if (!dataset) throw new NotFoundError('TrainingRun', runId);
    const ctx = await this.scenarios.seriesContext(tenantId, dataset, run, seriesId, notExplainable);
    engine ??= import('../../forecasting/explain.js');
    const e = await engine;
    const r = await e.explainPoint(ctx.model, ctx.panel, seriesId, date, {
      inputs: ctx.inputs,
      distribution: ctx.distribution,
    });
    return { ...r, runId: String(run.id), datasetId: String(dataset.id), model: run.chosenModel ?? run.model };
  }
}
