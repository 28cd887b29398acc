import createFetchClient from "openapi-fetch";
import { type RetryOptions, retryingFetch } from "./retry.js";
import type { components, paths } from "./schema.js";

export type { RetryOptions } from "./retry.js";
export { type StreamReplyOptions, streamReply } from "./stream-reply.js";
export {
  type ActivityChange,
  applyDelta,
  type EventSourceConstructor,
  type EventSourceMessageEvent,
  type MessageDelta,
  type StreamReset,
  type SubscribeHandlers,
  type SubscribeOptions,
  type Subscription,
  subscribe,
  subscribeUser,
  type ThreadEventHandlers,
  type UserEvent,
  type UserSubscribeHandlers,
} from "./subscribe.js";
export type { components, paths };

type Schemas = components["schemas"];
export type Problem = Schemas["Problem"];
export type Pagination = Schemas["Pagination"];
export type Thread = Schemas["Thread"];
export type Message = Schemas["Message"];
export type MessageSnapshot = Schemas["MessageSnapshot"];
export type ReactionSummary = Schemas["ReactionSummary"];
export type ThreadMemory = Schemas["ThreadMemory"];
export type SearchHit = Schemas["SearchHit"];
/** One change in a thread's event log; narrow on `type` to get the matching `data`. */
export type ThreadEvent = Schemas["ThreadEvent"];
/** Slack-compatible Block Kit blocks: the union, and one type per block. */
export type Block = Schemas["Block"];
export type SectionBlock = Schemas["SectionBlock"];
export type HeaderBlock = Schemas["HeaderBlock"];
export type DividerBlock = Schemas["DividerBlock"];
export type ImageBlock = Schemas["ImageBlock"];
export type ContextBlock = Schemas["ContextBlock"];
export type ActionsBlock = Schemas["ActionsBlock"];
export type InputBlock = Schemas["InputBlock"];
export type RichTextBlock = Schemas["RichTextBlock"];
export type MarkdownBlock = Schemas["MarkdownBlock"];

/** Thrown by `unwrap` and `paginate` for every non-2xx answer; carries the RFC 9457 problem. */
export class ApiProblemError extends Error {
  readonly status: number;
  readonly type: string;

  constructor(
    readonly problem: Problem,
    readonly response: Response,
  ) {
    super(`${problem.status} ${problem.title}: ${problem.detail}`);
    this.name = "ApiProblemError";
    this.status = problem.status;
    this.type = problem.type;
  }
}

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

/** The problem inside an error body, whether enveloped or bare (`application/problem+json`). */
const toProblem = (body: unknown, response: Response): Problem => {
  const candidate =
    typeof body === "object" && body !== null && "error" in body && (body as { success?: unknown }).success === false
      ? (body as { error: unknown }).error
      : body;
  if (typeof candidate === "object" && candidate !== null && "type" in candidate && "status" in candidate) {
    return candidate as Problem;
  }
  return {
    type: "about:blank",
    title: response.statusText || "Request failed",
    status: response.status,
    detail: typeof body === "string" ? body : "The response carried no problem details.",
    instance: new URL(response.url || "http://invalid/").pathname,
    timestamp: new Date().toISOString(),
    trace_id: response.headers.get("X-Request-Id") ?? "",
  };
};

interface FetchResult<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** The envelope's `data` of the success member of an openapi-fetch result (undefined for 204/304). */
type DataOf<R> = R extends { data: infer D } ? (D extends { data: infer T } ? T : undefined) : never;

/**
 * Awaits a client call and returns the envelope's `data`, or throws ApiProblemError.
 * Answers without a body (204, 304) resolve to undefined.
 */
export const unwrap = async <R extends FetchResult<unknown>>(call: Promise<R>): Promise<DataOf<R>> => {
  const { data, error, response } = await call;
  if (!response.ok && response.status !== 304) throw new ApiProblemError(toProblem(error, response), response);
  return (data as { data?: unknown } | undefined)?.data as DataOf<R>;
};

/**
 * Iterates every item of a list operation, following `next_cursor` page by page:
 * `for await (const user of paginate((cursor) => client.GET("/users", { params: { query: { cursor } } })))`.
 */
export async function* paginate<T>(
  fetchPage: (cursor: string | undefined) => Promise<FetchResult<{ data: T[]; pagination: Pagination }>>,
): AsyncGenerator<T> {
  let cursor: string | undefined;
  do {
    const { data, error, response } = await fetchPage(cursor);
    if (!data) throw new ApiProblemError(toProblem(error, response), response);
    yield* data.data;
    cursor = data.pagination.next_cursor ?? undefined;
  } while (cursor);
}
