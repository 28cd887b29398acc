import { createRouter } from "../../http/router";
import * as handlers from "./me.handlers";
import * as routes from "./me.routes";

export const meRouter = createRouter()
  .openapi(routes.getMe, handlers.getMeHandler)
  .openapi(routes.updateMe, handlers.updateMeHandler)
  .openapi(routes.listMySessions, handlers.listMySessionsHandler)
  .openapi(routes.revokeMySession, handlers.revokeMySessionHandler);
