import { callerOf } from "../http/forwarded-caller";
import { workerProblem } from "../http/worker-problem";
import { createLogger, errorMessage } from "../logging";
import type { AgUiInput, ChatRequest } from "../routes/chat/chat.schemas";
import { runAgUi } from "./ag-ui";
import { ApiRefusal, type ChatEnv } from "./api";
import { listChatMessages, resumeChatStream, sendChatMessage } from "./chat";

/**
 * The chat worker: the chat front-ends' protocols (the AI SDK's UI message stream, AG-UI) as views over the
 * thread log. A companion of the API
 * (reached through its `CHAT` binding once a request is authenticated; it calls the API back through its
 * own `API` binding), so it keeps to the public contract by construction and adds nothing to the API's bundle.
 */
const THREAD_PATH = /^\/chat\/([a-z0-9]{1,64})\/(stream|messages)$/;

export default {
  async fetch(request, env) {
    const caller = callerOf(request);
    const url = new URL(request.url);
    if (!caller) {
      // Only the API reaches this worker, and it always says who calls: anything else is misrouted.
      return workerProblem("unauthorized", "Call /chat on the API, which authenticates the request.", {
        requestId: crypto.randomUUID(),
        instance: url.pathname,
      });
    }
    const log = createLogger({ request_id: caller.requestId, worker: "chat" });
    try {
      if (request.method === "POST" && url.pathname === "/chat") {
        return await sendChatMessage(env, caller, log, (await request.json()) as ChatRequest);
      }
      if (request.method === "POST" && url.pathname === "/ag-ui") {
        return await runAgUi(env, caller, log, (await request.json()) as AgUiInput);
      }
      const [, threadId, what] = THREAD_PATH.exec(url.pathname) ?? [];
      if (request.method === "GET" && threadId && what === "stream") {
        return await resumeChatStream(env, caller, log, threadId);
      }
      if (request.method === "GET" && threadId && what === "messages") {
        return await listChatMessages(env, caller, threadId, url.searchParams);
      }
      return workerProblem("not-found", `No chat operation at ${request.method} ${url.pathname}.`, {
        requestId: caller.requestId,
        instance: url.pathname,
      });
    } catch (error) {
      if (error instanceof ApiRefusal) return error.response;
      log.error("chat request failed", { error: errorMessage(error) });
      return workerProblem("internal-error", "The chat request failed; quote trace_id when reporting it.", {
        requestId: caller.requestId,
        instance: url.pathname,
      });
    }
  },
} satisfies ExportedHandler<ChatEnv>;
