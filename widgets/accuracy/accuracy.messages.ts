import { resolveLocale, type WidgetLocale } from '../internal/i18n.js';

/** Texts of `<fq-accuracy>` for one series (kept beside the widget; the shared catalogue is `internal/i18n.ts`). */
export interface AccuracyMessages {
  /** After the title: whose accuracy is shown. */
  readonly subject: (series: string) => string;
  /** The series has no score of its own in the run: the dataset's is shown. */
  readonly seriesFallback: (series: string) => string;
}

const en: AccuracyMessages = {
  subject: (series) => `for ${series}`,
  seriesFallback: (series) =>
    `${series} has no accuracy of its own in this run (its history is too short, or it was not among the products checked): all products are shown.`,
};

const zhCN: AccuracyMessages = {
  subject: (series) => `（${series}）`,
  seriesFallback: (series) =>
    `本次训练没有单独评估 ${series}（历史太短，或不在抽查的商品中），显示的是全部商品的准确度。`,
};

const catalog: Readonly<Record<WidgetLocale, AccuracyMessages>> = { en, 'zh-CN': zhCN };

export function accuracyMessagesFor(locale: string | null | undefined): AccuracyMessages {
  return catalog[resolveLocale(locale)];
}
