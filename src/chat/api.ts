import type { Caller } from "../http/forwarded-caller";

export interface ChatEnv {
  /** The API worker (service binding): every message posted and every event read is one of its operations. */
  API: Fetcher;
  /** How long a chat waits for an agent to start its reply before ending the stream (default 60). */
  CHAT_REPLY_WAIT_SECONDS?: string;
}

/** One of the API's operations, made as the caller (their credentials, request id and address). */
export const callApi = (
  env: ChatEnv,
  caller: Caller,
  path: string,
  init: { method?: string; body?: unknown; headers?: Record<string, string>; signal?: AbortSignal } = {},
) => {
  const headers = new Headers(caller.headers);
  for (const [name, value] of Object.entries(init.headers ?? {})) headers.set(name, value);
  if (init.body !== undefined) headers.set("Content-Type", "application/json");
  return env.API.fetch(
    new Request(new URL(path, caller.origin), {
      method: init.method ?? "GET",
      headers,
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      signal: init.signal,
    }),
  );
};

/** The `data` of a successful answer; a refusal is thrown as the API's own response, to be passed on as it is. */
export const dataOf = async <T>(response: Response): Promise<T> => {
  if (!response.ok) throw new ApiRefusal(response);
  return ((await response.json()) as { data: T }).data;
};

/** The API refused an operation the chat made for the caller: its problem is the chat's answer. */
export class ApiRefusal extends Error {
  constructor(readonly response: Response) {
    super(`The API answered ${response.status}`);
  }
}
