import { createClient, type Client as WsClient } from 'graphql-ws';

/**
 * Codes a widget can show. GraphQL errors carry their own `extensions.code` (ARCHITECTURE §4);
 * transport failures are mapped onto the same vocabulary.
 */
export const CLIENT_ERROR_CODES = {
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  NETWORK_ERROR: 'NETWORK_ERROR',
  /** The API answered, but not to this page's origin: it is missing from FORECASTQL_CORS_ORIGINS. */
  CORS_REFUSED: 'CORS_REFUSED',
  BAD_RESPONSE: 'BAD_RESPONSE',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
} as const;

/** A failed GraphQL request: `code` is `extensions.code` of the first error, or a transport code. */
export class GraphQLRequestError extends Error {
  override readonly name = 'GraphQLRequestError';
  constructor(
    message: string,
    readonly code: string,
    readonly status: number | null = null,
  ) {
    super(message);
  }
}

/** One error object of a GraphQL response. */
export interface GraphQLErrorShape {
  readonly message: string;
  readonly extensions?: { readonly code?: unknown };
}

/** The body of a GraphQL-over-HTTP response. */
export interface GraphQLResponseBody<TData> {
  readonly data?: TData | null;
  readonly errors?: readonly GraphQLErrorShape[];
}

/** What a widget needs to reach the API. */
export interface GraphQLClientOptions {
  /** GraphQL endpoint, absolute or relative to the page, e.g. `https://shop.example/graphql`. */
  readonly endpoint: string;
  /** Embed token, sent as `Authorization: Bearer <token>` (HTTP) and in `connectionParams` (WebSocket). */
  readonly token?: string | undefined;
  /** Injected fetch (tests, Storybook mocks); defaults to the global one. */
  readonly fetch?: typeof fetch | undefined;
}

/** Callbacks of a subscription. */
export interface SubscriptionSink<TData> {
  next(data: TData): void;
  /** The subscription could not start or broke; the caller falls back to polling. */
  error(error: GraphQLRequestError): void;
  complete(): void;
}

/**
 * Turns a raw HTTP status and body into data or a {@link GraphQLRequestError}. Pure, so the mapping is
 * unit-tested without a network.
 *
 * @example
 * ```ts
 * interpretGraphQLResponse(401, { errors: [{ message: 'bad token' }] }); // throws code UNAUTHENTICATED
 * ```
 */
export function interpretGraphQLResponse<TData>(status: number, body: unknown): TData {
  const parsed = isResponseBody<TData>(body) ? body : null;
  const first = parsed?.errors?.[0];
  if (first) {
    const code = typeof first.extensions?.code === 'string' ? first.extensions.code : codeForStatus(status);
    throw new GraphQLRequestError(first.message || `Request failed with HTTP ${status}`, code, status);
  }
  if (status < 200 || status >= 300) {
    throw new GraphQLRequestError(`The API answered HTTP ${status}`, codeForStatus(status), status);
  }
  if (parsed?.data === undefined || parsed.data === null) {
    throw new GraphQLRequestError('The API answered without data', CLIENT_ERROR_CODES.BAD_RESPONSE, status);
  }
  return parsed.data;
}

function codeForStatus(status: number): string {
  if (status === 401) return CLIENT_ERROR_CODES.UNAUTHENTICATED;
  if (status === 403) return CLIENT_ERROR_CODES.FORBIDDEN;
  if (status >= 500) return CLIENT_ERROR_CODES.INTERNAL_SERVER_ERROR;
  if (status >= 200 && status < 300) return CLIENT_ERROR_CODES.BAD_RESPONSE;
  return `HTTP_${status}`;
}

function isResponseBody<TData>(body: unknown): body is GraphQLResponseBody<TData> {
  return typeof body === 'object' && body !== null && ('data' in body || 'errors' in body);
}

/** Derives the graphql-ws URL from the HTTP endpoint: same host and path, `ws:`/`wss:` scheme. */
export function webSocketUrlFor(endpoint: string, base: string): string {
  const url = new URL(endpoint, base);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.toString();
}

/**
 * A small GraphQL client for the widgets: POST with fetch, abortable, errors mapped to codes, and
 * graphql-ws subscriptions opened lazily.
 *
 * @example
 * ```ts
 * const client = new GraphQLClient({ endpoint: '/graphql', token });
 * const data = await client.request<{ forecast: Forecast }>(FORECAST_QUERY, { datasetId }, signal);
 * ```
 */
export class GraphQLClient {
  private webSocketClient: WsClient | null = null;

  constructor(readonly options: GraphQLClientOptions) {}

  /** Sends one query or mutation; rejects with {@link GraphQLRequestError} (or the AbortError). */
  async request<TData, TVariables extends object = Record<string, unknown>>(
    document: string,
    variables: TVariables,
    signal?: AbortSignal,
  ): Promise<TData> {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json, application/json',
    };
    if (this.options.token) headers['authorization'] = `Bearer ${this.options.token}`;
    const fetchImpl = this.options.fetch ?? globalThis.fetch.bind(globalThis);
    let response: Response;
    try {
      response = await fetchImpl(this.options.endpoint, {
        method: 'POST',
        headers,
        body: JSON.stringify({ query: document, variables }),
        signal: signal ?? null,
      });
    } catch (error) {
      if (signal?.aborted) throw error;
      const reason = error instanceof Error ? error.message : String(error);
      const origin = globalThis.location?.origin;
      if (origin && (await this.refusedOrigin(fetchImpl, origin, signal))) {
        throw new GraphQLRequestError(
          `${this.options.endpoint} answered, but not to pages on ${origin}: add ${origin} to FORECASTQL_CORS_ORIGINS on the API server (${reason})`,
          CLIENT_ERROR_CODES.CORS_REFUSED,
        );
      }
      throw new GraphQLRequestError(
        `Could not reach ${this.options.endpoint} (${reason})`,
        CLIENT_ERROR_CODES.NETWORK_ERROR,
      );
    }
    let body: unknown = null;
    try {
      body = await response.json();
    } catch (error) {
      if (signal?.aborted) throw error;
      body = null;
    }
    return interpretGraphQLResponse<TData>(response.status, body);
  }

  /**
   * After a failed fetch to another origin: whether the server is up and only CORS stood in the way.
   * A `no-cors` request needs no permission; when it gets an (opaque) answer, the server is reachable.
   */
  private async refusedOrigin(fetchImpl: typeof fetch, pageOrigin: string, signal?: AbortSignal): Promise<boolean> {
    let target: URL;
    try {
      target = new URL(this.options.endpoint, globalThis.location.href);
    } catch {
      return false;
    }
    if (target.origin === pageOrigin) return false;
    try {
      await fetchImpl(target.toString(), { method: 'GET', mode: 'no-cors', signal: signal ?? null });
      return true;
    } catch {
      return false;
    }
  }

  /** Opens a graphql-ws subscription; returns a function that closes it. */
  subscribe<TData, TVariables extends object = Record<string, unknown>>(
    document: string,
    variables: TVariables,
    sink: SubscriptionSink<TData>,
  ): () => void {
    let client: WsClient;
    try {
      client = this.webSocketClient ??= createClient({
        url: webSocketUrlFor(this.options.endpoint, globalThis.location?.href ?? 'http://localhost/'),
        connectionParams: this.options.token ? { authorization: `Bearer ${this.options.token}` } : {},
        lazy: true,
        retryAttempts: 0,
      });
    } catch (error) {
      sink.error(new GraphQLRequestError(String(error), CLIENT_ERROR_CODES.NETWORK_ERROR));
      return () => {};
    }
    return client.subscribe<TData>(
      { query: document, variables: variables as Record<string, unknown> },
      {
        next: (result) => {
          const first = result.errors?.[0];
          if (first) {
            const code = typeof first.extensions?.['code'] === 'string' ? first.extensions['code'] : 'BAD_RESPONSE';
            sink.error(new GraphQLRequestError(first.message, code));
          } else if (result.data) sink.next(result.data);
        },
        error: (error) => {
          const message = error instanceof Error ? error.message : 'The subscription closed';
          sink.error(new GraphQLRequestError(message, CLIENT_ERROR_CODES.NETWORK_ERROR));
        },
        complete: () => sink.complete(),
      },
    );
  }

  /** Closes the WebSocket, if one was opened. */
  dispose(): void {
    void this.webSocketClient?.dispose();
    this.webSocketClient = null;
  }
}
