import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import type { WidgetTheme } from '../../widgets/internal/base-widget.js';
import type { HeatmapKind } from '../../widgets/heatmap/heatmap.component.js';
// oxlint-disable-next-line import/no-unassigned-import -- the import registers the element
import '../../widgets/heatmap/heatmap.js';
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
  kind: HeatmapKind;
  series: string;
  groupBy: string;
  weeks: number;
  limit: number;
  locale: string;
  theme: WidgetTheme;
  currency: string;
  mock: StoryMock;
}

const meta: Meta<StoryArgs> = {
  title: 'Widgets/fq-heatmap',
  component: 'fq-heatmap',
  args: {
    kind: 'weekday',
    series: '',
    groupBy: '',
    weeks: 12,
    limit: 8,
    locale: 'en',
    theme: 'light',
    currency: '',
    mock: MOCKS.default,
  },
  argTypes: {
    kind: {
      control: 'inline-radio',
      options: ['weekday', 'drivers'],
      description: 'weekday × week of sales and forecast, or product × driver importance.',
      table: { defaultValue: { summary: 'weekday' } },
    },
    series: { control: 'text', description: 'Series id (weekday kind).', table: { defaultValue: { summary: '' } } },
    groupBy: {
      control: 'text',
      description: 'A group: attribute=value.',
      table: { defaultValue: { summary: '' } },
    },
    weeks: {
      control: { type: 'number', min: 1, max: 52 },
      description: 'Week columns (weekday kind).',
      table: { defaultValue: { summary: '12' } },
    },
    limit: {
      control: { type: 'number', min: 1, max: 50 },
      description: 'Product rows and driver columns (drivers kind).',
      table: { defaultValue: { summary: '8' } },
    },
    ...COMMON_ARG_TYPES,
  },
  render: (args) =>
    html`<fq-heatmap
      endpoint=${STORY_ENDPOINT}
      token=${STORY_TOKEN}
      dataset-id=${STORY_DATASET}
      kind=${args.kind}
      series=${args.series}
      group-by=${args.groupBy}
      weeks=${args.weeks}
      limit=${args.limit}
      locale=${args.locale}
      theme=${args.theme}
      .fetchImpl=${mockFetch(args.mock)}
    ></fq-heatmap>`,
};

export default meta;

type Story = StoryObj<StoryArgs>;

export const Default: Story = {};
export const Loading: Story = { args: { mock: MOCKS.loading } };
export const Empty: Story = { args: { mock: MOCKS.empty } };
export const Error: Story = { args: { mock: MOCKS.error } };
/** No succeeded run yet: the history alone. */
export const HistoryOnly: Story = { args: { mock: MOCKS.noRun } };
/** Products of a store × drivers. */
export const Drivers: Story = { args: { kind: 'drivers', groupBy: 'store=CA_1' } };
export const OneSeries: Story = { args: { series: 'FOODS_1_001_CA_1', weeks: 26 } };
export const Dark: Story = { args: { theme: 'dark' } };
export const ZhCN: Story = { args: { locale: 'zh-CN', kind: 'drivers' } };
