import { resolveLocale, type WidgetLocale } from '../internal/i18n.js';

/** Texts of `<fq-kpis>` (kept beside the widget; the shared catalogue is `internal/i18n.ts`). */
export interface KpiMessages {
  readonly title: (weeks: string) => string;
  readonly subject: (subject: string) => string;
  readonly allSeries: string;
  readonly units: string;
  readonly revenue: string;
  readonly likelyRange: (low: string, high: string) => string;
  readonly vsLastYear: string;
  readonly vsLastPeriod: string;
  readonly up: string;
  readonly down: string;
  readonly flat: string;
  readonly was: (value: string) => string;
  readonly partial: string;
  readonly priced: (count: string, of: string) => string;
  readonly period: (from: string, to: string) => string;
  readonly noForecast: string;
  readonly errorTitle: string;
}

const en: KpiMessages = {
  title: (weeks) => `Next ${weeks}`,
  subject: (subject) => `for ${subject}`,
  allSeries: 'all products',
  units: 'Units',
  revenue: 'Revenue',
  likelyRange: (low, high) => `likely ${low} – ${high}`,
  vsLastYear: 'vs same period last year',
  vsLastPeriod: 'vs the period before',
  up: 'up',
  down: 'down',
  flat: 'about the same',
  was: (value) => `was ${value}`,
  partial: 'partial: history covers only part of it',
  priced: (count, of) => `Revenue of the ${count} of ${of} products with a known price.`,
  period: (from, to) => `${from} – ${to}`,
  noForecast: 'No forecast yet: start a training run to see the coming weeks.',
  errorTitle: 'Could not load the headline numbers',
};

const zhCN: KpiMessages = {
  title: (weeks) => `未来 ${weeks}`,
  subject: (subject) => `（${subject}）`,
  allSeries: '全部商品',
  units: '销量',
  revenue: '销售额',
  likelyRange: (low, high) => `可能区间 ${low} – ${high}`,
  vsLastYear: '较去年同期',
  vsLastPeriod: '较上一周期',
  up: '上升',
  down: '下降',
  flat: '基本持平',
  was: (value) => `当时 ${value}`,
  partial: '不完整：历史数据只覆盖部分时段',
  priced: (count, of) => `销售额只计入 ${of} 个商品中有价格的 ${count} 个。`,
  period: (from, to) => `${from} 至 ${to}`,
  noForecast: '暂无预测：开始训练后即可查看未来几周。',
  errorTitle: '无法加载核心指标',
};

const catalog: Readonly<Record<WidgetLocale, KpiMessages>> = { en, 'zh-CN': zhCN };

export function kpiMessagesFor(locale: string | null | undefined): KpiMessages {
  return catalog[resolveLocale(locale)];
}

/** "4 weeks" / "4 周" in the locale's words. */
export function weeksText(locale: string, weeks: number): string {
  return new Intl.NumberFormat(resolveLocale(locale), { style: 'unit', unit: 'week', unitDisplay: 'long' }).format(
    weeks,
  );
}
