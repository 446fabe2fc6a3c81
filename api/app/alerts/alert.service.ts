/**
 * Alerts (issue 18 item 3): after each import or sync the newly arrived actuals are compared with
 * the latest SUCCEEDED run's stored p10–p90 band (`detectBreaches`, api/forecasting/alerts.ts);
 * each breach is recorded once (`AlertStore.record`), and only a breach recorded for the first
 * time is published on the alert bus (`alertRaised`) and queued to the tenant's webhooks. Stock-outs
 * that the stock plan predicts (`StockOutSource`) become alerts the same way.
 *
 * `AlertDetector` acts for the system (after an import, for that import's tenant); `AlertService`
 * is what a caller's access scope may read and do.
 */
import { ForbiddenError, NotFoundError, UserInputError } from '../../errors/index.js';
import {
  DEFAULT_ALERT_RULES,
  detectBreaches,
  type AlertRules,
  type BandPoint,
  type Breach,
} from '../../forecasting/alerts.js';
import { toPageRequest, type Page } from '../common/cursor.js';
import { parseRowId } from '../common/ids.js';
import type { DatasetStore, ForecastRecord, ForecastStore, RunStore } from '../ports.js';
import { Role, canReadDataset, type AccessScope } from '../scope.js';
import {
  ALERT_RAISED,
  AlertStatus,
  type ActualsArrived,
  type AlertEventBus,
  type AlertRecord,
  type AlertStore,
  type NewAlert,
  type StockOutSource,
} from './ports.js';
import type { WebhookDispatcher } from './webhook.service.js';

/** Series read per statement while checking a dataset. */
const SERIES_CHUNK = 500;
/** Stock-out probability from which a predicted stock-out is an alert. */
export const DEFAULT_STOCK_OUT_PROBABILITY = 0.5;

/** The value of quantile level `level` in a forecast row, or undefined. */
function levelValue(row: ForecastRecord, level: number): number | undefined {
  const i = row.levels.findIndex((l) => Math.abs(l - level) < 1e-9);
  return i < 0 ? undefined : row.values[i];
}

const fmt = (v: number): string => (Number.isInteger(v) ? String(v) : v.toFixed(2));

/** The one-line text of a breach, naming series, dates, actual and band. */
export function breachMessage(seriesKey: string, b: Breach): string {
  const side = b.direction === 'ABOVE' ? 'above' : 'below';
  const band = (p: { p10: number; p90: number }) => `${fmt(p.p10)}–${fmt(p.p90)}`;
  if (b.kind === 'OUTLIER') {
    return `${seriesKey} sold ${fmt(b.worst.actual)} on ${b.from}, far ${side} the forecast's p10–p90 band ${band(b.worst)}.`;
  }
  return `${seriesKey} sold ${side} the forecast's p10–p90 band on ${b.points.length} days in a row, ${b.from} to ${b.to} (e.g. ${fmt(b.worst.actual)} on ${b.worst.date}, band ${band(b.worst)}).`;
}

export interface AlertDetectorDeps {
  readonly alerts: AlertStore;
  readonly runs: RunStore;
  readonly forecasts: ForecastStore;
  readonly bus: AlertEventBus;
  readonly dispatcher: WebhookDispatcher;
  readonly rules?: AlertRules;
  /** The stock plan's predicted stock-outs; absent until that use-case is wired. */
  readonly stockOuts?: StockOutSource | undefined;
  readonly stockOutProbability?: number;
}

export class AlertDetector {
  private readonly rules: AlertRules;

  constructor(private readonly deps: AlertDetectorDeps) {
    this.rules = deps.rules ?? DEFAULT_ALERT_RULES;
  }

  /** The arrivals listener: checks the dataset that changed. */
  readonly onArrival = async (event: ActualsArrived): Promise<void> => {
    if (event.cause === 'stock') await this.checkStockOuts(event.tenantId, event.datasetId);
    else await this.check(event.tenantId, event.datasetId);
  };

  /**
   * Compares the dataset's actuals within the latest SUCCEEDED run's forecast window with its
   * band, records every breach, and raises (publishes, sends) the new ones. Returns the alerts
   * raised now (none when everything was already recorded).
   */
  async check(tenantId: number, datasetId: number): Promise<AlertRecord[]> {
    const raised: AlertRecord[] = [];
    const run = await this.deps.runs.latestSucceeded(tenantId, datasetId);
    if (run) {
      const span = await this.deps.forecasts.dateSpan(tenantId, run.id);
      if (span) {
        const keys = await this.deps.forecasts.seriesIdsByKey(tenantId, datasetId);
        const keyOf = new Map([...keys].map(([k, id]) => [id, k]));
        const ids = [...keyOf.keys()].toSorted((a, b) => a - b);
        const range = { from: span.first, to: span.last };
        for (let i = 0; i < ids.length; i += SERIES_CHUNK) {
          const chunk = ids.slice(i, i + SERIES_CHUNK);
          const actuals = await this.deps.forecasts.actualsForSeries(tenantId, chunk, range);
          const known = new Map<string, number>();
          for (const a of actuals) if (a.value !== null) known.set(`${a.seriesId}|${a.date}`, a.value);
          if (known.size === 0) continue;
          const rows = await this.deps.forecasts.forSeries(tenantId, run.id, chunk, range);
          const bySeries = new Map<number, BandPoint[]>();
          for (const r of rows) {
            const p10 = levelValue(r, 0.1);
            const p50 = levelValue(r, 0.5);
            const p90 = levelValue(r, 0.9);
            if (p10 === undefined || p50 === undefined || p90 === undefined) continue;
            let list = bySeries.get(r.seriesId);
            if (!list) bySeries.set(r.seriesId, (list = []));
            list.push({ date: r.date, actual: known.get(`${r.seriesId}|${r.date}`) ?? null, p10, p50, p90 });
          }
          for (const [seriesId, points] of bySeries) {
            for (const b of detectBreaches(points, this.rules)) {
              const alert = await this.record(tenantId, {
                datasetId,
                seriesId,
                runId: run.id,
                kind: b.kind,
                direction: b.direction,
                severity: b.severity,
                fromDate: b.from,
                toDate: b.to,
                actual: b.worst.actual,
                p10: b.worst.p10,
                p50: b.worst.p50,
                p90: b.worst.p90,
                points: b.points,
                probability: null,
                message: breachMessage(keyOf.get(seriesId) ?? String(seriesId), b),
              });
              if (alert) raised.push(alert);
            }
          }
        }
      }
    }
    raised.push(...(await this.checkStockOuts(tenantId, datasetId)));
    return raised;
  }

  /** Predicted stock-outs of the stock plan, once per series and delivery window. */
  async checkStockOuts(tenantId: number, datasetId: number): Promise<AlertRecord[]> {
    if (!this.deps.stockOuts) return [];
    const threshold = this.deps.stockOutProbability ?? DEFAULT_STOCK_OUT_PROBABILITY;
    const raised: AlertRecord[] = [];
    const found = await this.deps.stockOuts.predictedStockOuts(tenantId, datasetId, threshold);
    if (found.length === 0) return raised;
    const keys = await this.deps.forecasts.seriesIdsByKey(tenantId, datasetId);
    const keyOf = new Map([...keys].map(([k, id]) => [id, k]));
    for (const s of found) {
      const key = keyOf.get(s.seriesId) ?? String(s.seriesId);
      const pct = Math.round(s.probability * 100);
      const alert = await this.record(tenantId, {
        datasetId,
        seriesId: s.seriesId,
        runId: s.runId,
        kind: 'STOCK_OUT',
        direction: null,
        severity: s.probability >= 0.9 ? 'CRITICAL' : 'WARNING',
        fromDate: s.fromDate,
        toDate: s.toDate,
        actual: s.onHand,
        p10: null,
        p50: null,
        p90: null,
        points: [],
        probability: s.probability,
        message: `${key}: ${pct} % chance of a stock-out before the next delivery (${s.fromDate} to ${s.toDate})${s.onHand === null ? '' : `, ${fmt(s.onHand)} on hand`}.`,
      });
      if (alert) raised.push(alert);
    }
    return raised;
  }

  /** Records a breach; when it is new, publishes it and queues it to the tenant's webhooks. */
  private async record(tenantId: number, alert: NewAlert): Promise<AlertRecord | undefined> {
    const { alert: stored, raised } = await this.deps.alerts.record(tenantId, alert);
    if (!raised) return undefined;
    this.deps.bus.publish(ALERT_RAISED, tenantId, stored);
    await this.deps.dispatcher.enqueueAlert(stored);
    return stored;
  }
}

/** The alert use-cases of one access scope: list, acknowledge, follow. */
export class AlertService {
  constructor(
    private readonly scope: AccessScope,
    private readonly alerts: AlertStore,
    private readonly datasets: DatasetStore,
    private readonly bus: AlertEventBus,
  ) {}

  /** Alerts of a dataset (or of every dataset the scope reads), newest first. */
  async list(args: {
    datasetId?: string | null | undefined;
    status?: AlertStatus | null | undefined;
    first?: number | null | undefined;
    after?: string | null | undefined;
  }): Promise<Page<AlertRecord>> {
    const page = toPageRequest(args.first, args.after);
    const datasetIds = await this.datasetFilter(args.datasetId);
    if (datasetIds !== undefined && datasetIds.length === 0) return { items: [], totalCount: 0, offset: page.offset };
    const status = args.status ?? undefined;
    if (status !== undefined && !Object.values(AlertStatus).includes(status)) {
      throw new UserInputError(`Alert status "${String(status)}" is not one of OPEN, ACKNOWLEDGED.`, {
        argument: 'status',
      });
    }
    const { items, totalCount } = await this.alerts.list(this.scope.tenantId, { datasetIds, status }, page);
    return { items, totalCount, offset: page.offset };
  }

  /** An alert the scope may read, or undefined. */
  async get(id: string): Promise<AlertRecord | undefined> {
    if (!/^[1-9]\d{0,14}$/.test(id)) return undefined;
    const alert = await this.alerts.get(this.scope.tenantId, Number(id));
    return alert && canReadDataset(this.scope, alert.datasetId) ? alert : undefined;
  }

  /** Marks an alert ACKNOWLEDGED (admin only); acknowledging again changes nothing. */
  async acknowledge(id: string): Promise<AlertRecord> {
    if (this.scope.role !== Role.ADMIN) {
      throw new ForbiddenError('This credential is read-only: it cannot acknowledge alerts. Use an admin API key.');
    }
    const rowId = parseRowId('Alert', id);
    const alert = await this.get(String(rowId));
    if (!alert) throw new NotFoundError('Alert', id);
    return (await this.alerts.acknowledge(this.scope.tenantId, rowId, new Date())) ?? alert;
  }

  /** Alerts as they are raised (of one dataset, or of every dataset the scope reads). */
  async follow(datasetId?: string | null): Promise<AsyncIterableIterator<AlertRecord>> {
    const ids = await this.datasetFilter(datasetId);
    const source = this.bus.subscribe(ALERT_RAISED, this.scope.tenantId);
    // A pub/sub iterator listens from its first `next()`: ask for the first alert now, so that
    // none raised between this call and the client's first read is lost.
    let first: Promise<IteratorResult<AlertRecord>> | undefined = source.next();
    const keep = (a: AlertRecord): boolean => (ids === undefined ? true : ids.includes(a.datasetId));
    const iterator: AsyncIterableIterator<AlertRecord> = {
      async next() {
        for (;;) {
          const pending = first ?? source.next();
          first = undefined;
          const r = await pending;
          if (r.done || keep(r.value)) return r;
        }
      },
      async return() {
        await source.return?.();
        return { done: true, value: undefined };
      },
      [Symbol.asyncIterator]() {
        return iterator;
      },
    };
    return iterator;
  }

  /** undefined: every dataset of the tenant; otherwise the dataset ids to keep (NOT_FOUND for one out of reach). */
  private async datasetFilter(datasetId: string | null | undefined): Promise<number[] | undefined> {
    if (datasetId !== null && datasetId !== undefined) {
      const id = parseRowId('Dataset', datasetId);
      const dataset = canReadDataset(this.scope, id) ? await this.datasets.get(this.scope.tenantId, id) : undefined;
      if (!dataset) throw new NotFoundError('Dataset', datasetId);
      return [id];
    }
    return this.scope.datasetIds === null ? undefined : [...this.scope.datasetIds];
  }
}
