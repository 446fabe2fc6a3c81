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
import { NotFoundError, UserInputError } from '../../errors/index.js';
import { parseRowId } from '../common/ids.js';
import { RunStatus, type DatasetStore, type RunStore } from '../ports.js';
import type { ScenarioService } from '../scenarios/scenario.service.js';

export interface ForecastExplanation extends PointExplanation {
  readonly runId: string;
  readonly datasetId: string;
  readonly model: string;
}

/** The engine's explain module, imported on the first explanation (not when the API starts). */
let engine: Promise<typeof ExplainMaths> | undefined;

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
    const ctx = await this.scenarios.seriesContext(tenantId, dataset, run, seriesId);
    engine ??= import('../../forecasting/explain.js');
    const e = await engine;
    const r = await e.explainPoint(ctx.model, ctx.panel, seriesId, date, {
      inputs: ctx.inputs,
      distribution: ctx.distribution,
    });
    return { ...r, runId: String(run.id), datasetId: String(dataset.id), model: run.chosenModel ?? run.model };
  }
}
