import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import type { WidgetTheme } from '../../widgets/internal/base-widget.js';
import type { Bucket } from '../../widgets/internal/i18n.js';
// oxlint-disable-next-line import/no-unassigned-import -- the import registers the element
import '../../widgets/forecast-chart/forecast-chart.js';
import {
  COMMON_ARG_TYPES,
  MOCKS,
  STORY_DATASET,
  STORY_ENDPOINT,
  STORY_TOKEN,
  mockFetch,
  type StoryMock,
} from './story-helpers.js';

interface StoryArgs {
  series: string;
  groupBy: string;
  bucket: Bucket;
  from: string;
  locale: string;
  theme: WidgetTheme;
  currency: string;
  noPicker: boolean;
  mock: StoryMock;
}

const meta: Meta<StoryArgs> = {
  title: 'Widgets/fq-forecast-chart',
  component: 'fq-forecast-chart',
  args: {
    series: 'FOODS_1_001_CA_1',
    groupBy: '',
    bucket: 'DAY',
    from: '',
    locale: 'en',
    theme: 'light',
    currency: '',
    noPicker: false,
    mock: MOCKS.default,
  },
  argTypes: {
    series: { control: 'text', description: 'Series id; empty for the total of all series.' },
    groupBy: { control: 'text', description: 'Group total, `attribute=value` (e.g. `store=CA_1`).' },
    bucket: {
      control: 'inline-radio',
      options: ['DAY', 'WEEK', 'MONTH'],
      description: 'Time bucket.',
      table: { defaultValue: { summary: 'DAY' } },
    },
    from: { control: 'text', description: 'First date shown (ISO); empty for the API default.' },
    noPicker: { control: 'boolean', description: 'Hide the picker and bucket controls.' },
    ...COMMON_ARG_TYPES,
  },
  render: (args) =>
    html`<fq-forecast-chart
      endpoint=${STORY_ENDPOINT}
      token=${STORY_TOKEN}
      dataset-id=${STORY_DATASET}
      series=${args.series}
      group-by=${args.groupBy}
      bucket=${args.bucket}
      from=${args.from}
      locale=${args.locale}
      theme=${args.theme}
      currency=${args.currency}
      ?no-picker=${args.noPicker}
      .fetchImpl=${mockFetch(args.mock)}
    ></fq-forecast-chart>`,
};

export default meta;

type Story = StoryObj<StoryArgs>;

/** One product in one store, daily, with its forecast and p10–p90 band. */
export const Default: Story = {};

/** Waiting for the API. */
export const Loading: Story = { args: { mock: MOCKS.loading } };

/** A dataset without data yet. */
export const Empty: Story = { args: { mock: MOCKS.empty } };

/** An expired or wrong embed token (401 UNAUTHENTICATED). */
export const Error: Story = { args: { mock: MOCKS.error } };

/** The store total by week, where the band widens with the horizon. */
export const WithPredictionIntervals: Story = { args: { series: '', groupBy: 'store=CA_1', bucket: 'WEEK' } };

/** Without an interval (a model that gives only the median). */
export const WithoutIntervals: Story = { args: { mock: MOCKS.noInterval } };

/** 10,000 daily points, downsampled with LTTB to 2,000 drawn. */
export const Dense: Story = { args: { series: 'FOODS_3_090_WI_1', from: '1990-01-01', mock: MOCKS.dense } };

/** Dark theme. */
export const Dark: Story = { args: { theme: 'dark' }, parameters: { backgrounds: { default: 'dark' } } };

/** Simplified Chinese, values in yuan. */
export const ZhCN: Story = { args: { locale: 'zh-CN', currency: 'CNY' } };

/** A dataset with sales but no succeeded run yet: its history, and a note to start training. */
export const HistoryBeforeFirstRun: Story = { args: { mock: MOCKS.noRun } };

/** By month: a lone forecast month is drawn as a marked point. */
export const Monthly: Story = { args: { bucket: 'MONTH', from: '2025-01-01' } };
