import { resolveLocale, type WidgetLocale } from '../internal/i18n.js';

/** Texts of `<fq-alerts>` (kept beside the widget; the shared catalogue is `internal/i18n.ts`). */
export interface AlertsMessages {
  readonly title: string;
  readonly openCount: (count: string) => string;
  readonly kind: Readonly<Record<'OUTLIER' | 'RUN' | 'STOCK_OUT', string>>;
  readonly direction: Readonly<Record<'ABOVE' | 'BELOW', string>>;
  readonly severity: Readonly<Record<'CRITICAL' | 'WARNING', string>>;
  readonly dates: (from: string, to: string) => string;
  readonly actualVsBand: (actual: string, p10: string, p90: string) => string;
  readonly stockoutRisk: (probability: string) => string;
  readonly acknowledge: string;
  readonly acknowledged: string;
  readonly acknowledgeLabel: (series: string) => string;
  readonly forbidden: string;
  readonly showSeries: (series: string) => string;
  readonly empty: string;
  readonly errorTitle: string;
}

const en: AlertsMessages = {
  title: 'Alerts',
  openCount: (count) => `${count} open`,
  kind: { OUTLIER: 'Outlier', RUN: 'Run of days', STOCK_OUT: 'Stock-out risk' },
  direction: { ABOVE: 'above the forecast', BELOW: 'below the forecast' },
  severity: { CRITICAL: 'Critical', WARNING: 'Warning' },
  dates: (from, to) => (from === to ? from : `${from} – ${to}`),
  actualVsBand: (actual, p10, p90) => `sold ${actual}, expected ${p10}–${p90}`,
  stockoutRisk: (probability) => `${probability} chance of a stock-out before the next delivery`,
  acknowledge: 'Acknowledge',
  acknowledged: 'Acknowledged',
  acknowledgeLabel: (series) => `Acknowledge the alert on ${series}`,
  forbidden: 'This key may read alerts but not acknowledge them.',
  showSeries: (series) => `Show ${series}`,
  empty: 'No alerts: sales are within the forecast.',
  errorTitle: 'Could not load the alerts',
};

const zhCN: AlertsMessages = {
  title: '预警',
  openCount: (count) => `${count} 条未处理`,
  kind: { OUTLIER: '异常值', RUN: '连续偏离', STOCK_OUT: '缺货风险' },
  direction: { ABOVE: '高于预测', BELOW: '低于预测' },
  severity: { CRITICAL: '严重', WARNING: '警告' },
  dates: (from, to) => (from === to ? from : `${from} 至 ${to}`),
  actualVsBand: (actual, p10, p90) => `实际销量 ${actual}，预期 ${p10}–${p90}`,
  stockoutRisk: (probability) => `下次到货前缺货概率 ${probability}`,
  acknowledge: '确认',
  acknowledged: '已确认',
  acknowledgeLabel: (series) => `确认 ${series} 的预警`,
  forbidden: '此密钥只能查看预警，不能确认。',
  showSeries: (series) => `查看 ${series}`,
  empty: '没有预警：销量均在预测范围内。',
  errorTitle: '无法加载预警',
};

const catalog: Readonly<Record<WidgetLocale, AlertsMessages>> = { en, 'zh-CN': zhCN };

export function alertsMessagesFor(locale: string | null | undefined): AlertsMessages {
  return catalog[resolveLocale(locale)];
}
