import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import type { WidgetTheme } from '../../widgets/internal/base-widget.js';
// oxlint-disable-next-line import/no-unassigned-import -- the import registers the element
import '../../widgets/alerts/alerts.js';
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
  status: string;
  limit: number;
  pollInterval: number;
  readOnly: boolean;
  locale: string;
  theme: WidgetTheme;
  currency: string;
  mock: StoryMock;
}

const meta: Meta<StoryArgs> = {
  title: 'Widgets/fq-alerts',
  component: 'fq-alerts',
  args: {
    status: 'open',
    limit: 20,
    pollInterval: 30_000,
    readOnly: false,
    locale: 'en',
    theme: 'light',
    currency: '',
    mock: MOCKS.default,
  },
  argTypes: {
    status: {
      control: 'inline-radio',
      options: ['open', 'acknowledged', 'all'],
      description: 'Which alerts to list; the badge always counts the open ones.',
      table: { defaultValue: { summary: 'open' } },
    },
    limit: {
      control: { type: 'number', min: 1, max: 100 },
      description: 'Alerts listed, 1–100.',
      table: { defaultValue: { summary: '20' } },
    },
    pollInterval: {
      control: { type: 'number', min: 250 },
      description: 'Polling period in ms when no graphql-ws subscription is available (stories always poll).',
      table: { defaultValue: { summary: '30000' } },
    },
    readOnly: {
      control: 'boolean',
      description: 'Hides the acknowledge buttons (for tokens known to be read-only).',
      table: { defaultValue: { summary: 'false' } },
    },
    ...COMMON_ARG_TYPES,
  },
  render: (args) =>
    html`<fq-alerts
      endpoint=${STORY_ENDPOINT}
      token=${STORY_TOKEN}
      dataset-id=${STORY_DATASET}
      status=${args.status}
      limit=${args.limit}
      poll-interval=${args.pollInterval}
      ?read-only=${args.readOnly}
      no-subscription
      locale=${args.locale}
      theme=${args.theme}
      .fetchImpl=${mockFetch(args.mock)}
    ></fq-alerts>`,
};

export default meta;

type Story = StoryObj<StoryArgs>;

export const Default: Story = {};
export const Loading: Story = { args: { mock: MOCKS.loading } };
/** Nothing open: sales are within the forecast. */
export const Empty: Story = { args: { mock: MOCKS.empty } };
export const Error: Story = { args: { mock: MOCKS.error } };
/** Open and acknowledged alerts together. */
export const All: Story = { args: { status: 'all' } };
/** A read-only embed token: acknowledging answers FORBIDDEN, the widget says so and hides the buttons. */
export const ReadOnlyToken: Story = { args: { mock: { readOnly: true, delayMs: 200 } } };
/** A new alert arrives every few seconds (polling). */
export const Live: Story = { args: { pollInterval: 3000, mock: { raiseAlertOnRead: true, delayMs: 200 } } };
export const Dark: Story = { args: { theme: 'dark' } };
export const ZhCN: Story = { args: { locale: 'zh-CN' } };
