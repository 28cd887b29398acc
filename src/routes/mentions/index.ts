import { createRouter } from "../../http/router";
import * as handlers from "./mentions.handlers";
import * as routes from "./mentions.routes";

export const mentionsRouter = createRouter().openapi(routes.listMyMentions, handlers.listMyMentionsHandler);
