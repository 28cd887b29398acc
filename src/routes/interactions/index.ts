import { createRouter } from "../../http/router";
import * as handlers from "./interactions.handlers";
import * as routes from "./interactions.routes";

export const interactionsRouter = createRouter()
  .openapi(routes.submitBlockAction, handlers.submitBlockActionHandler)
  .openapi(routes.submitForm, handlers.submitFormHandler)
  .openapi(routes.listInteractions, handlers.listInteractionsHandler);
