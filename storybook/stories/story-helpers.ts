import { FIXTURE_DATASET_ID } from '../../test/browser/fixtures/fixture-data.js';
import { createMockFetch, type MockGraphQLOptions } from '../../test/browser/fixtures/mock-graphql.js';

/** The mocked API of a story: fixture answers, optionally delayed, empty or failing. */
export type StoryMock = MockGraphQLOptions & { readonly delayMs?: number };

export const STORY_DATASET = FIXTURE_DATASET_ID;
export const STORY_ENDPOINT = '/graphql';
export const STORY_TOKEN = 'storybook-embed-token';

/** Shaped like a real embed token (a JWT whose header says `typ: fq-embed+jwt`): read-only. */
export const STORY_EMBED_JWT = `${btoa(JSON.stringify({ alg: 'HS256', typ: 'fq-embed+jwt' })).replaceAll('=', '')}.e30.signature`;

/** A fresh mocked fetch per render (so state such as run progress starts over). */
export function mockFetch(mock: StoryMock): typeof fetch {
  return createMockFetch(mock);
}

/** Mock presets shared by every widget's stories. */
export const MOCKS = {
  default: { delayMs: 200 },
  loading: { delayMs: Number.POSITIVE_INFINITY },
  empty: { mode: 'empty', delayMs: 200 },
  error: { validToken: 'a-different-token', delayMs: 200 },
  serverError: { mode: 'error', errorCode: 'INTERNAL_SERVER_ERROR', delayMs: 200 },
  noInterval: { noInterval: true, delayMs: 200 },
  dense: { history: 9_910, horizon: 90, delayMs: 200 },
  noRun: { noRun: true, delayMs: 200 },
  anyToken: { validToken: undefined, delayMs: 200 },
} as const satisfies Record<string, StoryMock>;

/** argTypes shared by every widget (the embedding attributes). */
export const COMMON_ARG_TYPES = {
  locale: {
    control: 'inline-radio',
    options: ['en', 'zh-CN'],
    description: 'Locale of texts, numbers and dates.',
    table: { defaultValue: { summary: 'en' } },
  },
  theme: {
    control: 'inline-radio',
    options: ['light', 'dark', 'auto'],
    description: 'Colour theme; auto follows the operating system.',
    table: { defaultValue: { summary: 'light' } },
  },
  currency: {
    control: 'text',
    description: 'ISO 4217 code when values are money (EUR, CNY); empty for units.',
    table: { defaultValue: { summary: '' } },
  },
  mock: { control: 'object', description: 'Behaviour of the mocked GraphQL API (story only).' },
} as const;
