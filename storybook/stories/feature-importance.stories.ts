import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import type { WidgetTheme } from '../../widgets/internal/base-widget.js';
// oxlint-disable-next-line import/no-unassigned-import -- the import registers the element
import '../../widgets/feature-importance/feature-importance.js';
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
  limit: number;
  locale: string;
  theme: WidgetTheme;
  currency: string;
  mock: StoryMock;
}

const meta: Meta<StoryArgs> = {
  title: 'Widgets/fq-feature-importance',
  component: 'fq-feature-importance',
  args: { limit: 8, locale: 'en', theme: 'light', currency: '', mock: MOCKS.default },
  argTypes: {
    limit: {
      control: { type: 'number', min: 1, max: 50 },
      description: 'Drivers shown.',
      table: { defaultValue: { summary: '8' } },
    },
    ...COMMON_ARG_TYPES,
  },
  render: (args) =>
    html`<fq-feature-importance
      endpoint=${STORY_ENDPOINT}
      token=${STORY_TOKEN}
      dataset-id=${STORY_DATASET}
      limit=${args.limit}
      locale=${args.locale}
      theme=${args.theme}
      .fetchImpl=${mockFetch(args.mock)}
    ></fq-feature-importance>`,
};

export default meta;

type Story = StoryObj<StoryArgs>;

export const Default: Story = {};
export const Loading: Story = { args: { mock: MOCKS.loading } };
export const Empty: Story = { args: { mock: MOCKS.empty } };
export const Error: Story = { args: { mock: MOCKS.serverError } };
/** The top three drivers only. */
export const TopThree: Story = { args: { limit: 3 } };
export const Dark: Story = { args: { theme: 'dark' } };
export const ZhCN: Story = { args: { locale: 'zh-CN' } };
