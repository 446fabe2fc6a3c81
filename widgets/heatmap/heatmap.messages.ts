import { resolveLocale, type WidgetLocale } from '../internal/i18n.js';

/** Texts of `<fq-heatmap>` (kept beside the widget; the shared catalogue is `internal/i18n.ts`). */
export interface HeatmapMessages {
  readonly weekdayTitle: (subject: string) => string;
  readonly driversTitle: string;
  readonly weekdayCaption: string;
  readonly driversCaption: (shown: string, total: string) => string;
  readonly weekOf: string;
  readonly weekday: string;
  readonly series: string;
  readonly actual: string;
  readonly forecast: string;
  readonly noData: string;
  readonly allSeries: string;
  readonly errorTitle: string;
  readonly low: string;
  readonly high: string;
}

const en: HeatmapMessages = {
  weekdayTitle: (subject) => `Sales by weekday: ${subject}`,
  driversTitle: 'What drives each product',
  weekdayCaption: 'Units per day, week by week; dashed cells are the forecast (median).',
  driversCaption: (shown, total) =>
    `Share of each product's forecast explained by each driver (${shown} of ${total} products).`,
  weekOf: 'Week of',
  weekday: 'Weekday',
  series: 'Product',
  actual: 'sold',
  forecast: 'forecast',
  noData: 'no data',
  allSeries: 'all products',
  errorTitle: 'Could not load the heatmap',
  low: 'Low',
  high: 'High',
};

const zhCN: HeatmapMessages = {
  weekdayTitle: (subject) => `按星期的销量：${subject}`,
  driversTitle: '各商品的预测驱动因素',
  weekdayCaption: '每日销量，逐周排列；虚线格为预测（中位数）。',
  driversCaption: (shown, total) => `各因素对每个商品预测的影响占比（显示 ${total} 个商品中的 ${shown} 个）。`,
  weekOf: '周起始',
  weekday: '星期',
  series: '商品',
  actual: '实际',
  forecast: '预测',
  noData: '无数据',
  allSeries: '全部商品',
  errorTitle: '无法加载热力图',
  low: '低',
  high: '高',
};

const catalog: Readonly<Record<WidgetLocale, HeatmapMessages>> = { en, 'zh-CN': zhCN };

export function heatmapMessagesFor(locale: string | null | undefined): HeatmapMessages {
  return catalog[resolveLocale(locale)];
}
