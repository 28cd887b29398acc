import type { Pagination, Problem } from "./models.js";

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
