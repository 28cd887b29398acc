import createFetchClient from "openapi-fetch";
import { type RetryOptions, retryingFetch } from "./retry.js";
import type { paths } from "./schema.js";

/** The tokens of a signed-in session (what sign-in and POST /auth/refresh return). */
export interface SessionTokens {
  access_token: string;
  refresh_token: string;
}

export interface ClientOptions {
  /** e.g. `http://localhost:8787` */
  baseUrl: string;
  /** Bearer token or partner API key; a function is called before every request. */
  token?: string | (() => string | Promise<string>);
  /**
   * A signed-in session instead of `token`: when the access token is refused (401), the client
   * refreshes it once with the refresh token and retries the request, transparently. Concurrent
   * requests share one refresh (a second refresh with the same token would end the session).
   */
  session?: SessionTokens & { onRefresh?: (tokens: SessionTokens) => void };
  /** Custom fetch (tests pass the worker's own). */
  fetch?: (request: Request) => Promise<Response>;
  headers?: Record<string, string>;
  /**
   * Safe retries (on by default): writes that take an `Idempotency-Key` get one, and requests that
   * are safe to repeat are retried after network errors, 408, 429, 5xx — after `Retry-After` when
   * given. `false` turns both off. See sdk/README.md.
   */
  retry?: RetryOptions | false;
  /**
   * Read your own writes (on by default): the client sends back the newest `Consistency-Bookmark` it received, so a
   * read served by a database replica is at least as recent as this client's last write. `false` sends none.
   */
  consistency?: boolean;
}

const BOOKMARK_HEADER = "Consistency-Bookmark";

/** A fetch that sends the newest bookmark this client has seen (bookmarks sort oldest to newest as strings). */
const bookmarkingFetch = (send: (request: Request) => Promise<Response>) => {
  let newest: string | undefined;
  return async (request: Request): Promise<Response> => {
    if (newest !== undefined && !request.headers.has(BOOKMARK_HEADER)) request.headers.set(BOOKMARK_HEADER, newest);
    const response = await send(request);
    const bookmark = response.headers.get(BOOKMARK_HEADER);
    if (bookmark && (newest === undefined || bookmark > newest)) newest = bookmark;
    return response;
  };
};

const withBearer = (request: Request, token: string) => {
  request.headers.set("Authorization", `Bearer ${token}`);
  return request;
};

/** A fetch that carries the session's access token and refreshes it once on a 401. */
const sessionFetch = (
  baseUrl: string,
  session: NonNullable<ClientOptions["session"]>,
  send: (request: Request) => Promise<Response>,
) => {
  let tokens: SessionTokens = { access_token: session.access_token, refresh_token: session.refresh_token };
  let refreshing: Promise<boolean> | undefined;

  const refresh = async (): Promise<boolean> => {
    const response = await send(
      new Request(new URL("/auth/refresh", baseUrl), {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ refresh_token: tokens.refresh_token }),
      }),
    );
    if (!response.ok) return false;
    const { data } = (await response.json()) as { data: SessionTokens };
    tokens = { access_token: data.access_token, refresh_token: data.refresh_token };
    session.onRefresh?.(tokens);
    return true;
  };

  return async (request: Request): Promise<Response> => {
    const retry = request.clone();
    const usedToken = tokens.access_token;
    const response = await send(withBearer(request, usedToken));
    if (response.status !== 401) return response;
    // Another request may already have refreshed while this one was in flight.
    if (tokens.access_token === usedToken) {
      refreshing ??= refresh().finally(() => {
        refreshing = undefined;
      });
      if (!(await refreshing)) return response;
    }
    return send(withBearer(retry, tokens.access_token));
  };
};

/**
 * The media types the request/response client reads: everything but `text/event-stream`, whose
 * never-ending responses a live-stream subscription reads instead; so `data` of the events feed is
 * its JSON page.
 */
type ResponseMedia = "application/json" | "*/*" | "image/png" | "text/html";

/** A typed openapi-fetch client: `client.GET("/users/{id}", { params: { path: { id } } })`. */
export const createClient = ({ baseUrl, token, session, fetch, headers, retry, consistency }: ClientOptions) => {
  const plain = fetch ?? ((request: Request) => globalThis.fetch(request));
  const bookmarked = consistency === false ? plain : bookmarkingFetch(plain);
  const send = retry === false ? bookmarked : retryingFetch(bookmarked, baseUrl, retry);
  const client = createFetchClient<paths, ResponseMedia>({
    baseUrl,
    headers,
    fetch: session ? sessionFetch(baseUrl, session, send) : send,
  });
  if (token !== undefined) {
    client.use({
      async onRequest({ request }) {
        return withBearer(request, typeof token === "function" ? await token() : token);
      },
    });
  }
  return client;
};

export type Client = ReturnType<typeof createClient>;
