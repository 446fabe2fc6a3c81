import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import type { WidgetTheme } from '../../widgets/internal/base-widget.js';
// oxlint-disable-next-line import/no-unassigned-import -- the import registers the element
import '../../widgets/kpis/kpis.js';
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
  weeks: number;
  locale: string;
  theme: WidgetTheme;
  currency: string;
  mock: StoryMock;
}

const meta: Meta<StoryArgs> = {
  title: 'Widgets/fq-kpis',
  component: 'fq-kpis',
  args: { series: '', groupBy: '', weeks: 4, locale: 'en', theme: 'light', currency: 'EUR', mock: MOCKS.default },
  argTypes: {
    series: {
      control: 'text',
      description: 'Series id for one product; empty for the whole dataset.',
      table: { defaultValue: { summary: '' } },
    },
    groupBy: {
      control: 'text',
      description: 'A group instead of the whole dataset: attribute=value.',
      table: { defaultValue: { summary: '' } },
    },
    weeks: {
      control: { type: 'number', min: 1, max: 52 },
      description: 'Weeks of forecast summed, 1–52.',
      table: { defaultValue: { summary: '4' } },
    },
    ...COMMON_ARG_TYPES,
  },
  render: (args) =>
    html`<fq-kpis
      endpoint=${STORY_ENDPOINT}
      token=${STORY_TOKEN}
      dataset-id=${STORY_DATASET}
      series=${args.series}
      group-by=${args.groupBy}
      weeks=${args.weeks}
      locale=${args.locale}
      theme=${args.theme}
      currency=${args.currency}
      .fetchImpl=${mockFetch(args.mock)}
    ></fq-kpis>`,
};

export default meta;

type Story = StoryObj<StoryArgs>;

export const Default: Story = {};
export const Loading: Story = { args: { mock: MOCKS.loading } };
/** No succeeded run yet. */
export const Empty: Story = { args: { mock: MOCKS.empty } };
export const Error: Story = { args: { mock: MOCKS.error } };
/** One product. */
export const OneSeries: Story = { args: { series: 'FOODS_1_001_CA_1' } };
/** Eight weeks of a store. */
export const GroupEightWeeks: Story = { args: { groupBy: 'store=CA_1', weeks: 8 } };
export const Dark: Story = { args: { theme: 'dark' } };
export const ZhCN: Story = { args: { locale: 'zh-CN', currency: 'CNY' } };
