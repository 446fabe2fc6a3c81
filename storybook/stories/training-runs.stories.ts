import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import type { WidgetTheme } from '../../widgets/internal/base-widget.js';
// oxlint-disable-next-line import/no-unassigned-import -- the import registers the element
import '../../widgets/training-runs/training-runs.js';
import {
  COMMON_ARG_TYPES,
  MOCKS,
  STORY_DATASET,
  STORY_ENDPOINT,
  STORY_EMBED_JWT,
  STORY_TOKEN,
  mockFetch,
  type StoryMock,
} from './story-helpers.js';

interface StoryArgs {
  horizon: number;
  pollInterval: number;
  readOnly: boolean;
  token: string;
  locale: string;
  theme: WidgetTheme;
  currency: string;
  mock: StoryMock;
}

const meta: Meta<StoryArgs> = {
  title: 'Widgets/fq-training-runs',
  component: 'fq-training-runs',
  args: {
    horizon: 28,
    pollInterval: 1000,
    readOnly: false,
    token: STORY_TOKEN,
    locale: 'en',
    theme: 'light',
    currency: '',
    mock: { ...MOCKS.default, progressStep: 0.05 },
  },
  argTypes: {
    horizon: { control: { type: 'number', min: 1, max: 365 }, description: 'Horizon of started runs.' },
    pollInterval: { control: { type: 'number', min: 250 }, description: 'Polling period (ms).' },
    readOnly: { control: 'boolean', description: 'Hide start and cancel.' },
    ...COMMON_ARG_TYPES,
  },
  // Stories have no graphql-ws server: they poll the mocked API.
  render: (args) =>
    html`<fq-training-runs
      endpoint=${STORY_ENDPOINT}
      token=${args.token}
      dataset-id=${STORY_DATASET}
      horizon=${args.horizon}
      poll-interval=${args.pollInterval}
      no-subscription
      ?read-only=${args.readOnly}
      locale=${args.locale}
      theme=${args.theme}
      .fetchImpl=${mockFetch(args.mock)}
    ></fq-training-runs>`,
};

export default meta;

type Story = StoryObj<StoryArgs>;

/** A running run whose progress bar advances, one succeeded, one failed. */
export const Default: Story = {};
export const Loading: Story = { args: { mock: MOCKS.loading } };
export const Empty: Story = { args: { mock: MOCKS.empty } };
export const Error: Story = { args: { mock: MOCKS.error } };
/** A read-only embed token: start answers FORBIDDEN and the buttons go away. */
export const ReadOnlyToken: Story = { args: { mock: { ...MOCKS.default, readOnly: true } } };
/** An embed token (recognised as read-only before any click): a note instead of "Start training". */
export const EmbedToken: Story = { args: { token: STORY_EMBED_JWT, mock: MOCKS.anyToken } };
export const Dark: Story = { args: { theme: 'dark' } };
export const ZhCN: Story = { args: { locale: 'zh-CN' } };
