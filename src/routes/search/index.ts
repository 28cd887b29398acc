import { createRouter } from "../../http/router";
import * as handlers from "./search.handlers";
import * as routes from "./search.routes";

export const searchRouter = createRouter().openapi(routes.searchMessages, handlers.searchMessagesHandler);
