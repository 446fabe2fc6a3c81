import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import type { WidgetTheme } from '../../widgets/internal/base-widget.js';
// oxlint-disable-next-line import/no-unassigned-import -- the import registers the element
import '../../widgets/stock-plan/stock-plan.js';
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
  groupBy: string;
  serviceLevel: number;
  orderBy: string;
  rows: number;
  locale: string;
  theme: WidgetTheme;
  currency: string;
  mock: StoryMock;
}

const meta: Meta<StoryArgs> = {
  title: 'Widgets/fq-stock-plan',
  component: 'fq-stock-plan',
  args: {
    groupBy: '',
    serviceLevel: 0,
    orderBy: 'URGENCY',
    rows: 20,
    locale: 'en',
    theme: 'light',
    currency: '',
    mock: MOCKS.default,
  },
  argTypes: {
    groupBy: {
      control: 'text',
      description: 'An attribute to pool stock per value (store), or attribute=value to filter.',
      table: { defaultValue: { summary: '' } },
    },
    serviceLevel: {
      control: { type: 'number', min: 0, max: 0.999, step: 0.01 },
      description: "Target cycle service level in (0, 1); 0 uses each product's or the dataset's.",
      table: { defaultValue: { summary: '0' } },
    },
    orderBy: {
      control: 'select',
      options: ['URGENCY', 'DAYS_OF_COVER_ASC', 'STOCKOUT_PROBABILITY_DESC', 'SUGGESTED_ORDER_DESC', 'SERIES_ASC'],
      description: 'Sort of the rows.',
      table: { defaultValue: { summary: 'URGENCY' } },
    },
    rows: {
      control: { type: 'number', min: 1, max: 250 },
      description: 'Rows shown, 1–250.',
      table: { defaultValue: { summary: '20' } },
    },
    ...COMMON_ARG_TYPES,
  },
  render: (args) =>
    html`<fq-stock-plan
      endpoint=${STORY_ENDPOINT}
      token=${STORY_TOKEN}
      dataset-id=${STORY_DATASET}
      group-by=${args.groupBy}
      service-level=${args.serviceLevel}
      order-by=${args.orderBy}
      rows=${args.rows}
      locale=${args.locale}
      theme=${args.theme}
      .fetchImpl=${mockFetch(args.mock)}
    ></fq-stock-plan>`,
};

export default meta;

type Story = StoryObj<StoryArgs>;

export const Default: Story = {};
export const Loading: Story = { args: { mock: MOCKS.loading } };
/** No products to plan. */
export const Empty: Story = { args: { mock: MOCKS.empty } };
export const Error: Story = { args: { mock: MOCKS.error } };
/** Fewest days of cover first, at a 99 % service level. */
export const ByDaysOfCover: Story = { args: { orderBy: 'DAYS_OF_COVER_ASC', serviceLevel: 0.99 } };
export const Dark: Story = { args: { theme: 'dark' } };
export const ZhCN: Story = { args: { locale: 'zh-CN' } };
