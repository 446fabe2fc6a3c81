import { resolveLocale } from './i18n.js';

/**
 * Chinese names of the holidays, commerce events and drivers the API names in English
 * (`calendarEvents.label`, `featureImportance.label`; api/forecasting/features.ts and the
 * date-holidays calendars of CN, US, GB and DE). A name not listed is shown as the API sent it.
 */
const ZH_LABELS: Readonly<Record<string, string>> = {
  // Western retail calendar and commerce events.
  Christmas: '圣诞节',
  'Christmas Eve': '平安夜',
  'Christmas Day': '圣诞节',
  'Boxing Day': '节礼日',
  "New Year's Day": '元旦',
  "New Year's Eve": '除夕（公历）',
  Easter: '复活节',
  'Easter Sunday': '复活节',
  'Easter Monday': '复活节星期一',
  'Good Friday': '耶稣受难日',
  Thanksgiving: '感恩节',
  'Thanksgiving Day': '感恩节',
  'Black Friday': '黑色星期五',
  'Cyber Monday': '网络星期一',
  "Valentine's Day": '情人节',
  "Mother's Day": '母亲节',
  "Father's Day": '父亲节',
  Halloween: '万圣节',
  'Independence Day': '美国独立日',
  'Labor Day': '劳动节（美国）',
  'Memorial Day': '阵亡将士纪念日',
  'Martin Luther King Jr. Day': '马丁·路德·金纪念日',
  "Washington's Birthday": '华盛顿诞辰纪念日',
  'Columbus Day': '哥伦布日',
  'Veterans Day': '退伍军人节',
  'Juneteenth National Independence Day': '六月节',
  'Early May bank holiday': '五月初银行假日',
  'Spring bank holiday': '春季银行假日',
  'Summer bank holiday': '夏季银行假日',
  'Ascension Day': '耶稣升天节',
  'Whit Monday': '圣灵降临节星期一',
  'Whit Sunday': '圣灵降临节',
  'Corpus Christi': '基督圣体节',
  'Day of German Unity': '德国统一日',
  'Reformation Day': '宗教改革日',
  "All Saints' Day": '诸圣节',
  'Labour Day': '劳动节',
  'May Day': '劳动节',
  // China.
  'Chinese New Year': '春节',
  'Spring Festival': '春节',
  'Spring Festival (Chinese New Year)': '春节',
  "Chinese New Year's Eve": '除夕',
  'Lantern Festival': '元宵节',
  'Qingming Festival': '清明节',
  'Tomb-Sweeping Day': '清明节',
  'Dragon Boat Festival': '端午节',
  'Mid-Autumn Festival': '中秋节',
  'National Day': '国庆节',
  "Women's Day": '妇女节',
  "International Women's Day": '妇女节',
  'Youth Day': '青年节',
  "Children's Day": '儿童节',
  'Army Day': '建军节',
  'Teachers Day': '教师节',
  "Teachers' Day": '教师节',
  'Double Seventh Festival': '七夕',
  'Double Ninth Festival': '重阳节',
  '618 shopping festival': '618 购物节',
  "Singles' Day (11.11)": '双十一',
  "Singles' Day": '双十一',
  'Double 12 (12.12)': '双十二',
  // Drivers (featureImportance labels).
  'Sales history': '历史销量',
  'Store and product attributes': '门店与商品属性',
  'Weekday pattern': '星期规律',
  'Day of month': '月内日期',
  'Yearly season': '年度季节性',
  Trend: '趋势',
  'Public holidays': '法定节假日',
  Promotions: '促销',
  Price: '价格',
  Markdowns: '降价',
  'Holidays (from the data)': '节假日（来自数据）',
  'Events (from the data)': '活动（来自数据）',
  'SNAP days': 'SNAP 补助日',
  Temperature: '气温',
  'Fuel price': '油价',
  'Consumer prices (CPI)': '消费者物价指数（CPI）',
  Unemployment: '失业率',
  Store: '门店',
  Category: '品类',
  Department: '部门',
  Product: '商品',
};

/** Names that start a label in the API's words and their Chinese, for composed labels ("Store: CA_1"). */
const ZH_PREFIXES: ReadonlyArray<readonly [RegExp, string]> = [
  [/^Promotion\b/i, '促销'],
  [/^Holiday\b/i, '节假日'],
];

/**
 * A holiday, event or driver name in the widget's locale: the API's English name, or its Chinese
 * name for `zh-CN` when it is a known one.
 *
 * @example
 * ```ts
 * localizeLabel('Christmas', 'zh-CN'); // '圣诞节'
 * ```
 */
export function localizeLabel(label: string, locale: string): string {
  if (resolveLocale(locale) !== 'zh-CN') return label;
  const trimmed = label.trim();
  // Attribute names come as the data spells them ("store"): matched with a capital first letter too.
  const known = ZH_LABELS[trimmed] ?? ZH_LABELS[trimmed.charAt(0).toUpperCase() + trimmed.slice(1)];
  if (known) return known;
  for (const [pattern, zh] of ZH_PREFIXES) if (pattern.test(label)) return label.replace(pattern, zh);
  return label;
}
