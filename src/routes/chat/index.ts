import { createRouter } from "../../http/router";
import * as handlers from "./chat.handlers";
import * as routes from "./chat.routes";

export const chatRouter = createRouter()
  .openapi(routes.sendChatMessage, handlers.sendChatMessageHandler)
  .openapi(routes.resumeChatStream, handlers.resumeChatStreamHandler)
  .openapi(routes.listChatMessages, handlers.listChatMessagesHandler)
  .openapi(routes.runAgUiAgent, handlers.runAgUiAgentHandler);
