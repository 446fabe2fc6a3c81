import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import type { WidgetTheme } from '../../widgets/internal/base-widget.js';
// oxlint-disable-next-line import/no-unassigned-import -- the import registers the element
import '../../widgets/scenario/scenario.js';
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
  covariate: string;
  covariates: string;
  percentChange: number;
  locale: string;
  theme: WidgetTheme;
  currency: string;
  mock: StoryMock;
}

const meta: Meta<StoryArgs> = {
  title: 'Widgets/fq-scenario',
  component: 'fq-scenario',
  args: {
    series: 'FOODS_1_001_CA_1',
    groupBy: '',
    covariate: 'price',
    covariates: 'price,promo',
    percentChange: -10,
    locale: 'en',
    theme: 'light',
    currency: 'EUR',
    mock: MOCKS.default,
  },
  argTypes: {
    series: {
      control: 'text',
      description: 'Series id of the product; empty shows the `group-by` total or asks to pick one.',
      table: { defaultValue: { summary: '' } },
    },
    groupBy: {
      control: 'text',
      description: 'A group total instead of one product: attribute=value, or all.',
      table: { defaultValue: { summary: '' } },
    },
    covariate: {
      control: 'text',
      description: 'The covariate moved (price, promo, …).',
      table: { defaultValue: { summary: 'price' } },
    },
    covariates: {
      control: 'text',
      description: 'Covariates offered in the picker, comma-separated.',
      table: { defaultValue: { summary: '' } },
    },
    percentChange: {
      control: { type: 'range', min: -50, max: 50, step: 5 },
      description: 'The change in %, −50 to 50.',
      table: { defaultValue: { summary: '-10' } },
    },
    ...COMMON_ARG_TYPES,
  },
  render: (args) =>
    html`<fq-scenario
      endpoint=${STORY_ENDPOINT}
      token=${STORY_TOKEN}
      dataset-id=${STORY_DATASET}
      series=${args.series}
      group-by=${args.groupBy}
      covariate=${args.covariate}
      covariates=${args.covariates}
      percent-change=${args.percentChange}
      locale=${args.locale}
      theme=${args.theme}
      currency=${args.currency}
      .fetchImpl=${mockFetch(args.mock)}
    ></fq-scenario>`,
};

export default meta;

type Story = StoryObj<StoryArgs>;

export const Default: Story = {};
export const Loading: Story = { args: { mock: MOCKS.loading } };
/** No product picked yet. */
export const Empty: Story = { args: { series: '' } };
/** No succeeded run: the API's NOT_FOUND. */
export const Error: Story = { args: { mock: MOCKS.empty } };
/** A covariate the model never saw: the API's BAD_USER_INPUT naming those it reads. */
export const UnknownCovariate: Story = { args: { covariate: 'weather' } };
/** A store's total, a 40 % cut: outside the training range, with the warning. */
export const GroupWithWarning: Story = { args: { series: '', groupBy: 'store=CA_1', percentChange: -40 } };
export const WithPredictionIntervals: Story = { args: { percentChange: 20 } };
export const Dark: Story = { args: { theme: 'dark' } };
export const ZhCN: Story = { args: { locale: 'zh-CN', currency: 'CNY' } };
