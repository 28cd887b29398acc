import { createRouter } from "../../http/router";
import * as handlers from "./reactions.handlers";
import * as routes from "./reactions.routes";

export const reactionsRouter = createRouter()
  .openapi(routes.listReactions, handlers.listReactionsHandler)
  .openapi(routes.addReaction, handlers.addReactionHandler)
  .openapi(routes.removeReaction, handlers.removeReactionHandler);
