import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import type { WidgetTheme } from '../../widgets/internal/base-widget.js';
// oxlint-disable-next-line import/no-unassigned-import -- the import registers the element
import '../../widgets/price-response/price-response.js';
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
  locale: string;
  theme: WidgetTheme;
  currency: string;
  mock: StoryMock;
}

const meta: Meta<StoryArgs> = {
  title: 'Widgets/fq-price-response',
  component: 'fq-price-response',
  args: { series: 'FOODS_1_001_CA_1', locale: 'en', theme: 'light', currency: 'EUR', mock: MOCKS.default },
  argTypes: {
    series: {
      control: 'text',
      description: 'Series id of the product (required).',
      table: { defaultValue: { summary: '' } },
    },
    ...COMMON_ARG_TYPES,
  },
  render: (args) =>
    html`<fq-price-response
      endpoint=${STORY_ENDPOINT}
      token=${STORY_TOKEN}
      dataset-id=${STORY_DATASET}
      series=${args.series}
      locale=${args.locale}
      theme=${args.theme}
      currency=${args.currency}
      .fetchImpl=${mockFetch(args.mock)}
    ></fq-price-response>`,
};

export default meta;

type Story = StoryObj<StoryArgs>;

/** The model's curve over the history scatter. */
export const Default: Story = {};
export const Loading: Story = { args: { mock: MOCKS.loading } };
/** A product without prices. */
export const Empty: Story = { args: { mock: MOCKS.empty } };
export const Error: Story = { args: { mock: MOCKS.error } };
/** No succeeded run yet: the curve from history alone. */
export const HistoryOnly: Story = { args: { mock: MOCKS.noRun } };
/** No product picked. */
export const NoSeries: Story = { args: { series: '' } };
export const Dark: Story = { args: { theme: 'dark' } };
export const ZhCN: Story = { args: { locale: 'zh-CN', currency: 'CNY' } };
