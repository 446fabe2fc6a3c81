import { resolveLocale, type WidgetLocale } from '../internal/i18n.js';

/** Texts of `<fq-scenario>` (kept beside the widget; the shared catalogue is `internal/i18n.ts`). */
export interface ScenarioMessages {
  readonly title: string;
  readonly series: string;
  readonly seriesHint: string;
  readonly covariate: string;
  readonly change: string;
  readonly changeValue: (percent: string) => string;
  readonly baseline: string;
  readonly scenario: string;
  readonly range: (label: string) => string;
  readonly units: string;
  readonly revenue: string;
  readonly summary: (covariate: string, percent: string, units: string, unitsPercent: string) => string;
  readonly revenueSummary: (difference: string) => string;
  readonly noSeries: string;
  readonly errorTitle: string;
  readonly warnings: string;
  readonly tableCaption: string;
  readonly date: string;
  readonly difference: string;
}

const en: ScenarioMessages = {
  title: 'What if…',
  series: 'Product',
  seriesHint: 'Series id',
  covariate: 'Change',
  change: 'By',
  changeValue: (percent) => percent,
  baseline: 'As planned',
  scenario: 'What if',
  range: (label) => `${label}: likely range`,
  units: 'Units',
  revenue: 'Revenue',
  summary: (covariate, percent, units, unitsPercent) =>
    `${covariate} ${percent}: ${units} units over the forecast (${unitsPercent}).`,
  revenueSummary: (difference) => `Revenue ${difference}.`,
  noSeries: 'Pick a product to see what a change would do.',
  errorTitle: 'Could not answer this scenario',
  warnings: 'Good to know',
  tableCaption: 'Forecast as planned and with the change, by date',
  date: 'Date',
  difference: 'Difference',
};

const zhCN: ScenarioMessages = {
  title: '假设分析',
  series: '商品',
  seriesHint: '序列编号',
  covariate: '调整',
  change: '幅度',
  changeValue: (percent) => percent,
  baseline: '按计划',
  scenario: '调整后',
  range: (label) => `${label}：可能区间`,
  units: '销量',
  revenue: '销售额',
  summary: (covariate, percent, units, unitsPercent) =>
    `${covariate} ${percent}：预测期内销量 ${units}（${unitsPercent}）。`,
  revenueSummary: (difference) => `销售额 ${difference}。`,
  noSeries: '选择一个商品，查看调整带来的变化。',
  errorTitle: '无法计算该假设情景',
  warnings: '提示',
  tableCaption: '按计划与调整后的预测（按日期）',
  date: '日期',
  difference: '差异',
};

const catalog: Readonly<Record<WidgetLocale, ScenarioMessages>> = { en, 'zh-CN': zhCN };

export function scenarioMessagesFor(locale: string | null | undefined): ScenarioMessages {
  return catalog[resolveLocale(locale)];
}
