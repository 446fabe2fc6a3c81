import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import type { WidgetTheme } from '../../widgets/internal/base-widget.js';
// oxlint-disable-next-line import/no-unassigned-import -- the import registers the element
import '../../widgets/explanation/explanation.js';
import { FIXTURE_SERIES } from '../../test/browser/fixtures/fixture-data.js';
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
  date: string;
  locale: string;
  theme: WidgetTheme;
  currency: string;
  mock: StoryMock;
}

const meta: Meta<StoryArgs> = {
  title: 'Widgets/fq-explanation',
  component: 'fq-explanation',
  args: {
    series: FIXTURE_SERIES[0]!.id,
    date: '2024-11-29',
    locale: 'en',
    theme: 'light',
    currency: '',
    mock: MOCKS.default,
  },
  argTypes: {
    series: { control: 'text', description: 'Series id of the point.' },
    date: { control: 'text', description: 'Forecast date of the point (YYYY-MM-DD).' },
    ...COMMON_ARG_TYPES,
  },
  render: (args) =>
    html`<fq-explanation
      endpoint=${STORY_ENDPOINT}
      token=${STORY_TOKEN}
      dataset-id=${STORY_DATASET}
      series=${args.series}
      date=${args.date}
      locale=${args.locale}
      theme=${args.theme}
      .fetchImpl=${mockFetch(args.mock)}
    ></fq-explanation>`,
};

export default meta;

type Story = StoryObj<StoryArgs>;

/** Black Friday +38, Price +12, Weekday pattern −5. */
export const Default: Story = {};
export const Loading: Story = { args: { mock: MOCKS.loading } };
/** No succeeded run yet. */
export const Empty: Story = { args: { mock: MOCKS.empty } };
export const Error: Story = { args: { mock: MOCKS.error } };
/** No point picked yet. */
export const NoPoint: Story = { args: { date: '' } };
export const Dark: Story = { args: { theme: 'dark' } };
export const ZhCN: Story = { args: { locale: 'zh-CN' } };
