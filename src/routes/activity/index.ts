import { createRouter } from "../../http/router";
import * as handlers from "./activity.handlers";
import * as routes from "./activity.routes";

export const activityRouter = createRouter()
  .openapi(routes.setActivityStatus, handlers.setActivityStatusHandler)
  .openapi(routes.clearActivityStatus, handlers.clearActivityStatusHandler)
  .openapi(routes.listActivityStatuses, handlers.listActivityStatusesHandler);
