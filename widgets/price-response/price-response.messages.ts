import { resolveLocale, type WidgetLocale } from '../internal/i18n.js';

/** Texts of `<fq-price-response>` (kept beside the widget; the shared catalogue is `internal/i18n.ts`). */
export interface PriceResponseMessages {
  readonly title: (series: string) => string;
  readonly pickSeries: string;
  readonly days: string;
  readonly promotionDays: string;
  readonly modelCurve: string;
  readonly historyCurve: string;
  readonly price: string;
  readonly unitsPerDay: string;
  readonly fromModel: (current: string) => string;
  readonly fromHistory: string;
  readonly noPrice: string;
  readonly chartLabel: (series: string, days: string) => string;
  readonly errorTitle: string;
}

const en: PriceResponseMessages = {
  title: (series) => `Price against units: ${series}`,
  pickSeries: 'Pick a product to see how its sales follow its price.',
  days: 'Days',
  promotionDays: 'Promotion days',
  modelCurve: 'Expected units at this price (model)',
  historyCurve: 'Typical units at this price (history)',
  price: 'Price',
  unitsPerDay: 'Units a day',
  fromModel: (current) => `The line is the trained model's forecast at other prices, around today's ${current}.`,
  fromHistory: 'No model yet: the line is the median of past days at each price (promotion days left out).',
  noPrice: 'This product has no price in its history.',
  chartLabel: (series, days) =>
    `Scatter of ${days} days of ${series}: price against units sold, with the response line`,
  errorTitle: 'Could not load price and units',
};

const zhCN: PriceResponseMessages = {
  title: (series) => `价格与销量：${series}`,
  pickSeries: '选择一个商品，查看其销量如何随价格变化。',
  days: '每日',
  promotionDays: '促销日',
  modelCurve: '该价格下的预期销量（模型）',
  historyCurve: '该价格下的典型销量（历史）',
  price: '价格',
  unitsPerDay: '日销量',
  fromModel: (current) => `曲线为训练好的模型在其他价格下的预测（当前价格 ${current}）。`,
  fromHistory: '尚无模型：曲线为历史上各价格日销量的中位数（不含促销日）。',
  noPrice: '该商品的历史中没有价格。',
  chartLabel: (series, days) => `${series} 的 ${days} 天散点图：价格与销量，以及响应曲线`,
  errorTitle: '无法加载价格与销量',
};

const catalog: Readonly<Record<WidgetLocale, PriceResponseMessages>> = { en, 'zh-CN': zhCN };

export function priceResponseMessagesFor(locale: string | null | undefined): PriceResponseMessages {
  return catalog[resolveLocale(locale)];
}
