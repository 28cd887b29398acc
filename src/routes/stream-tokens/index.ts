import { createRouter } from "../../http/router";
import * as handlers from "./stream-tokens.handlers";
import * as routes from "./stream-tokens.routes";

export const streamTokensRouter = createRouter().openapi(routes.createStreamToken, handlers.createStreamTokenHandler);
