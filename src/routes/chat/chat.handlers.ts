import type { RouteHandler } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { okPage } from "../../http/envelope";
import { type CompanionWorker, forwardTo, unreachable } from "../../middleware/companion-worker";
import type { ChatPageAnswer, listChatMessages, resumeChatStream, runAgUiAgent, sendChatMessage } from "./chat.routes";

const CHAT_WORKER: CompanionWorker = {
  feature: "chat",
  name: "The chat worker",
  config: "src/chat/wrangler.jsonc",
  binding: (env) => env.CHAT,
};

/**
 * The chat worker's answer as ours: a problem it passes on from an operation it made as the caller (a thread
 * you cannot reach, too many streams) as it is; a failure of its own as the worker being unavailable.
 */
const passOn = async (answer: Response) => {
  if (answer.status >= 500 && !(answer.headers.get("Content-Type") ?? "").includes("json")) {
    throw unreachable(CHAT_WORKER);
  }
  // A fresh response: Hono's middleware adds headers, and a fetched response's are immutable.
  return new Response(answer.body, answer);
};

const forward = (c: Context<AppEnv>, init: RequestInit = { method: "GET" }) => forwardTo(c, CHAT_WORKER, init);

/** A protocol's POST, with the body as the contract validated it. */
const forwardBody = async (c: Context<AppEnv>, body: unknown) =>
  passOn(
    await forward(c, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) }),
  );

export const sendChatMessageHandler: RouteHandler<typeof sendChatMessage, AppEnv> = async (c) =>
  forwardBody(c, c.req.valid("json")) as never;

export const runAgUiAgentHandler: RouteHandler<typeof runAgUiAgent, AppEnv> = async (c) =>
  forwardBody(c, c.req.valid("json")) as never;

export const resumeChatStreamHandler: RouteHandler<typeof resumeChatStream, AppEnv> = async (c) =>
  passOn(await forward(c)) as never;

export const listChatMessagesHandler: RouteHandler<typeof listChatMessages, AppEnv> = async (c) => {
  const answer = await forward(c);
  if (!answer.ok) return passOn(answer) as never;
  const { data, pagination } = await answer.json<ChatPageAnswer>();
  return okPage(c, data, pagination);
};
