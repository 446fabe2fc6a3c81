import { resolveLocale, type WidgetLocale } from '../internal/i18n.js';

/** Texts of `<fq-stock-plan>` (kept beside the widget; the shared catalogue is `internal/i18n.ts`). */
export interface StockPlanMessages {
  readonly title: string;
  readonly caption: (count: string, level: string) => string;
  readonly product: string;
  readonly onHand: string;
  readonly daysOfCover: string;
  readonly stockout: string;
  readonly reorderPoint: string;
  readonly orderUpTo: string;
  readonly suggestedOrder: string;
  readonly sortBy: (column: string) => string;
  readonly urgency: Readonly<Record<'critical' | 'order' | 'ok' | 'unknown', string>>;
  readonly days: (days: string) => string;
  readonly noDemand: string;
  readonly noStock: string;
  readonly onOrder: (units: string) => string;
  readonly noForecast: string;
  readonly empty: string;
  readonly errorTitle: string;
}

const en: StockPlanMessages = {
  title: 'What to reorder',
  caption: (count, level) => `${count} products, most urgent first, at a ${level} service level`,
  product: 'Product',
  onHand: 'On hand',
  daysOfCover: 'Days of cover',
  stockout: 'Stock-out risk',
  reorderPoint: 'Reorder point',
  orderUpTo: 'Order up to',
  suggestedOrder: 'Order now',
  sortBy: (column) => `Sort by ${column}`,
  urgency: { critical: 'Reorder now', order: 'Order due', ok: 'Enough stock', unknown: 'No stock level' },
  days: (days) => `${days} d`,
  noDemand: 'no demand expected',
  noStock: 'not set',
  onOrder: (units) => `+${units} on order`,
  noForecast: 'No forecast yet: start a training run to plan stock.',
  empty: 'No products to plan.',
  errorTitle: 'Could not load the stock plan',
};

const zhCN: StockPlanMessages = {
  title: '补货建议',
  caption: (count, level) => `${count} 个商品，按紧急程度排序，服务水平 ${level}`,
  product: '商品',
  onHand: '现有库存',
  daysOfCover: '可售天数',
  stockout: '缺货风险',
  reorderPoint: '再订货点',
  orderUpTo: '补货上限',
  suggestedOrder: '建议订货',
  sortBy: (column) => `按${column}排序`,
  urgency: { critical: '立即补货', order: '需要订货', ok: '库存充足', unknown: '未设置库存' },
  days: (days) => `${days} 天`,
  noDemand: '预计无需求',
  noStock: '未设置',
  onOrder: (units) => `在途 +${units}`,
  noForecast: '暂无预测：开始训练后即可规划库存。',
  empty: '没有需要规划的商品。',
  errorTitle: '无法加载补货建议',
};

const catalog: Readonly<Record<WidgetLocale, StockPlanMessages>> = { en, 'zh-CN': zhCN };

export function stockPlanMessagesFor(locale: string | null | undefined): StockPlanMessages {
  return catalog[resolveLocale(locale)];
}
