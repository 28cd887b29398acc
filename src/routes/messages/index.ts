import { createRouter } from "../../http/router";
import * as handlers from "./messages.handlers";
import * as routes from "./messages.routes";
import * as replyRequestHandlers from "./reply-requests.handlers";
import * as replyRequestRoutes from "./reply-requests.routes";
import * as streamingHandlers from "./streaming.handlers";
import * as streamingRoutes from "./streaming.routes";

export const messagesRouter = createRouter()
  .openapi(routes.createMessage, handlers.createMessageHandler)
  .openapi(routes.listMessages, handlers.listMessagesHandler)
  .openapi(routes.getMessage, handlers.getMessageHandler)
  .openapi(routes.updateMessage, handlers.updateMessageHandler)
  .openapi(routes.deleteMessage, handlers.deleteMessageHandler)
  .openapi(streamingRoutes.appendMessageDelta, streamingHandlers.appendMessageDeltaHandler)
  .openapi(streamingRoutes.completeMessage, streamingHandlers.completeMessageHandler)
  .openapi(streamingRoutes.stopMessage, streamingHandlers.stopMessageHandler)
  .openapi(replyRequestRoutes.regenerateReply, replyRequestHandlers.regenerateReplyHandler);
