import { resolveLocale, type WidgetLocale } from '../internal/i18n.js';

/** Texts of `<fq-explanation>` (kept beside the widget; the shared catalogue is `internal/i18n.ts`). */
export interface ExplanationMessages {
  readonly title: string;
  readonly subject: (series: string, date: string) => string;
  readonly pickPoint: string;
  readonly forecast: (value: string, measure: string) => string;
  readonly mean: string;
  readonly median: string;
  readonly listLabel: string;
  readonly raised: (amount: string) => string;
  readonly lowered: (amount: string) => string;
  readonly noEffect: string;
  readonly noDrivers: string;
  readonly noRun: string;
  readonly basis: (model: string) => string;
  readonly errorTitle: string;
}

const en: ExplanationMessages = {
  title: 'Why this forecast?',
  subject: (series, date) => `${series}, ${date}`,
  pickPoint: 'Pick a product and a forecast day (or a point of the chart) to see what moved its forecast.',
  forecast: (value, measure) => `Forecast: ${value} units (${measure})`,
  mean: 'expected',
  median: 'median',
  listLabel: 'What moved the forecast, in units',
  raised: (amount) => `raised it by ${amount}`,
  lowered: (amount) => `lowered it by ${amount}`,
  noEffect: 'no effect',
  noDrivers: 'No driver moved this forecast.',
  noRun: 'No forecast yet: train a model first.',
  basis: (model) => `Each driver set to its usual value and the ${model} model asked again; effects need not add up.`,
  errorTitle: 'Could not explain this forecast',
};

const zhCN: ExplanationMessages = {
  title: '为什么是这个预测？',
  subject: (series, date) => `${series}，${date}`,
  pickPoint: '选择一个商品和预测日期（或点击图表上的一个点），查看是什么影响了它的预测。',
  forecast: (value, measure) => `预测：${value} 件（${measure}）`,
  mean: '期望值',
  median: '中位数',
  listLabel: '影响预测的因素（件）',
  raised: (amount) => `使预测增加 ${amount}`,
  lowered: (amount) => `使预测减少 ${amount}`,
  noEffect: '无影响',
  noDrivers: '没有因素影响这个预测。',
  noRun: '暂无预测：请先训练模型。',
  basis: (model) => `把每个因素设为常规值后让 ${model} 模型重新预测；各项影响不一定相加等于总数。`,
  errorTitle: '无法解释这个预测',
};

const catalog: Readonly<Record<WidgetLocale, ExplanationMessages>> = { en, 'zh-CN': zhCN };

export function explanationMessagesFor(locale: string | null | undefined): ExplanationMessages {
  return catalog[resolveLocale(locale)];
}
