/**
 * A series' price against its units sold (issue 19 item 3, what `<fq-price-response>` scatters):
 * each day's price and units, promotions marked, the price in force when the forecast starts and
 * the forecast's length (to read `priceResponse` totals per day), and a curve from history alone.
 */
import { NotFoundError, UserInputError } from '../../errors/index.js';
import type { DatasetRecord, ForecastStore } from '../ports.js';
import type { ForecastService } from '../forecasts/forecast.service.js';
import { priceCovariate, pricesOn, shiftDays } from './headline.js';
import type { CovariateSource } from './headline.service.js';
import { historyResponse, pricePoints, type PricePoint, type ResponseBin } from './price-history.js';

/** Days of history shown when `from` is omitted. */
export const DEFAULT_PRICE_HISTORY_DAYS = 365;

export interface PriceHistoryRequest {
  readonly seriesId: string;
  readonly covariate?: string | null | undefined;
  readonly from?: string | null | undefined;
  readonly to?: string | null | undefined;
}

export interface PriceHistoryView {
  readonly seriesId: string;
  readonly covariate: string;
  readonly promotionCovariate: string | null;
  readonly from: string | null;
  readonly to: string | null;
  readonly points: PricePoint[];
  /** The price in force on the forecast's first date (planned, else the last seen); null without one. */
  readonly currentPrice: number | null;
  /** Dates of the latest succeeded run's forecast of this series; null without a run. */
  readonly forecastDays: number | null;
  /** Median units a day per price bin, days without a promotion (history alone). */
  readonly historyCurve: ResponseBin[];
}

export class PriceHistoryService {
  constructor(
    private readonly forecasts: ForecastStore,
    private readonly forecastViews: ForecastService,
    private readonly covariates: CovariateSource,
  ) {}

  async priceHistory(tenantId: number, dataset: DatasetRecord, req: PriceHistoryRequest): Promise<PriceHistoryView> {
    const names = dataset.covariates.map((c) => c.name);
    const covariate = req.covariate ?? priceCovariate(dataset.covariates);
    if (!covariate || !names.includes(covariate)) {
      throw new UserInputError(
        covariate
          ? `Covariate "${covariate}" is not in dataset "${dataset.name}" (it has: ${names.join(', ') || 'none'}); name its price column.`
          : `Dataset "${dataset.name}" has no price covariate (it has: ${names.join(', ') || 'none'}); import a \`price\` column or name one with \`covariate\`.`,
        { argument: 'covariate', value: covariate ?? null, available: names },
      );
    }
    const id = await this.forecasts.seriesIdByKey(tenantId, dataset.id, req.seriesId);
    if (id === undefined) throw new NotFoundError('Series', req.seriesId);
    const to = req.to ?? dataset.lastDate ?? undefined;
    const from = req.from ?? (to ? shiftDays(to, -(DEFAULT_PRICE_HISTORY_DAYS - 1)) : undefined);
    if (from && to && from > to) {
      throw new UserInputError(`\`from\` ${from} is after \`to\` ${to}; swap them or drop one.`, { from, to });
    }
    const promotionCovariate = names.find((n) => /promo/i.test(n)) ?? null;
    const run = await this.forecastViews.resolveRun(tenantId, dataset, null);
    const rows = run ? await this.forecasts.forSucceededRun(tenantId, run.id, [id]) : [];
    const forecastStart = rows.reduce<string | undefined>(
      (m, r) => (m === undefined || r.date < m ? r.date : m),
      undefined,
    );
    const forecastEnd = rows.reduce<string | undefined>(
      (m, r) => (m === undefined || r.date > m ? r.date : m),
      undefined,
    );
    // Prices from 91 days before the range (the price in force on its first day) through the forecast.
    const priceRange = { from: from ? shiftDays(from, -91) : undefined, to: forecastEnd ?? to };
    const [actuals, prices, promotions] = await Promise.all([
      this.forecasts.actualsForSeries(tenantId, [id], { from, to }),
      this.covariates.covariateValues(tenantId, [id], covariate, priceRange),
      promotionCovariate ? this.covariates.covariateValues(tenantId, [id], promotionCovariate, { from, to }) : [],
    ]);
    const points = pricePoints(actuals, prices, promotions);
    const at = forecastStart ?? (dataset.lastDate ? shiftDays(dataset.lastDate, 1) : undefined);
    const currentPrice = at ? (pricesOn(prices, [{ seriesId: id, date: at }]).get(`${id}|${at}`) ?? null) : null;
    return {
      seriesId: req.seriesId,
      covariate,
      promotionCovariate,
      from: from ?? null,
      to: to ?? null,
      points,
      currentPrice,
      forecastDays: run ? new Set(rows.map((r) => r.date)).size : null,
      historyCurve: historyResponse(points),
    };
  }
}
