/** Locales the widgets ship. Anything else falls back to English. */
export const WIDGET_LOCALES = ['en', 'zh-CN'] as const;
export type WidgetLocale = (typeof WIDGET_LOCALES)[number];

/** Time buckets of the forecast query (GraphQL enum `Bucket`). */
export const BUCKETS = ['DAY', 'WEEK', 'MONTH'] as const;
export type Bucket = (typeof BUCKETS)[number];

/** Every user-visible string of the widgets. */
export interface WidgetMessages {
  readonly loading: string;
  readonly empty: string;
  readonly retry: string;
  readonly errorTitle: string;
  readonly accuracyErrorTitle: string;
  readonly importanceErrorTitle: string;
  readonly runsErrorTitle: string;
  readonly errorByCode: Readonly<Record<string, string>>;
  readonly errorFallback: string;
  readonly missingDataset: string;
  readonly actual: string;
  readonly forecast: string;
  readonly interval: string;
  readonly forecastStart: string;
  readonly holiday: string;
  readonly promotion: string;
  readonly date: string;
  readonly series: string;
  readonly searchSeries: string;
  readonly noSeriesMatch: string;
  readonly view: string;
  readonly singleSeries: string;
  readonly totalAll: string;
  readonly totalBy: (attribute: string) => string;
  readonly bucket: string;
  readonly buckets: Readonly<Record<Bucket, string>>;
  readonly exportLabel: string;
  readonly resetZoom: string;
  readonly chartTitle: (subject: string) => string;
  readonly tableCaption: (subject: string, points: number) => string;
  readonly allSeries: string;
  readonly downsampled: (shown: string, total: string) => string;
  readonly importanceTitle: string;
  readonly importanceCaption: string;
  readonly importanceShare: string;
  readonly driver: string;
  readonly runsTitle: string;
  readonly startRun: string;
  readonly cancelRun: string;
  readonly statuses: Readonly<Record<string, string>>;
  readonly progress: string;
  readonly epoch: (epoch: number) => string;
  readonly noRuns: string;
  readonly started: string;
  readonly model: string;
  readonly status: string;
  readonly metrics: string;
  readonly accuracyTitle: string;
  readonly moreAccurate: (percent: string, baseline: string) => string;
  readonly lessAccurate: (percent: string, baseline: string) => string;
  readonly asAccurate: (baseline: string) => string;
  readonly baselineByFrequency: Readonly<Record<string, string>>;
  readonly coverage: (actual: string, nominal: string) => string;
  readonly accuracyBasis: (metric: string, horizon: string, origins: string) => string;
  readonly noBacktest: string;
  readonly soldSoFar: string;
  readonly noForecastYet: string;
  readonly chartKeyboardLabel: string;
  readonly chartKeyboardHelp: string;
  readonly zoomIn: string;
  readonly zoomOut: string;
  readonly panLeft: string;
  readonly panRight: string;
  readonly showTable: string;
  readonly readOnlyNote: string;
  readonly forbiddenNote: string;
  readonly confirmCancel: (runId: string) => string;
  readonly runWarnings: (count: number) => string;
  readonly keepRunning: string;
  readonly epochOf: (epoch: number, epochs: number | null) => string;
  readonly secondsLeft: (seconds: string) => string;
  readonly phases: Readonly<Record<'queued' | 'starting' | 'training' | 'finishing', string>>;
  readonly autoChose: (model: string) => string;
  readonly chartZoomRange: (from: string, to: string) => string;
  /** ApexCharts datetime formats of the x axis. */
  readonly axisDates: { readonly year: string; readonly month: string; readonly day: string };
}

const en: WidgetMessages = {
  loading: 'Loading…',
  empty: 'No data for this selection yet.',
  retry: 'Try again',
  errorTitle: 'Could not load the forecast',
  accuracyErrorTitle: 'Could not load the forecast accuracy',
  importanceErrorTitle: 'Could not load what drives the forecast',
  runsErrorTitle: 'Could not load the training runs',
  errorByCode: {
    UNAUTHENTICATED: 'The access token is missing, invalid or expired. Ask the shop admin for a new embed token.',
    FORBIDDEN: 'This token may not see this data.',
    NOT_FOUND: 'The dataset, series or run was not found. Check the dataset-id and series attributes.',
    BAD_USER_INPUT: 'The request was not accepted.',
    INSUFFICIENT_HISTORY: 'There is not enough sales history to forecast this series yet.',
    NETWORK_ERROR: 'The forecast service could not be reached. Check the endpoint and your connection.',
    CORS_REFUSED:
      'The forecast service refused this page’s origin (CORS). Add this origin to FORECASTQL_CORS_ORIGINS on the server and restart it.',
    INTERNAL_SERVER_ERROR: 'The forecast service had a problem. Try again in a moment.',
  },
  errorFallback: 'The forecast service answered with an error.',
  missingDataset: 'Set the dataset-id attribute to the id of a dataset.',
  actual: 'Actual sales',
  forecast: 'Forecast (median)',
  interval: 'Likely range (p10–p90)',
  forecastStart: 'Forecast starts',
  holiday: 'Holiday',
  promotion: 'Promotion',
  date: 'Date',
  series: 'Series',
  searchSeries: 'Find a product or store',
  noSeriesMatch: 'No series match',
  view: 'Show',
  singleSeries: 'One series',
  totalAll: 'Total of all series',
  totalBy: (attribute) => `Total by ${attribute}`,
  bucket: 'Period',
  buckets: { DAY: 'Day', WEEK: 'Week', MONTH: 'Month' },
  exportLabel: 'Export',
  resetZoom: 'Reset zoom',
  chartTitle: (subject) => `Sales and forecast: ${subject}`,
  tableCaption: (subject, points) => `Sales and forecast for ${subject}, ${points} periods`,
  allSeries: 'all series',
  downsampled: (shown, total) => `Showing ${shown} of ${total} points; zoom in for detail.`,
  importanceTitle: 'What drives the forecast',
  importanceCaption: 'Drivers ranked by how much the forecast depends on them',
  importanceShare: 'Share of influence',
  driver: 'Driver',
  runsTitle: 'Training runs',
  startRun: 'Start training',
  cancelRun: 'Cancel',
  statuses: {
    QUEUED: 'Queued',
    RUNNING: 'Running',
    SUCCEEDED: 'Succeeded',
    FAILED: 'Failed',
    CANCELLED: 'Cancelled',
  },
  progress: 'Progress',
  epoch: (epoch) => `epoch ${epoch}`,
  noRuns: 'No training runs yet.',
  started: 'Started',
  model: 'Model',
  status: 'Status',
  metrics: 'Accuracy',
  accuracyTitle: 'Forecast accuracy',
  moreAccurate: (percent, baseline) => `${percent} more accurate than ${baseline}`,
  lessAccurate: (percent, baseline) => `${percent} less accurate than ${baseline}`,
  asAccurate: (baseline) => `About as accurate as ${baseline}`,
  baselineByFrequency: {
    DAY: 'repeating the same weekday of last week',
    WEEK: "last year's same week",
    MONTH: "last year's same month",
    UNKNOWN: 'repeating last season',
  },
  coverage: (actual, nominal) => `The likely range held the actual sales ${actual} of the time (aim: ${nominal}).`,
  accuracyBasis: (metric, horizon, origins) =>
    `Measured by ${metric} on ${origins} past forecasts of ${horizon} periods each.`,
  noBacktest: 'No backtest yet: train a model first.',
  soldSoFar: 'Sold so far',
  noForecastYet: 'No forecast yet: this is the sales history. Start a training run to see a forecast.',
  chartKeyboardLabel: 'Chart: use arrow keys to read points',
  chartKeyboardHelp: '← → read points · + − zoom · Shift+← → pan · 0 reset',
  zoomIn: 'Zoom in',
  zoomOut: 'Zoom out',
  panLeft: 'Earlier',
  panRight: 'Later',
  showTable: 'Show as table',
  readOnlyNote: 'Read-only access: starting and cancelling training needs an admin API key.',
  forbiddenNote: 'This token may not start or cancel training (read-only). Use an admin API key.',
  confirmCancel: (runId) => `Cancel run ${runId}?`,
  runWarnings: (count) => (count === 1 ? '1 thing to know' : `${count} things to know`),
  keepRunning: 'Keep running',
  epochOf: (epoch, epochs) => (epochs ? `epoch ${epoch} of ${epochs}` : `epoch ${epoch}`),
  secondsLeft: (seconds) => `about ${seconds} left`,
  phases: {
    queued: 'Waiting for a free worker',
    starting: 'Preparing data',
    training: 'Training',
    finishing: 'Backtesting and saving the forecast',
  },
  autoChose: (model) => `${model} (chosen automatically)`,
  chartZoomRange: (from, to) => `${from} – ${to}`,
  axisDates: { year: 'yyyy', month: "MMM 'yy", day: 'dd MMM' },
};

const zhCN: WidgetMessages = {
  loading: '加载中…',
  empty: '当前选择暂无数据。',
  retry: '重试',
  errorTitle: '无法加载预测',
  accuracyErrorTitle: '无法加载预测准确度',
  importanceErrorTitle: '无法加载影响预测的因素',
  runsErrorTitle: '无法加载训练任务',
  errorByCode: {
    UNAUTHENTICATED: '访问令牌缺失、无效或已过期。请向店铺管理员申请新的嵌入令牌。',
    FORBIDDEN: '此令牌无权查看这些数据。',
    NOT_FOUND: '未找到数据集、序列或训练任务。请检查 dataset-id 和 series 属性。',
    BAD_USER_INPUT: '请求未被接受。',
    INSUFFICIENT_HISTORY: '该序列的销售历史不足，暂时无法预测。',
    NETWORK_ERROR: '无法连接预测服务。请检查接口地址和网络连接。',
    CORS_REFUSED: '预测服务拒绝了此页面的来源（CORS）。请在服务器的 FORECASTQL_CORS_ORIGINS 中加入此来源并重启服务。',
    INTERNAL_SERVER_ERROR: '预测服务出现问题，请稍后重试。',
  },
  errorFallback: '预测服务返回了错误。',
  missingDataset: '请将 dataset-id 属性设置为数据集的 ID。',
  actual: '实际销量',
  forecast: '预测（中位数）',
  interval: '可能区间（p10–p90）',
  forecastStart: '预测开始',
  holiday: '节假日',
  promotion: '促销',
  date: '日期',
  series: '序列',
  searchSeries: '查找商品或门店',
  noSeriesMatch: '没有匹配的序列',
  view: '显示',
  singleSeries: '单个序列',
  totalAll: '全部序列合计',
  totalBy: (attribute) => `按 ${attribute} 合计`,
  bucket: '周期',
  buckets: { DAY: '日', WEEK: '周', MONTH: '月' },
  exportLabel: '导出',
  resetZoom: '重置缩放',
  chartTitle: (subject) => `销量与预测：${subject}`,
  tableCaption: (subject, points) => `${subject} 的销量与预测，共 ${points} 个周期`,
  allSeries: '全部序列',
  downsampled: (shown, total) => `显示 ${total} 个点中的 ${shown} 个；放大可查看细节。`,
  importanceTitle: '影响预测的因素',
  importanceCaption: '按预测对其依赖程度排序的因素',
  importanceShare: '影响占比',
  driver: '因素',
  runsTitle: '训练任务',
  startRun: '开始训练',
  cancelRun: '取消',
  statuses: { QUEUED: '排队中', RUNNING: '运行中', SUCCEEDED: '已完成', FAILED: '失败', CANCELLED: '已取消' },
  progress: '进度',
  epoch: (epoch) => `第 ${epoch} 轮`,
  noRuns: '暂无训练任务。',
  started: '开始时间',
  model: '模型',
  status: '状态',
  metrics: '准确度',
  accuracyTitle: '预测准确度',
  moreAccurate: (percent, baseline) => `比${baseline}准确 ${percent}`,
  lessAccurate: (percent, baseline) => `比${baseline}差 ${percent}`,
  asAccurate: (baseline) => `与${baseline}的准确度相当`,
  baselineByFrequency: {
    DAY: '照搬上周同一天的销量',
    WEEK: '去年同周的销量',
    MONTH: '去年同月的销量',
    UNKNOWN: '照搬上一季的销量',
  },
  coverage: (actual, nominal) => `实际销量落在可能区间内的比例为 ${actual}（目标：${nominal}）。`,
  accuracyBasis: (metric, horizon, origins) => `基于 ${origins} 次历史预测（每次 ${horizon} 个周期）的 ${metric}。`,
  noBacktest: '暂无回测：请先训练模型。',
  soldSoFar: '截至目前已售',
  noForecastYet: '暂无预测：以下为销售历史。开始训练后即可查看预测。',
  chartKeyboardLabel: '图表：使用方向键逐点查看',
  chartKeyboardHelp: '← → 逐点查看 · + − 缩放 · Shift+← → 平移 · 0 重置',
  zoomIn: '放大',
  zoomOut: '缩小',
  panLeft: '向前',
  panRight: '向后',
  showTable: '以表格显示',
  readOnlyNote: '只读访问：开始或取消训练需要管理员 API 密钥。',
  forbiddenNote: '此令牌无权开始或取消训练（只读）。请使用管理员 API 密钥。',
  confirmCancel: (runId) => `取消训练任务 ${runId}？`,
  runWarnings: (count) => `${count} 条提示`,
  keepRunning: '继续运行',
  epochOf: (epoch, epochs) => (epochs ? `第 ${epoch}/${epochs} 轮` : `第 ${epoch} 轮`),
  secondsLeft: (seconds) => `约剩 ${seconds}`,
  phases: {
    queued: '等待空闲的训练进程',
    starting: '准备数据',
    training: '训练中',
    finishing: '回测并保存预测',
  },
  autoChose: (model) => `${model}（自动选择）`,
  chartZoomRange: (from, to) => `${from} 至 ${to}`,
  axisDates: { year: 'yyyy年', month: 'yyyy年M月', day: 'M月d日' },
};

const catalog: Readonly<Record<WidgetLocale, WidgetMessages>> = { en, 'zh-CN': zhCN };

/** Normalises a `locale` attribute value to a shipped locale (`zh`, `zh-Hans`, `zh-CN` → `zh-CN`). */
export function resolveLocale(locale: string | null | undefined): WidgetLocale {
  const value = (locale ?? '').trim().toLowerCase();
  return value === 'zh' || value.startsWith('zh-cn') || value.startsWith('zh-hans') ? 'zh-CN' : 'en';
}

/** The messages of a locale. */
export function messagesFor(locale: string | null | undefined): WidgetMessages {
  return catalog[resolveLocale(locale)];
}

/** Locale-aware formatters built once per render (Intl objects are costly to create). */
export interface WidgetFormatters {
  /**
   * Units sold (actuals and forecasts): always a plain number, whatever `currency` says; quantities
   * are never money.
   */
  value(value: number | null | undefined): string;
  /** An amount of money in `currency` (a plain number without one): for revenue, prices. */
  money(value: number | null | undefined): string;
  /** A compact axis label (1.2K, 1.2万). */
  axis(value: number): string;
  percent(fraction: number): string;
  /** A date as shown in tooltips and tables, at the bucket's granularity. */
  date(isoDate: string): string;
  dateTime(isoDateTime: string): string;
  integer(value: number): string;
  /** A duration in seconds, in words of the locale ("2 min", "2分钟"). */
  duration(seconds: number): string;
}

/** Builds the Intl formatters for a locale, an optional ISO 4217 currency and a bucket. */
export function createFormatters(locale: string, currency?: string | null, bucket: Bucket = 'DAY'): WidgetFormatters {
  const tag = resolveLocale(locale);
  const valueFormat = new Intl.NumberFormat(tag, { maximumFractionDigits: 1 });
  let moneyFormat: Intl.NumberFormat;
  try {
    moneyFormat = currency
      ? new Intl.NumberFormat(tag, { style: 'currency', currency, maximumFractionDigits: 2 })
      : new Intl.NumberFormat(tag, { maximumFractionDigits: 2 });
  } catch {
    moneyFormat = new Intl.NumberFormat(tag, { maximumFractionDigits: 2 });
  }
  const axisFormat = new Intl.NumberFormat(tag, { notation: 'compact', maximumFractionDigits: 1 });
  const percentFormat = new Intl.NumberFormat(tag, { style: 'percent', maximumFractionDigits: 0 });
  const integerFormat = new Intl.NumberFormat(tag, { maximumFractionDigits: 0 });
  const dateFormat = new Intl.DateTimeFormat(
    tag,
    bucket === 'MONTH'
      ? { year: 'numeric', month: 'long', timeZone: 'UTC' }
      : {
          year: 'numeric',
          month: 'short',
          day: 'numeric',
          weekday: bucket === 'DAY' ? 'short' : undefined,
          timeZone: 'UTC',
        },
  );
  const dateTimeFormat = new Intl.DateTimeFormat(tag, { dateStyle: 'medium', timeStyle: 'short' });
  return {
    value: (value) => (value === null || value === undefined || Number.isNaN(value) ? '–' : valueFormat.format(value)),
    money: (value) => (value === null || value === undefined || Number.isNaN(value) ? '–' : moneyFormat.format(value)),
    axis: (value) => axisFormat.format(value),
    percent: (fraction) => percentFormat.format(fraction),
    date: (isoDate) => dateFormat.format(new Date(`${isoDate.slice(0, 10)}T00:00:00Z`)),
    dateTime: (isoDateTime) => dateTimeFormat.format(new Date(isoDateTime)),
    integer: (value) => integerFormat.format(value),
    duration: (seconds) =>
      seconds >= 90
        ? new Intl.NumberFormat(tag, {
            style: 'unit',
            unit: 'minute',
            unitDisplay: 'short',
            maximumFractionDigits: 0,
          }).format(Math.round(seconds / 60))
        : new Intl.NumberFormat(tag, {
            style: 'unit',
            unit: 'second',
            unitDisplay: 'short',
            maximumFractionDigits: 0,
          }).format(Math.max(1, Math.round(seconds))),
  };
}
