import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import type { WidgetTheme } from '../../widgets/internal/base-widget.js';
// oxlint-disable-next-line import/no-unassigned-import -- the import registers the element
import '../../widgets/accuracy/accuracy.js';
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
  noTable: boolean;
  series: string;
  locale: string;
  theme: WidgetTheme;
  currency: string;
  mock: StoryMock;
}

const meta: Meta<StoryArgs> = {
  title: 'Widgets/fq-accuracy',
  component: 'fq-accuracy',
  args: { noTable: false, series: '', locale: 'en', theme: 'light', currency: '', mock: MOCKS.default },
  argTypes: {
    noTable: {
      control: 'boolean',
      description: 'Hide the per-model table.',
      table: { defaultValue: { summary: 'false' } },
    },
    series: {
      control: 'text',
      description: "One series' own accuracy (empty: the whole dataset).",
      table: { defaultValue: { summary: '' } },
    },
    ...COMMON_ARG_TYPES,
  },
  render: (args) =>
    html`<fq-accuracy
      endpoint=${STORY_ENDPOINT}
      token=${STORY_TOKEN}
      dataset-id=${STORY_DATASET}
      ?no-table=${args.noTable}
      series=${args.series}
      locale=${args.locale}
      theme=${args.theme}
      .fetchImpl=${mockFetch(args.mock)}
    ></fq-accuracy>`,
};

export default meta;

type Story = StoryObj<StoryArgs>;

export const Default: Story = {};
export const Loading: Story = { args: { mock: MOCKS.loading } };
export const Empty: Story = { args: { mock: MOCKS.empty } };
export const Error: Story = { args: { mock: MOCKS.error } };
/** Only the plain-words sentence and the coverage. */
export const SentenceOnly: Story = { args: { noTable: true } };
export const Dark: Story = { args: { theme: 'dark' } };
export const ZhCN: Story = { args: { locale: 'zh-CN' } };
/** One series' own accuracy, on its own validation windows (here worse than seasonal naive). */
export const Series: Story = { args: { series: FIXTURE_SERIES[0]!.id } };
export const SeriesDark: Story = { args: { series: FIXTURE_SERIES[0]!.id, theme: 'dark' } };
export const SeriesZhCN: Story = { args: { series: FIXTURE_SERIES[0]!.id, locale: 'zh-CN' } };
/** A series the run did not score: the dataset's figure, with a note. */
export const SeriesNotScored: Story = { args: { series: FIXTURE_SERIES[1]!.id } };
