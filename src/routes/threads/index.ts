import { createRouter } from "../../http/router";
import * as handlers from "./threads.handlers";
import * as routes from "./threads.routes";

export const threadsRouter = createRouter()
  .openapi(routes.createThread, handlers.createThreadHandler)
  .openapi(routes.listThreads, handlers.listThreadsHandler)
  .openapi(routes.getThread, handlers.getThreadHandler)
  .openapi(routes.updateThread, handlers.updateThreadHandler)
  .openapi(routes.deleteThread, handlers.deleteThreadHandler);
