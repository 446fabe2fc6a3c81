import { LitElement, html, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { FqEventDetail, FqEventName } from './events/fq-events.js';
import { defaultEndpoint } from './endpoint.js';
import { GraphQLClient, GraphQLRequestError } from './graphql-client.js';
import {
  createFormatters,
  messagesFor,
  resolveLocale,
  type Bucket,
  type WidgetFormatters,
  type WidgetMessages,
} from './i18n.js';

let warnedLegacyDataset = false;

/** A selection announced by `fq-series-change`: one series, or a group total (`store=CA_1`), or neither (all). */
export interface LinkedSelection {
  readonly seriesId: string | null;
  readonly groupBy: string | null;
}

/** Values of the `theme` attribute. `auto` follows the visitor's `prefers-color-scheme`. */
export const WIDGET_THEMES = ['light', 'dark', 'auto'] as const;
export type WidgetTheme = (typeof WIDGET_THEMES)[number];

/**
 * Base class of every `fq-*` widget: the embedding attributes (`endpoint`, `token`, `dataset`,
 * `locale`, `currency`, `theme`), a GraphQL client built from them, locale-aware messages and
 * formatters, shared state templates, and a typed {@link BaseWidget.emit}.
 */
export class BaseWidget extends LitElement {
  /**
   * GraphQL endpoint URL, absolute or relative to the page. Empty (the default): the `/graphql` of
   * the server the bundle was loaded from (`<script src="https://api.example/widgets/forecastql.js">`
   * → `https://api.example/graphql`), else the page's own `/graphql`.
   */
  @property() endpoint = '';

  /** Embed token; sent as `Authorization: Bearer <token>`. Keep it short-lived and read-only. */
  @property() token = '';

  /**
   * Dataset id whose data the widget shows (attribute `dataset-id`, property `datasetId`: names
   * Vue, React and plain DOM can all set).
   */
  @property({ attribute: 'dataset-id' }) datasetId = '';

  /**
   * @deprecated Use `dataset-id`. The old `dataset` attribute still works (with a console warning):
   * frameworks cannot set it, since `dataset` is the read-only `HTMLElement.dataset` property.
   */
  @property({ attribute: 'dataset' }) legacyDatasetAttribute = '';

  /** Locale of texts, numbers and dates: `en` or `zh-CN`. */
  @property() locale = 'en';

  /**
   * ISO 4217 currency code (e.g. `EUR`, `CNY`) for amounts of money. Sales quantities (actuals,
   * forecasts, the axis) are units and never formatted as money, whatever this says.
   */
  @property() currency = '';

  /** Colour theme: `light`, `dark`, or `auto` (follows the operating system). */
  @property({ reflect: true }) theme: WidgetTheme = 'light';

  /**
   * Follows the page's selection: when another widget of the page fires `fq-series-change` (the
   * user picked a series or a group total), this one shows the same series or group. Off by
   * default, so widgets that show different series side by side stay as set.
   */
  @property({ type: Boolean, reflect: true }) linked = false;

  /** A fetch implementation to use instead of the global one (tests, Storybook mocks). Property only. */
  @property({ attribute: false }) fetchImpl: typeof fetch | undefined = undefined;

  @state() protected systemPrefersDark = false;

  private colorSchemeQuery: MediaQueryList | null = null;
  private cachedClient: { key: string; client: GraphQLClient } | null = null;
  private readonly formatterCache = new Map<string, WidgetFormatters>();

  private readonly onColorSchemeChange = (event: MediaQueryListEvent): void => {
    this.systemPrefersDark = event.matches;
  };

  /** `fq-run-update` from any `<fq-training-runs>` of the page: a succeeded run of this dataset refreshes. */
  private readonly onRunUpdate = (event: Event): void => {
    const detail = (event as CustomEvent<{ status?: string; datasetId?: string }>).detail;
    if (event.composedPath()[0] === this || detail?.status !== 'SUCCEEDED') return;
    if (detail.datasetId !== undefined && detail.datasetId !== this.datasetId) return;
    this.onRunSucceeded();
  };

  /** `fq-series-change` from another widget of the page, followed when `linked` is set. */
  private readonly onPageSelection = (event: Event): void => {
    if (!this.linked || event.composedPath()[0] === this) return;
    const detail = (event as CustomEvent<Partial<LinkedSelection>>).detail;
    if (!detail) return;
    this.onLinkedSelection({ seriesId: detail.seriesId ?? null, groupBy: detail.groupBy ?? null });
  };

  /**
   * Called when another widget of the page announced a selection and this one is `linked`:
   * widgets that show a series or a group total switch to it (a programmatic change: no event).
   */
  protected onLinkedSelection(_selection: LinkedSelection): void {}

  /**
   * Called when a training run of this widget's dataset succeeded (announced by an
   * `<fq-training-runs>` on the page): widgets that show a run's results load them again.
   */
  protected onRunSucceeded(): void {}

  override connectedCallback(): void {
    super.connectedCallback();
    globalThis.document?.addEventListener('fq-run-update', this.onRunUpdate);
    globalThis.document?.addEventListener('fq-series-change', this.onPageSelection);
    if (typeof matchMedia === 'function') {
      this.colorSchemeQuery = matchMedia('(prefers-color-scheme: dark)');
      this.systemPrefersDark = this.colorSchemeQuery.matches;
      this.colorSchemeQuery.addEventListener('change', this.onColorSchemeChange);
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    globalThis.document?.removeEventListener('fq-run-update', this.onRunUpdate);
    globalThis.document?.removeEventListener('fq-series-change', this.onPageSelection);
    this.colorSchemeQuery?.removeEventListener('change', this.onColorSchemeChange);
    this.cachedClient?.client.dispose();
    this.cachedClient = null;
  }

  override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    if (changed.has('legacyDatasetAttribute') && this.legacyDatasetAttribute) {
      if (!this.datasetId || this.datasetId === changed.get('legacyDatasetAttribute')) {
        this.datasetId = this.legacyDatasetAttribute;
      }
      if (!warnedLegacyDataset) {
        warnedLegacyDataset = true;
        console.warn(
          `<${this.localName}>: the "dataset" attribute is deprecated; use dataset-id="${this.legacyDatasetAttribute}" (property datasetId), which Vue and React can set.`,
        );
      }
    }
  }

  /** The endpoint in use: `endpoint`, else the API that served the bundle, else the page's `/graphql`. */
  protected get resolvedEndpoint(): string {
    return this.endpoint || defaultEndpoint();
  }

  /** The theme in effect: `auto` resolved against the operating system's preference. */
  protected get resolvedTheme(): 'light' | 'dark' {
    if (this.theme === 'dark') return 'dark';
    if (this.theme === 'auto') return this.systemPrefersDark ? 'dark' : 'light';
    return 'light';
  }

  /** Messages of the current locale. */
  protected get messages(): WidgetMessages {
    return messagesFor(this.locale);
  }

  /** The BCP 47 tag in use (`en` or `zh-CN`). */
  protected get localeTag(): string {
    return resolveLocale(this.locale);
  }

  /** Formatters of the current locale and currency (cached: Intl constructors are slow). */
  protected formatters(bucket: Bucket = 'DAY'): WidgetFormatters {
    const key = `${this.locale}\u0000${this.currency}\u0000${bucket}`;
    let formatters = this.formatterCache.get(key);
    if (!formatters) {
      formatters = createFormatters(this.locale, this.currency, bucket);
      this.formatterCache.set(key, formatters);
    }
    return formatters;
  }

  /** The GraphQL client for the current endpoint and token (rebuilt when they change). */
  protected get client(): GraphQLClient {
    const endpoint = this.resolvedEndpoint;
    const key = `${endpoint}\u0000${this.token}`;
    if (
      !this.cachedClient ||
      this.cachedClient.key !== key ||
      this.cachedClient.client.options.fetch !== this.fetchImpl
    ) {
      this.cachedClient?.client.dispose();
      this.cachedClient = {
        key,
        client: new GraphQLClient({ endpoint, token: this.token, fetch: this.fetchImpl }),
      };
    }
    return this.cachedClient.client;
  }

  /**
   * Values of CSS custom properties on the host, read with one style computation (chart colours:
   * SVG attributes need literal values).
   */
  protected cssVariables<TKey extends string>(fallbacks: Readonly<Record<TKey, string>>): Record<TKey, string> {
    const style = getComputedStyle(this);
    const result = {} as Record<TKey, string>;
    for (const name of Object.keys(fallbacks) as TKey[]) {
      result[name] = style.getPropertyValue(name).trim() || fallbacks[name];
    }
    return result;
  }

  /**
   * Dispatches a typed `fq-*` event that bubbles and crosses shadow roots.
   *
   * @example
   * ```ts
   * this.emit('fq-series-change', { seriesId: 'FOODS_1_001_CA_1', groupBy: null });
   * ```
   */
  emit<TName extends FqEventName>(name: TName, detail: FqEventDetail<TName>): boolean {
    return this.dispatchEvent(new CustomEvent(name, { bubbles: true, composed: true, cancelable: false, detail }));
  }

  /** Emits `fq-error` for a failed request; returns the code shown. */
  protected reportError(error: unknown): string {
    const code = error instanceof GraphQLRequestError ? error.code : 'INTERNAL_SERVER_ERROR';
    const message = error instanceof Error ? error.message : String(error);
    this.emit('fq-error', { code, message });
    return code;
  }

  protected renderLoading(): TemplateResult {
    return html`<div class="state" part="state" data-kind="loading" role="status" aria-live="polite">
      ${this.messages.loading}
    </div>`;
  }

  protected renderEmpty(text: string = this.messages.empty): TemplateResult {
    return html`<div class="state" part="state" data-kind="empty" role="status">${text}</div>`;
  }

  protected renderError(error: unknown, retry: () => void, title: string = this.messages.errorTitle): TemplateResult {
    const code = error instanceof GraphQLRequestError ? error.code : 'INTERNAL_SERVER_ERROR';
    const explanation = this.messages.errorByCode[code] ?? this.messages.errorFallback;
    const detail = error instanceof Error ? error.message : String(error);
    return html`<div class="state" part="state error" data-kind="error" data-code=${code} role="alert">
      <strong>${title}</strong>
      <span>${explanation}</span>
      <code>${code}: ${detail}</code>
      <button type="button" @click=${retry}>${this.messages.retry}</button>
    </div>`;
  }
}
