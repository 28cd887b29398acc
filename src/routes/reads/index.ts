import { createRouter } from "../../http/router";
import * as handlers from "./reads.handlers";
import * as routes from "./reads.routes";

export const readsRouter = createRouter()
  .openapi(routes.markThreadRead, handlers.markThreadReadHandler)
  .openapi(routes.getThreadReadState, handlers.getThreadReadStateHandler)
  .openapi(routes.getMyUnreadCounts, handlers.getMyUnreadCountsHandler);
